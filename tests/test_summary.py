"""The district return: the townships added up, written with the return frame, read back, merged by the city."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import get_form
from models import db as m
from models.database import close_database, open_database
from models.entries import canonical_data, content_hash, form_rows, replace_period_data
from models.units import add_unit, initialise
from reports.cli import main
from reports.district import district_month, district_status
from reports.merge import merge
from reports.summary import write_summary
from reports.xlsx_layout import sheet_layout
from reports.xlsx_reader import read_return
from tests.conftest import DISTRICT, TOWN
from tests.merge_samples import P, make_rf, month

TOWN2, TOWN3 = "371002002", "371002003"


@pytest.fixture
def merged(district_db):
    """Two townships merged: one plain, one with an explained soft warning and edited after export."""
    second = month(1)
    second["tasks"][0]["status"] = "滞后"
    second["tasks"][0]["problems"] = "资金未到位"
    second["events"][0].update(subsidies="2000", explanation="含市级补贴")
    second["figures"].append({"row_key": "nev_stock", "current": "800", "base_2023": None, "explanation": "期末数"})
    results = merge([make_rf(TOWN, data=month(0)), make_rf(TOWN2, data=second, edited=True)])
    assert [r.verdict for r in results] == ["accepted", "accepted"]
    return district_db


def values(rows, key):
    return next(r.values for r in rows if r.row_key == key)


def test_district_month_adds_up_the_townships(merged):
    dm = district_month(period=P)
    assert [t.unit.code for t in dm.townships] == [TOWN, TOWN2] and [u.code for u in dm.missing] == [TOWN3]
    task = values(dm.rows["tasks"], "1")
    assert task["status"] == "滞后" and task["achieved"] == Decimal(7)
    assert task["narrative"].splitlines() == ["各单位推进状态：推进中1、滞后1", "环翠楼街道：新增入库项目3个",
                                              "鲸园街道：新增入库项目4个"]
    assert task["problems"] == "鲸园街道：资金未到位"
    done = values(dm.rows["tasks"], "2")
    assert done["status"] == "已完成" and done["achieved"] == Decimal(12) and done["percent"] == Decimal(2)
    assert len(dm.rows["events"]) == 2 and {r.values["unit_name"] for r in dm.rows["events"]} == {"环翠楼街道", "鲸园街道"}
    recycling = values(dm.rows["figures"], "appliance_recycling")
    assert (recycling["current"], recycling["base_2023"], recycling["ytd"]) == (Decimal(2401), Decimal(20000),
                                                                                Decimal(2401))
    # Against ten months of the 2023 base, as each township's own 较2023年 is (not the whole year's).
    assert recycling["vs_base"] == Decimal(2401) / (Decimal(20000) * 10 / 12) - 1
    town = values(form_rows(unit_code=TOWN, period=P, form_id="figures"), "appliance_recycling")
    assert town["vs_base"] == town["ytd"] / (town["base_2023"] * 10 / 12) - 1
    assert values(dm.rows["figures"], "nev_stock")["explanation"] == "鲸园街道：期末数"
    assert values(dm.rows["figures"], "used_car_trades")["current"] is None


@pytest.mark.parametrize("statuses, expected", [
    ([], None), (["已完成", "已完成"], "已完成"), (["已完成", "推进中"], "推进中"), (["未启动", "已完成"], "推进中"),
    (["未启动", "未启动"], "未启动"), (["已完成", "滞后"], "滞后"),
])
def test_task_status_one_level_up(statuses, expected):
    assert district_status(statuses) == expected


def test_summary_is_a_return_of_the_district_read_back_unchanged(merged, tmp_path):
    result = write_summary(period=P, out_dir=tmp_path, user="审核员甲")
    assert result.path.name == "两新月报_371002_环翠区_2025-10_r1.xlsx" and result.missing == [TOWN3]
    back = read_return(result.path)
    assert (back.kind, back.unit_code, back.unit_name, back.period, back.revision) == ("return", DISTRICT, "环翠区", P, 1)
    assert back.computed_hash == back.stated_hash == result.content_hash == district_month(period=P).content_hash
    assert not back.edited_after_export and back.warnings == []
    record = m.ReturnRecord.get(m.ReturnRecord.uuid == result.return_uuid)
    assert (record.unit_id, record.source, record.status) == (DISTRICT, "export", "current")
    assert json.loads(record.flags) == ["summary", "incomplete"]
    again = write_summary(period=P, out_dir=tmp_path)
    assert again.revision == 2 and record.__class__.get_by_id(result.return_uuid).status == "superseded"


def test_summary_sheets_list_townships_findings_and_completeness(merged, tmp_path):
    path = write_summary(period=P, out_dir=tmp_path).path
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:7] == ["表1", "表2", "表3", "表2汇总", "表3汇总", "审核情况", "报送情况"]
    assert book["表1"].cell(sheet_layout(get_form("tasks")).title_row + 1, 1).value.endswith("（汇总）")
    events = book["表2汇总"]
    first = sheet_layout(get_form("events")).first_data_row + 1
    assert [events.cell(first + i, 1).value for i in range(3)] == ["环翠楼街道", "鲸园街道", "合计"]
    figures = book["表3汇总"]
    cells = [[c.value for c in row] for row in figures.iter_rows()]
    total = next(r for r in cells if r[0] == "合计")
    assert total[1].startswith("=SUM(")  # a formula, with its value cached for readers that do not recalculate
    cached = openpyxl.load_workbook(path, data_only=True)["表3汇总"]
    total_row = next(r for r in cached.iter_rows(values_only=True) if r[0] == "合计")
    assert total_row[1] == 2401 and total_row[10] == pytest.approx(713.56)
    findings = [[c for c in row] for row in book["审核情况"].iter_rows(values_only=True)]
    text = "\n".join(" ".join(str(c) for c in row if c) for row in findings)
    assert "鲸园街道 表2" in text and "补贴金额大于销售额" in text and "含市级补贴" in text
    assert "导出后被修改" in text
    done = [[c for c in row] for row in book["报送情况"].iter_rows(values_only=True)]
    assert [r[2] for r in done if r[0] in (TOWN, TOWN2, TOWN3)] == ["已报", "已报", "未报"]


def test_summary_lists_each_township_s_changes_since_last_month(merged, tmp_path):
    september = month(0)
    september["figures"][0]["current"] = "1000"
    september["tasks"][0]["status"] = "未启动"
    september["events"][0]["date"] = "2025-09-05"
    assert merge([make_rf(TOWN, period="2025-09", data=september)])[0].verdict == "accepted"
    path = write_summary(period=P, out_dir=tmp_path).path
    sheet = openpyxl.load_workbook(path)["较上月变化"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] in ("环翠楼街道", "鲸园街道", "竹岛街道")]
    assert ("环翠楼街道", "表3", "废旧家电回收量", "本期", "1000 台", "1200 台", 200, 0.2, None) in rows
    assert ("环翠楼街道", "表1") == rows[0][:2] and rows[0][3:6] == ("推进状态", "未启动", "推进中")
    assert [r[8] for r in rows if r[0] != "环翠楼街道"] == ["上月无数据，无从比较", "本月未报"]
    assert len(rows) == 4  # the two changes, and a line for each township not compared


def test_the_city_merges_the_district_return(merged, tmp_path):
    result = write_summary(period=P, out_dir=tmp_path)
    district = m.database.obj.database
    close_database()
    try:
        open_database(tmp_path / "city.sqlite3")
        initialise(plan_id="huancui", unit_code="3710", unit_name="威海市", level="city")
        add_unit(code=DISTRICT, name="环翠区", level="district", parent_code="3710")
        [verdict] = merge([result.path], user="市审核员")
        assert verdict.verdict == "accepted", verdict.reasons
        assert content_hash(canonical_data(unit_code=DISTRICT, period=P)) == result.content_hash
    finally:
        close_database()
        open_database(district)


def test_cli_summary_writes_the_file(merged, tmp_path, capsys):
    assert main(["--db", str(merged), "summary", "--period", P, "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("两新月报_371002_环翠区_2025-10_r1.xlsx")
    assert "371002003" in captured.err and "未计入汇总" in captured.err
    assert "已退回" not in captured.err


def test_a_township_sent_back_is_counted_and_said_to_be_its_data_before(merged, tmp_path, capsys):
    from desktop.returnspage import describe_export
    from reports.merge import reopen_return

    reopen_return(unit_code=TOWN2, period=P, reason="表3口径不对", user="审核员甲")
    result = write_summary(period=P, out_dir=tmp_path)
    assert (sorted(result.included), result.sent_back, result.missing) == ([TOWN, TOWN2], [TOWN2], [TOWN3])
    assert "（汇总 2 个单位，其中 1 个已退回、暂用退回前的数据，1 个未报）" in describe_export(result)
    assert main(["--db", str(merged), "summary", "--period", P, "--out", str(tmp_path / "cli")]) == 0
    assert f"1 个单位的报表已退回、尚未重新报送（{TOWN2}），汇总暂用退回前的数据" in capsys.readouterr().err


_AMOUNT = st.one_of(st.none(), st.integers(0, 10**7).map(str), st.decimals(0, 10**6, places=2).map(str))
_COUNT = st.one_of(st.none(), st.integers(0, 10**7).map(str))  # 台, 辆: whole numbers only
_EVENT = st.fixed_dictionaries({"visitors": st.integers(0, 10**6), "deals": st.integers(0, 5000),
                                "sales": st.decimals(0, 10**5, places=2).map(str)})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=st.lists(st.fixed_dictionaries({k.key: _AMOUNT if k.decimals else _COUNT
                                               for k in get_form("figures").indicators}),
                        min_size=1, max_size=3),
       events=st.lists(st.lists(_EVENT, max_size=3), min_size=3, max_size=3))
def test_district_totals_equal_the_sum_of_the_townships(district_db, tmp_path, figures, events):
    towns = [TOWN, TOWN2, TOWN3][:len(figures)]
    with m.database.atomic() as transaction:
        for code, own_figures, own_events in zip(towns, figures, events, strict=False):
            data = {"figures": [{"row_key": k, "current": v} for k, v in own_figures.items() if v is not None],
                    "events": [{"date": "2025-10-10", "type": "其他", "name": f"活动{i}", **e}
                               for i, e in enumerate(own_events)]}
            replace_period_data(unit_code=code, period=P, data=data)
        dm = district_month(period=P)
        result = write_summary(period=P, out_dir=tmp_path)
        back = read_return(result.path)
        transaction.rollback()
    stored = {town: {k: Decimal(v) for k, v in f.items() if v is not None}
              for town, f, ev in zip(towns, figures, events, strict=False) if any(v is not None for v in f.values())
              or ev}
    for ind in get_form("figures").indicators:
        parts = [f[ind.key] for f in stored.values() if ind.key in f]
        expected = sum(parts, Decimal(0)) if parts else None
        assert values(dm.rows["figures"], ind.key)["current"] == expected
        read = next((r["current"] for r in back.data["figures"] if r["row_key"] == ind.key), None)
        assert (Decimal(read) if read is not None else None) == expected
    all_events = [e for town_events in events[:len(towns)] for e in town_events]
    assert len(back.data["events"]) == len(all_events)
    for key in ("visitors", "deals", "sales"):
        assert sum(Decimal(str(r[key])) for r in back.data["events"]) == sum(Decimal(str(e[key])) for e in all_events)


@pytest.mark.parametrize("form_id", ["tasks", "events", "figures"])
def test_one_form_of_the_district_month_is_the_same_as_in_the_whole(merged, form_id):
    from reports.district import district_form_rows

    whole = district_month(period=P).rows[form_id]
    alone = district_form_rows(period=P, form_id=form_id)
    assert [(r.row_key, r.values, r.findings) for r in alone] == [(r.row_key, r.values, r.findings) for r in whole]
    assert alone and any(r.findings for r in whole) == any(r.findings for r in alone)
