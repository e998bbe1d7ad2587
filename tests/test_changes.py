"""较上月变化: each township's month against its month before, from real merged returns and random months."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import all_forms, get_form
from models.entries import canonical_data, replace_period_data
from reports.changes import COUNT_LABEL, describe, month_changes
from reports.cli import main
from reports.merge import merge
from tests.conftest import TOWN, table_snapshot
from tests.merge_samples import P, export_months, month

SEP = "2025-09"
TOWN2 = "371002002"


def september() -> dict:
    """The township's month before: task 1 not started yet, task 2 already done, fewer figures, no events."""
    data = month(0)
    data["tasks"][0].update(status="未启动", achieved=None, narrative="正在摸排")
    data["events"] = []
    data["figures"][0]["current"] = "1000"
    for row in data["tasks"]:
        row["narrative"] = (row["narrative"] or "") + "（九月）"  # text is new every month: never a change
    return data


def test_a_township_s_changes_from_merged_returns(district_db, tmp_path, capsys):
    files = export_months(tmp_path / "in", [(TOWN, SEP, september()), (TOWN, P, month(0)), (TOWN2, P, month(1))],
                          db_path=tmp_path / "townships.sqlite3")
    assert [r.verdict for r in merge(files, user="审核员")] == ["accepted"] * 3
    before = table_snapshot()
    report = month_changes(period=P)
    assert table_snapshot() == before  # only reads
    units = {u.unit_code: u for u in report.units}
    assert report.title == "2025年10月较上月（2025年9月）变化"
    town = units[TOWN]
    got = {(c.sheet, c.row.split()[0] + (c.row.split()[1] if c.row.startswith("任务") else ""), c.field): (c.before, c.after)
           for c in town.changes}
    assert got == {
        ("表1", "任务1", "推进状态"): ("未启动", "推进中"),
        ("表1", "任务1", "完成值"): (None, Decimal("3")),
        ("表2", "全部活动", COUNT_LABEL): (0, 1),
        **{("表2", "全部活动", f"{get_form('events').field(k).label}合计"): (Decimal(0), Decimal(v))
           for k, v in (("enterprises", 12), ("visitors", 1200), ("deals", 85), ("sales", "1234.5"), ("subsidies", 20))},
        ("表3", "废旧家电回收量", "本期"): (Decimal("1000"), Decimal("1200")),
    }
    recycling = next(c for c in town.changes if c.row == "废旧家电回收量")
    assert (recycling.difference, recycling.growth) == (Decimal(200), Decimal("0.2"))
    assert describe(recycling) == "表3 废旧家电回收量 本期：1000 台 → 1200 台（+200，+20.0%）"
    assert units[TOWN2].note == "上月无数据，无从比较" and units[TOWN2].changes == []
    assert units["371002003"].note == "本月未报" and not units["371002003"].reported

    assert main(["--db", str(district_db), "changes", "--period", P]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2025年10月较上月（2025年9月）变化：3 个下级单位"
    assert any(line.startswith("\t表1 任务 1 ") and line.endswith("推进状态：未启动 → 推进中") for line in out)
    assert "371002003 竹岛街道：本月未报" in out
    assert main(["--db", str(district_db), "changes", "--period", P, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [town_doc] = [u for u in doc["units"] if u["unit_code"] == TOWN]
    assert {"row": "废旧家电回收量", "before": "1000", "after": "1200", "difference": "200", "growth": "0.2"}.items() \
        <= next(c for c in town_doc["changes"] if c["row"] == "废旧家电回收量").items()


def test_a_bad_period_is_refused_in_the_reviewers_words(district_db, capsys):
    assert main(["--db", str(district_db), "changes", "--period", "2025-13"]) == 1
    assert "报告期“2025-13”应为月份" in capsys.readouterr().err


def _numbers(places: int = 2) -> st.SearchStrategy:
    return st.one_of(st.none(), st.integers(0, 50).map(str), st.decimals(0, 100, places=places).map(str))


@st.composite
def months(draw) -> dict:
    """A random month: task statuses and values, some events, figures."""
    data = copy.deepcopy(month(0))
    for row in data["tasks"]:
        row.update(status=draw(st.sampled_from([None, "未启动", "推进中", "已完成", "滞后"])), achieved=draw(_numbers()))
    data["events"] = [dict(data["events"][0], deals=draw(st.integers(0, 9)), date=f"{{period}}-0{draw(st.integers(1, 9))}")
                      for _ in range(draw(st.integers(0, 3)))]
    for row in data["figures"]:
        row["current"] = draw(_numbers(get_form("figures").indicator(row["row_key"]).decimals))  # counts are whole
    return data


def _for(data: dict, period: str) -> dict:
    out = copy.deepcopy(data)
    for row in out["events"]:
        row["date"] = row["date"].format(period=period)
    return out


def _total(rows: list[dict], key: str) -> Decimal:
    return sum((Decimal(str(r.get(key) or 0)) for r in rows), Decimal(0))


def _row(rows: list[dict], key: str) -> dict:
    return next((r for r in rows if r["row_key"] == key), {})


def expected_changes(before: dict, after: dict) -> set[tuple[str, str, str]]:
    """What differs, worked out from the canonical JSON of both months (not from the rows the report reads)."""
    out = set()
    for form in all_forms():
        was, now = before[form.id], after[form.id]
        if form.rows == "events":
            if len(was) != len(now):
                out.add((form.id, "全部活动", COUNT_LABEL))
            out |= {(form.id, "全部活动", f"{f.label}合计") for f in form.fields
                    if f.total and _total(was, f.key) != _total(now, f.key)}
            continue
        for key in {r["row_key"] for r in was} | {r["row_key"] for r in now}:
            # base_2023 is the unit's, not the month's: the same in both months
            out |= {(form.id, key, f.label) for f in form.input_fields
                    if f.type in ("integer", "decimal", "percent", "choice") and f.key != "base_2023"
                    and _row(was, key).get(f.key) != _row(now, key).get(f.key)}
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=months(), after=months())
def test_every_difference_and_nothing_else_is_listed(district_db, before, after):
    replace_period_data(unit_code=TOWN, period=SEP, data=_for(before, SEP))
    replace_period_data(unit_code=TOWN, period=P, data=_for(after, P))
    stored = canonical_data(unit_code=TOWN, period=SEP), canonical_data(unit_code=TOWN, period=P)
    [town] = [u for u in month_changes(period=P).units if u.unit_code == TOWN]
    form_of = {f.sheet_name: f for f in all_forms()}
    keys = {f"任务 {t}": t for t in ("1", "2")} | {i.label: i.key for i in get_form("figures").indicators}
    listed = set()
    for c in town.changes:
        form = form_of[c.sheet]
        row = "全部活动" if form.rows == "events" else keys[" ".join(c.row.split()[:2]) if c.row.startswith("任务") else c.row]
        listed.add((form.id, row, c.field))
        assert c.before != c.after
    assert listed == expected_changes(*stored)
