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
