"""`liangxin check` (and opening) on files that are not a sound 两新填报 database: said in words, the file left alone."""

from __future__ import annotations

import sqlite3

import pytest

from models.database import close_database, open_database, schema_version
from models.errors import SchemaError
from tests.test_cli_core import run_cli


def _other_programs_database(path) -> None:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE foo (a)")
        con.execute("INSERT INTO foo VALUES ('theirs')")
    con.close()


def _contents(path) -> list:
    con = sqlite3.connect(path)
    try:
        tables = con.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        return [tables, con.execute("SELECT * FROM foo").fetchall()]
    finally:
        con.close()


def test_another_programs_sqlite_file_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    _other_programs_database(path)
    before = _contents(path)
    with pytest.raises(SchemaError) as refused:
        open_database(path)
    close_database()
    assert str(path) in str(refused.value) and "不是两新填报的数据库" in str(refused.value)
    assert "foo" in str(refused.value)
    assert _contents(path) == before  # none of our tables were added


def test_check_of_another_programs_sqlite_file_fails_in_words(tmp_path):
    path = tmp_path / "other.db"
    _other_programs_database(path)
    before = _contents(path)
    done = run_cli("check", db=path)
    assert done.returncode == 1, done.stdout
    assert "不是两新填报的数据库" in done.stderr and str(path) in done.stderr and "Traceback" not in done.stderr
    assert "ok" not in done.stdout
    assert _contents(path) == before


def test_an_empty_file_is_still_made_a_new_database(tmp_path):
    path = tmp_path / "new.sqlite3"
    path.touch()
    open_database(path)
    try:
        assert schema_version() is not None
    finally:
        close_database()


def _flip(path, offset: int, count: int) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + count):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def _damaged(kind: str, sqlite_db, tmp_path):
    """A database file damaged as a failing disk or a wrong --db would leave it, and what check must say of it."""
    from tests.conftest import corrupt_database

    close_database()
    if kind == "text":
        path = tmp_path / "notes.txt"
        path.write_text("hi\n")
        return path, "不是 SQLite 数据库文件"
    if kind == "folder":
        path = tmp_path / "a-folder"
        path.mkdir()
        return path, "是文件夹"
    if kind == "header":  # the first page, with the tables' definitions
        _flip(sqlite_db, 100, 64)
    elif kind == "root page":  # a table's first page: opening works, integrity_check itself stops half-way
        con = sqlite3.connect(sqlite_db)
        root, size = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'period_state'").fetchone()[0], 4096
        assert con.execute("PRAGMA page_size").fetchone()[0] == size
        con.close()
        _flip(sqlite_db, (root - 1) * size, 64)
    else:
        corrupt_database(sqlite_db)
    return sqlite_db, "备份"


@pytest.mark.parametrize("kind", ["header", "root page", "pages", "text", "folder"])
def test_check_of_a_damaged_or_odd_file_says_what_is_wrong_without_a_traceback(kind, sqlite_db, tmp_path):
    path, words = _damaged(kind, sqlite_db, tmp_path)
    before = path.read_bytes() if path.is_file() else None
    done = run_cli("check", db=path)
    said = done.stdout + done.stderr
    assert done.returncode == 1, said
    assert "Traceback" not in said and "程序内部出错" not in said, said
    assert str(path) in said and words in said, said
    if before is not None:
        assert path.read_bytes() == before  # checking changed nothing
    else:
        assert list(path.iterdir()) == []  # nothing was made in the folder


def test_opening_a_file_whose_tables_cannot_be_read_says_so_in_chinese(sqlite_db, tmp_path):
    path, _ = _damaged("header", sqlite_db, tmp_path)
    before = path.read_bytes()
    with pytest.raises(SchemaError) as refused:
        open_database(path)
    close_database()
    assert str(path) in str(refused.value) and "损坏" in str(refused.value) and "restore" in str(refused.value)
    assert path.read_bytes() == before
