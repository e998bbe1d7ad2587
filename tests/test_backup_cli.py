"""`liangxin backup` and `liangxin restore`, as IT runs them."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from models import backup
from models.database import close_database
from models.entries import save_row
from reports.cli import main
from tests.conftest import TOWN
from tests.test_backup import stored_current

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args, db=None, env=None):
    argv = (["--db", str(db)] if db else []) + [str(a) for a in args]
    return subprocess.run([sys.executable, "-m", "desktop.launcher", *argv], cwd=ROOT, capture_output=True, text=True,
                          env=env)


def save_current(value) -> None:
    save_row(unit_code=TOWN, period="2025-10", form_id="figures", row_key="appliance_recycling",
             values={"current": value})


def test_backup_and_restore_in_child_processes(sqlite_db, tmp_path):
    save_current(41)
    close_database()
    out = tmp_path / "usb" / "两新备份.sqlite3"
    done = run_cli("backup", "--out", out, db=sqlite_db)
    assert done.returncode == 0, done.stderr
    assert "（已校验）" in done.stdout and backup.check_file(out) == []
    assert stored_current(out) == Decimal(41)
    from models.database import open_database

    open_database(sqlite_db)
    save_current(42)
    close_database()
    done = run_cli("restore", out, db=sqlite_db)
    assert done.returncode == 0, done.stderr
    assert stored_current(sqlite_db) == Decimal(41)
    kept = Path(done.stdout.split("留存在 ")[1].strip())
    assert stored_current(kept) == Decimal(42)


def test_daily_and_list(sqlite_db, capsys):
    assert main(["--db", str(sqlite_db), "backup", "--daily"]) == 0
    assert "已备份到" in capsys.readouterr().out
    assert main(["--db", str(sqlite_db), "backup", "--daily"]) == 0
    assert "今天的自动备份已经有了" in capsys.readouterr().out
    assert main(["--db", str(sqlite_db), "backup", "--list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1 and "\tdaily\t" in lines[0]


def test_restore_of_a_bad_file_fails_and_changes_nothing(sqlite_db, tmp_path, capsys):
    save_current(9)
    close_database()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"PK\x03\x04 not a database")
    before = sqlite_db.read_bytes()
    assert main(["--db", str(sqlite_db), "restore", str(bad)]) == 1
    assert "不是 SQLite 数据库文件" in capsys.readouterr().err
    assert sqlite_db.read_bytes() == before
    assert stored_current(sqlite_db) == Decimal(9)


def test_postgres_is_left_to_the_server(capsys, tmp_path):
    assert main(["--db", "postgresql://127.0.0.1:5432/test", "backup", "--out", str(tmp_path / "x.sqlite3")]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert main(["--db", "postgresql://127.0.0.1:5432/test", "restore", str(tmp_path / "x.sqlite3")]) == 1


def test_backup_of_no_database(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.sqlite3"), "backup", "--out", str(tmp_path / "x.sqlite3")]) == 1
    assert "这里没有可备份的数据库" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_relative_paths_work(sqlite_db, tmp_path, monkeypatch, capsys):
    save_current(5)
    close_database()
    monkeypatch.chdir(tmp_path)
    assert main(["--db", str(sqlite_db), "backup", "--out", "rel.sqlite3"]) == 0
    assert main(["--db", str(sqlite_db), "restore", "rel.sqlite3"]) == 0, capsys.readouterr().err
    assert stored_current(sqlite_db) == Decimal(5)
