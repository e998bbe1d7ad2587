"""Shared fixtures: databases (SQLite, and the PostgreSQL server when there is one), sample units and data."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from models import db as m  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from models.units import add_unit, initialise  # noqa: E402

PG_URL = os.environ.get("LIANGXIN_TEST_PG", "postgresql://127.0.0.1:5432/test")
TOWN, DISTRICT = "371002001", "371002"


def postgres_available() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg2

        psycopg2.connect(PG_URL.split("?")[0], connect_timeout=3).close()
        return None
    except Exception as exc:  # any failure to connect means no server here
        return f"no PostgreSQL server at {PG_URL}: {exc}".strip()


def missing_prerequisite(why: str) -> None:
    """Something a test needs is missing: fail with the reason (a skipped test would prove nothing)."""
    pytest.fail(f"{why} — the whole suite needs it; see README, Set up")


def require_postgres() -> None:
    """Fail without a PostgreSQL server: the shared-database tests always run for real."""
    why = postgres_available()
    if why:
        missing_prerequisite(f"{why}; start one or set LIANGXIN_TEST_PG")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    """Keep every test's user data folder (backups, logs) in its own temporary folder."""
    monkeypatch.setenv("LIANGXIN_DATA_DIR", str(tmp_path / "userdata"))


@pytest.fixture(autouse=True)
def _no_login_left_over(monkeypatch):
    """The login is per process: never let one test's login (or a password in the environment) reach the next."""
    from models import auth

    auth._session = None
    monkeypatch.delenv("LIANGXIN_PASSWORD", raising=False)
    yield
    auth._session = None


def _seed_town_database() -> None:
    initialise(plan_id="huancui", unit_code=TOWN, unit_name="环翠楼街道", level="town",
               parent_code=DISTRICT, parent_name="环翠区")


@pytest.fixture(scope="session")
def _template_sqlite(tmp_path_factory):
    """An initialised SQLite database built once per run and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "town.sqlite3"
    open_database(path)
    _seed_town_database()
    close_database()
    return path


@pytest.fixture
def sqlite_db(tmp_path, _template_sqlite):
    """A fresh initialised town database (SQLite)."""
    path = tmp_path / "town.sqlite3"
    shutil.copy(_template_sqlite, path)
    open_database(path)
    yield path
    close_database()


@pytest.fixture
def empty_db(tmp_path):
    """A fresh, empty SQLite database (schema only)."""
    path = tmp_path / "empty.sqlite3"
    open_database(path)
    yield path
    close_database()


@pytest.fixture
def pg_url():
    """A private schema on the PostgreSQL server, dropped afterwards."""
    require_postgres()
    schema = f"lx_test_{uuid.uuid4().hex[:12]}"
    url = f"{PG_URL}?schema={schema}"
    yield url
    close_database()
    import psycopg2

    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    conn.cursor().execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request, tmp_path):
    """An initialised town database on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "town.sqlite3"
    else:
        target = request.getfixturevalue("pg_url")
    open_database(target)
    _seed_town_database()
    yield target
    close_database()


@pytest.fixture
def district_db(sqlite_db):
    """The town database's district, with three townships, as the district's own database."""
    from models.units import set_setting

    m.OrgUnit.update(parent=None).where(m.OrgUnit.code == DISTRICT).execute()
    set_setting("own_unit", DISTRICT)
    for code, name in (("371002002", "鲸园街道"), ("371002003", "竹岛街道")):
        add_unit(code=code, name=name, level="town", parent_code=DISTRICT)
    return sqlite_db


def table_snapshot() -> dict[str, list]:
    """Every row of every table, to prove a refused operation changed nothing."""
    out = {}
    for model in m.ALL_MODELS:
        rows = [tuple(str(v) for v in r) for r in model.select().tuples()]
        out[model._meta.table_name] = sorted(rows)
    return out


def corrupt_database(path) -> None:
    """Overwrite pages in the middle of a closed database file with garbage, as a failing disk would; the header stays."""
    import sqlite3

    from models.backup import quick_check

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    pages = path.stat().st_size // 4096
    with path.open("r+b") as fh:
        fh.seek(4096 * (pages // 2))
        fh.write(b"\xa5" * 4096 * 3)
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert quick_check(path), "the helper must really damage the file"


@pytest.fixture
def started(monkeypatch, qapp):
    """Run run_gui without entering the event loop; record the window it showed (Qt imported only here)."""
    from PySide6.QtWidgets import QApplication

    from desktop import app as app_module
    from desktop.crash import uninstall_crash_handler
    from desktop.logsetup import shutdown_logging

    shown = {}
    monkeypatch.setattr(QApplication, "exec", lambda self: shown.setdefault("exec", 0))
    monkeypatch.setattr(app_module, "_daily_backup", lambda window, target: shown.setdefault("window", window))
    yield shown
    if "window" in shown:
        shown["window"].close()
    uninstall_crash_handler()
    shutdown_logging()
    close_database()
