"""The core's help for the GUI's restore: where a backup on demand goes, the newest sound backup, whose a file is."""

import datetime as dt
import sqlite3

from models import backup
from models.database import close_database
from tests.conftest import TOWN


def corrupt(path) -> None:
    """Overwrite pages in the middle of a closed database file, leaving its header."""
    pages = path.stat().st_size // 4096
    with path.open("r+b") as fh:
        fh.seek(4096 * (pages // 2))
        fh.write(b"\xa5" * 4096 * 3)
    assert backup.quick_check(path)


def test_a_backup_on_demand_goes_to_the_backups_folder_and_is_listed_as_manual(sqlite_db):
    out = backup.manual_backup_path(now=dt.datetime(2025, 11, 3, 9, 30, 5))
    assert out == backup.backup_folder() / "town-manual-20251103-093005.sqlite3"
    backup.backup_database(out=out)
    assert [(b.path, b.kind) for b in backup.list_backups()] == [(out, "manual")]


def test_the_newest_sound_backup_skips_a_damaged_newer_one(sqlite_db):
    assert backup.newest_sound_backup() is None
    old = backup.daily_backup(today=dt.date(2025, 3, 1))
    new = backup.daily_backup(today=dt.date(2025, 3, 2))
    assert backup.newest_sound_backup().path == new
    close_database()
    corrupt(new)
    assert backup.newest_sound_backup(sqlite_db).path == old
    corrupt(old)
    assert backup.newest_sound_backup(sqlite_db) is None


def test_whose_database_a_file_is(sqlite_db, tmp_path):
    assert backup.file_own_unit(sqlite_db) == (TOWN, "环翠楼街道")
    text = tmp_path / "名单.sqlite3"
    text.write_text("名单\n张三", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    assert backup.file_own_unit(text) is None
    assert backup.file_own_unit(other) is None
    assert backup.file_own_unit(tmp_path / "missing.sqlite3") is None
