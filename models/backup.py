"""Backups of the SQLite database: online copies, daily rotation, restore, and the start-up check.

Every copy is taken with SQLite's online backup API (safe while the program is writing), written to
a temporary name, checked with ``PRAGMA integrity_check`` and only then renamed to its final name,
so a backup that exists under its name is complete and sound. A shared PostgreSQL database is
backed up on the server by IT (pg_dump, see docs/it-guide.md); these functions refuse it with that advice.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from peewee import DatabaseError, SqliteDatabase

from models import db as m
from models.database import (
    SCHEMA_VERSION,
    close_database,
    default_database_path,
    is_network_path,
    is_postgres_url,
    is_read_only_location,
    open_database,
    postgres_target,
)
from models.errors import LiangxinError, SchemaError

BACKUP_FOLDER = "backups"
KEEP_DAILY = 14  # the newest daily copies kept
KEEP_MONTHLY = 24  # beyond those, the first copy of each of this many months
LOCK_WAIT = 30  # seconds a restore waits for another program's save to finish
DAILY_KIND, MANUAL_KIND = "daily", "manual"
IT_GUIDE_PG = "IT 指南 docs/it-guide.md 的 “A shared PostgreSQL database” 一节"
POSTGRES_ADVICE = ("共用的 PostgreSQL 数据库由技术人员在服务器上备份和恢复："
                   "pg_dump -Fc -d 数据库名 -f 备份.dump，pg_restore --clean --if-exists -d 数据库名 备份.dump"
                   f"（见 {IT_GUIDE_PG}）；本程序的备份与恢复只处理本机的 SQLite 数据库文件")


class BackupError(LiangxinError):
    """A backup or restore could not be made, or a file is not a sound backup; nothing was changed."""


@dataclass(frozen=True)
class BackupFile:
    """A backup the GUI can offer for restore."""

    path: Path
    kind: str  # daily | before-upgrade | before-restore | manual
    taken: dt.datetime
    size: int


# ---- where ---------------------------------------------------------------------------------------


def current_database_path() -> Path:
    """Return the file of the open SQLite database, else the default one; refuse PostgreSQL."""
    database = m.database.obj
    if database is None:
        return default_database_path()
    if not isinstance(database, SqliteDatabase):
        raise BackupError(POSTGRES_ADVICE)
    return Path(database.database)


def backup_folder(db_path: Path | None = None) -> Path:
    """Return the folder beside the database where automatic backups go."""
    db_path = Path(db_path) if db_path else current_database_path()
    return db_path.parent / BACKUP_FOLDER


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


# ---- checking files ------------------------------------------------------------------------------


def open_read_only(path: Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """Open a database file without the right to change it (a URI needs an absolute path)."""
    return _reader(path, timeout=timeout, mode="?mode=ro")


def _reader(path: Path, *, timeout: float, mode: str) -> sqlite3.Connection:
    """Open a database file to read it (mode "" also lets SQLite finish a save a crash left half done).

    A WAL-mode file (every copy of the program's live database) on read-only media — a CD, a write-protected stick —
    cannot be opened where it is: SQLite must make its -shm index beside it. Such a file is read from a copy of it
    and of its -wal (which may hold the last saves), made in a temporary folder that closing the connection removes.
    """
    path = Path(path).resolve()
    con = sqlite3.connect(f"{path.as_uri()}{mode}", uri=True, timeout=timeout)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorname != "SQLITE_CANTOPEN" or not _is_wal_file(path):
            return con  # the caller's own query meets the same error and reports it in its words
        con.close()
        return _read_only_copy(path, timeout)
    return con


def _is_wal_file(path: Path) -> bool:
    """True for a SQLite file in WAL mode (its header's read and write versions are 2)."""
    with path.open("rb") as fh:
        header = fh.read(20)
    return len(header) == 20 and header[18:20] == b"\x02\x02"


class _CopyConnection(sqlite3.Connection):
    """A connection to a temporary copy of a database file; closing it removes the copy."""

    folder: Path

    def close(self) -> None:
        super().close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _read_only_copy(path: Path, timeout: float) -> sqlite3.Connection:
    folder = Path(tempfile.mkdtemp(prefix="liangxin-read-"))
    try:
        shutil.copyfile(path, folder / path.name)
        if Path(f"{path}-wal").is_file():
            shutil.copyfile(f"{path}-wal", folder / f"{path.name}-wal")
        con = sqlite3.connect(f"{(folder / path.name).as_uri()}?mode=ro", uri=True, timeout=timeout,
                              factory=_CopyConnection)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    con.folder = folder
    return con


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _sqlite_problems(con: sqlite3.Connection, pragma: str) -> list[str]:
    try:
        rows = [r[0] for r in con.execute(f"PRAGMA {pragma}").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def check_file(path: str | Path) -> list[str]:
    """Run integrity_check on a database file (without changing it); return what is wrong."""
    path = Path(path)
    if not path.is_file():
        return [f"{path}：文件不存在"]
    if not _is_sqlite_file(path):
        return [f"{path}：不是 SQLite 数据库文件"]
    con = open_read_only(path)
    try:
        return [f"{path}: {p}" for p in _sqlite_problems(con, "integrity_check")]
    finally:
        con.close()


def file_schema_version(path: str | Path) -> int | None:
    """Return the schema version stored in a database file, or None when it is not this program's."""
    con = open_read_only(path)
    try:
        row = con.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None
    except (sqlite3.DatabaseError, ValueError):
        return None
    finally:
        con.close()


def quick_check(target: str | Path | None = None) -> list[str]:
    """Start-up check: PRAGMA quick_check of the database file; [] when sound (or not SQLite, or new).

    The GUI calls this before opening the database and offers list_backups() for restore
    when it returns problems.
    """
    target = str(target) if target else str(default_database_path())
    if is_postgres_url(target) or not Path(target).exists():
        return []
    path = Path(target)
    if path.stat().st_size and not _is_sqlite_file(path):
        return [f"{path}：不是 SQLite 数据库文件"]
    con = sqlite3.connect(path, timeout=10)
    try:
        return [f"{path}: {p}" for p in _sqlite_problems(con, "quick_check")]
    finally:
        con.close()


# ---- making copies -------------------------------------------------------------------------------


def _fsync_dir(folder: Path) -> None:
    if os.name != "nt":  # Windows cannot open a folder to flush it; NTFS journals the rename itself
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_problem(exc: OSError, out: Path) -> str:
    """Say in the user's words why a backup could not be written where they asked (a missing USB disk, a full disk …)."""
    code = exc.errno
    if code == errno.ENOENT and not out.parent.is_dir():
        return f"文件夹 {out.parent} 不存在，也无法建立（U 盘或网络盘是否已接上？盘符是否正确？）"
    if code in (errno.EEXIST, errno.ENOTDIR):
        return f"路径 {out.parent} 中有一段是文件而不是文件夹"
    if code in (errno.EACCES, errno.EPERM):
        return f"没有在 {out.parent} 中写文件的权限"
    if code == errno.EROFS:
        return f"{out.parent} 所在的盘是只读的（U 盘是否打开了写保护？）"
    if code == errno.ENOSPC:
        return f"{out.parent} 所在的盘空间不足"
    return f"无法在 {out.parent} 中建立文件（{exc.strerror or exc}）"


def copy_checked(source: Path, out: Path) -> Path:
    """Copy a database with the online backup API to out, via a temporary name, checked before the rename."""
    source, out = Path(source), Path(out)
    if not source.is_file():
        raise BackupError(f"{source}：没有可备份的数据库文件")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        tmp.open("wb").close()  # fails with the reason (no such drive, read-only …), where SQLite only says it cannot open
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {out}：{_write_problem(exc, out)}；数据库未受影响") from None
    try:
        src = _reader(source, timeout=30, mode="")
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)  # one step: a consistent snapshot of what is committed
                dst.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
                problems = _sqlite_problems(dst, "integrity_check")
            finally:
                dst.close()
        finally:
            src.close()
        if problems:
            raise BackupError(f"{source} 的备份未通过完整性检查：{'；'.join(problems[:3])}")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"无法备份 {source}：{exc}") from None
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {out}：{_write_problem(exc, out)}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out


def backup_database(*, out: str | Path, source: str | Path | None = None) -> Path:
    """Back up the database (the open one by default) to a file, checked with integrity_check.

    An out that is a folder (or ends with a path separator) gets a file named like a manual backup in it,
    so that `backup --out E:\\两新备份\\` does what IT meant.
    """
    source = Path(source) if source else current_database_path()
    folder_meant = str(out).endswith(("/", "\\")) or Path(out).is_dir()
    out = Path(out)
    if folder_meant:
        out = out / manual_backup_path(source).name
    if out.resolve() == source.resolve():
        raise BackupError(f"{out}：备份不能覆盖它所备份的数据库本身")
    return copy_checked(source, out)


def backup_before_upgrade(version: int) -> Path | None:
    """Keep a checked copy of a SQLite database before its schema moves on from version (None for PostgreSQL)."""
    try:
        path = current_database_path()
    except BackupError:
        return None  # PostgreSQL: IT's server backups cover it
    out = path.with_name(f"{path.stem}.before-v{version + 1}.sqlite3")
    if out.exists():  # an earlier upgrade's copy (an old-version backup restored since): kept, this one beside it
        out = path.with_name(f"{path.stem}.before-v{version + 1}-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.sqlite3")
    return copy_checked(path, out)


def daily_backup(*, today: dt.date | None = None, db_path: str | Path | None = None,
                 keep_daily: int = KEEP_DAILY, keep_monthly: int = KEEP_MONTHLY) -> Path | None:
    """Make today's backup if there is none yet, then rotate; returns the new file, or None.

    Called at start-up and by `liangxin backup --daily` (e.g. from a scheduled task). A copy that
    fails its check raises BackupError before rotation, so good old copies are never pushed out by
    a bad new one.
    """
    today = today or dt.date.today()
    source = Path(db_path) if db_path else current_database_path()
    folder = backup_folder(source)
    out = folder / f"{source.stem}-{DAILY_KIND}-{today:%Y-%m-%d}.sqlite3"
    made = None
    if not out.exists():
        made = copy_checked(source, out)
    rotate(folder, source.stem, today=today, keep_daily=keep_daily, keep_monthly=keep_monthly)
    return made


def _daily_files(folder: Path, stem: str) -> dict[dt.date, Path]:
    found = {}
    prefix = f"{stem}-{DAILY_KIND}-"
    for path in folder.glob(f"{prefix}*.sqlite3"):
        try:
            found[dt.date.fromisoformat(path.name[len(prefix):-len(".sqlite3")])] = path
        except ValueError:
            continue  # not one of ours
    return found


def rotate(folder: Path, stem: str, *, today: dt.date, keep_daily: int = KEEP_DAILY,
           keep_monthly: int = KEEP_MONTHLY) -> list[Path]:
    """Delete daily backups beyond the newest keep_daily, keeping the first of each of keep_monthly months."""
    files = _daily_files(folder, stem)
    days = sorted(files, reverse=True)
    keep = set(days[:keep_daily])
    first_of_month: dict[tuple[int, int], dt.date] = {}
    for day in sorted(files):
        first_of_month.setdefault((day.year, day.month), day)
    oldest_month = (today.year * 12 + today.month - 1) - (keep_monthly - 1)
    keep |= {day for (year, month), day in first_of_month.items() if year * 12 + month - 1 >= oldest_month}
    removed = []
    for day in days:
        if day not in keep:
            files[day].unlink(missing_ok=True)
            removed.append(files[day])
    return removed


def list_backups(db_path: str | Path | None = None) -> list[BackupFile]:
    """Return the backups beside the database, newest first (for the GUI's restore list)."""
    source = Path(db_path) if db_path else current_database_path()
    candidates = list(backup_folder(source).glob(f"{source.stem}-*.sqlite3"))
    candidates += list(source.parent.glob(f"{source.stem}.before-v*.sqlite3"))
    out = []
    for path in candidates:
        name = path.name
        kind = ("before-upgrade" if ".before-v" in name else "before-restore" if "-before-restore-" in name
                else DAILY_KIND if f"-{DAILY_KIND}-" in name else MANUAL_KIND)
        stat = path.stat()
        out.append(BackupFile(path, kind, dt.datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), stat.st_size))
    return sorted(out, key=lambda b: (b.taken, b.path.name), reverse=True)


# ---- restore -------------------------------------------------------------------------------------


def unusable_reason(path: Path, doing: str) -> str | None:
    """Why a file cannot be used as this program's database for `doing` (恢复, 复制): unsound, not its own, or from
    a newer version; None when it can."""
    if not path.is_file():  # the caller's sentence names the file
        return "文件不存在"
    if not _is_sqlite_file(path):
        return "它不是 SQLite 数据库文件"
    problems = check_file(path)
    if problems:
        return f"它未通过完整性检查：{'；'.join(p.removeprefix(f'{path}: ') for p in problems[:3])}"
    version = file_schema_version(path)
    if version is None:
        return "它不是两新填报的数据库（没有结构版本）"
    if version > SCHEMA_VERSION:
        return f"它的结构版本 {version} 比本程序的 {SCHEMA_VERSION} 新；请用写出它的新版程序{doing}"
    return None


def check_restorable(source: str | Path) -> None:
    """Refuse a file that is unsound, not this program's database, or newer than it."""
    source = Path(source)
    reason = unusable_reason(source, "恢复")
    if reason:
        raise BackupError(f"无法恢复 {source}：{reason}")


OTHER_UNIT, EMPTY_BACKUP = "other-unit", "empty-backup"  # the kinds of RestoreRisk


@dataclass(frozen=True)
class RestoreRisk:
    """What a restore would throw away that the person restoring must confirm first."""

    kind: str  # OTHER_UNIT: the backup is another unit's; EMPTY_BACKUP: it holds no unit or no data, the database does
    text: str  # what the backup holds and what would be lost, naming both files


class RestoreNotConfirmed(BackupError):
    """A restore that would throw data away was not confirmed (RestoreRisk); nothing was changed."""

    def __init__(self, risk: RestoreRisk) -> None:
        super().__init__(risk.text)
        self.risk = risk


def _file_contents(path: Path) -> tuple[tuple[str, str] | None, int | None]:
    """Return a database file's own unit and its number of entries (None: unknown), read without changing it."""
    if not path.is_file() or not _is_sqlite_file(path):
        return None, None
    con = open_read_only(path)
    try:
        entries = con.execute(f"SELECT count(*) FROM {m.Entry._meta.table_name}").fetchone()[0]
    except sqlite3.DatabaseError:
        entries = None
    finally:
        con.close()
    return file_own_unit(path), entries


def restore_risk(source: str | Path, target: str | Path) -> RestoreRisk | None:
    """Say what restoring source over target would lose that needs a confirmation: another unit's backup, or one with
    no unit or no data over a database that has them; None when there is nothing to confirm."""
    source, target = Path(source), Path(target)
    (theirs, their_entries), (ours, our_entries) = _file_contents(source), _file_contents(target)
    if ours is None:  # nothing of a unit's to lose: a new PC, a database that was never set up, or an unreadable one
        return None
    own = f"{ours[1]}（{ours[0]}）"
    kept = f"只留在 {backup_folder(target)} 中恢复前的副本里"
    if theirs is None:
        holds = "没有填报数据" if not their_entries else f"有填报数据 {their_entries} 条"
        return RestoreRisk(EMPTY_BACKUP, f"{source} 是尚未设置本单位的两新填报数据库（{holds}），当前数据库 {target} 属于 {own}"
                                         f"、有填报数据 {our_entries or 0} 条；恢复后本单位、它的下级单位和这些数据都不再在数据库中"
                                         f"（{kept}），程序重新启动时会进入首次设置")
    if theirs[0] != ours[0]:  # e.g. the backup of the PC next door
        return RestoreRisk(OTHER_UNIT, f"{source} 是 {theirs[1]}（{theirs[0]}）的数据库，当前数据库 {target} 属于 {own}；"
                                       "恢复会用另一单位的数据替换它")
    if their_entries == 0 and our_entries:
        return RestoreRisk(EMPTY_BACKUP, f"{source} 虽是 {own}的数据库，但没有填报数据；当前数据库 {target} 有填报数据 "
                                         f"{our_entries} 条，恢复后它们都不再在数据库中（{kept}）")
    return None


def _keep_current(target: Path) -> Path | None:
    """Copy the database about to be replaced aside; a damaged one is copied byte for byte."""
    if not target.exists():
        return None
    out = backup_folder(target) / f"{target.stem}-before-restore-{_stamp()}.sqlite3"
    try:
        return copy_checked(target, out)
    except BackupError:
        damaged = out.with_name(out.stem + "-damaged.sqlite3")
        damaged.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            if Path(f"{target}{suffix}").exists():
                shutil.copy2(f"{target}{suffix}", f"{damaged}{suffix}")
        return damaged


def restore_database(source: str | Path, *, target: str | Path | None = None, user: str = "",
                     confirmed: Collection[str] = ()) -> Path | None:
    """Replace the database with a checked backup; returns the copy kept of the replaced database.

    The backup's integrity and schema version are checked first (BackupError, nothing changed), and a
    restore_risk whose kind is not in confirmed is refused (RestoreNotConfirmed, nothing changed).
    The restore writes through SQLite's backup API into the live file, so its WAL stays consistent
    and other programs with the database open see the restored data; the replaced database is copied
    aside while the restore holds the write lock, so a save another program commits meanwhile is in that copy. An older backup is upgraded
    when the database is next opened (with its own pre-upgrade copy). With login on, only an
    administrator may restore over a database that can still be read.
    """
    source = Path(source)
    target = Path(target) if target else current_database_path()
    if source.resolve() == target.resolve():
        raise BackupError(f"{source} 就是当前数据库本身")
    check_restorable(source)
    risk = restore_risk(source, target)
    if risk and risk.kind not in confirmed:
        raise RestoreNotConfirmed(risk)
    was_open = m.database.obj is not None and not m.database.is_closed()
    user = _require_restore(target, user)
    close_database()
    existed = target.exists()
    kept: list[Path | None] = []  # the copy of the replaced database, made once the restore holds the write lock
    try:
        _write_into(source, target, keep=lambda: kept.append(_keep_current(target) if existed else None))
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED"):  # a live database someone is writing: never replace its file
            raise _busy(target) from None
        if not kept:
            kept.append(_keep_current(target) if existed else None)
        _replace_file(source, target)  # the old file is too damaged for SQLite to write into
    kept = kept[0]
    problems = check_file(target)
    if problems:
        raise BackupError(f"恢复到 {target} 后未通过检查：{'；'.join(problems[:3])}；"
                          f"原数据库已另存在 {kept}")
    open_database(target)
    from models.audit import audit

    with m.database.atomic():
        audit("restore", "database", str(target), old=str(kept) if kept else None, new=str(source), user=user)
    if not was_open:
        close_database()
    return kept


def _require_restore(target: Path, user: str) -> str:
    """Ask the replaced database who may restore; one too damaged to read is replaced by whoever can write it."""
    from models.auth import require

    if not target.exists() or quick_check(target):
        return user
    current = m.database.obj
    is_open = (isinstance(current, SqliteDatabase) and not m.database.is_closed()
               and Path(current.database).resolve() == target.resolve())
    if not is_open:
        try:
            open_database(target, upgrade=False)
        except (LiangxinError, DatabaseError, sqlite3.DatabaseError):
            return user  # unreadable to this program (e.g. a newer or half-upgraded schema)
    return require("restore", user=user)


def _busy(target: Path) -> BackupError:
    return BackupError(f"无法恢复 {target}：另一个程序（其他窗口或电脑上的两新填报）正在写入这个数据库，"
                       f"{LOCK_WAIT} 秒内没有结束；请关闭它后再试。数据库未改动")


def _write_into(source: Path, target: Path, keep: Callable[[], None]) -> None:
    """Write a backup into the live file through SQLite's backup API, calling keep() while it holds the write lock."""
    src = open_read_only(source)
    try:
        dst = sqlite3.connect(target, timeout=LOCK_WAIT)
        try:
            # The program's own mode, and what makes keep() possible: in WAL mode others still read the last commit
            # while the backup holds the write lock, so keep() can copy it there.
            dst.execute("PRAGMA journal_mode=WAL")
            pages = src.execute("PRAGMA page_count").fetchone()[0]
            if pages < 2:  # schema and setting table at least (check_restorable): the first step cannot finish the copy
                raise BackupError(f"无法恢复 {source}：它不是两新填报的数据库")

            def locked(status: int, _remaining: int, _total: int) -> None:
                if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):  # waited LOCK_WAIT; Python would retry forever
                    raise _busy(target)
                # Once, between the two steps. From its first step to its commit the backup holds the target's write
                # lock: what keep() copies now is everything anyone committed, and no save can commit in between and
                # be lost to both files.
                if status == sqlite3.SQLITE_OK:
                    keep()

            src.backup(dst, pages=pages - 1, progress=locked)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def _replace_file(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    copy_checked(source, tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)  # a stale log would be replayed onto the new file
    os.replace(tmp, target)
    _fsync_dir(target.parent)


# ---- a database to switch to (设置 → 数据库) ----------------------------------------------------


@dataclass(frozen=True)
class DatabaseFound:
    """What a database the user wants the program to use holds, looked at before the setting is kept."""

    target: str  # as it may be shown: a password in a URL is starred out
    exists: bool  # False: the program would make a new, empty database there
    unit: tuple[str, str] | None  # (code, name) of its own unit; None while it is empty (the first-run wizard asks)


def inspect_database(target: str | Path) -> DatabaseFound:
    """Look at a SQLite file or PostgreSQL URL without changing it; BackupError says why the program could not use it.

    The settings page asks this before it keeps a new database: a typo there would stop the next start, and an
    empty database would start with the first-run wizard, leaving this PC's data behind unnoticed.
    """
    target = str(target)
    if is_postgres_url(target):
        return _inspect_postgres(target)
    if is_network_path(target):
        raise BackupError(f"{target}：数据库文件不能放在网络共享上（SQLite 的文件锁在网络上不可靠）；"
                          "多台电脑共用数据请填写 PostgreSQL 地址")
    path = Path(target)
    if path.is_dir():
        raise BackupError(f"{path} 是文件夹：请填写数据库文件的完整路径，例如 {path / 'liangxin.sqlite3'}")
    if is_read_only_location(path):
        raise BackupError(f"{path}：位置只读（光盘、写保护的 U 盘或只读文件夹），不能在那里作为数据库使用；"
                          "请先把文件复制到本机硬盘，或选一个可写的文件夹")
    if not path.exists():
        return DatabaseFound(target, False, None)
    reason = unusable_reason(path, "打开")
    if reason:
        raise BackupError(f"{path} 不能用作数据库：{reason}")
    return DatabaseFound(target, True, file_own_unit(path))


def _inspect_postgres(url: str) -> DatabaseFound:
    from models.pgdriver import load_postgres_driver

    try:
        where = postgres_target(url)
    except SchemaError as exc:
        raise BackupError(str(exc)) from None
    shown, schema = where.shown, where.schema or "public"
    load_postgres_driver()
    import psycopg2

    try:
        con = psycopg2.connect(**(where.connect_params() | {"options": None}))  # the schema is named in the queries
    except psycopg2.Error as exc:
        reason = " ".join(str(exc).split())  # libpq's words, on one line, for IT
        raise BackupError(f"无法连接 {shown}：请检查服务器地址、端口、数据库名、用户名和密码"
                          f"（密码放在 pgpass 文件中，见 {IT_GUIDE_PG}）。服务器的回答：{reason}") from None
    try:
        cur = con.cursor()
        cur.execute("SELECT to_regclass(%s), to_regclass(%s)", (f'"{schema}".setting', f'"{schema}".org_unit'))
        setting, units = cur.fetchone()
        if setting is None:
            return DatabaseFound(shown, False, None)
        cur.execute(f'SELECT key, value FROM "{schema}".setting WHERE key IN (%s, %s)', ("schema_version", "own_unit"))
        values = dict(cur.fetchall())
        version = int(values.get("schema_version") or 0)
        if version > SCHEMA_VERSION:
            raise BackupError(f"{shown} 的结构版本 {version} 比本程序的 {SCHEMA_VERSION} 新；请先安装新版程序")
        code = values.get("own_unit")
        if not code:
            return DatabaseFound(shown, True, None)
        name = ""
        if units is not None:
            cur.execute(f'SELECT name FROM "{schema}".org_unit WHERE code = %s', (code,))
            row = cur.fetchone()
            name = row[0] if row else ""
        return DatabaseFound(shown, True, (code, name))
    except psycopg2.Error as exc:
        raise BackupError(f"{shown}：无法读取（{' '.join(str(exc).split())}）") from None
    finally:
        con.close()


# ---- choosing a backup (the GUI's restore offers) ------------------------------------------------


def manual_backup_path(db_path: str | Path | None = None, *, now: dt.datetime | None = None) -> Path:
    """Return where a backup made on demand goes by default: the backups folder, named with the time."""
    source = Path(db_path) if db_path else current_database_path()
    return backup_folder(source) / f"{source.stem}-{MANUAL_KIND}-{_stamp(now)}.sqlite3"


def newest_sound_backup(db_path: str | Path | None = None) -> BackupFile | None:
    """Return the newest backup that check_restorable accepts (offered when start-up finds damage), or None."""
    for found in list_backups(db_path):
        try:
            check_restorable(found.path)
        except BackupError:
            continue  # e.g. the byte copy kept of a damaged database before an earlier restore
        return found
    return None


def file_own_unit(path: str | Path) -> tuple[str, str] | None:
    """Return (code, name) of the unit a database file belongs to, read without changing it; None if unknown."""
    path = Path(path)
    if not path.is_file() or not _is_sqlite_file(path):
        return None
    con = open_read_only(path)
    try:
        row = con.execute(f"SELECT s.value, u.name FROM setting s LEFT JOIN {m.OrgUnit._meta.table_name} u "
                          "ON u.code = s.value WHERE s.key = 'own_unit'").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    return (row[0], row[1] or "") if row else None
