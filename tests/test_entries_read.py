"""Reading a month: form_rows, month_rows and validate_period give exactly what the straightforward peewee reading gave."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import all_forms, get_form
from models import db as m
from models.entries import canonical_data, canonical_row, delete_row, form_rows, month_rows, replace_period_data, save_row, validate_period
from models.errors import DataError
from models.plans import builtin_plan
from models.units import add_unit, install_plan, set_setting, stored_plan
from tests.conftest import DISTRICT, TOWN
from tests.entries_oracle import oracle_form_rows, oracle_plan, oracle_validate_period

P = "2025-10"
OTHER_TOWN = "371002009"
PLANS = ["huancui", "wuhai", "liaocheng-jbsc"]
STATUSES = [None, *get_form("tasks").field("status").choices]
TYPES = list(get_form("events").field("type").choices)
INDICATORS = [i.key for i in get_form("figures").indicators]
NUMBERS = st.one_of(st.none(), st.sampled_from(["0", "1", "6", "7.5", "28", "1200", "10000.12345", "3.10"]))
TEXTS = st.one_of(st.none(), st.sampled_from(["", "完成", "资金压力较大"]))
DATES = st.sampled_from(["2025-10-01", "2025-10-05", "2025-10-31", "2025-09-30", "2025-11-02", None])

task = st.fixed_dictionaries({"row_key": st.sampled_from([str(i) for i in range(1, 34)]),
                              "status": st.sampled_from(STATUSES), "achieved": NUMBERS, "narrative": TEXTS,
                              "problems": TEXTS, "explanation": TEXTS})
EVENT = {"row_key": st.just(""), "type": st.sampled_from(TYPES), "deals": st.one_of(st.none(), st.integers(0, 5)),
         "visitors": st.one_of(st.none(), st.integers(0, 3)), "sales": NUMBERS, "subsidies": NUMBERS, "explanation": TEXTS}
# A loaded month's events are complete; a single save may leave the date or name out (the grid saves cell by cell).
event = st.fixed_dictionaries({**EVENT, "date": DATES.filter(bool), "name": st.sampled_from(["车展", "家电节"])})
loose_event = st.fixed_dictionaries({**EVENT, "date": DATES, "name": st.sampled_from(["车展", "家电节", ""])})
figure = st.fixed_dictionaries({"row_key": st.sampled_from(INDICATORS), "current": NUMBERS, "base_2023": NUMBERS,
                                "explanation": TEXTS})
month = st.fixed_dictionaries({}, optional={"tasks": st.lists(task, max_size=8, unique_by=lambda r: r["row_key"]),
                                            "events": st.lists(event, max_size=6),
                                            "figures": st.lists(figure, max_size=8, unique_by=lambda r: r["row_key"])})
# Other months of this year and last year (本年累计, 上年同期), a later month, and another township's same month.
history = st.lists(st.tuples(st.sampled_from(["2024-03", "2024-10", "2025-01", "2025-09", "2025-11"]),
                             st.sampled_from(INDICATORS), NUMBERS), max_size=8)
# Single saves after the month was loaded: new events (later ids, often on a day already used), edits that bump versions.
edits = st.lists(st.one_of(
    st.tuples(st.just("add"), loose_event),
    st.tuples(st.just("event"), st.integers(0, 9), loose_event),
    st.tuples(st.just("tasks"), task),
    st.tuples(st.just("figures"), figure),
    st.tuples(st.just("delete"), st.integers(0, 9)),
), max_size=8)


def _shape(rows) -> list:
    """Rows with every value's type and exact text (Decimal('1.0') == Decimal('1') would hide a difference)."""
    return [(r.row_key, r.version, [(k, type(v).__name__, repr(v)) for k, v in r.values.items()], r.findings)
            for r in rows]


def _event_keys() -> list[str]:
    return [e.row_key for e in m.Entry.select().where(m.Entry.unit == TOWN, m.Entry.period == P,
                                                      m.Entry.form_id == "events").order_by(m.Entry.id)]


def _apply(edit) -> None:
    kind, *rest = edit
    try:
        if kind == "delete":
            keys = _event_keys()
            if keys:
                delete_row(unit_code=TOWN, period=P, form_id="events", row_key=keys[rest[0] % len(keys)])
            return
        if kind in ("add", "event"):
            keys = _event_keys()
            key = None if kind == "add" or not keys else keys[rest[0] % len(keys)]
            values = dict(rest[-1])
            form_id = "events"
        else:
            values = dict(rest[0])
            form_id = kind
            key = values["row_key"]
        values.pop("row_key")
        save_row(unit_code=TOWN, period=P, form_id=form_id, row_key=key, values=values)
    except DataError:
        pass  # a row the form refuses (no name, a task the plan lacks): nothing stored


def _fill(plan_id: str, data: dict, earlier, other: dict, changes) -> bool:
    if plan_id != "huancui":
        install_plan(builtin_plan(plan_id))
        set_setting("plan_id", plan_id)
    count = len(stored_plan().tasks)
    data = {**data, "tasks": [t for t in data.get("tasks", []) if int(t["row_key"]) <= count]} if "tasks" in data else data
    add_unit(code=OTHER_TOWN, name="另一街道", level="town", parent_code=DISTRICT)
    try:
        for period, key, value in earlier:
            replace_period_data(unit_code=TOWN, period=period, data={"figures": [{"row_key": key, "current": value}]})
        replace_period_data(unit_code=OTHER_TOWN, period=P, data={
            "figures": [dict(r) for r in other.get("figures", [])], "events": [dict(r) for r in other.get("events", [])]})
        replace_period_data(unit_code=TOWN, period=P, data=data)
    except DataError:
        return False
    for change in changes:
        _apply(change)
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(plan_id=st.sampled_from(PLANS), data=month, earlier=history, other=month, changes=edits,
       subset=st.lists(st.sampled_from([*[str(i) for i in range(0, 30)], *INDICATORS, "nope"]), max_size=5))
def test_reading_a_month_equals_the_peewee_reading(any_db, plan_id, data, earlier, other, changes, subset):
    with m.database.atomic() as transaction:
        if not _fill(plan_id, data, earlier, other, changes):
            transaction.rollback()
            return
        whole = month_rows(unit_code=TOWN, period=P)
        assert list(whole) == [f.id for f in all_forms()]
        for form in all_forms():
            expected = _shape(oracle_form_rows(unit_code=TOWN, period=P, form_id=form.id))
            assert _shape(form_rows(unit_code=TOWN, period=P, form_id=form.id)) == expected
            assert _shape(whole[form.id]) == expected
            # Only some rows, as a grid asks after an edit: including event keys, unknown keys and none at all.
            keys = set(subset) | set(_event_keys()[:2])
            for wanted in (keys, set()):
                assert _shape(form_rows(unit_code=TOWN, period=P, form_id=form.id, row_keys=wanted)) == \
                    _shape(oracle_form_rows(unit_code=TOWN, period=P, form_id=form.id, row_keys=wanted))
        assert validate_period(unit_code=TOWN, period=P) == oracle_validate_period(unit_code=TOWN, period=P)
        assert canonical_data(unit_code=TOWN, period=P) == {
            form.id: [canonical_row(form, r.row_key, r.values)
                      for r in oracle_form_rows(unit_code=TOWN, period=P, form_id=form.id)
                      if form.rows != "events" or r.version] for form in all_forms()}
        transaction.rollback()


def test_events_on_one_day_keep_the_order_they_were_entered(any_db):
    day = {"date": "2025-10-05", "type": TYPES[0]}
    replace_period_data(unit_code=TOWN, period=P, data={"events": [
        {**day, "name": "甲"}, {**day, "date": "2025-10-01", "name": "乙"}, {**day, "name": "丙"}]})
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None, values={**day, "name": "丁"})
    first = form_rows(unit_code=TOWN, period=P, form_id="events")[1]
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=first.row_key, values={"deals": 2})
    rows = form_rows(unit_code=TOWN, period=P, form_id="events")
    assert [(r.values["name"], r.version) for r in rows] == [("乙", 1), ("甲", 2), ("丙", 1), ("丁", 1)]
    assert _shape(rows) == _shape(oracle_form_rows(unit_code=TOWN, period=P, form_id="events"))


def test_a_plan_installed_meanwhile_is_read_at_the_next_read(any_db):
    """Another PC on a shared database may switch the plan: the next read shows its tasks, no cache stands in the way."""
    before = month_rows(unit_code=TOWN, period=P, form_ids=["tasks"])["tasks"]
    install_plan(builtin_plan("wuhai"))
    set_setting("plan_id", "wuhai")
    after = form_rows(unit_code=TOWN, period=P, form_id="tasks")
    assert len(before) == len(builtin_plan("huancui").tasks) and len(after) == len(builtin_plan("wuhai").tasks)
    assert stored_plan() == oracle_plan() and stored_plan("huancui") == builtin_plan("huancui")
    assert stored_plan("no-such-plan") is None
    m.Setting.delete().where(m.Setting.key == "plan_id").execute()
    assert stored_plan() is None and oracle_plan() is None


def test_a_plan_changed_in_place_is_read_at_the_next_read(any_db):
    """The same plan id with a new body (replaced before any progress was entered) gives the new tasks at once."""
    first = form_rows(unit_code=TOWN, period=P, form_id="tasks")
    plan = builtin_plan("huancui")
    install_plan(type(plan)(**{**{f: getattr(plan, f) for f in plan.__dataclass_fields__}, "tasks": plan.tasks[:3]}))
    assert len(first) == len(plan.tasks)
    assert _shape(form_rows(unit_code=TOWN, period=P, form_id="tasks")) == \
        _shape(oracle_form_rows(unit_code=TOWN, period=P, form_id="tasks"))
    assert [r.row_key for r in month_rows(unit_code=TOWN, period=P)["tasks"]] == ["1", "2", "3"]


def test_month_inputs_are_month_rows_without_computed_values_or_findings(any_db):
    from desktop.sample import fill_unit
    from models.entries import month_inputs

    fill_unit(unit_code=TOWN, period="2025-10", events=4)
    full, inputs = month_rows(unit_code=TOWN, period="2025-10"), month_inputs(unit_code=TOWN, period="2025-10")
    for form in all_forms():
        computed = {f.key for f in form.fields if f.source == "computed"}
        assert [(r.row_key, r.version) for r in inputs[form.id]] == [(r.row_key, r.version) for r in full[form.id]]
        for alone, whole in zip(inputs[form.id], full[form.id], strict=True):
            assert alone.values == {k: v for k, v in whole.values.items() if k not in computed}
            assert alone.findings == []
    assert any(r.values.get("base_2023") for r in inputs["figures"])  # the unit's base, as month_rows shows it
