"""Open the database (SQLite file or PostgreSQL URL), create it, and upgrade its schema step by step."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from peewee import DatabaseError, OperationalError, PostgresqlDatabase, ProgrammingError, SqliteDatabase

from models import db as m
from models.errors import SchemaError
from models.pgconnection import ReconnectingPostgresqlDatabase
from models.pgdriver import load_postgres_driver

SCHEMA_VERSION = 2
APP_NAME = "LiangXin"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL: an acknowledged save survives a power cut
    "foreign_keys": 1,
    "busy_timeout": 10000,
}
# Every transaction on SQLite takes the write lock when it begins. A deferred one reads first and asks for the lock
# at its first write; if another program wrote meanwhile SQLite refuses at once (SQLITE_BUSY_SNAPSHOT, which
# busy_timeout does not wait for) and the save fails with "database is locked". Taken first, the lock is simply
# waited for. Read-only transactions use m.read_snapshot(), which stays deferred; nested atomic() blocks are
# savepoints inside the transaction and PostgreSQL never sees this.
SQLITE_LOCK_TYPE = "IMMEDIATE"


@contextmanager
def data_dir_at(path: Path) -> Iterator[Path]:
    """Use path as the data folder inside the block (self-test, screenshots), then the one before; closes the database."""
    saved = os.environ.get("LIANGXIN_DATA_DIR")
    os.environ["LIANGXIN_DATA_DIR"] = str(path)
    try:
        yield path
    finally:
        close_database()
        if saved is None:
            os.environ.pop("LIANGXIN_DATA_DIR", None)
        else:
            os.environ["LIANGXIN_DATA_DIR"] = saved


def data_dir() -> Path:
    """Return the user's data folder for the program (created on demand)."""
    path = os.environ.get("LIANGXIN_DATA_DIR")
    if not path:
        import platformdirs  # only here: imported at start-up it costs time every run

        path = platformdirs.user_data_dir(APP_NAME, appauthor=False)
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """Return where the embedded SQLite database lives by default."""
    return data_dir() / "liangxin.sqlite3"


def is_postgres_url(target: str) -> bool:
    """True when the target names a PostgreSQL server rather than a file."""
    return target.startswith(("postgresql://", "postgres://"))


def is_network_path(path: str) -> bool:
    """True for UNC paths and mapped network drives, where SQLite's locking cannot be trusted."""
    if path.startswith(("\\\\", "//")):
        return True
    if os.name == "nt" and len(path) > 1 and path[1] == ":":
        import ctypes  # Windows only: DRIVE_REMOTE == 4

        return ctypes.windll.kernel32.GetDriveTypeW(path[:2] + "\\") == 4
    return False


def is_read_only_location(path: Path) -> bool:
    """True where a database cannot be used in place: a CD, a write-protected stick, a folder without write rights.

    A path not there yet is judged by the nearest folder above it that is.
    """
    path = Path(path).absolute()
    if path.exists():
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    return not os.access(next(p for p in path.parents if p.exists()), os.W_OK)


_opened: str | None = None


def open_database(target: str | Path | None = None, *, upgrade: bool = True, create: bool = True):
    """Bind the models to a database and bring its schema to the current version.

    create=False refuses a SQLite file or PostgreSQL schema that is not there yet, rather than make an empty one:
    a command given a mistyped --db would otherwise report on (or act in) a new, empty database.
    """
    given = bool(target)
    target = str(target) if target else str(default_database_path())
    if m.database.obj is not None and not m.database.is_closed():
        m.database.close()
    if is_postgres_url(target):
        load_postgres_driver()
        where = postgres_target(target)
        try:
            database = _postgres(where, create=create)
            database.connect(reuse_if_open=True)
        except OperationalError as exc:  # the server's own answer, on one line, after what to check
            raise SchemaError(f"无法连接 {where.shown}：请检查服务器地址、端口、数据库名、用户名和密码。"
                              f"服务器的回答：{' '.join(str(exc).split())}") from None
    else:
        if is_network_path(target):
            raise SchemaError(
                f"{target}：数据库文件放在网络共享上，SQLite 的文件锁在网络上不可靠，数据可能损坏；"
                "多台电脑共用数据请改用 PostgreSQL 共享数据库（设置 → 数据库 → PostgreSQL）"
            )
        if Path(target).is_dir():
            raise SchemaError(f"{target} 是文件夹，不是数据库文件：请给出数据库文件的完整路径，"
                              f"例如 {Path(target) / 'liangxin.sqlite3'}")
        if not create and not Path(target).exists():
            raise SchemaError(f"{target}：没有这个数据库文件，程序没有新建它。请检查 --db 给出的路径；"
                              "新建数据库请用 liangxin init --db 路径 …" if given else
                              f"本机还没有数据库（{target}）：请先启动程序完成首次设置，或运行 liangxin init …")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        database = SqliteDatabase(target, pragmas=SQLITE_PRAGMAS, lock_type=SQLITE_LOCK_TYPE)
    m.database.initialize(database)
    try:
        database.connect(reuse_if_open=True)
        ensure_schema(upgrade=upgrade)
    except (DatabaseError, sqlite3.DatabaseError) as exc:  # sqlite3's own: raised while rows are fetched
        if not isinstance(database, SqliteDatabase):
            raise
        database.close()
        raise unreadable_file(target, exc) from None
    global _opened
    _opened = target
    return database


RESTORE_ADVICE = "liangxin-cli backup --list 列出备份（最新的在前），liangxin-cli restore 备份文件 恢复"


def unreadable_file(target: str, exc: Exception) -> SchemaError:
    """Say, in words, why SQLite could not open or read a database file: not SQLite, damaged (its own check's lines) …"""
    from models.backup import check_file  # backup imports this module

    path = Path(target)
    said = " ".join(str(exc).split())
    if not path.is_file():
        return SchemaError(f"{target}：无法打开或新建数据库文件，请检查路径和文件夹的写权限（SQLite：{said}）")
    with path.open("rb") as fh:
        header = fh.read(16)
    if header and header != b"SQLite format 3\x00":
        return SchemaError(f"{target}：不是 SQLite 数据库文件，不能作为两新填报的数据库打开（SQLite：{said}）。"
                           f"请检查 --db 或 设置 → 数据库 中的路径；若它本是数据库文件，已经损坏，请从备份恢复：{RESTORE_ADVICE}")
    try:
        problems = [p.removeprefix(f"{path}: ") for p in check_file(path)]
    except sqlite3.Error as error:  # not even the check can read it
        problems = [" ".join(str(error).split())]
    if not problems and is_read_only_location(path):  # e.g. a CD: SQLite cannot make its -shm file beside it
        return SchemaError(f"{target}：文件在只读的位置（光盘、写保护的 U 盘或只读文件夹），不能在那里作为数据库使用；"
                           "请先把它复制到本机硬盘，或用 liangxin restore 文件 把它恢复为本机的数据库"
                           f"（SQLite：{said}）")
    if not problems:  # sound, yet it failed: e.g. locked by another program for too long
        return SchemaError(f"{target}：无法打开数据库（SQLite：{said}）")
    return SchemaError(f"{target}：数据库文件已损坏，无法读取。SQLite 完整性检查：{'；'.join(problems[:5])}。"
                       f"请从完好的备份恢复：{RESTORE_ADVICE}")


def opened_target() -> str | None:
    """The file or URL the models were last bound to by open_database (None before the first)."""
    return _opened


def without_password(url: str) -> str:
    """A database URL as it may be shown: a password in it is starred out."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    if parts.password is None:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)


@dataclass(frozen=True)
class PostgresTarget:
    """A postgresql:// URL taken apart, its %-escapes decoded (a password may hold @, : or /, written %40 %3A %2F)."""

    database: str
    user: str | None
    password: str | None
    host: str | None
    port: int
    schema: str | None  # None: the server's default search path (public)
    shown: str  # the URL as it may be shown, the password starred out
    libpq: dict[str, str] = field(default_factory=dict)  # the URL's other parameters: libpq's own (sslmode=require …)

    def connect_params(self) -> dict:
        """Keyword arguments for psycopg2.connect (and peewee, which hands them on)."""
        params = {"dbname": self.database, "user": self.user, "password": self.password, "host": self.host,
                  "port": self.port, "connect_timeout": 10, **self.libpq}
        # Quoted as in CREATE SCHEMA: unquoted, the server folds Office9 to office9, another schema (another office's).
        return params | ({"options": f'-c search_path="{self.schema}"'} if self.schema else {})


def postgres_target(url: str) -> PostgresTarget:
    """Take a postgresql:// URL apart, or say in words what in it is wrong."""
    from urllib.parse import parse_qs, unquote, urlparse

    shown = without_password(url)
    parts = urlparse(url)
    try:
        port = parts.port or 5432
    except ValueError:  # urllib's own words ("Port could not be cast to integer value as '54x2'") say no more
        raise SchemaError(f"{shown}：端口必须是 1–65535 之间的数字，例如 postgresql://用户@10.1.2.3:5432/数据库") from None
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    schema = query.pop("schema", None)
    if schema is not None and not schema.replace("_", "").isalnum():
        raise SchemaError(f"{shown}：schema 名称“{schema}”只能由字母、数字和 _ 组成")
    # The rest are libpq's own connection parameters (sslmode=require, sslrootcert=…, application_name=…): dropped,
    # an office that asked for TLS would get a connection without it. libpq refuses a name it does not know.
    reserved = sorted(query.keys() & {"dbname", "user", "password", "host", "hostaddr", "port", "options"})
    if reserved:
        raise SchemaError(f"{shown}：参数 {'、'.join(reserved)} 不能写在 ? 之后：用户、密码、地址、端口和数据库名写在 URL 本身中，"
                          "schema 用 ?schema=名称 给出")
    decoded = (unquote(v) if v is not None else None for v in (parts.username, parts.password))
    return PostgresTarget(unquote(parts.path.lstrip("/")) or "postgres", *decoded, parts.hostname, port, schema, shown,
                          query)


def _postgres(where: PostgresTarget, *, create: bool = True) -> PostgresqlDatabase:
    """Connect to PostgreSQL; ?schema=NAME keeps several offices (or test runs) apart on one server."""
    params = where.connect_params()
    database = ReconnectingPostgresqlDatabase(params.pop("dbname"), **params)
    if where.schema:
        database.connect()
        try:
            _create_schema_if_missing(database, where.schema, where.shown, create=create)
        finally:
            database.close()
    return database


def _create_schema_if_missing(database: PostgresqlDatabase, schema: str, shown: str, *, create: bool = True) -> None:
    """Create the URL's schema unless it exists (CREATE SCHEMA, even IF NOT EXISTS, needs the database's CREATE right)."""
    if database.execute_sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
        return
    if not create:
        raise SchemaError(f"{shown}：服务器上没有 schema“{schema}”，程序没有新建它。请检查 URL 中的 schema 名称"
                          "（大小写有别）；新建请用 liangxin init --db URL …")
    with schema_change_lock(database, schema):
        # Looked up again: another PC starting at the same moment may have made it while this one waited.
        if database.execute_sql("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
            return
        try:
            database.execute_sql(f'CREATE SCHEMA "{schema}"')
        except ProgrammingError as exc:
            if getattr(getattr(exc, "orig", None) or exc.__cause__, "pgcode", None) != "42501":  # insufficient_privilege
                raise
            user, name = database.execute_sql("SELECT current_user, current_database()").fetchone()
            raise SchemaError(
                f"{shown}：schema“{schema}”不存在，而用户 {user} 无权在数据库 {name} 中新建 schema（缺少数据库的 CREATE 权限）。"
                f'请数据库管理员先建好它：CREATE SCHEMA "{schema}" AUTHORIZATION "{user}"；'
                f"或检查 URL 中的 schema 名称（大小写有别）。服务器的回答：{' '.join(str(exc).split())}") from None


@contextmanager
def schema_change_lock(database, schema: str | None = None) -> Iterator[None]:
    """PostgreSQL: one PC at a time creates or upgrades a schema, the others wait (SQLite: its write lock does it)."""
    if not isinstance(database, PostgresqlDatabase):
        yield
        return
    if schema is None:
        schema = database.execute_sql("SELECT current_schema()").fetchone()[0] or ""
    key = int.from_bytes(hashlib.sha256(f"liangxin schema {schema}".encode()).digest()[:8], "big", signed=True)
    # A session lock taken outside the transaction, not pg_advisory_xact_lock: on a server whose transactions are
    # REPEATABLE READ or SERIALIZABLE, the snapshot would be taken before the lock is granted, and the re-read
    # version under it would miss what the PC before just committed.
    database.execute_sql("SELECT pg_advisory_lock(%s)", (key,))
    try:
        yield
    finally:
        try:
            database.execute_sql("SELECT pg_advisory_unlock(%s)", (key,))
        except DatabaseError:
            pass  # the connection is gone, and its lock with it


def close_database() -> None:
    """Close the current connection, if any."""
    if m.database.obj is not None and not m.database.is_closed():
        m.database.close()


def schema_version() -> int | None:
    """Return the stored schema version, or None for an empty database."""
    database = m.database.obj
    if not database.table_exists(m.Setting._meta.table_name):
        return None
    row = m.Setting.get_or_none(m.Setting.key == "schema_version")
    return int(row.value) if row else None


def ensure_schema(*, upgrade: bool = True) -> None:
    """Create a new database, or upgrade an older one; refuse one newer than this program."""
    version = schema_version()
    if version == SCHEMA_VERSION:
        return  # the usual start: nothing to change, no need to wait for anyone
    _refuse_version(version, upgrade)
    if version is not None:
        _backup_before_upgrade(version)
    database = m.database.obj
    with schema_change_lock(database), database.atomic():
        # Read again under the lock: another PC starting at the same moment may just have created or upgraded it.
        version = schema_version()
        _refuse_version(version, upgrade)
        if version is None:
            _refuse_foreign_tables(database)
            database.create_tables(m.ALL_MODELS)
            m.put_setting("schema_version", str(SCHEMA_VERSION))
        elif version < SCHEMA_VERSION:
            _upgrade(version)


def _refuse_foreign_tables(database) -> None:
    """Refuse to add our tables beside another program's: a wrong --db or setting would mix two programs' data."""
    ours = {model._meta.table_name for model in m.ALL_MODELS}
    theirs = [t for t in database.get_tables() if t not in ours and not t.startswith("sqlite_")]
    if not theirs:
        return  # an empty file or schema (or one our own creation left half made): made a new database
    shown = "、".join(theirs[:5]) + (f" 等 {len(theirs)} 张" if len(theirs) > 5 else "")
    if isinstance(database, SqliteDatabase):
        raise SchemaError(f"{database.database}：这个文件里已有别的程序的数据表（{shown}），不是两新填报的数据库；"
                          "程序没有改动它。请检查 --db 或 设置 → 数据库 中的文件路径")
    schema = database.execute_sql("SELECT current_schema()").fetchone()[0]
    raise SchemaError(f"schema“{schema}”中已有别的程序的数据表（{shown}），不是两新填报的数据库；程序没有改动它。"
                      "请在地址中用 ?schema=名称 给本程序一个自己的 schema")


def _refuse_version(version: int | None, upgrade: bool) -> None:
    """Refuse a schema newer than this program, or an older one when upgrading is not allowed."""
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaError(
            f"数据库的结构版本为 {version}，比本程序的 {SCHEMA_VERSION} 新；请安装创建它的新版程序"
        )
    if version is not None and version < SCHEMA_VERSION and not upgrade:
        raise SchemaError(f"数据库的结构版本为 {version}，需要先升级")


def _backup_before_upgrade(version: int) -> None:
    """Keep a checked copy of a SQLite database before its schema changes (PostgreSQL is IT's to back up)."""
    from models.backup import BackupError, backup_before_upgrade  # backup imports this module

    try:
        backup_before_upgrade(version)
    except BackupError as exc:
        raise SchemaError(f"数据库需要升级到结构版本 {SCHEMA_VERSION}，但未能先留存一份完好的副本，"
                          f"因此没有改动它：{exc}") from None


def _upgrade(version: int) -> None:
    """The upgrade ladder: each step moves the schema one version on, inside one transaction."""
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate  # rarely needed: not at every start

    database = m.database.obj
    migrator = PostgresqlMigrator(database) if isinstance(database, PostgresqlDatabase) else SqliteMigrator(database)
    with database.atomic():
        if version < 2:
            # v2: login accounts (roles) and flags on returns (edited after export, soft failures).
            database.create_tables([m.User])
            migrate(migrator.add_column("return_record", "flags", m.ReturnRecord.flags))
        m.put_setting("schema_version", str(SCHEMA_VERSION))


def integrity_problems() -> list[str]:
    """Run the database's own integrity check plus the program's; return what is wrong."""
    database = m.database.obj
    problems = []
    if isinstance(database, SqliteDatabase):
        try:
            rows = [r[0] for r in database.execute_sql("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                problems += [f"SQLite 完整性检查：{r}" for r in rows]  # SQLite's own words, for IT
            problems += [f"表 {r[0]} 第 {r[1]} 条记录指向的 {r[2]} 记录不存在（外键失效）"
                         for r in database.execute_sql("PRAGMA foreign_key_check")]
            version = schema_version()
        except (DatabaseError, sqlite3.DatabaseError) as exc:  # too damaged for the check itself to finish (sqlite3's
            # own error when it comes while rows are fetched, outside peewee's wrapper)
            return problems + [f"SQLite 完整性检查无法完成：{' '.join(str(exc).split())}"]
    else:
        version = schema_version()
    if version != SCHEMA_VERSION:
        problems.append(f"数据库的结构版本为 {version}，应为 {SCHEMA_VERSION}")
    return problems


def copy_database_file(source: Path, target: Path) -> None:
    """Copy a SQLite file with the online backup API (safe while it is in use)."""
    src = sqlite3.connect(source)
    try:
        with sqlite3.connect(target) as out:
            src.backup(out)
    finally:
        src.close()
    shutil.copymode(source, target) if os.name != "nt" else None
