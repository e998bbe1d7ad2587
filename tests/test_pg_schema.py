"""The shared PostgreSQL database's schema= : the schema named is the one used, whoever opens it and however many at once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest

from models import db as m
from models.database import close_database, open_database
from tests.conftest import PG_URL, TOWN, _seed_town_database, require_postgres

ROOT = Path(__file__).resolve().parents[1]
PCS = 6


def _drop(*schemas: str) -> None:
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    for schema in schemas:
        conn.cursor().execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    conn.close()


def _server(sql: str, params=()) -> list[tuple]:
    """Run one statement on the server as its superuser, outside the program; return its rows."""
    conn = psycopg2.connect(PG_URL)
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []
    finally:
        conn.close()


@pytest.fixture
def two_cases():
    """Two schema names that differ only in the case of their letters (both dropped afterwards)."""
    require_postgres()
    lower = f"lx_test_{uuid.uuid4().hex[:12]}"
    upper = lower.replace("lx_test_", "LX_Test_")
    yield lower, upper
    close_database()
    _drop(lower, upper)


def test_a_schema_with_capital_letters_is_not_another_with_small_ones(two_cases):
    from models.backup import inspect_database
    from models.units import own_unit

    lower, upper = two_cases
    open_database(f"{PG_URL}?schema={lower}")
    _seed_town_database()
    before = sorted(m.OrgUnit.select(m.OrgUnit.code).tuples())
    close_database()

    found = inspect_database(f"{PG_URL}?schema={upper}")
    open_database(f"{PG_URL}?schema={upper}")
    assert own_unit() is None, "the capitalised schema showed the other schema's unit"
    assert m.OrgUnit.select().count() == 0
    assert (found.exists, found.unit) == (False, None)  # the settings page's look: a new one, as opened
    assert (inspect_database(f"{PG_URL}?schema={upper}").unit) is None
    tables = _server("SELECT table_schema FROM information_schema.tables WHERE table_name = 'setting' "
                     "AND table_schema IN (%s, %s)", (lower, upper))
    assert sorted(t[0] for t in tables) == sorted([lower, upper])  # each has its own tables
    close_database()

    open_database(f"{PG_URL}?schema={lower}")
    assert own_unit().code == TOWN and sorted(m.OrgUnit.select(m.OrgUnit.code).tuples()) == before


@pytest.fixture
def limited_role():
    """A login role with no right to create schemas in the database (the server's default), dropped afterwards."""
    require_postgres()
    role = f"lx_test_role_{uuid.uuid4().hex[:8]}"
    _server(f'CREATE ROLE "{role}" LOGIN')
    schemas = []
    yield role, schemas
    close_database()
    _drop(*schemas)
    _server(f'DROP OWNED BY "{role}"')
    _server(f'DROP ROLE "{role}"')


def _url_as(role: str, schema: str) -> str:
    return PG_URL.replace("postgresql://", f"postgresql://{role}@", 1) + f"?schema={schema}"


def test_a_role_that_owns_its_schema_opens_it_without_the_right_to_create_schemas(limited_role):
    from models.units import own_unit

    role, schemas = limited_role
    schema = f"lx_test_{uuid.uuid4().hex[:12]}"
    schemas.append(schema)
    _server(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{role}"')  # as IT sets up an office's schema
    open_database(_url_as(role, schema))
    _seed_town_database()
    close_database()
    open_database(_url_as(role, schema))
    assert own_unit().code == TOWN


def test_a_schema_the_role_may_not_create_is_refused_in_chinese_naming_it(limited_role):
    from models.errors import SchemaError

    role, schemas = limited_role
    schema = f"lx_test_{uuid.uuid4().hex[:12]}"
    schemas.append(schema)
    with pytest.raises(SchemaError) as refused:
        open_database(_url_as(role, schema))
    text = str(refused.value)
    assert f"schema“{schema}”不存在" in text and f"用户 {role} 无权" in text and "CREATE" in text, text
    assert _server("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)) == []  # nothing was made


def pc(url: str) -> None:
    """One PC starting: open the database when told to; print ok or what went wrong."""
    from models.pgdriver import load_postgres_driver

    load_postgres_driver()
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        open_database(url)
        print("ok", flush=True)
    except Exception as exc:  # whatever it is, the test shows it
        print(f"{type(exc).__name__}: {' '.join(str(exc).split())}", flush=True)


def _start_at_once(url: str) -> list[str]:
    """Start PCS programs on url at the same moment; return what each said."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, __file__, "pc", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True) for _ in range(PCS)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    said = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        said.append(out.strip().splitlines()[-1])
    return said


def test_several_pcs_starting_at_once_on_a_new_schema_all_start(pg_url):
    from models.database import SCHEMA_VERSION, integrity_problems, schema_version

    said = _start_at_once(pg_url)
    assert said == ["ok"] * PCS, said
    open_database(pg_url)
    assert schema_version() == SCHEMA_VERSION and integrity_problems() == []
    assert [s.key for s in m.Setting.select()] == ["schema_version"]  # made once, nothing else in it


def test_several_pcs_starting_at_once_on_a_schema_to_upgrade_all_start(pg_url):
    from models.database import SCHEMA_VERSION, integrity_problems, schema_version
    from models.units import own_unit

    open_database(pg_url)
    _seed_town_database()
    before = sorted(m.OrgUnit.select(m.OrgUnit.code, m.OrgUnit.name).tuples())
    schema = pg_url.split("schema=")[1]
    close_database()
    _server(f'DROP TABLE "{schema}"."user"; ALTER TABLE "{schema}".return_record DROP COLUMN flags; '
            f"UPDATE \"{schema}\".setting SET value = '1' WHERE key = 'schema_version'")  # as version 1 left it

    said = _start_at_once(pg_url)
    assert said == ["ok"] * PCS, said
    open_database(pg_url)
    assert schema_version() == SCHEMA_VERSION and integrity_problems() == []
    assert own_unit().code == TOWN and sorted(m.OrgUnit.select(m.OrgUnit.code, m.OrgUnit.name).tuples()) == before
    assert m.User.select().count() == 0


if __name__ == "__main__" and sys.argv[1:2] == ["pc"]:
    pc(sys.argv[2])
