"""A small, safe expression language for form rules: comparisons and arithmetic over field keys."""

from __future__ import annotations

import ast
import operator
from decimal import Decimal
from functools import cache

from models.errors import FormError

_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.BinOp,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE, ast.In, ast.NotIn, ast.Name, ast.Load, ast.Constant, ast.Tuple, ast.IfExp, ast.Call,
)
_FUNCTIONS = {"abs": abs, "min": min, "max": max}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


class NotApplicable(Exception):
    """A name the rule uses has no value, so the rule does not apply."""


@cache
def compile_rule(source: str) -> ast.Expression:
    """Parse a rule expression, allowing only comparisons, arithmetic and field names."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise FormError(f"rule {source!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise FormError(f"rule {source!r}: {type(node).__name__} is not allowed")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS):
            raise FormError(f"rule {source!r}: only {', '.join(_FUNCTIONS)} may be called")
    return tree


def names_in(source: str) -> set[str]:
    """Return the field names a rule expression uses."""
    return {n.id for n in ast.walk(compile_rule(source)) if isinstance(n, ast.Name) and n.id not in _FUNCTIONS}


def evaluate(source: str, values: dict) -> bool:
    """Evaluate a rule; raise NotApplicable when a value it needs is missing."""
    return bool(_eval(compile_rule(source).body, values))


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
