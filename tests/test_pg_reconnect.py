"""A shared PostgreSQL database whose connection was cut (server restarted, network blip, idle connection ended by
the server or a firewall) is connected again at the next statement outside a transaction, instead of failing every
save until the program is restarted; inside a transaction the loss is reported, and the transaction rolled back."""

from __future__ import annotations

import psycopg2
import pytest

from models import db as m
from models.entries import form_rows, save_row
from models.errors import ConnectionLost
from models.units import own_unit
from tests.conftest import PG_URL, TOWN

P = "2025-10"


@pytest.fixture
def pg_db(pg_url):
    from models.database import close_database, open_database

    open_database(pg_url)
    from tests.conftest import _seed_town_database

    _seed_town_database()
    yield pg_url
    close_database()


def cut_the_connection() -> None:
    """End this program's server process from another connection, as a server restart would."""
    pid = m.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    other = psycopg2.connect(PG_URL)
    other.autocommit = True
    try:
        other.cursor().execute("SELECT pg_terminate_backend(%s)", (pid,))
    finally:
        other.close()


def test_reading_after_the_connection_was_cut_connects_again(pg_db):
    cut_the_connection()
    assert own_unit().code == TOWN
    cut_the_connection()
    assert own_unit().code == TOWN  # and again: each loss is one reconnect, not one per program run


def test_saving_after_the_connection_was_cut_connects_again_and_saves(pg_db):
    cut_the_connection()
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "已开展"})
    assert next(r for r in form_rows(unit_code=TOWN, period=P, form_id="tasks") if r.row_key == "1").version == 1


def test_a_connection_cut_inside_a_transaction_is_reported_in_words_and_nothing_of_it_is_stored(pg_db):
    with pytest.raises(ConnectionLost, match="连接中断，这一步未完成、未做任何改动；请再做一次"):
        with m.database.atomic():
            m.Setting.insert(key="half", value="written").execute()
            cut_the_connection()
            m.Setting.insert(key="other", value="half").execute()
    assert m.Setting.get_or_none(m.Setting.key == "half") is None  # the next statement connects again
    assert own_unit().code == TOWN


def test_a_save_in_the_grid_when_the_connection_is_cut_says_so_and_the_next_one_saves(pg_db, qtbot, monkeypatch):
    """The clerk sees why the value was not saved, in words; typing it again saves it."""
    from desktop.formmodel import FormTableModel
    from forms import get_form
    from models import entries

    model = FormTableModel(get_form("tasks"))
    model.load(unit_code=TOWN, period=P)
    refused = []
    model.refused.connect(refused.append)
    real = entries.coerce_row

    def cut_once(*args, **kwargs):  # the server goes away while the save's transaction is open
        monkeypatch.setattr(entries, "coerce_row", real)
        cut_the_connection()
        return real(*args, **kwargs)

    monkeypatch.setattr(entries, "coerce_row", cut_once)
    column = model.column_of("status")
    assert not model.setData(model.index(0, column), "推进中")
    assert refused and "连接中断" in refused[-1] and "请再做一次" in refused[-1]
    assert model.setData(model.index(0, column), "推进中")
    assert next(r for r in form_rows(unit_code=TOWN, period=P, form_id="tasks") if r.row_key == "1").values["status"] == "推进中"
