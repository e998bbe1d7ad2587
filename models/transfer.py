"""Move an office's data into another, empty database: its SQLite file into the shared PostgreSQL one.

Everything the program keeps is copied, with its keys, in one transaction on the target: the plan, the units,
every month's entries, the return records, users and the audit log. The source is read from a checked copy and
never changed; a failure leaves the target as it was.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import AutoField, PostgresqlDatabase

from models import db as m
from models.audit import audit
from models.backup import BackupError, check_file, copy_checked, file_own_unit, file_schema_version
from models.database import SCHEMA_VERSION, close_database, integrity_problems, open_database, without_password
from models.errors import DataError, SchemaError

CHUNK = 500  # rows a statement: well under either database's limit on bound parameters
KEPT_SETTINGS = ("schema_version",)  # the target's own, written when it was opened


@dataclass(frozen=True)
class CopyReport:
    """What copy_database copied: rows per table, and whose data it was."""

    source: str
    target: str
    unit: tuple[str, str] | None  # (code, name) of the source's own unit
    rows: dict[str, int]

    @property
    def total(self) -> int:
        """All rows copied."""
        return sum(self.rows.values())


def copy_database(*, source: str | Path, target: str, user: str = "") -> CopyReport:
    """Copy every record of the SQLite database `source` into the empty database `target` (left open)."""
    source = Path(source)
    unit = _check_source(source)
    with tempfile.TemporaryDirectory(prefix="liangxin-copy-") as tmp:
        snapshot = _snapshot(source, Path(tmp))
        open_database(target)
        _require_empty(target)
        con = sqlite3.connect(f"{snapshot.as_uri()}?mode=ro", uri=True)
        try:
            with m.database.atomic():
                rows = {model._meta.table_name: _copy_table(con, model) for model in m.ALL_MODELS}
                _advance_sequences()
                audit("copy", "database", unit[0] if unit else "", user=user,
                      reason=f"从 {source} 复制：{sum(rows.values())} 条记录")
        finally:
            con.close()
    problems = integrity_problems()
    if problems:  # not expected after a checked copy; said rather than left for the next start to find
        raise SchemaError(f"复制到 {without_password(target)} 后检查发现问题：{'；'.join(problems[:3])}")
    return CopyReport(str(source), target, unit, rows)


def _check_source(source: Path) -> tuple[str, str] | None:
    """Refuse what is not a sound database of this program at a version it can read; return its own unit."""
    problems = check_file(source)
    if problems:
        raise DataError(f"不能从 {source} 复制：{'；'.join(problems[:3])}")
    version = file_schema_version(source)
    if version is None:
        raise DataError(f"不能从 {source} 复制：它不是两新填报的数据库（没有结构版本）")
    if version > SCHEMA_VERSION:
        raise DataError(f"不能从 {source} 复制：它的结构版本 {version} 比本程序的 {SCHEMA_VERSION} 新；请用写出它的新版程序复制")
    return file_own_unit(source)


def _snapshot(source: Path, folder: Path) -> Path:
    """A consistent, checked copy of the source (it may be open in the program), at the current schema version."""
    try:
        copy = copy_checked(source, folder / "source.sqlite3")
    except BackupError as exc:
        raise DataError(f"不能从 {source} 复制：{exc}") from None
    if file_schema_version(copy) < SCHEMA_VERSION:  # an older program's file: upgraded on the copy only
        open_database(copy)
        close_database()
    return copy


def _require_empty(target: str) -> None:
    """The target must hold nothing yet but its schema version: copying never mixes two offices' data."""
    settings = m.Setting.select().where(m.Setting.key.not_in(KEPT_SETTINGS)).exists()
    filled = [model._meta.table_name for model in m.ALL_MODELS if model is not m.Setting and model.select().exists()]
    if settings or filled:
        own = m.Setting.get_or_none(m.Setting.key == "own_unit")
        unit = m.OrgUnit.get_or_none(m.OrgUnit.code == own.value) if own else None
        whose = f"（本单位 {unit.name}，代码 {unit.code}）" if unit else ""
        raise DataError(f"{without_password(target)} 已有数据{whose}：只能复制到空的数据库（例如新的 schema），"
                        "两个数据库的数据不会被合并；未做任何改动")


def _source_rows(con: sqlite3.Connection, model) -> Iterator[tuple]:
    """The model's rows in the source, converted as peewee reads them (dates, decimals, booleans)."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    for raw in con.execute(f'SELECT {columns} FROM "{model._meta.table_name}"'):
        yield tuple(f.python_value(v) for f, v in zip(fields, raw, strict=True))


def _copy_table(con: sqlite3.Connection, model) -> int:
    """Insert the source's rows of one table in chunks; check the count; return it."""
    fields = model._meta.sorted_fields
    rows = _ordered(model, list(_source_rows(con, model)))
    if model is m.Setting:
        rows = [r for r in rows if r[0] not in KEPT_SETTINGS]
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK], fields=fields).execute()
    copied = model.select().count() - (len(KEPT_SETTINGS) if model is m.Setting else 0)
    if copied != len(rows):
        raise SchemaError(f"复制表 {model._meta.table_name} 时数目不符：源 {len(rows)} 条，目标 {copied} 条；未做任何改动")
    return len(rows)


def _ordered(model, rows: list[tuple]) -> list[tuple]:
    """Units after the unit above them (a district before its townships, a city before its districts)."""
    if model is not m.OrgUnit:
        return rows
    names = [f.name for f in model._meta.sorted_fields]
    code, parent = names.index("code"), names.index("parent")
    placed: set = set()
    out: list[tuple] = []
    waiting = rows
    while waiting:
        ready = [r for r in waiting if r[parent] is None or r[parent] in placed]
        if not ready:  # a loop or a missing parent: the foreign key refuses it, which rolls the copy back
            return out + waiting
        out += ready
        placed |= {r[code] for r in ready}
        waiting = [r for r in waiting if r[code] not in placed]
    return out


def _advance_sequences() -> None:
    """On PostgreSQL, move each id sequence past the ids copied, so that the next insert gets a new one."""
    database = m.database.obj
    if not isinstance(database, PostgresqlDatabase):
        return  # SQLite takes the next rowid after the largest
    for model in m.ALL_MODELS:
        pk = model._meta.primary_key
        if isinstance(pk, AutoField):
            table, column = model._meta.table_name, pk.column_name
            database.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                                 f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"')
