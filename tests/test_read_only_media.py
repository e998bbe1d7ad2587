"""A copy of the live database on read-only media (a CD, a write-protected stick): checked, restored and copied from
where it is, with the saves still in its -wal; opened as the database, it is refused in words. Uses a real read-only
file system (a tmpfs remounted ro), or, for a user who is not root, a folder without write permission."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from models import backup, transfer
from models import db as m
from models.database import close_database, open_database
from models.entries import save_row
from tests.conftest import TOWN, missing_prerequisite
from tests.test_cli_core import run_cli

P = "2025-10"


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        missing_prerequisite(f"{' '.join(command)} failed ({done.stderr.strip()}): mounting a read-only file system "
                             "needs root with CAP_SYS_ADMIN")


@pytest.fixture
def read_only_media(tmp_path):
    """fill(files) puts copies of the files on a read-only medium and returns its folder."""
    folder = tmp_path / "cdrom"
    folder.mkdir()
    root = os.geteuid() == 0  # permissions do not stop root: it needs a file system that is itself read-only
    if root:
        _run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder))

    def fill(*files: Path) -> Path:
        for f in files:
            shutil.copyfile(f, folder / f.name)
        if root:
            _run("mount", "-o", "remount,ro", str(folder))
        else:
            folder.chmod(0o555)
        return folder

    yield fill
    if root:
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o755)


def _contents(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


def _temporary_copies() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("liangxin-read-*")}


@pytest.fixture
def live_copy_on_cd(sqlite_db, read_only_media):
    """The town's database copied, file and -wal, while the program had it open: the last saves are only in the -wal."""
    for value in range(1, 6):
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"current": value})
    wal = Path(f"{sqlite_db}-wal")
    assert wal.stat().st_size > 0
    folder = read_only_media(sqlite_db, wal)  # copied with the database still open: no checkpoint yet
    close_database()
    with pytest.raises(OSError):
        (folder / "probe").write_text("x")  # the medium really is read-only
    return folder / sqlite_db.name


def _current(path: Path):
    open_database(path)
    try:
        row = m.Entry.get((m.Entry.form_id == "figures") & (m.Entry.row_key == "appliance_recycling"))
        return json.loads(row.data)["current"]
    finally:
        close_database()


def test_a_live_copy_on_a_cd_is_checked_and_restored_with_its_last_saves(live_copy_on_cd, tmp_path):
    before, copies = _contents(live_copy_on_cd.parent), _temporary_copies()
    assert backup.check_file(live_copy_on_cd) == []
    backup.check_restorable(live_copy_on_cd)
    assert backup.file_own_unit(live_copy_on_cd) == (TOWN, "环翠楼街道")
    target = tmp_path / "new-pc" / "liangxin.sqlite3"
    backup.restore_database(live_copy_on_cd, target=target)
    assert str(_current(target)) == "5"  # the save that was only in the -wal came along
    assert _contents(live_copy_on_cd.parent) == before
    assert _temporary_copies() == copies  # the copies read from are gone


def test_a_live_copy_on_a_cd_is_copied_into_the_shared_database(live_copy_on_cd, pg_url):
    report = transfer.copy_database(source=live_copy_on_cd, target=pg_url)
    assert report.unit == (TOWN, "环翠楼街道")
    row = m.Entry.get((m.Entry.form_id == "figures") & (m.Entry.row_key == "appliance_recycling"))
    assert str(json.loads(row.data)["current"]) == "5"
    close_database()


def test_opening_a_copy_on_a_cd_as_the_database_says_to_copy_it_first(live_copy_on_cd):
    before = _contents(live_copy_on_cd.parent)
    done = run_cli("check", db=live_copy_on_cd)
    assert done.returncode == 1
    assert "文件在只读的位置" in done.stderr and "请先把它复制到本机硬盘" in done.stderr
    assert "损坏" not in done.stderr and "Traceback" not in done.stderr
    assert _contents(live_copy_on_cd.parent) == before


def test_the_settings_page_refuses_a_database_on_a_cd_before_keeping_it(live_copy_on_cd):
    for where in (live_copy_on_cd, live_copy_on_cd.parent / "新建.sqlite3"):
        with pytest.raises(backup.BackupError, match="位置只读.*不能在那里作为数据库使用"):
            backup.inspect_database(where)
    assert not (live_copy_on_cd.parent / "新建.sqlite3").exists()
