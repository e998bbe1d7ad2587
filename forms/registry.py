"""Load the form declarations in forms/defs/ into frozen Form objects."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from forms.expr import compile_rule, names_in
from forms.schema import Form
from models.errors import FormError
from models.frozen import ValidationError
from models.resources import resource_path

FORM_IDS = ("tasks", "events", "figures")


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_form_file(path: str | Path) -> Form:
    """Read and validate one form declaration; errors name the file, the place and the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormError(f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON: {exc.msg}") from None
    try:
        form = Form.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors()[:10]]
        raise FormError("invalid form declaration\n" + "\n".join(lines)) from None
    for i, rule in enumerate(form.rules):
        try:
            compile_rule(rule.check)
        except FormError as exc:
            raise FormError(f"{path}: rules[{i}].check: {exc}") from None
        unknown = (names_in(rule.check) | set(rule.message_names)) - form.rule_names
        if unknown:
            raise FormError(f"{path}: rules[{i}].check: unknown field(s) {', '.join(sorted(unknown))}")
    return form


@cache
def get_form(form_id: str) -> Form:
    """Return a declared form by id."""
    if form_id not in FORM_IDS:
        raise FormError(f"unknown form {form_id!r}; forms: {', '.join(FORM_IDS)}")
    return load_form_file(resource_path("forms", "defs", f"{form_id}.json"))


def all_forms() -> list[Form]:
    """Return every declared form in 表号 order."""
    return [get_form(f) for f in FORM_IDS]
