"""Completeness: who returned which forms and when, who is missing, late, rejected, reopened or in conflict."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from models import db as m
from models.errors import DataError
from models.units import add_unit, set_setting
from reports.cli import main
from reports.completeness import completeness, deadline_for, summary_line
from reports.merge import merge, reopen_return
from tests.conftest import DISTRICT, TOWN
from tests.merge_samples import P, make_rf, month

TOWN2, TOWN3 = "371002002", "371002003"
NOV_4 = dt.datetime(2025, 11, 4, 16, 0)
NOV_20 = dt.datetime(2025, 11, 20, 9, 0)


def merged_at(unit_code: str, when: dt.datetime) -> None:
    """Pretend the township's files were merged at a given time."""
    m.ReturnRecord.update(created_at=when).where(m.ReturnRecord.unit == unit_code).execute()


def by_code(report):
    return {u.unit_code: u for u in report.units}


def test_deadline_is_the_fifth_of_the_next_month_unless_set(district_db):
    assert deadline_for("2025-10") == dt.date(2025, 11, 5)
    assert deadline_for("2025-12") == dt.date(2026, 1, 5)
    set_setting("return_deadline_day", "10")
    assert deadline_for("2025-10") == dt.date(2025, 11, 10)
    set_setting("return_deadline_day", "31")
    with pytest.raises(DataError, match="1–28"):
        deadline_for("2025-10")


def test_returned_missing_late_and_rejected(district_db):
    merge([make_rf(TOWN)])
    merged_at(TOWN, NOV_4)
    late = make_rf(TOWN2, data=month(1), edited=True)
    merge([late])
    merged_at(TOWN2, NOV_20)
    merge([make_rf(TOWN3, period="2025-13"), make_rf("999")])  # refusals of other months and units
    bad = month()
    bad["tasks"][0]["narrative"] = None
    merge([make_rf(TOWN3, data=bad, name="竹岛街道10月.xlsx")])
    report = completeness(period=P, now=NOV_20)
    units = by_code(report)
    assert [u.unit_code for u in report.units] == [TOWN, TOWN2, TOWN3]
    first = units[TOWN]
    assert (first.state, first.label, first.late, first.overdue) == ("returned", "已报", False, False)
    assert first.received_at == NOV_4 and first.revision == 1
    assert first.forms == ["tasks", "events", "figures"] and first.missing_forms == []
    second = units[TOWN2]
    assert (second.state, second.late, second.flags) == ("returned", True, ["edited_after_export"])
    assert second.notes() == ["逾期报送", "导出后被修改过（内容与文件中的校验值不符），请与填报单位核实"]
    third = units[TOWN3]
    assert (third.state, third.label, third.overdue) == ("rejected", "被拒收", True)
    [rejection] = third.rejections
    assert rejection.file == "竹岛街道10月.xlsx" and any("进展情况" in r for r in rejection.reasons)
    assert (report.count("returned"), report.count("rejected"), report.late) == (2, 1, 2)
    assert summary_line(report) == "2025年10月 报送情况（截止 11月5日）：已报 2/3，被拒收 1，迟报 1，逾期未报 1"


def test_missing_is_overdue_only_after_the_deadline(district_db):
    units = by_code(completeness(period=P, now=dt.datetime(2025, 11, 5, 23, 59)))
    assert units[TOWN].state == "missing" and not units[TOWN].overdue
    units = by_code(completeness(period=P, now=dt.datetime(2025, 11, 6, 0, 1)))
    assert units[TOWN].overdue


def test_conflicts_and_reopened_returns_are_shown(district_db):
    merge([make_rf(TOWN, data=month(0))])
    merge([make_rf(TOWN, data=month(3))])  # same revision, other content
    reopen_return(unit_code=TOWN, period=P, reason="表3口径有误")
    m.Entry.create(unit=TOWN2, period=P, form_id="figures", row_key="nev_stock", data='{"current": "5"}')
    merge([make_rf(TOWN2)])  # conflicts with data typed into the district database
    units = by_code(completeness(period=P, now=NOV_4))
    assert (units[TOWN].state, units[TOWN].conflicts, units[TOWN].reopen_reason) == ("reopened", 1, "表3口径有误")
    assert units[TOWN2].state == "conflict" and units[TOWN2].received_at is not None
    assert units[TOWN3].state == "missing"


def test_a_new_township_appears_and_other_districts_do_not(district_db):
    add_unit(code="371002004", name="新设街道", level="town", parent_code=DISTRICT)
    add_unit(code="371003", name="文登区", level="district")
    add_unit(code="371003001", name="龙山街道", level="town", parent_code="371003")
    codes = [u.unit_code for u in completeness(period=P, now=NOV_4).units]
    assert codes == [TOWN, "371002002", "371002003", "371002004"]


def test_cli_prints_the_table_and_json(district_db, capsys):
    merge([make_rf(TOWN)])
    assert main(["--db", str(district_db), "completeness", "--period", P]) == 0
    out = capsys.readouterr().out
    assert "报送情况" in out and "环翠楼街道" in out and "已报" in out and "未报" in out
    assert main(["--db", str(district_db), "completeness", "--period", P, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["period"] == P and doc["deadline"] == "2025-11-05"
    assert doc["counts"]["returned"] == 1 and doc["counts"]["missing"] == 2
    assert doc["units"][0]["forms"] == ["tasks", "events", "figures"]
    assert main(["--db", str(district_db), "completeness", "--period", "2025-13"]) == 1
    assert "2025-13" in capsys.readouterr().err
