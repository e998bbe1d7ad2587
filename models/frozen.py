"""Frozen records for declarations read from JSON (plans, forms): typed fields checked by a small validator.

Plain frozen dataclasses rather than pydantic, so that the program starts quickly: they support the types the
declarations use (str, int, float, bool, dates, Literal, X | None, tuple[X, ...] and nested records) and the
constraints ge, le, min_length and pattern. Every problem is collected with its place (tasks[3].lead_units)
and a message in Chinese for whoever wrote the file (a plan file is written by hand by IT staff or a clerk).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import types
import typing
from functools import cache
from typing import Any, ClassVar

_MISSING = dataclasses.MISSING


class ValidationError(ValueError):
    """One or more problems in the data of a record, each with its place and message."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__("；".join(f"{'.'.join(map(str, p['loc'])) or '（顶层）'}：{p['msg']}" for p in problems))
        self._problems = problems

    def errors(self) -> list[dict]:
        """The problems, as dicts with 'loc' (a tuple of keys and indexes) and 'msg'."""
        return list(self._problems)


def spec(default: Any = _MISSING, *, ge: float | None = None, le: float | None = None, min_length: int | None = None,
         pattern: str | None = None) -> Any:
    """Declare a field's default and constraints (as pydantic's Field did)."""
    checks = {k: v for k, v in (("ge", ge), ("le", le), ("min_length", min_length), ("pattern", pattern)) if v is not None}
    return dataclasses.field(default=default, metadata=checks)


class _Problem(Exception):
    def __init__(self, msg: str) -> None:
        self.msg = msg


def _quote(v: object) -> str:
    return f"'{v}'" if isinstance(v, str) else repr(v)


def _convert(tp: Any, value: Any, loc: tuple, problems: list[dict]) -> Any:
    """Return value converted to tp, or _MISSING after recording the problems."""
    origin = typing.get_origin(tp)
    try:
        if tp is Any:
            return value
        if origin in (typing.Union, types.UnionType):
            args = typing.get_args(tp)
            if value is None and type(None) in args:
                return None
            rest = [a for a in args if a is not type(None)]
            if len(rest) == 1:
                return _convert(rest[0], value, loc, problems)
            raise _Problem("内容无效")
        if origin is typing.Literal:
            choices = typing.get_args(tp)
            if value in choices and not isinstance(value, bool):
                return value
            words = [_quote(c) for c in choices]
            raise _Problem(f"应为 {words[0]}" if len(words) == 1 else f"应为以下之一：{'、'.join(words)}（现为 {_quote(value)}）")
        if origin is tuple:
            if not isinstance(value, (list, tuple)):
                raise _Problem("应为列表，如 [\"…\", \"…\"]")
            item = typing.get_args(tp)[0]
            before = len(problems)
            out = tuple(_convert(item, v, (*loc, i), problems) for i, v in enumerate(value))
            return out if len(problems) == before else _MISSING
        if isinstance(tp, type) and issubclass(tp, Record):
            if isinstance(value, tp):
                return value
            if not isinstance(value, dict):
                raise _Problem("应为一组字段，如 {\"…\": …}")
            return tp._parse(value, loc, problems)
        if tp is str:
            if not isinstance(value, str):
                raise _Problem("应为文字（加引号）")
            return value
        if tp is bool:
            if isinstance(value, bool):
                return value
            if value in (0, 1) and isinstance(value, int) or isinstance(value, str) and value.lower() in _BOOL_WORDS:
                return _BOOL_WORDS.get(str(value).lower(), bool(value))
            raise _Problem("应为 true 或 false")
        if tp is int:
            return _to_int(value)
        if tp is float:
            return _to_float(value)
        if tp is dt.date:
            return _to_date(value)
    except _Problem as problem:
        problems.append({"loc": loc, "msg": problem.msg})
        return _MISSING
    raise TypeError(f"unsupported field type {tp!r}")


_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _Problem(f"应为整数，不能有小数（现为 {value}）")
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            raise _Problem(f"应为整数（现为 {_quote(value)}）") from None
    raise _Problem("应为整数")


def _to_float(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise _Problem(f"应为数字（现为 {_quote(value)}）") from None
    raise _Problem("应为数字")


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Problem(f"应为日期，如 2025-10-31（现为 {_quote(value)}）") from None
    raise _Problem("应为日期，如 \"2025-10-31\"")


def _check_constraints(value: Any, checks: dict, loc: tuple, problems: list[dict]) -> None:
    if value is None or value is _MISSING:
        return
    if "min_length" in checks and len(value) < checks["min_length"]:
        n = checks["min_length"]
        if isinstance(value, str):
            problems.append({"loc": loc, "msg": "不能为空" if n == 1 else f"至少要有 {n} 个字"})
        else:
            problems.append({"loc": loc, "msg": f"至少要有 {n} 项（现有 {len(value)} 项）"})
    if "ge" in checks and value < checks["ge"]:
        problems.append({"loc": loc, "msg": f"不能小于 {checks['ge']}（现为 {value}）"})
    if "le" in checks and value > checks["le"]:
        problems.append({"loc": loc, "msg": f"不能大于 {checks['le']}（现为 {value}）"})
    if "pattern" in checks and not re.search(checks["pattern"], value):
        problems.append({"loc": loc, "msg": f"格式不对（现为 {_quote(value)}，应符合 {checks['pattern']}）"})


@cache
def _fields(cls: type) -> tuple[tuple[str, Any, dict, bool], ...]:
    """(name, type, constraints, required) of a record class, resolved once."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name], dict(f.metadata), f.default is _MISSING and f.default_factory is _MISSING)
                 for f in dataclasses.fields(cls))


def _dump(value: Any) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode="json")
    if isinstance(value, tuple):
        return [_dump(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Record:
    """Base of the frozen declaration records; subclasses are @record dataclasses."""

    __dataclass_fields__: ClassVar[dict]

    def __post_init__(self) -> None:
        # Direct construction (Form(...) in code) is checked and converted like data read from a file.
        problems: list[dict] = []
        for name, tp, checks, _required in _fields(type(self)):
            value = _convert(tp, getattr(self, name), (name,), problems)
            _check_constraints(value, checks, (name,), problems)
            if value is not _MISSING:
                object.__setattr__(self, name, value)
        if problems:
            raise ValidationError(problems)
        self._check_record(())

    def _check_record(self, loc: tuple) -> None:
        try:
            self.validate_record()
        except ValueError as exc:
            raise ValidationError([{"loc": loc, "msg": str(exc)}]) from None

    def validate_record(self) -> None:
        """Checks across fields; raise ValueError saying what is wrong."""

    @classmethod
    def _parse(cls, data: dict, loc: tuple, problems: list[dict]) -> Any:
        before = len(problems)
        values = {}
        for name, tp, checks, required in _fields(cls):
            if name not in data:
                if required:
                    problems.append({"loc": (*loc, name), "msg": "缺少这一项（必填）"})
                continue
            value = _convert(tp, data[name], (*loc, name), problems)
            _check_constraints(value, checks, (*loc, name), problems)
            values[name] = value
        known = {name for name, *_ in _fields(cls)}
        problems.extend({"loc": (*loc, key), "msg": "不认识这一项（拼写有误，或不属于这里）"} for key in data if key not in known)
        if len(problems) != before:
            return _MISSING
        record = object.__new__(cls)  # already converted: set the fields without checking them twice
        for name, *_ in _fields(cls):
            object.__setattr__(record, name, values[name] if name in values else cls.__dataclass_fields__[name].default)
        try:
            record.validate_record()
        except ValueError as exc:
            problems.append({"loc": loc, "msg": str(exc)})
            return _MISSING
        return record

    @classmethod
    def model_validate(cls, data: Any):
        """Return a record read from JSON data; raise ValidationError listing every problem with its place."""
        problems: list[dict] = []
        if not isinstance(data, dict):
            raise ValidationError([{"loc": (), "msg": "文件内容应为一组字段，如 {\"id\": …}"}])
        record = cls._parse(data, (), problems)
        if problems:
            raise ValidationError(problems)
        return record

    def model_dump(self, *, mode: str = "json") -> dict:
        """The record as JSON data, fields in declaration order."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def model_dump_json(self) -> str:
        """The record as compact JSON text (the form stored in the database)."""
        return json.dumps(self.model_dump(), ensure_ascii=False, separators=(",", ":"))

    def model_copy(self, *, update: dict | None = None):
        """A copy with some fields replaced (not checked again, as pydantic's model_copy)."""
        record = object.__new__(type(self))
        for f in dataclasses.fields(self):
            object.__setattr__(record, f.name, (update or {}).get(f.name, getattr(self, f.name)))
        return record


def record(cls: type) -> type:
    """Make a Record subclass a frozen, keyword-only dataclass."""
    return dataclasses.dataclass(frozen=True, kw_only=True)(cls)
