"""Check one row of a form against its declaration: field checks, then the declared rules."""

from __future__ import annotations

from dataclasses import dataclass

from forms.coerce import CoerceError, coerce
from forms.expr import NotApplicable, evaluate
from forms.schema import Form


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
    """Return the per-field findings of a typed row: required, min and max (these refuse a save)."""
    findings = []
    for field in form.input_fields:
        v = values.get(field.key)
        if v is None:
            if field.required:
                findings.append(Finding(form.id, row_key, field.key, "hard", f"{field.label}必须填写", "required"))
            continue
        if field.min is not None and v < field.min:
            findings.append(Finding(form.id, row_key, field.key, "hard", f"{field.label}不能小于{field.min:g}", "min"))
        if field.max is not None and v > field.max:
            findings.append(Finding(form.id, row_key, field.key, "hard", f"{field.label}不能大于{field.max:g}", "max"))
    return findings


def check_row(form: Form, values: dict, *, row_key: str = "", context: dict | None = None) -> list[Finding]:
    """Return the findings for one typed row; context adds row and computed values for the rules."""
    findings = check_fields(form, values, row_key=row_key)
    scope = {f.key: ("" if f.type in ("text", "choice") else None) for f in form.fields}
    scope.update(context or {})
    scope.update({k: ("" if v is None and form.field(k).type in ("text", "choice") else v) for k, v in values.items()})
    explained = bool(values.get("explanation"))
    for rule in form.rules:
        try:
            ok = evaluate(rule.check, scope)
        except NotApplicable:
            continue
        if not ok:
            findings.append(Finding(form.id, row_key, rule.field or "", rule.level, rule.message, rule.id,
                                    explained=rule.level == "soft" and explained))
    return findings


def blocking(findings: list[Finding]) -> list[Finding]:
    """Return the findings that stop a save or an accept: hard errors."""
    return [f for f in findings if f.level == "hard"]
