"""Test oracle: the tree-walking rule interpreter and row check as they were before rules were compiled.

Not used by the program. tests/test_rules_compiled.py checks that forms.validate (rules compiled once into
closures, scopes from a per-form template) gives exactly what this gives, for random rows of every form.
"""

from __future__ import annotations

import ast
import operator
from decimal import Decimal

from forms.expr import NotApplicable, compile_rule
from forms.schema import Form
from forms.validate import Finding, shown_value
from models.errors import FormError

# The tables as they were, copied so that a change in forms.expr cannot change the oracle too.
_FUNCTIONS = {"abs": abs, "min": min, "max": max}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def reference_evaluate(source: str, values: dict) -> bool:
    """Evaluate a rule by walking its syntax tree on every call (the old forms.expr.evaluate)."""
    return bool(_eval(compile_rule(source).body, values))


def reference_check_fields(form: Form, values: dict, *, row_key: str = "") -> list[Finding]:
    """The old forms.validate.check_fields."""
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
    for field in form.input_fields:
        v = values.get(field.key)
        if field.type == "text" and v is not None and len(v) > (field.max_length or 32767):
            findings.append(Finding(form.id, row_key, field.key, "hard",
                                    f"{field.label}最多 {field.max_length or 32767:,} 个字（现有 {len(v):,} 个字）", "max_length"))
    counts = {ind.key: ind for ind in form.indicators if ind.decimals == 0}
    for field in form.input_fields:
        v = values.get(field.key)
        if row_key in counts and field.unit_from_row and type(v) is Decimal and v != v.to_integral_value():
            ind = counts[row_key]
            findings.append(Finding(form.id, row_key, field.key, "hard", f"{ind.label}以“{ind.unit}”计，{field.label}须为整数",
                                    "whole"))
    return findings


def reference_check_row(form: Form, values: dict, *, row_key: str = "", context: dict | None = None) -> list[Finding]:
    """The old forms.validate.check_row: a scope rebuilt from the fields, every rule interpreted."""
    findings = reference_check_fields(form, values, row_key=row_key)
    scope = {f.key: ("" if f.type in ("text", "choice") else None) for f in form.fields}
    scope.update(context or {})
    scope.update({k: ("" if v is None and form.field(k).type in ("text", "choice") else v) for k, v in values.items()})
    explained = bool(values.get("explanation"))
    for rule in form.rules:
        try:
            ok = reference_evaluate(rule.check, scope)
        except NotApplicable:
            continue
        if not ok:
            message = rule.message.format(**{n: shown_value(scope.get(n)) for n in rule.message_names})
            findings.append(Finding(form.id, row_key, rule.field or "", rule.level, message, rule.id,
                                    explained=rule.level == "soft" and explained))
    return findings


def _num(v):
    return Decimal(str(v)) if isinstance(v, float) else v


def _eval(node, values):
    match node:
        case ast.Constant(value=v):
            return _num(v)
        case ast.Name(id=name):
            if name in _FUNCTIONS:
                return _FUNCTIONS[name]
            v = values.get(name)
            if v is None:
                raise NotApplicable(name)
            return _num(v)
        case ast.Tuple(elts=elts):
            return tuple(_eval(e, values) for e in elts)
        case ast.BoolOp(op=op, values=vs):
            if isinstance(op, ast.And):
                return all(_eval(v, values) for v in vs)
            return any(_eval(v, values) for v in vs)
        case ast.UnaryOp(op=ast.Not(), operand=o):
            return not _eval(o, values)
        case ast.UnaryOp(op=ast.USub(), operand=o):
            return -_eval(o, values)
        case ast.BinOp(left=l, op=op, right=r):
            a, b = _eval(l, values), _eval(r, values)
            if isinstance(op, ast.Add):
                return a + b
            if isinstance(op, ast.Sub):
                return a - b
            if isinstance(op, ast.Mult):
                return a * b
            if b == 0:
                raise NotApplicable("division by zero")
            return a / b
        case ast.IfExp(test=t, body=b, orelse=e):
            return _eval(b, values) if _eval(t, values) else _eval(e, values)
        case ast.Call(func=ast.Name(id=fn), args=args):
            return _FUNCTIONS[fn](*(_eval(a, values) for a in args))
        case ast.Compare(left=left, ops=ops, comparators=comps):
            a = _eval(left, values)
            for op, comp in zip(ops, comps, strict=True):
                b = _eval(comp, values)
                if not _COMPARE[type(op)](a, b):
                    return False
                a = b
            return True
    raise FormError(f"unsupported expression node {type(node).__name__}")
