"""The schema carries a version and upgrades itself without losing data."""

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from models import db as m
from models.database import SCHEMA_VERSION, close_database, integrity_problems, open_database, schema_version
from models.entries import form_rows
from models.errors import SchemaError

V1 = Path(__file__).parent / "fixtures" / "schema_v1.sqlite3"


def test_v1_database_upgrades_without_loss(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copy(V1, path)
    open_database(path)
    try:
        assert schema_version() == SCHEMA_VERSION
        assert integrity_problems() == []
        rows = {r.row_key: r for r in form_rows(unit_code="371002001", period="2025-09", form_id="figures")}
        assert rows["appliance_recycling"].values["current"] == Decimal(321)
        assert rows["appliance_recycling"].values["base_2023"] == Decimal(3000)
        task = form_rows(unit_code="371002001", period="2025-09", form_id="tasks")[0]
        assert task.values["narrative"] == "开展一对一诊断5家"
        events = form_rows(unit_code="371002001", period="2025-09", form_id="events")
        assert [e.values["sales"] for e in events] == [Decimal("88.5")]
        assert m.User.select().count() == 0  # the v2 table exists now
        assert m.ReturnRecord.select(m.ReturnRecord.flags).count() == 0
    finally:
        close_database()
    backup = tmp_path / "old.before-v2.sqlite3"
    assert backup.exists(), "a copy is kept before the upgrade"
    with sqlite3.connect(backup) as con:
        assert con.execute("select value from setting where key='schema_version'").fetchone() == ("1",)


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    open_database(path)
    m.put_setting("schema_version", str(SCHEMA_VERSION + 1))
    close_database()
    with pytest.raises(SchemaError, match="比本程序的"):
        open_database(path)
    with sqlite3.connect(path) as con:  # refused, and left as it was
        assert con.execute("select value from setting where key='schema_version'").fetchone() == (str(SCHEMA_VERSION + 1),)


def test_sqlite_pragmas(sqlite_db):
    database = m.database.obj
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA synchronous").fetchone()[0] == 2


def test_postgres_schema_created_and_checked(pg_url):
    open_database(pg_url)
    assert schema_version() == SCHEMA_VERSION
    assert integrity_problems() == []
