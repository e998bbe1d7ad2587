"""Plain SQL for the hot paths of a merge of hundreds of returns.

peewee spends ~180 µs building a query that SQLite runs in ~10 µs, so the statements a merge runs
per file are written here once, with ``?`` placeholders and double-quoted names (which SQLite and
PostgreSQL both read). They run through peewee's own connection, so its transactions, savepoints,
query hooks and error classes apply to them as to every other statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from peewee import AutoField, CharField, Field, ForeignKeyField, Model, TextField

from models import db as m

BATCH_ROWS = 100  # rows per INSERT: well under SQLite's 32,766 parameters for any of our tables


def execute(sql: str, params: Sequence = ()):
    """Run one statement written with ? placeholders on the open database; return the cursor."""
    return m.database.execute_sql(_dialect(sql, m.database.param), params)


def placeholders(count: int) -> str:
    """Return "?, ?, …" for an IN list of count values."""
    return ", ".join("?" * count)


@lru_cache(maxsize=512)
def _dialect(sql: str, param: str) -> str:
    return sql if param == "?" else sql.replace("?", param)


def insert_rows(model: type[Model], rows: list[dict], *, conflict: tuple[str, ...] = (),
                update: tuple[str, ...] = ()) -> None:
    """Insert rows (by field name) of a model, many per statement; fields a row leaves out take their defaults.

    With conflict and update, a row whose conflict fields already exist updates those fields instead.
    """
    plan = _insert_plan(model)
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start:start + BATCH_ROWS]
        params = []
        append = params.append
        for row in chunk:
            for name, text, db_value, f in plan:
                value = row[name] if name in row else _default(f)
                # A text column stores a str as it is (peewee's db_value would return it unchanged).
                append(value if text and type(value) is str else db_value(value))
        execute(_insert_sql(model, len(chunk), conflict, update), params)


def insert_records(model: type[Model], rows: list[tuple]) -> None:
    """Insert whole rows, keys included: one value for each of the model's fields, in their order, many per statement.

    For a copy of a database (models.transfer), which must keep every id; values go through each field's db_value,
    as peewee's own insert would.
    """
    converters = [f.db_value for f in model._meta.sorted_fields]
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start:start + BATCH_ROWS]
        params = [convert(value) for row in chunk for convert, value in zip(converters, row, strict=True)]
        execute(_insert_sql(model, len(chunk), (), (), keys=True), params)


@lru_cache(maxsize=64)
def _insert_plan(model: type[Model]) -> tuple[tuple[str, bool, object, Field], ...]:
    """For each inserted field: its name, whether it is a plain text column, its db_value, the field."""
    return tuple((f.name, text, f.db_value, f) for f, text in zip(_insert_fields(model), _text_fields(model), strict=True))


def _default(f: Field):
    return f.default() if callable(f.default) else f.default


@lru_cache(maxsize=64)
def _insert_fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(f for f in model._meta.sorted_fields if not isinstance(f, AutoField))


@lru_cache(maxsize=64)
def _text_fields(model: type[Model]) -> tuple[bool, ...]:
    """For each inserted field: True when it is a plain text column (or a key to one)."""
    def plain(f: Field) -> bool:
        if isinstance(f, ForeignKeyField):
            return plain(f.rel_field)
        return isinstance(f, (CharField, TextField)) and type(f).adapt is CharField.adapt
    return tuple(plain(f) for f in _insert_fields(model))


@lru_cache(maxsize=256)
def _insert_sql(model: type[Model], count: int, conflict: tuple[str, ...], update: tuple[str, ...], *,
                keys: bool = False) -> str:
    fields = model._meta.sorted_fields if keys else _insert_fields(model)
    columns = ", ".join(_quote(f.column_name) for f in fields)
    row = f"({placeholders(len(fields))})"
    sql = f"INSERT INTO {_quote(model._meta.table_name)} ({columns}) VALUES {', '.join([row] * count)}"
    if conflict:
        target = ", ".join(_column(model, name) for name in conflict)
        sets = ", ".join(f"{_column(model, name)} = EXCLUDED.{_column(model, name)}" for name in update)
        sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
    return sql


def _column(model: type[Model], name: str) -> str:
    return _quote(model._meta.fields[name].column_name)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
