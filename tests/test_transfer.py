"""copy-from: an office's SQLite data moved into the shared PostgreSQL database, whole or not at all."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from models import db as m
from models import transfer
from models.auth import add_user
from models.database import close_database, open_database
from models.entries import form_rows, save_row, submit_period
from models.errors import DataError
from models.units import own_unit, subordinate_units
from reports.cli import main
from reports.merge import merge, reopen_return
from tests.conftest import DISTRICT, TOWN, table_snapshot
from tests.merge_samples import P, make_rf, month

V1 = Path(__file__).parent / "fixtures" / "schema_v1.sqlite3"


@pytest.fixture
def office(district_db):
    """A district's SQLite file with two merged townships, a 退回, its own submitted month and an account, closed."""
    merge([make_rf(TOWN, data=month(0)), make_rf("371002002", data=month(1))], user="审核员甲")
    reopen_return(unit_code="371002002", period=P, reason="表3口径不对", user="审核员甲")
    submit_period(unit_code=DISTRICT, period=P, user="审核员甲")
    add_user(name="li", password="a long password", role="填报员", unit_code=TOWN)
    snapshot = table_snapshot()
    close_database()
    return district_db, snapshot


def comparable(snapshot: dict) -> dict:
    """Every table but the audit log, which the copy itself adds to; numbers as numbers (PostgreSQL keeps the
    column's scale: 10000 comes back as 10000.0000)."""
    def same(value: str) -> str:
        try:
            return str(Decimal(value).normalize())
        except ArithmeticError:
            return value

    return {table: sorted(tuple(same(v) for v in row) for row in rows)
            for table, rows in snapshot.items() if table != "audit_log"}


def empty(snapshot: dict) -> bool:
    return all(not rows for table, rows in snapshot.items() if table != "setting") and len(snapshot["setting"]) == 1


def test_everything_is_copied_and_the_target_goes_on_working(office, pg_url):
    source, before = office
    unchanged = source.read_bytes()
    report = transfer.copy_database(source=source, target=pg_url, user="it")
    assert report.unit == (DISTRICT, "环翠区")
    assert report.rows["entry"] == len(before["entry"]) and report.total == sum(
        len(rows) for table, rows in before.items() if table != "setting") + len(before["setting"]) - 1
    after = table_snapshot()
    assert comparable(after) == comparable(before)
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1
    line = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert (line.action, line.entity, line.user) == ("copy", "database", "it") and str(source) in line.reason
    assert own_unit().code == DISTRICT and [u.code for u in subordinate_units(DISTRICT)][:2] == [TOWN, "371002002"]
    assert form_rows(unit_code=TOWN, period=P, form_id="figures")[0].values["current"] == Decimal(1200)
    held = m.ReturnRecord.get(m.ReturnRecord.unit == "371002002")
    assert held.status == "reopened"
    # new rows get new ids: the sequences were moved past the copied ones
    save_row(unit_code="371002003", period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    assert form_rows(unit_code="371002003", period=P, form_id="tasks")[0].values["status"] == "推进中"
    close_database()
    assert source.read_bytes() == unchanged  # the source is never changed


def test_a_target_that_holds_data_is_refused_and_left_alone(office, pg_url, sqlite_db):
    source, _ = office
    open_database(pg_url)
    from models.units import initialise

    initialise(plan_id="huancui", unit_code="371003", unit_name="文登区", level="district")
    before = table_snapshot()
    close_database()
    with pytest.raises(DataError, match="已有数据（本单位 文登区，代码 371003）：只能复制到空的数据库"):
        transfer.copy_database(source=source, target=pg_url)
    assert table_snapshot() == before


def test_a_failure_half_way_leaves_the_target_empty(office, pg_url, monkeypatch):
    source, _ = office
    real = transfer._copy_table

    def fail_at_returns(con, model):
        if model is m.ReturnRecord:
            raise RuntimeError("the disk is full")
        return real(con, model)

    monkeypatch.setattr(transfer, "_copy_table", fail_at_returns)
    with pytest.raises(RuntimeError, match="disk is full"):
        transfer.copy_database(source=source, target=pg_url)
    assert empty(table_snapshot())  # entries, units and plan rolled back with it
    monkeypatch.setattr(transfer, "_copy_table", real)
    transfer.copy_database(source=source, target=pg_url)  # and it can simply be run again
    assert own_unit().code == DISTRICT


def test_an_older_programs_file_is_upgraded_on_a_copy_only(tmp_path, pg_url):
    source = tmp_path / "old.sqlite3"
    shutil.copy(V1, source)
    unchanged = source.read_bytes()
    report = transfer.copy_database(source=source, target=pg_url)
    assert report.rows["entry"] > 0
    task = form_rows(unit_code="371002001", period="2025-09", form_id="tasks")[0]
    assert task.values["narrative"] == "开展一对一诊断5家"
    close_database()
    assert source.read_bytes() == unchanged
    assert not list(tmp_path.glob("*.before-v2.sqlite3"))  # the upgrade's safety copy stayed with the temporary one


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("not a database" * 100), "不是 SQLite 数据库文件"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "不是两新填报的数据库"),
    (lambda p: None, "文件不存在"),
])
def test_a_source_that_is_not_an_office_database_is_refused(tmp_path, pg_url, make, message):
    source = tmp_path / "source.sqlite3"
    make(source)
    with pytest.raises(DataError, match=message):
        transfer.copy_database(source=source, target=pg_url)


def test_a_newer_programs_file_is_refused(office, tmp_path, pg_url):
    source = tmp_path / "newer.sqlite3"
    shutil.copy(office[0], source)
    with sqlite3.connect(source) as con:
        con.execute("UPDATE setting SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(DataError, match="结构版本 99 比本程序的 2 新"):
        transfer.copy_database(source=source, target=pg_url)


def test_the_command_line_copies_and_says_what(office, pg_url, capsys):
    source, before = office
    assert main(["--db", pg_url, "copy-from", str(source)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"已把 {source} 中环翠区（{DISTRICT}）的数据复制到 postgresql://")
    assert f"entry {len(before['entry'])}" in out
    assert main(["--db", pg_url, "copy-from", str(source)]) == 1  # a second time: the target is no longer empty
    err = capsys.readouterr().err
    assert err.startswith("liangxin copy-from：错误：") and "已有数据（本单位 环翠区" in err and "Traceback" not in err
