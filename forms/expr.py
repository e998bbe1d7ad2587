"""A small, safe expression language for form rules: comparisons and arithmetic over field keys.

A rule is parsed and checked once (compile_rule: only the nodes in _ALLOWED), then turned once into a tree of
Python closures (rule_function), one per node, so that checking a row is a call with the row's values rather
than a walk over the syntax tree. No source text is ever generated, and nothing but these closures runs.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
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
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}

Values = Mapping[str, object]
RuleFunction = Callable[[Values], bool]


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


@cache
def rule_function(source: str) -> RuleFunction:
    """Return a rule compiled once: a function of the values that says whether they pass, or raises NotApplicable."""
    node = compile_rule(source).body
    body = _compile(node)
    if isinstance(node, (ast.Compare, ast.BoolOp)) or isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return body  # these already give True or False

    def rule(values: Values) -> bool:
        return bool(body(values))

    return rule


def evaluate(source: str, values: Values) -> bool:
    """Evaluate a rule; raise NotApplicable when a value it needs is missing."""
    return rule_function(source)(values)


def _num(v):
    # A float (a literal such as 0.5, or a float value) is taken at its printed value, as a Decimal is.
    return Decimal(str(v)) if isinstance(v, float) else v


def _compile(node: ast.AST) -> Callable[[Values], object]:
    """Return a closure computing this node's value from the values; each kind keeps the interpreter's order of evaluation."""
    match node:
        case ast.Constant(value=v):
            return _constant(_num(v))
        case ast.Name(id=name) if name in _FUNCTIONS:
            return _constant(_FUNCTIONS[name])
        case ast.Name(id=name):
            return _name(name)
        case ast.Tuple(elts=elts):
            if all(isinstance(e, ast.Constant) for e in elts):
                return _constant(tuple(_num(e.value) for e in elts))
            parts = tuple(_compile(e) for e in elts)
            return lambda values: tuple([p(values) for p in parts])
        case ast.BoolOp(op=ast.And(), values=vs):
            return _all(tuple(_compile(v) for v in vs))
        case ast.BoolOp(op=ast.Or(), values=vs):
            return _any(tuple(_compile(v) for v in vs))
        case ast.UnaryOp(op=ast.Not(), operand=o):
            operand = _compile(o)
            return lambda values: not operand(values)
        case ast.UnaryOp(op=ast.USub(), operand=o):
            operand = _compile(o)
            return lambda values: -operand(values)
        case ast.BinOp(left=left, op=ast.Div(), right=right):
            return _divide(_compile(left), _compile(right))
        case ast.BinOp(left=left, op=op, right=right) if type(op) in _ARITHMETIC:
            return _binary(_ARITHMETIC[type(op)], _compile(left), _compile(right))
        case ast.IfExp(test=t, body=b, orelse=e):
            test, then, other = _compile(t), _compile(b), _compile(e)
            return lambda values: then(values) if test(values) else other(values)
        case ast.Call(func=ast.Name(id=fn), args=args) if fn in _FUNCTIONS:
            return _call(_FUNCTIONS[fn], tuple(_compile(a) for a in args))
        case ast.Compare(left=ast.Name(id=a), ops=[op], comparators=[ast.Name(id=b)]) if a not in _FUNCTIONS and b not in _FUNCTIONS:
            return _compare_names(_COMPARE[type(op)], a, b)
        case ast.Compare(left=ast.Name(id=a), ops=[op], comparators=[ast.Constant(value=c)]) if a not in _FUNCTIONS:
            return _compare_name_constant(_COMPARE[type(op)], a, _num(c))
        case ast.Compare(left=left, ops=[op], comparators=[right]):
            return _compare(_COMPARE[type(op)], _compile(left), _compile(right))
        case ast.Compare(left=left, ops=ops, comparators=comps):
            steps = tuple((_COMPARE[type(op)], _compile(c)) for op, c in zip(ops, comps, strict=True))
            return _chain(_compile(left), steps)
    raise FormError(f"unsupported expression node {type(node).__name__}")


def _constant(value):
    return lambda values: value


def _name(name: str):
    def lookup(values: Values):
        v = values.get(name)
        if v is None:
            raise NotApplicable(name)
        return Decimal(str(v)) if isinstance(v, float) else v

    return lookup


def _all(parts: tuple):
    def all_of(values: Values) -> bool:
        for part in parts:  # stops at the first false part, so later parts' missing values do not matter
            if not part(values):
                return False
        return True

    return all_of


def _any(parts: tuple):
    def any_of(values: Values) -> bool:
        for part in parts:
            if part(values):
                return True
        return False

    return any_of


def _divide(left, right):
    def divide(values: Values):
        a, b = left(values), right(values)
        if b == 0:
            raise NotApplicable("division by zero")
        return a / b

    return divide


def _binary(op, left, right):
    return lambda values: op(left(values), right(values))


def _call(fn, args: tuple):
    return lambda values: fn(*[a(values) for a in args])


def _compare(op, left, right):
    return lambda values: True if op(left(values), right(values)) else False


# The two commonest rule shapes (a <= b, a == 0) with the name lookups written out: the same steps as
# _compare(op, _name(a), _name(b)), one call per rule instead of three.
def _compare_names(op, a: str, b: str):
    def compare(values: Values) -> bool:
        x = values.get(a)
        if x is None:
            raise NotApplicable(a)
        if isinstance(x, float):
            x = Decimal(str(x))
        y = values.get(b)
        if y is None:
            raise NotApplicable(b)
        if isinstance(y, float):
            y = Decimal(str(y))
        return True if op(x, y) else False

    return compare


def _compare_name_constant(op, a: str, constant):
    def compare(values: Values) -> bool:
        x = values.get(a)
        if x is None:
            raise NotApplicable(a)
        if isinstance(x, float):
            x = Decimal(str(x))
        return True if op(x, constant) else False

    return compare


def _chain(first, steps: tuple):
    def chain(values: Values) -> bool:
        a = first(values)
        for op, comparator in steps:  # a later comparator is evaluated only while the chain holds
            b = comparator(values)
            if not op(a, b):
                return False
            a = b
        return True

    return chain
