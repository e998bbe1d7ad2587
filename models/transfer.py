"""Move an office's data into another, empty database: its SQLite file into the shared PostgreSQL one.

Everything the program keeps is copied, with its keys, in one transaction on the target: the plan, the units,
every month's entries, the return records, users and the audit log — every table of models.db.ALL_MODELS, so a
new table comes along without anyone remembering it here. The source is read from a checked copy (upgraded there
when an older program wrote it) and never changed; a failure at any point leaves the target as it was.
"""

from __future__ import annotations

import socket
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from peewee import AutoField, DatabaseError, PostgresqlDatabase, sort_models

from models import db as m
from models import rawsql
from models.audit import audit
from models.auth import LOGIN_SETTING
from models.backup import BackupError, copy_checked, file_own_unit, inspect_database, open_read_only, unusable_reason
from models.database import (
    close_database,
    integrity_problems,
    is_postgres_url,
    open_database,
    without_password,
)
from models.errors import ConnectionLost, DataError, PermissionDenied, SchemaError

CHUNK = 500  # rows read from the source at a time
KEPT_SETTINGS = ("schema_version",)  # the target's own, written when it was opened

# What each table holds, in the words the command prints. A table missing here is still copied and shown by its name.
TABLE_LABELS = {
    "org_unit": "单位",
    "entry": "填报数据",
    "period_state": "月份状态",
    "return_record": "报表记录",
    "baseline": "基期数值",
    "plan_record": "工作方案",
    "task_record": "任务",
    "target_record": "目标",
    "user": "账号",
    "audit_log": "操作记录",
    "setting": "设置",
}


@dataclass(frozen=True)
class CopyReport:
    """What copy_database copied: rows per table, and whose data it was."""

    source: str
    target: str  # as it may be shown: a password in a URL is starred out
    unit: tuple[str, str] | None  # (code, name) of the source's own unit
    rows: dict[str, int]  # table name -> rows copied

    @property
    def total(self) -> int:
        """All rows copied."""
        return sum(self.rows.values())

    def counts(self) -> str:
        """The rows copied per table, in people's words: 单位 4，填报数据 1,234 …"""
        ordered = [t for t in TABLE_LABELS if t in self.rows] + [t for t in self.rows if t not in TABLE_LABELS]
        return "，".join(f"{TABLE_LABELS.get(t, t)} {self.rows[t]:,}" for t in ordered)


def copy_order() -> list:
    """Every model of the schema, each after the ones its foreign keys point to."""
    return sort_models(m.ALL_MODELS)


def copy_database(*, source: str | Path, target: str | Path, user: str = "", password: str | None = None) -> CopyReport:
    """Copy every record of the SQLite database `source` into the empty database `target` (left open).

    With login on in the source, only one of its administrators may (user and password); the login is checked on a
    throwaway copy, so neither the source nor the data copied records it.
    """
    source, target = check_source(source), str(target)
    shown = without_password(target)
    if not is_postgres_url(target) and Path(target).resolve() == source.resolve():
        raise DataError(f"{source} 就是要复制到的数据库本身")
    unit = file_own_unit(source)
    _refuse_filled_target(target, shown)  # looked at without opening it: a refused target is not even upgraded
    with tempfile.TemporaryDirectory(prefix="liangxin-copy-") as tmp:
        snapshot = _snapshot(source, Path(tmp))
        actor = _authorise(snapshot, Path(tmp), user=user, password=password)
        con = sqlite3.connect(snapshot)
        try:
            expected = _source_counts(con)
            open_database(target)
            with m.database.atomic():
                _require_empty(shown)  # again, now in the transaction: the look above was from outside
                rows = {model._meta.table_name: _copy_table(con, model, expected, shown) for model in copy_order()}
                _advance_sequences()
                whose = f"{unit[1]}（{unit[0]}）的" if unit else ""
                audit("copy", "database", unit[0] if unit else "", old=str(source.resolve()), new=shown, user=actor,
                      reason=f"从 {socket.gethostname()} 上的 {source.resolve()} 复制{whose}数据：共 {sum(rows.values()):,} 条")
                problems = integrity_problems()
                if problems:  # not expected after a checked copy; refused in the transaction, so nothing stays
                    raise SchemaError(f"复制到 {shown} 后检查发现问题，已撤销复制：{'；'.join(problems[:3])}")
        finally:
            con.close()
    return CopyReport(str(source), shown, unit, rows)


def check_source(source: str | Path) -> Path:
    """Refuse what is not a sound database file of this program at a version it can read; return its path."""
    if is_postgres_url(str(source)):
        raise DataError(f"不能从 {without_password(str(source))} 复制：copy-from 读取本机的 SQLite 数据库文件；"
                        "两个 PostgreSQL 数据库之间请用 pg_dump 和 pg_restore（见 IT 指南 docs/it-guide.md）")
    source = Path(source)
    if source.is_dir():
        raise DataError(f"不能从 {source} 复制：它是文件夹；请给出数据库文件，例如 {source / 'liangxin.sqlite3'}")
    reason = unusable_reason(source, "复制")
    if reason:
        raise DataError(f"不能从 {source} 复制：{reason}")
    return source


def source_login_required(source: str | Path) -> bool:
    """True when login is on in a source file (read without changing it), so the command asks for a password first."""
    con = open_read_only(source)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (LOGIN_SETTING,)).fetchone()
    except sqlite3.DatabaseError:
        return False  # not this program's file: check_source says so
    finally:
        con.close()
    return bool(row and row[0] == "on")


def _snapshot(source: Path, folder: Path) -> Path:
    """A consistent, checked copy of the source (it may be open in the program), at the current schema version."""
    try:
        copy = copy_checked(source, folder / "source.sqlite3")
    except BackupError as exc:
        raise DataError(f"不能从 {source} 复制：{exc}") from None
    open_database(copy)  # an older program's file is upgraded here, on the copy only
    try:
        problems = integrity_problems()  # e.g. a row pointing at a unit that is gone, which PostgreSQL would refuse
    finally:
        close_database()
    if problems:
        raise DataError(f"不能从 {source} 复制：{'；'.join(problems[:3])}")
    return copy


def _authorise(snapshot: Path, folder: Path, *, user: str, password: str | None) -> str:
    """With login on in the source, let only an administrator of it copy it all (accounts included); return the actor."""
    from models import auth

    if not source_login_required(snapshot):
        return user
    if not user:
        raise PermissionDenied("源数据库已启用登录：只有它的管理员可以复制它的全部数据，请用 --user 管理员账号 登录"
                               "（密码取自环境变量 LIANGXIN_PASSWORD，或在提示时输入）")
    # auth.login writes (the login, failed attempts); a copy of the copy takes that, so what is copied stays the source's.
    throwaway = copy_checked(snapshot, folder / "login.sqlite3")
    open_database(throwaway)
    try:
        auth.login(user, password or "")
        return auth.require("copy", user=user)  # an administrator only, refused in the words of every other action
    finally:
        auth.logout()
        close_database()


def _refuse_filled_target(target: str, shown: str) -> None:
    """Refuse, before opening it, a target that belongs to a unit already or that the program could not use.

    inspect_database's refusals (a server that does not answer, a file that is not this program's) name the target.
    """
    found = inspect_database(target)
    if found.unit:
        code, name = found.unit
        _refuse_target(shown, f"（本单位 {name}，代码 {code}）" if name else f"（本单位代码 {code}）")


def _require_empty(shown: str) -> None:
    """The open target must hold nothing yet but its schema version: copying never mixes two offices' data."""
    filled = [model._meta.table_name for model in m.ALL_MODELS if model is not m.Setting and model.select().exists()]
    settings = [s.key for s in m.Setting.select().where(m.Setting.key.not_in(KEPT_SETTINGS))]
    if filled or settings:
        what = "、".join(TABLE_LABELS.get(t, t) for t in filled) or "设置 " + "、".join(settings)
        _refuse_target(shown, f"（{what}）")


def _refuse_target(shown: str, whose: str) -> None:
    raise DataError(f"{shown} 已有数据{whose}：只能复制到空的数据库（例如新的 schema），"
                    "两个数据库的数据不会被合并；未做任何改动")


def _source_counts(con: sqlite3.Connection) -> dict[str, int]:
    """Rows of each table in the source, counted on their own, to check the copy against."""
    return {model._meta.table_name: con.execute(f'SELECT COUNT(*) FROM "{model._meta.table_name}"').fetchone()[0]
            for model in m.ALL_MODELS}


def _source_rows(con: sqlite3.Connection, model) -> Iterator[list[tuple]]:
    """The model's rows in the source, in chunks, converted as peewee reads them (dates, decimals, booleans)."""
    fields = model._meta.sorted_fields
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    cursor = con.execute(f'SELECT {columns} FROM "{model._meta.table_name}"')
    while raw := cursor.fetchmany(CHUNK):
        yield [tuple(f.python_value(v) for f, v in zip(fields, row, strict=True)) for row in raw]


def _copy_table(con: sqlite3.Connection, model, expected: dict[str, int], shown: str) -> int:
    """Insert the source's rows of one table in chunks; check the count against the source's; return it."""
    table = model._meta.table_name
    chunks = _source_rows(con, model)
    if model is m.OrgUnit:  # a district before its townships: the whole (small) table at once, in order
        chunks = iter([_ordered(model, [row for chunk in chunks for row in chunk])])
    want = expected[table]
    try:
        for rows in chunks:
            if model is m.Setting:
                kept = [r for r in rows if r[0] not in KEPT_SETTINGS]
                want -= len(rows) - len(kept)
                rows = kept
            if rows:
                rawsql.insert_records(model, rows)
    except ConnectionLost as exc:  # a restart or a network cut: the server dropped what was not committed
        raise DataError(f"复制{TABLE_LABELS.get(table, '')}（表 {table}）时与 {shown} 的连接中断，已撤销复制、未做任何改动，"
                        f"可再复制一次：{exc.answer}") from None
    except DatabaseError as exc:  # the target's own words, on one line, for IT
        raise DataError(f"复制{TABLE_LABELS.get(table, '')}（表 {table}）时 {shown} 拒收了数据，已撤销复制、未做任何改动："
                        f"{' '.join(str(exc).split())}") from None
    copied = model.select().where(model._meta.primary_key.not_in(KEPT_SETTINGS)).count() if model is m.Setting \
        else model.select().count()
    if copied != want:
        raise SchemaError(f"复制表 {table} 时数目不符：源 {want} 条，目标 {copied} 条；已撤销复制、未做任何改动")
    return copied


def _ordered(model, rows: list[tuple]) -> list[tuple]:
    """Units after the unit above them (a district before its townships, a city before its districts)."""
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
