"""Check one row of a form against its declaration: field checks, then the declared rules.

Everything a check needs from the declaration is prepared once per form (FormChecks, kept on the Form):
the field checks with their messages, which fields are text, and the rules compiled into closures
(forms.expr.rule_function). Checking a row then only looks at the row's values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from forms.coerce import CoerceError, coerce, to_json_value
from forms.expr import NotApplicable, RuleFunction, names_in, rule_function
from forms.schema import PREVIOUS

if TYPE_CHECKING:
    from forms.schema import Form

_TEXT_TYPES = ("text", "choice")
_EXACT = (int, Decimal)  # exactly these types (not bool, not a subclass) compare with a whole-number limit as an int


@dataclass(frozen=True)
class Finding:
    """One validation result for a cell: a hard error or a soft warning."""

    form_id: str
    row_key: str
    field: str
    level: str  # hard | soft
    message: str
    rule_id: str = ""
    explained: bool = False  # a soft warning with a 说明 passes


class FormChecks:
    """A form's checks prepared once: per-field limits and messages, the rules' scope template, compiled rules."""

    def __init__(self, form: Form) -> None:
        self.form_id = form.id
        # (key, required message or None, min, min as int, min message, max, max as int, max message) of each
        # typed field that has a check, in field order (so findings come out in the same order); a field
        # without one cannot give any.
        self.fields = tuple(
            (f.key, f"{f.label}必须填写" if f.required else None,
             f.min, _as_int(f.min), f"{f.label}不能小于{f.min:g}" if f.min is not None else "",
             f.max, _as_int(f.max), f"{f.label}不能大于{f.max:g}" if f.max is not None else "")
            for f in form.input_fields if f.required or f.min is not None or f.max is not None)
        # (key, most characters, message template) of each typed text field, as its declaration limits it.
        self.lengths = tuple((f.key, f.longest, f"{f.label}最多 {f.longest:,} 个字（现有 {{n:,}} 个字）")
                             for f in form.input_fields if f.longest is not None)
        # Per indicator row shown without decimals (a count: 台, 辆), (key, message) of each typed figure in the
        # row's unit: 12.5 台 would show as 12 in the grid and 13 in Excel, so only whole numbers are taken.
        counted = tuple(f for f in form.input_fields if f.unit_from_row and f.type == "decimal")
        self.whole = {ind.key: tuple((f.key, f"{ind.label}以“{ind.unit}”计，{f.label}须为整数") for f in counted)
                      for ind in form.indicators if ind.decimals == 0 and counted}
        self.field_keys = frozenset(f.key for f in form.fields)
        self.text_keys = frozenset(f.key for f in form.fields if f.type in _TEXT_TYPES)
        # What a rule sees for a name the row does not give: "" for a text field, None (not applicable) otherwise;
        # last month's value of a field (PREVIOUS) likewise.
        self.defaults = {f.key: ("" if f.type in _TEXT_TYPES else None) for f in form.fields}
        self.defaults.update({PREVIOUS + f.key: self.defaults[f.key] for f in form.input_fields})
        self.rules: tuple[tuple[RuleFunction, str, str, str, str, tuple[str, ...]], ...] = tuple(
            (rule_function(r.check), r.field or "", r.level, r.message, r.id, r.message_names) for r in form.rules)
        # Only the names the rules read or their messages show go into a row's scope.
        self.names = tuple(sorted(set().union(*(names_in(r.check) | set(r.message_names) for r in form.rules))))
        # The typed fields whose value last month the rules read (prev_<key>), for the reader to give them.
        self.previous = tuple(name[len(PREVIOUS):] for name in self.names if name.startswith(PREVIOUS))

    def scope(self, values: dict, context: dict | None) -> dict:
        """The values the rules see: the row's typed values over the context over the defaults, blanks as ""."""
        if not values.keys() <= self.field_keys:
            for k, v in values.items():
                if v is None and k not in self.field_keys:
                    raise KeyError(k)  # as Form.field(k) did for an unknown key
        text_keys, defaults = self.text_keys, self.defaults
        scope = {}
        for name in self.names:
            if name in values:
                v = values[name]
                if v is None and name in text_keys:
                    v = ""
            elif context and name in context:
                v = context[name]
            else:
                v = defaults.get(name)
            scope[name] = v
        return scope


def _as_int(limit: float | None) -> float | int | None:
    # An int or a Decimal compares with a whole-number float limit exactly as with the same int (Python
    # compares across these types exactly), and four times faster for a Decimal; other types (a wrong type,
    # a float) still compare with the float itself, so their results and errors do not change.
    return int(limit) if limit is not None and math.isfinite(limit) and limit.is_integer() else limit


def coerce_row(form: Form, raw: dict, *, row_key: str = "") -> tuple[dict, list[Finding]]:
    """Coerce the input fields of a raw row; return typed values and type errors."""
    values, findings = {}, []
    for field in form.input_fields:
        try:
            values[field.key] = coerce(field, raw.get(field.key))
        except CoerceError as exc:
            values[field.key] = None
            findings.append(Finding(form.id, row_key, field.key, "hard", str(exc), "type"))
    return values, findings


def check_fields(form: Form, values: dict, *, row_key: str = "") -> list[Finding]:
    """Return the per-field findings of a typed row: required, min, max, length, whole counts (these refuse a save)."""
    return _field_findings(form.checks, values, row_key)


def _field_findings(checks: FormChecks, values: dict, row_key: str) -> list[Finding]:
    findings = []
    for key, required, lo, lo_int, lo_message, hi, hi_int, hi_message in checks.fields:
        v = values.get(key)
        if v is None:
            if required is not None:
                findings.append(Finding(checks.form_id, row_key, key, "hard", required, "required"))
            continue
        exact = type(v) in _EXACT
        if lo is not None and (v < lo_int if exact else v < lo):
            findings.append(Finding(checks.form_id, row_key, key, "hard", lo_message, "min"))
        if hi is not None and (v > hi_int if exact else v > hi):
            findings.append(Finding(checks.form_id, row_key, key, "hard", hi_message, "max"))
    for key, longest, message in checks.lengths:
        v = values.get(key)
        if v is not None and len(v) > longest:
            findings.append(Finding(checks.form_id, row_key, key, "hard", message.format(n=len(v)), "max_length"))
    for key, message in checks.whole.get(row_key, ()):
        v = values.get(key)
        if type(v) is Decimal and v != v.to_integral_value():
            findings.append(Finding(checks.form_id, row_key, key, "hard", message, "whole"))
    return findings


def check_row(form: Form, values: dict, *, row_key: str = "", context: dict | None = None,
              fields: bool = True) -> list[Finding]:
    """Return the findings for one typed row; context adds row and computed values for the rules.

    fields=False leaves out check_fields, for values the caller has just seen pass it.
    """
    checks = form.checks
    findings = _field_findings(checks, values, row_key) if fields else []
    scope = checks.scope(values, context)
    explained = bool(values.get("explanation"))
    for test, field, level, message, rule_id, shows in checks.rules:
        try:
            ok = test(scope)
        except NotApplicable:
            continue
        if not ok:
            if shows:
                message = message.format_map({name: shown_value(scope[name]) for name in shows})
            findings.append(Finding(checks.form_id, row_key, field, level, message, rule_id,
                                    explained=level == "soft" and explained))
    return findings


def shown_value(value: object) -> str:
    """A value as a rule's message shows it: 1200, 94.5 (a number as stored), text as typed, — for nothing."""
    if value is None or value == "":
        return "—"
    return to_json_value(value) if isinstance(value, Decimal) else str(value)


def blocking(findings: list[Finding]) -> list[Finding]:
    """Return the findings that stop a save or an accept: hard errors."""
    return [f for f in findings if f.level == "hard"]
