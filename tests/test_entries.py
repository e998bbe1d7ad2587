"""Entering data through the core: saves, audit, locks, optimistic versions, computed values."""

from decimal import Decimal

import pytest

from models import db as m
from models.entries import (
    MonthWriter,
    canonical_data,
    content_hash,
    delete_row,
    form_rows,
    is_locked,
    lock_reason,
    reopen_period,
    replace_period_data,
    save_row,
    submit_period,
    validate_period,
)
from models.errors import ConflictError, DataError, LockedError
from tests.conftest import TOWN, table_snapshot

P = "2025-10"


def row(form_id, key, period=P):
    return next(r for r in form_rows(unit_code=TOWN, period=period, form_id=form_id) if r.row_key == key)


def test_save_task_progress_and_audit(any_db):
    saved = save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2",
                     values={"status": "推进中", "achieved": "3", "narrative": "新增智能工厂3个"}, user="clerk")
    assert saved.values["achieved"] == Decimal(3)
    assert saved.values["percent"] == Decimal(3) / Decimal(6)  # task 2's 2025 target: 6 platforms
    assert saved.version == 1
    lines = {(a.field, a.old, a.new) for a in m.AuditLog.select().where(m.AuditLog.action == "edit")}
    assert ("achieved", None, "3") in lines and ("status", None, "推进中") in lines
    again = save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": 4}, user="clerk")
    assert again.version == 2 and again.values["narrative"] == "新增智能工厂3个"


@pytest.mark.parametrize("values, message", [
    ({"achieved": "abc"}, "“abc”不是数字"),
    ({"achieved": "-1"}, "不能小于0"),
    ({"achieved": "95.5%"}, "完成值：完成值请只填数字，不要带 %（“95.5%”请填 95.5）"),
    ({"status": "差不多"}, "“差不多”不是可选项"),
    ({"percent": "1"}, "完成进度 不能填写（不是填报栏目）"),
])
def test_bad_input_is_refused_and_changes_nothing(any_db, values, message):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    before = table_snapshot()
    with pytest.raises(DataError, match=message) as exc:
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=values)
    assert str(exc.value).startswith(("表1 任务 1 ", "表1："))  # the row as the form shows it
    assert table_snapshot() == before


def test_a_refused_event_or_indicator_is_named_as_the_form_shows_it(any_db):
    with pytest.raises(DataError) as exc:
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None, values={"name": "秋季车展", "visitors": "很多"})
    assert str(exc.value).startswith("表2 活动“秋季车展” 参与人数：")  # not the new row's UUID
    with pytest.raises(DataError) as exc:
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None, values={"visitors": "很多"})
    assert str(exc.value).startswith("表2 新活动 ")
    with pytest.raises(DataError) as exc:
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="used_car_trades", values={"current": "x"})
    assert str(exc.value).startswith("表3 二手车交易量 ")


def test_a_percent_sign_in_a_count_is_refused_and_changes_nothing(any_db):
    before = table_snapshot()
    with pytest.raises(DataError, match="^表3 二手车交易量 本期：本期请只填数字，不要带 %（“50%”请填 50）$"):
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="used_car_trades", values={"current": "50%"})
    assert table_snapshot() == before


def test_a_text_longer_than_excel_holds_is_refused_and_changes_nothing(any_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中", "narrative": "x"})
    before = table_snapshot()
    with pytest.raises(DataError, match="^表1 任务 2 进展情况：进展情况最多 32,767 个字（现有 34,000 个字）$"):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"narrative": "进展" * 17000})
    assert table_snapshot() == before


def test_a_long_text_stored_before_it_was_refused_blocks_the_submission(any_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中", "narrative": "x"})
    entry = m.Entry.get(m.Entry.form_id == "tasks", m.Entry.row_key == "2")
    m.Entry.update(data=entry.data.replace('"x"', '"' + "进" * 32768 + '"')).where(m.Entry.id == entry.id).execute()
    assert [f.message for f in validate_period(unit_code=TOWN, period=P) if f.rule_id == "max_length"] == [
        "进展情况最多 32,767 个字（现有 32,768 个字）"]
    with pytest.raises(DataError, match="表1 任务 2 进展情况：进展情况最多 32,767 个字"):
        submit_period(unit_code=TOWN, period=P)


@pytest.mark.parametrize("values", [{"current": "12.5"}, {"current": 12.5}, {"base_2023": "9800.5"}])
def test_a_fraction_of_a_count_is_refused_and_changes_nothing(any_db, values):
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"current": "12"})
    before = table_snapshot()
    label = "本期" if "current" in values else "2023年基数"
    with pytest.raises(DataError, match=f"^表3 废旧家电回收量 {label}：废旧家电回收量以“台”计，{label}须为整数$"):
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values=values)
    assert table_snapshot() == before


def test_amounts_keep_their_decimals_and_whole_counts_are_taken(any_db):
    money = save_row(unit_code=TOWN, period=P, form_id="figures", row_key="equipment_investment",
                     values={"current": "356.78"})
    assert money.values["current"] == Decimal("356.78")
    count = save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling",
                     values={"current": "12.0", "base_2023": "1,200"})
    assert count.values["current"] == Decimal(12) and count.values["base_2023"] == Decimal(1200)


def test_unknown_row_and_bad_period_are_refused(any_db):
    with pytest.raises(DataError, match="不是本表的行"):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="999", values={"status": "推进中"})
    with pytest.raises(DataError, match="应为月份"):
        save_row(unit_code=TOWN, period="2025-13", form_id="tasks", row_key="1", values={})


def test_submitted_month_refuses_writes_and_reopen_needs_reason(any_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "进行中"})
    submit_period(unit_code=TOWN, period=P, user="clerk")
    assert is_locked(TOWN, P)
    before = table_snapshot()
    with pytest.raises(LockedError, match="已锁定"):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "已完成"})
    refusals = m.AuditLog.select().where(m.AuditLog.action == "refused:save").count()
    assert refusals == 1
    after = table_snapshot()
    after.pop("audit_log"), before.pop("audit_log")
    assert after == before
    with pytest.raises(DataError, match="理由"):
        reopen_period(unit_code=TOWN, period=P, reason="  ")
    reopen_period(unit_code=TOWN, period=P, reason="数据有误", user="reviewer")
    assert not is_locked(TOWN, P)
    assert m.AuditLog.get(m.AuditLog.action == "reopen").reason == "数据有误"


def test_submit_refused_with_hard_errors_or_unexplained_warnings(any_db):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中"})
    with pytest.raises(DataError, match="进展情况"):
        submit_period(unit_code=TOWN, period=P)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"narrative": "已开展诊断"})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2",
             values={"status": "已完成", "achieved": 5, "narrative": "完成"})
    with pytest.raises(DataError, match="说明"):
        submit_period(unit_code=TOWN, period=P)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"explanation": "统计口径调整"})
    submit_period(unit_code=TOWN, period=P)
    assert is_locked(TOWN, P)


def test_a_refused_submission_names_the_row_as_the_form_shows_it(any_db):
    for day, name, subsidies in ((3, "车展", "1"), (9, "家电节", "50")):
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
                 values={"date": f"{P}-0{day}", "type": "家电以旧换新", "name": name, "deals": 5, "sales": "10",
                         "subsidies": subsidies})
    with pytest.raises(DataError) as refused:
        submit_period(unit_code=TOWN, period=P)
    # The second event in the grid's order, by its name; not its internal key.
    assert str(refused.value) == "表2 活动 第2行（家电节） 补贴金额：补贴金额大于销售额，请在“说明”中解释"
    event = form_rows(unit_code=TOWN, period=P, form_id="events")[1]
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=event.row_key, values={"explanation": "含市级补贴"},
             expected_version=event.version)
    submit_period(unit_code=TOWN, period=P, user="clerk")
    assert lock_reason(TOWN, P).startswith("2025年10月已于 ") and "由 clerk 报送，已锁定" in lock_reason(TOWN, P)


def test_optimistic_version_detects_a_lost_update(any_db):
    first = save_row(unit_code=TOWN, period=P, form_id="figures", row_key="used_car_trades", values={"current": 10})
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="used_car_trades", values={"current": 11},
             expected_version=first.version)
    with pytest.raises(ConflictError, match="^表3 二手车交易量：.*修改了这一行"):
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="used_car_trades", values={"current": 12},
                 expected_version=first.version)
    assert row("figures", "used_car_trades").values["current"] == Decimal(11)


def test_year_to_date_last_year_and_growth_are_computed(any_db):
    for period, value in (("2024-09", 100), ("2024-10", 100), ("2025-09", 150), ("2025-10", 90)):
        save_row(unit_code=TOWN, period=period, form_id="figures", row_key="appliance_recycling",
                 values={"current": value})
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"base_2023": 200})
    r = row("figures", "appliance_recycling")
    assert r.values["ytd"] == 240 and r.values["last_year"] == 200
    assert r.values["yoy"] == Decimal("0.2")
    assert r.values["vs_base"] == Decimal(240) / (Decimal(200) * 10 / 12) - 1  # ten months of the 2023 base
    assert r.values["progress"] == Decimal(240) / Decimal("230.00")  # 2025 target: 2023 base +15%
    save_row(unit_code=TOWN, period="2025-09", form_id="figures", row_key="nev_stock", values={"current": 7000})
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="nev_stock", values={"current": 7600})
    stock = row("figures", "nev_stock")
    assert stock.values["ytd"] == 7600 and stock.values["progress"] == Decimal("0.95")


def test_events_round_trip_and_delete(any_db):
    ev = save_row(unit_code=TOWN, period=P, form_id="events", row_key=None, values={
        "date": "2025年10月5日", "type": "汽车下乡展销", "name": "=1+1 金秋车展", "visitors": "1,200", "sales": "１２.５"})
    assert ev.values["visitors"] == 1200 and ev.values["sales"] == Decimal("12.5") and ev.values["name"] == "=1+1 金秋车展"
    outside = save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
                       values={"date": "2025-11-01", "type": "其他", "name": "错月活动"})
    assert [f.rule_id for f in outside.findings] == ["in_period"]
    delete_row(unit_code=TOWN, period=P, form_id="events", row_key=outside.row_key)
    assert [r.row_key for r in form_rows(unit_code=TOWN, period=P, form_id="events")] == [ev.row_key]


def test_content_hash_ignores_event_order_and_keys(any_db):
    for name in ("甲", "乙"):
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
                 values={"date": "2025-10-05", "type": "其他", "name": name})
    data = canonical_data(unit_code=TOWN, period=P)
    flipped = {**data, "events": list(reversed(data["events"]))}
    assert content_hash(flipped) == content_hash(data)
    changed = {**data, "events": [{**data["events"][0], "name": "丙"}, data["events"][1]]}
    assert content_hash(changed) != content_hash(data)


def test_serialization_failures_are_retried_and_others_are_not(sqlite_db, monkeypatch):
    from peewee import OperationalError

    import models.entries as entries

    class SerializationFailure(Exception):
        pgcode = "40001"

    real, calls = entries._save_row_in_transaction, []

    def flaky(*args):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError(SerializationFailure("could not serialize access"))
        return real(*args)

    monkeypatch.setattr(entries, "_save_row_in_transaction", flaky)
    saved = save_row(unit_code=TOWN, period=P, form_id="figures", row_key="nev_stock", values={"current": 5})
    assert len(calls) == 3 and saved.values["current"] == 5

    def broken(*args):
        calls.append(1)
        raise OperationalError("disk I/O error")

    calls.clear()
    monkeypatch.setattr(entries, "_save_row_in_transaction", broken)
    with pytest.raises(OperationalError, match="disk"):
        save_row(unit_code=TOWN, period=P, form_id="figures", row_key="nev_stock", values={"current": 6})
    assert len(calls) == 1


def test_replacing_a_month_upserts_changed_bases_and_audits_them(any_db):
    from models.entries import replace_period_data

    month = {"figures": [{"row_key": "used_car_trades", "current": "30", "base_2023": "400"},
                         {"row_key": "nev_stock", "current": "7000", "base_2023": "6000"}]}
    replace_period_data(unit_code=TOWN, period=P, data=month)
    month["figures"][0]["base_2023"] = "420"
    replace_period_data(unit_code=TOWN, period="2025-11", data=month)
    bases = {b.indicator: b.value for b in m.Baseline.select()}
    assert bases == {"used_car_trades": Decimal(420), "nev_stock": Decimal(6000)}
    lines = [(a.entity_key, a.old, a.new) for a in m.AuditLog.select().where(m.AuditLog.entity == "baseline")
             .order_by(m.AuditLog.id)]
    assert (f"{TOWN}/used_car_trades/2023", "400", "420") in lines
    assert len(lines) == 3  # two new bases, then one change; the unchanged one is not logged again
    assert row("figures", "used_car_trades", "2025-11").values["current"] == 30


def test_a_refused_task_is_named_by_its_number_in_the_plan(empty_db):
    from models.units import initialise

    initialise(plan_id="anqiu", unit_code="370784001", unit_name="兴安街道", level="town")
    with pytest.raises(DataError) as exc:
        save_row(unit_code="370784001", period=P, form_id="tasks", row_key="5", values={"achieved": "abc"})
    assert str(exc.value).startswith("表1 任务 一是 完成值：")  # the fifth task is numbered 一是 in its section


def test_a_year_to_date_achievement_below_last_months_asks_for_a_note(any_db):
    """完成值 is 本年累计: lower than last month's in the same year is questioned; January starts again."""
    def achieved(period, value, **more):
        save_row(unit_code=TOWN, period=period, form_id="tasks", row_key="2",
                 values={"status": "推进中", "narrative": "推进中", "achieved": value, **more})
        return [f for f in row("tasks", "2", period).findings if f.rule_id == "achieved_fell"]

    assert achieved("2025-09", 4) == []
    assert achieved(P, 4) == []  # as much as last month
    fell = achieved(P, 3)
    assert [(f.field, f.level, f.explained) for f in fell] == [("achieved", "soft", False)]
    assert fell[0].message == "完成值是本年累计数，本月 3 不应小于上月填报的 4"
    assert achieved(P, 3)[0] in validate_period(unit_code=TOWN, period=P)
    with pytest.raises(DataError, match=r"^表1 任务 .* 完成值：完成值是本年累计数，本月 3 不应小于上月填报的 4"):
        submit_period(unit_code=TOWN, period=P)
    assert achieved(P, 3, explanation="9月数据重复统计，已核减")[0].explained
    submit_period(unit_code=TOWN, period=P)
    assert achieved("2025-12", 10) == [] and achieved("2026-01", 1) == []  # a new year counts from nothing
    assert achieved("2026-03", 1) == []  # February left empty: nothing to compare with


def test_a_returned_month_whose_achievement_fell_is_flagged(any_db):
    """The same question for a month written by a load or merge (MonthWriter), read from what it just stored."""
    task = {"status": "推进中", "narrative": "推进中"}
    replace_period_data(unit_code=TOWN, period="2025-09", data={"tasks": [{**task, "row_key": "2", "achieved": 4}]})
    findings = MonthWriter().replace(unit_code=TOWN, period=P, data={"tasks": [{**task, "row_key": "2", "achieved": 2}]},
                                     validate=True)
    assert [f.rule_id for f in findings if f.row_key == "2"] == ["achieved_fell"]
    assert findings == validate_period(unit_code=TOWN, period=P)


def test_a_month_ten_times_the_one_before_is_questioned(any_db):
    """An extra digit typed into 本期 (1200 for 120) asks for a 说明; nine times, or after a month of 0, does not."""
    def current(period, value):
        save_row(unit_code=TOWN, period=period, form_id="figures", row_key="used_car_trades", values={"current": value})
        return [f.rule_id for f in row("figures", "used_car_trades", period).findings]

    assert current("2025-08", 0) == [] and current("2025-09", 120) == []
    assert current(P, 1200) == ["tenfold_last_month"]
    assert current(P, 1199) == []
    assert current("2025-12", 100) == []
    assert current("2026-01", 5000) == []  # December is last year's: January is not compared with it


def test_months_entered_names_the_months_with_rows_of_a_form(any_db):
    from models.entries import months_entered
    from models.units import add_unit

    add_unit(code="371002009", name="张村镇", level="town", parent_code="371002")
    save_row(unit_code=TOWN, period="2025-03", form_id="figures", row_key="nev_stock", values={"current": 5})
    save_row(unit_code="371002009", period="2025-05", form_id="figures", row_key="nev_stock", values={"current": 5})
    save_row(unit_code=TOWN, period="2025-04", form_id="tasks", row_key="1", values={"status": "未启动"})
    months = [f"2025-{m:02d}" for m in range(1, 11)]
    assert months_entered(unit_codes=[TOWN], form_id="figures", periods=months) == {"2025-03"}
    assert months_entered(unit_codes=[TOWN, "371002009"], form_id="figures", periods=months) == {"2025-03", "2025-05"}
    assert months_entered(unit_codes=[TOWN], form_id="figures", periods=["2025-05"]) == set()
    assert months_entered(unit_codes=[], form_id="figures", periods=months) == set()
