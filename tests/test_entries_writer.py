"""MonthWriter: a month replaced in one go returns exactly the findings validate_period reads back afterwards."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import get_form
from models import db as m
from models.entries import MonthWriter, replace_period_data, validate_period
from models.errors import DataError, LockedError
from tests.conftest import TOWN, table_snapshot

P = "2025-10"
STATUSES = [None, *get_form("tasks").field("status").choices]
TYPES = list(get_form("events").field("type").choices)
INDICATORS = [i.key for i in get_form("figures").indicators]
NUMBERS = st.one_of(st.none(), st.sampled_from(["0", "1", "6", "7.5", "28", "1200", "10000.12345"]))
TEXTS = st.one_of(st.none(), st.sampled_from(["", "完成", "资金压力较大"]))

tasks = st.lists(st.fixed_dictionaries({
    "row_key": st.sampled_from([str(i) for i in range(1, 28)]), "status": st.sampled_from(STATUSES),
    "achieved": NUMBERS, "narrative": TEXTS, "problems": TEXTS, "explanation": TEXTS,
}), max_size=8, unique_by=lambda r: r["row_key"])
events = st.lists(st.fixed_dictionaries({
    "row_key": st.just(""), "date": st.sampled_from(["2025-10-01", "2025-10-31", "2025-09-30", "2025-11-02"]),
    "type": st.sampled_from(TYPES), "name": st.sampled_from(["车展", "家电节"]),
    "deals": st.one_of(st.none(), st.integers(0, 5)), "sales": NUMBERS, "subsidies": NUMBERS, "explanation": TEXTS,
}), max_size=5)
COUNTS = st.one_of(st.none(), st.sampled_from(["0", "1", "6", "28", "1200"]))  # 台, 辆: whole numbers only


def _figure_rows(decimals: bool) -> st.SearchStrategy:
    keys = [i.key for i in get_form("figures").indicators if bool(i.decimals) == decimals]
    numbers = NUMBERS if decimals else COUNTS
    return st.fixed_dictionaries({"row_key": st.sampled_from(keys), "current": numbers, "base_2023": numbers,
                                  "explanation": TEXTS})


figures = st.lists(st.one_of(_figure_rows(False), _figure_rows(True)), max_size=6, unique_by=lambda r: r["row_key"])
months = st.fixed_dictionaries({}, optional={"tasks": tasks, "events": events, "figures": figures})
history = st.lists(st.tuples(st.sampled_from(["2024-10", "2025-01", "2025-09"]), st.sampled_from(INDICATORS),
                             st.sampled_from(["5", "900", "20000"])), max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=months, before=months, earlier=history)
def test_findings_from_the_stored_rows_equal_validate_period(any_db, data, before, earlier):
    with m.database.atomic() as transaction:
        for period, key, value in earlier:  # other months, for 本年累计 and 同比
            replace_period_data(unit_code=TOWN, period=period, data={"figures": [{"row_key": key, "current": value}]})
        replace_period_data(unit_code=TOWN, period=P, data=before)  # forms the new data leaves out stay as they are
        try:
            findings = MonthWriter(user="甲", action="merge").replace(unit_code=TOWN, period=P, data=data, validate=True)
        except DataError:
            transaction.rollback()
            return
        assert findings == validate_period(unit_code=TOWN, period=P)
        transaction.rollback()


def test_one_writer_for_many_months_sees_each_month_and_audits_each(any_db):
    writer = MonthWriter(user="审核员甲", action="merge")
    first = writer.replace(unit_code=TOWN, period="2025-09", validate=True,
                           data={"figures": [{"row_key": "nev_stock", "current": "100", "base_2023": "50"}]})
    second = writer.replace(unit_code=TOWN, period=P, validate=True,
                            data={"figures": [{"row_key": "appliance_recycling", "current": "5"}],
                                  "tasks": [{"row_key": "2", "status": "滞后", "achieved": "1"}]})
    assert first == [] and [f.rule_id for f in second] == ["narrative_needed", "lagging_needs_problem"]
    assert second == validate_period(unit_code=TOWN, period=P)
    lines = [(a.action, a.entity_key, a.user) for a in m.AuditLog.select().where(m.AuditLog.entity == "period")
             .order_by(m.AuditLog.id)]
    assert lines == [("merge", f"{TOWN}/2025-09", "审核员甲"), ("merge", f"{TOWN}/{P}", "审核员甲")]
    assert [(b.indicator, b.value) for b in m.Baseline.select()] == [("nev_stock", 50)]


def test_a_bad_row_or_a_locked_month_stores_nothing(any_db):
    replace_period_data(unit_code=TOWN, period=P, data={"events": [
        {"row_key": "", "date": "2025-10-02", "type": "其他", "name": "老活动"}]})
    before = table_snapshot()
    with pytest.raises(DataError, match="第 2 行"):
        MonthWriter().replace(unit_code=TOWN, period=P, data={"events": [
            {"row_key": "", "date": "2025-10-03", "type": "其他", "name": "新活动"},
            {"row_key": "", "date": "2025-10-04", "type": "其他", "name": ""}]})
    with pytest.raises(DataError, match="不是本表的行"):
        MonthWriter().replace(unit_code=TOWN, period=P, data={"tasks": [{"row_key": "99", "status": "推进中"}]})
    assert table_snapshot() == before
    from models.entries import submit_period

    submit_period(unit_code=TOWN, period=P)
    before = {k: v for k, v in table_snapshot().items() if k != "audit_log"}
    with pytest.raises(LockedError):
        MonthWriter().replace(unit_code=TOWN, period=P, data={"events": []})
    assert {k: v for k, v in table_snapshot().items() if k != "audit_log"} == before
    assert m.AuditLog.select().where(m.AuditLog.action == "refused:load").count() == 1
