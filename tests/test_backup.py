"""Backups: checked online copies, daily rotation, restore, the start-up check, and no database on a network share."""

import datetime as dt
import shutil
import sqlite3
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from models import backup
from models import db as m
from models.backup import BackupError
from models.database import SCHEMA_VERSION, close_database, is_network_path, open_database, schema_version
from models.entries import form_rows, save_row
from models.errors import SchemaError
from tests.conftest import TOWN, corrupt_database, table_snapshot

P = "2025-10"
V1 = Path(__file__).parent / "fixtures" / "schema_v1.sqlite3"


def save_current(value) -> None:
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"current": value})


def stored_current(path: Path):
    """Read the figure straight from a file, the way another program would."""
    with sqlite3.connect(path) as con:
        row = con.execute("SELECT data FROM entry WHERE row_key = 'appliance_recycling'").fetchone()
    return None if row is None else Decimal(__import__("json").loads(row[0])["current"])




# ---- backup ------------------------------------------------------------------------------------


def test_backup_is_a_checked_self_contained_copy(sqlite_db, tmp_path):
    save_current(11)
    out = backup.backup_database(out=tmp_path / "copies" / "b.sqlite3")
    assert out.exists() and backup.check_file(out) == []
    assert stored_current(out) == Decimal(11)
    assert backup.file_schema_version(out) == SCHEMA_VERSION
    assert sorted(p.name for p in out.parent.iterdir()) == ["b.sqlite3"]  # no -wal beside it, no partial file
    with sqlite3.connect(out) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_is_online_and_holds_only_committed_data(sqlite_db, tmp_path):
    save_current(1)
    writer = sqlite3.connect(sqlite_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another program in the middle of a save
    writer.execute("UPDATE entry SET data = '{\"current\": \"999\"}' WHERE row_key = 'appliance_recycling'")
    out = backup.backup_database(out=tmp_path / "during.sqlite3")
    writer.execute("ROLLBACK")
    writer.close()
    assert stored_current(out) == Decimal(1)
    assert backup.check_file(out) == []


def test_backup_refuses_what_it_cannot_do(sqlite_db, tmp_path):
    with pytest.raises(BackupError, match="备份不能覆盖它所备份的数据库本身"):
        backup.backup_database(out=sqlite_db)
    with pytest.raises(BackupError, match="没有可备份的数据库文件"):
        backup.backup_database(out=tmp_path / "x.sqlite3", source=tmp_path / "missing.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


def test_damaged_database_gives_no_backup(sqlite_db, tmp_path):
    close_database()
    corrupt_database(sqlite_db)
    with pytest.raises(BackupError, match="完整性检查|无法备份"):
        backup.backup_database(out=tmp_path / "bad.sqlite3", source=sqlite_db)
    assert list(tmp_path.glob("*bad.sqlite3*")) == []  # neither under its name nor as a partial file


def test_daily_backups_rotate_keeping_14_days_and_one_per_month(sqlite_db):
    start = dt.date(2025, 1, 1)
    for i in range(120):
        save_current(i)
        backup.daily_backup(today=start + dt.timedelta(days=i))
    assert backup.daily_backup(today=start + dt.timedelta(days=119)) is None  # once a day
    folder = backup.backup_folder()
    kept = sorted(p.name for p in folder.glob("*-daily-*.sqlite3"))
    last = start + dt.timedelta(days=119)  # 2025-04-30
    newest = [f"town-daily-{last - dt.timedelta(days=d):%Y-%m-%d}.sqlite3" for d in range(14)]
    firsts = [f"town-daily-2025-{month:02d}-01.sqlite3" for month in (1, 2, 3, 4)]
    assert kept == sorted(set(newest + firsts))
    assert stored_current(folder / "town-daily-2025-02-01.sqlite3") == Decimal(31)  # what was saved that day
    assert all(backup.check_file(folder / name) == [] for name in kept)
    assert [b.kind for b in backup.list_backups()] == ["daily"] * len(kept)
    # After two years without a backup, only the newest 14 and the months inside the window remain.
    backup.rotate(folder, "town", today=dt.date(2027, 2, 1), keep_daily=14, keep_monthly=24)
    assert "town-daily-2025-01-01.sqlite3" not in {p.name for p in folder.iterdir()}
    assert "town-daily-2025-03-01.sqlite3" in {p.name for p in folder.iterdir()}


def test_a_bad_daily_copy_does_not_push_out_good_ones(sqlite_db):
    backup.daily_backup(today=dt.date(2025, 3, 1))
    close_database()
    corrupt_database(sqlite_db)
    for day in range(2, 20):
        with pytest.raises(BackupError):
            backup.daily_backup(today=dt.date(2025, 3, day), db_path=sqlite_db)
    names = [p.name for p in backup.backup_folder(sqlite_db).iterdir()]
    assert names == ["town-daily-2025-03-01.sqlite3"]


# ---- restore -----------------------------------------------------------------------------------


def test_restore_brings_the_backup_back_and_keeps_the_replaced_database(sqlite_db, tmp_path):
    save_current(5)
    copy = backup.backup_database(out=tmp_path / "monday.sqlite3")
    save_current(6)
    other = sqlite3.connect(sqlite_db)  # another program with the database open sees the restore
    assert other.execute("SELECT count(*) FROM entry").fetchone() == (1,)
    kept = backup.restore_database(copy, user="it")
    assert form_rows(unit_code=TOWN, period=P, form_id="figures")[0].values["current"] == Decimal(5)
    assert stored_current(kept) == Decimal(6) and backup.check_file(kept) == []
    assert kept.parent == backup.backup_folder() and "before-restore" in kept.name
    line = m.AuditLog.select().where(m.AuditLog.action == "restore").get()
    assert (line.new, line.old, line.user) == (str(copy), str(kept), "it")
    assert other.execute("SELECT data FROM entry").fetchone()[0].find('"5"') > 0
    other.close()
    assert backup.quick_check(sqlite_db) == []


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("名单\n张三", encoding="utf-8"), "不是 SQLite 数据库文件"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t(x)").connection.commit(), "不是两新填报的数据库"),
    ("newer", "比本程序的"),
    ("damaged", "未通过完整性检查"),
])
def test_restore_refuses_bad_files_and_changes_nothing(sqlite_db, tmp_path, make, message):
    save_current(7)
    bad = tmp_path / "bad.sqlite3"
    if make == "newer":
        backup.backup_database(out=bad)
        with sqlite3.connect(bad) as con:
            con.execute("UPDATE setting SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),))
    elif make == "damaged":
        backup.backup_database(out=bad)
        corrupt_database(bad)
    else:
        make(bad)
    before = table_snapshot()
    with pytest.raises(BackupError, match=message):
        backup.restore_database(bad)
    assert table_snapshot() == before
    assert not backup.backup_folder().exists()  # no copy made, nothing replaced


def test_restore_of_an_older_version_is_upgraded_on_opening(sqlite_db, tmp_path):
    kept = backup.restore_database(V1)
    assert kept is not None
    assert schema_version() == SCHEMA_VERSION
    rows = {r.row_key: r for r in form_rows(unit_code=TOWN, period="2025-09", form_id="figures")}
    assert rows["appliance_recycling"].values["current"] == Decimal(321)
    upgrade_copy = sqlite_db.with_name("town.before-v2.sqlite3")
    assert backup.check_file(upgrade_copy) == [] and backup.file_schema_version(upgrade_copy) == 1


def test_a_second_upgrade_keeps_the_first_upgrades_copy(sqlite_db, tmp_path):
    """Restoring an old-version backup upgrades it again: the copy kept at the first upgrade is not overwritten."""
    backup.restore_database(V1)
    first = sqlite_db.with_name("town.before-v2.sqlite3")
    older = tmp_path / "older.sqlite3"
    shutil.copy(V1, older)
    with sqlite3.connect(older) as con:  # another backup at version 1, with other data
        con.execute("UPDATE org_unit SET name = '另一份备份' WHERE code = ?", (TOWN,))
    backup.restore_database(older)
    with sqlite3.connect(first) as con:
        assert con.execute("SELECT name FROM org_unit WHERE code = ?", (TOWN,)).fetchone() != ("另一份备份",)
    copies = sorted(sqlite_db.parent.glob("town.before-v2*.sqlite3"))
    assert len(copies) == 2, copies
    second = next(c for c in copies if c != first)
    with sqlite3.connect(second) as con:
        assert con.execute("SELECT name FROM org_unit WHERE code = ?", (TOWN,)).fetchone() == ("另一份备份",)
    assert {b.path for b in backup.list_backups() if b.kind == "before-upgrade"} == set(copies)


def test_restore_replaces_a_database_too_damaged_to_open(sqlite_db, tmp_path):
    save_current(3)
    copy = backup.backup_database(out=tmp_path / "good.sqlite3")
    close_database()
    corrupt_database(sqlite_db)
    kept = backup.restore_database(copy, target=sqlite_db)
    assert kept.name.endswith("-damaged.sqlite3") and kept.exists()
    assert backup.quick_check(sqlite_db) == []
    assert stored_current(sqlite_db) == Decimal(3)
    assert not m.database.obj or m.database.is_closed()  # closed as it was found


def test_restore_onto_a_new_pc(tmp_path):
    """Moving to a new PC: restore a backup where there is no database yet."""
    target = tmp_path / "newpc" / "liangxin.sqlite3"
    target.parent.mkdir()
    assert backup.restore_database(V1, target=target) is None
    open_database(target)
    try:
        assert schema_version() == SCHEMA_VERSION and m.OrgUnit.select().count() > 0
    finally:
        close_database()


# ---- start-up check and upgrade copies ----------------------------------------------------------


def test_quick_check_at_start_up(sqlite_db, tmp_path):
    assert backup.quick_check(sqlite_db) == []
    assert backup.quick_check(tmp_path / "none-yet.sqlite3") == []  # a first start creates it
    assert backup.quick_check("postgresql://127.0.0.1/test") == []  # the server checks itself
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database")
    assert backup.quick_check(text) == [f"{text}：不是 SQLite 数据库文件"]
    close_database()
    corrupt_database(sqlite_db)
    problems = backup.quick_check(sqlite_db)
    assert problems and all(p.startswith(str(sqlite_db)) for p in problems)


def test_upgrade_copy_is_checked_and_a_damaged_database_is_not_upgraded(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(V1, path)
    with path.open("r+b") as fh:  # damage the last pages (entries), leaving the settings readable
        size = path.stat().st_size
        fh.seek(size - 4096 * 4)
        fh.write(b"\x5a" * 4096 * 4)
    with pytest.raises(SchemaError, match="未能先留存一份完好的副本"):
        open_database(path)
    close_database()
    assert backup.file_schema_version(path) == 1  # left as it was
    assert not path.with_name("old.before-v2.sqlite3").exists()


# ---- network shares ----------------------------------------------------------------------------


@pytest.mark.parametrize("path, remote", [
    (r"\\fileserver\share\liangxin.sqlite3", True),
    ("//fileserver/share/liangxin.sqlite3", True),
    ("/home/clerk/liangxin.sqlite3", False),
    ("liangxin.sqlite3", False),
])
def test_network_paths_are_recognised(path, remote):
    assert is_network_path(path) is remote


def test_database_on_a_network_share_is_refused_with_advice(tmp_path):
    with pytest.raises(SchemaError, match="网络共享.*PostgreSQL"):
        open_database(r"\\fileserver\share\liangxin.sqlite3")
    assert m.database.obj is None or m.database.is_closed()


def test_mapped_network_drive_is_recognised_on_windows(monkeypatch):
    import ctypes
    import types

    drive_types = {"Z:\\": 4, "C:\\": 3}  # DRIVE_REMOTE, DRIVE_FIXED
    kernel32 = types.SimpleNamespace(GetDriveTypeW=lambda root: drive_types.get(root, 1))
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel32), raising=False)
    monkeypatch.setattr("models.database.os.name", "nt")
    assert is_network_path(r"Z:\两新\liangxin.sqlite3")
    assert not is_network_path(r"C:\Users\clerk\AppData\Local\LiangXin\liangxin.sqlite3")
    with pytest.raises(SchemaError, match="网络共享"):
        open_database(r"Z:\两新\liangxin.sqlite3")


def test_restore_needs_an_administrator_when_login_is_on(sqlite_db, tmp_path):
    from models import auth
    from models.errors import PermissionDenied

    save_current(1)
    copy = backup.backup_database(out=tmp_path / "copy.sqlite3")
    auth.add_user(name="li", password="long enough 1", role="clerk", unit_code=TOWN)
    auth.add_user(name="boss", password="long enough 1", role="admin")
    auth.set_login_required(True)
    try:
        auth.login("li", "long enough 1")
        save_current(2)
        with pytest.raises(PermissionDenied, match="无权恢复备份"):
            backup.restore_database(copy)
        assert m.AuditLog.select().where(m.AuditLog.action == "refused:restore").count() == 1
        assert stored_current(sqlite_db) == Decimal(2) and not backup.backup_folder().exists()
        auth.login("boss", "long enough 1")
        backup.restore_database(copy)
        assert stored_current(sqlite_db) == Decimal(1)
        assert m.AuditLog.select().where(m.AuditLog.action == "restore").get().user == "boss"
    finally:
        auth._session = None


def test_a_save_committed_while_restore_waits_for_the_lock_is_in_the_kept_copy(sqlite_db, tmp_path):
    save_current(5)
    copy = backup.backup_database(out=tmp_path / "monday.sqlite3")
    close_database()
    writer = sqlite3.connect(sqlite_db, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # another PC in the middle of a save
    writer.execute("UPDATE entry SET data = '{\"current\": \"8\"}' WHERE row_key = 'appliance_recycling'")
    writing = threading.Event()

    def watch(frame, event, arg):
        # The writer commits once the restore starts writing into the database, i.e. while it waits for the lock.
        if event == "c_call" and getattr(arg, "__name__", "") == "backup" and isinstance(arg.__self__, sqlite3.Connection):
            if Path(arg.__self__.execute("PRAGMA database_list").fetchone()[2]) == copy:
                writing.set()

    def restore(result: list) -> None:
        sys.setprofile(watch)
        try:
            result.append(backup.restore_database(copy, target=sqlite_db, user="it"))
        finally:
            sys.setprofile(None)

    result: list = []
    restoring = threading.Thread(target=restore, args=(result,))
    restoring.start()
    while not writing.wait(0.1):  # (a restore that never writes ends, and the test with it)
        assert restoring.is_alive(), result
    writer.execute("COMMIT")
    writer.close()
    restoring.join()
    assert stored_current(sqlite_db) == Decimal(5)  # the backup's data
    kept = result[0]
    assert stored_current(kept) == Decimal(8) and backup.check_file(kept) == []  # the save is not lost


def test_restore_refuses_a_database_someone_keeps_writing_and_changes_nothing(sqlite_db, tmp_path, monkeypatch):
    save_current(5)
    copy = backup.backup_database(out=tmp_path / "monday.sqlite3")
    save_current(6)
    close_database()
    writer = sqlite3.connect(sqlite_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a save that does not finish within the wait
    monkeypatch.setattr(backup, "LOCK_WAIT", 0, raising=False)  # (before it, a restore waited for ever)
    with pytest.raises(BackupError, match="正在写入这个数据库.*数据库未改动"):
        backup.restore_database(copy, target=sqlite_db)
    writer.execute("INSERT INTO setting (key, value) VALUES ('after', '1')")
    writer.execute("COMMIT")  # its file and log were left alone
    writer.close()
    assert stored_current(sqlite_db) == Decimal(6)
    with sqlite3.connect(sqlite_db) as con:
        assert con.execute("SELECT value FROM setting WHERE key = 'after'").fetchone() == ("1",)


def test_a_backup_without_data_over_a_database_with_data_must_be_confirmed(sqlite_db, tmp_path):
    before_any = backup.backup_database(out=tmp_path / "first-day.sqlite3")  # the unit set up, nothing entered yet
    save_current(9)
    before = table_snapshot()
    with pytest.raises(backup.RestoreNotConfirmed, match=f"{before_any} 虽是 环翠楼街道（371002001）的数据库，但没有填报数据；"
                                                         f"当前数据库 {sqlite_db} 有填报数据 1 条") as refused:
        backup.restore_database(before_any)
    assert refused.value.risk.kind == backup.EMPTY_BACKUP
    assert table_snapshot() == before and not backup.backup_folder().exists()
    kept = backup.restore_database(before_any, confirmed={backup.EMPTY_BACKUP})
    assert stored_current(sqlite_db) is None and stored_current(kept) == Decimal(9)
