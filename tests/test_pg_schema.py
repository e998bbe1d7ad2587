"""The shared PostgreSQL database's schema= : the schema named is the one used, whoever opens it and however many at once."""

from __future__ import annotations

import uuid

import psycopg2
import pytest

from models import db as m
from models.database import close_database, open_database
from tests.conftest import PG_URL, TOWN, _seed_town_database, require_postgres


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
