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
    assert main(["--db", str(sqlite_db), "backup", "--list"]) == 0
    said = capsys.readouterr()
    assert said.out == "" and said.err.startswith("还没有备份（备份文件夹：")  # not silence, and no line for scripts
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


def schema_exists(url: str) -> bool:
    import psycopg2

    schema = url.split("schema=")[1]
    conn = psycopg2.connect(url.split("?")[0])
    try:
        cur = conn.cursor()
        cur.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,))
        return cur.fetchone() is not None
    finally:
        conn.close()


def test_postgres_is_left_to_the_server_in_chinese_with_the_commands(pg_url, capsys, tmp_path):
    out = tmp_path / "x.sqlite3"
    assert main(["--db", pg_url, "backup", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "pg_dump -Fc" in err and "本程序的备份与恢复只处理本机的 SQLite 数据库文件" in err and "docs/it-guide.md" in err
    assert "backed up" not in err  # the advice was in English
    assert not out.exists()
    backup.backup_database(out=out, source=ROOT / "tests" / "fixtures" / "schema_v1.sqlite3")
    before = out.read_bytes()
    assert main(["--db", pg_url, "restore", str(out)]) == 1
    err = capsys.readouterr().err
    assert "pg_restore --clean" in err and "backed up" not in err
    assert out.read_bytes() == before and not schema_exists(pg_url)  # refused before the server was touched


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


def test_restoring_another_units_backup_needs_other_unit(sqlite_db, tmp_path, capsys):
    from models import db as m
    from tests.conftest import table_snapshot

    save_current(7)
    close_database()
    theirs = tmp_path / "鲸园街道.sqlite3"
    assert main(["--db", str(sqlite_db), "backup", "--out", str(theirs)]) == 0
    import sqlite3

    with sqlite3.connect(theirs) as con:  # the PC next door: the same program, another township
        con.execute("INSERT INTO org_unit (code, name, level, parent_id, created_at) "
                    "SELECT '371002002', '鲸园街道', level, parent_id, created_at FROM org_unit WHERE code = ?", (TOWN,))
        con.execute("UPDATE setting SET value = '371002002' WHERE key = 'own_unit'")
    from models.database import open_database

    open_database(sqlite_db)
    before = table_snapshot()
    close_database()
    capsys.readouterr()
    assert main(["--db", str(sqlite_db), "restore", str(theirs)]) == 1
    err = capsys.readouterr().err
    assert "是 鲸园街道（371002002）的数据库" in err and "属于 环翠楼街道（371002001）" in err and "--other-unit" in err
    open_database(sqlite_db)
    assert table_snapshot() == before
    close_database()
    assert main(["--db", str(sqlite_db), "restore", "--other-unit", str(theirs)]) == 0
    open_database(sqlite_db)
    assert m.Setting.get(m.Setting.key == "own_unit").value == "371002002"
    close_database()


def test_restoring_an_empty_database_over_a_filled_one_needs_empty_backup(sqlite_db, tmp_path, capsys):
    from models import db as m
    from models.database import open_database
    from tests.conftest import table_snapshot

    save_current(7)
    entries = m.Entry.select().count()
    close_database()
    empty = tmp_path / "新电脑.sqlite3"
    open_database(empty)  # a fresh program start: a database with no unit yet
    close_database()
    open_database(sqlite_db)
    before = table_snapshot()
    close_database()
    capsys.readouterr()
    assert main(["--db", str(sqlite_db), "restore", str(empty)]) == 1
    err = capsys.readouterr().err
    assert f"{empty} 是尚未设置本单位的两新填报数据库（没有填报数据）" in err
    assert f"当前数据库 {sqlite_db} 属于 环翠楼街道（371002001）、有填报数据 {entries} 条" in err
    assert "恢复后本单位、它的下级单位和这些数据都不再在数据库中" in err and "请加 --empty-backup" in err
    open_database(sqlite_db)
    assert table_snapshot() == before
    close_database()
    assert not backup.backup_folder(sqlite_db).exists()  # not even a copy made
    assert main(["--db", str(sqlite_db), "restore", "--empty-backup", str(empty)]) == 0
    open_database(sqlite_db)
    assert m.Entry.select().count() == 0 and not m.Setting.select().where(m.Setting.key == "own_unit").exists()
    close_database()
