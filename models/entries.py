"""Entering data: form rows for a unit and month, saved one row per transaction, with audit and locks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from peewee import IntegrityError, InternalError, OperationalError, PostgresqlDatabase

from forms import all_forms, get_form
from forms.coerce import NUMBER_LIMIT, CoerceError, check_number_size, coerce, from_json_value, to_json_value
from forms.schema import PREVIOUS, Field, Form
from forms.validate import Finding, check_fields, check_row, coerce_row
from models import compute, rawsql
from models import db as m
from models.audit import audit, audit_line, audit_refusal, write_audit
from models.auth import login_required, require
from models.errors import ConflictError, DataError, LockedError
from models.periods import check_period, month_of, months_to_date, period_bounds, period_label, previous_period, same_period_last_year
from models.plan_schema import Plan
from models.units import NO_PLAN, get_unit, stored_plan


@dataclass
class Row:
    """One row of a form as screens and returns show it: row values, typed input, computed values."""

    row_key: str
    values: dict
    version: int = 0  # 0: nothing stored yet
    findings: list[Finding] = dc_field(default_factory=list)


# ---- locks -------------------------------------------------------------------------------------


def is_locked(unit_code: str, period: str) -> bool:
    """True when the unit's month is submitted and refuses writes."""
    return bool(locked_units(period, unit_code))


def locked_units(period: str, *unit_codes: str) -> set[str]:
    """Which of these units' month is submitted (locked), in one query."""
    cursor = rawsql.execute('SELECT "unit_id", "state" FROM "period_state" WHERE "period" = ? '
                            f'AND "unit_id" IN ({rawsql.placeholders(len(unit_codes))})', (period, *unit_codes))
    return {unit for unit, state in cursor.fetchall() if state == "submitted"}


def lock_reason(unit_code: str, period: str) -> str:
    """Say why a month is read-only, in the user's words ('' when it is open)."""
    state = m.PeriodState.get_or_none(m.PeriodState.unit == unit_code, m.PeriodState.period == period)
    if not state or state.state != "submitted":
        return ""
    return (f"{period_label(period)}已于 {state.changed_at:%Y-%m-%d %H:%M} 由 {state.changed_by or '本机'} 报送，已锁定；"
            "如需修改请先退回（须说明理由）")


def hold_month(unit_code: str, period: str, *, submitting: bool = False) -> bool:
    """Inside a write transaction: whether the month is submitted, and, until commit, no other PC changes that.

    On PostgreSQL a write shares the month's period_state row and a submit takes it alone: a submit waits for the
    writes still open and then validates what they wrote, and a write begun meanwhile waits and then sees the lock.
    On SQLite the write lock every write transaction takes when it begins (models.database) does the same.
    """
    if isinstance(m.database.obj, PostgresqlDatabase):  # the row is made first when the month has none, to lock it
        lock = "FOR UPDATE" if submitting else "FOR SHARE"
        query = 'SELECT "state" FROM "period_state" WHERE "unit_id" = ? AND "period" = ? ' + lock
        row = rawsql.execute(query, (unit_code, period)).fetchone()
        if row is None:
            m.PeriodState.insert(unit=unit_code, period=period, state="open").on_conflict_ignore().execute()
            row = rawsql.execute(query, (unit_code, period)).fetchone()
        return row[0] == "submitted"
    return is_locked(unit_code, period)


def _hold_open_month(unit_code: str, period: str, *, submitting: bool = False) -> None:
    """hold_month, refusing a month submitted meanwhile by another PC (LockedError)."""
    if hold_month(unit_code, period, submitting=submitting):
        raise LockedError(lock_reason(unit_code, period))


def _refuse_if_locked(unit_code: str, period: str, action: str, user: str) -> None:
    if is_locked(unit_code, period):
        reason = lock_reason(unit_code, period)
        audit_refusal(action, "period", f"{unit_code}/{period}", reason, user=user)
        raise LockedError(reason)


# ---- reading -----------------------------------------------------------------------------------


class _Stored(NamedTuple):
    """A stored row as form_rows needs it: typed input values, version, and its place in insertion order."""

    typed: dict
    version: int
    order: int


def _decode(form: Form, data: str) -> dict:
    return _decoder(form)(data)


# from_json_value's conversion for each field type (text and choice are kept as stored).
_FROM_JSON = {"date": dt.date.fromisoformat, "decimal": Decimal, "percent": Decimal, "integer": int}
_decoders: dict[int, tuple[Form, object]] = {}


def _decoder(form: Form):
    """Return a function turning a stored row's JSON into typed input values, as from_json_value does per field."""
    known = _decoders.get(id(form))
    if known is not None and known[0] is form:
        return known[1]
    fields = tuple((f.key, _FROM_JSON.get(f.type)) for f in form.input_fields)
    loads = json.loads

    def decode(data: str) -> dict:
        raw = loads(data)
        out = {}
        for key, convert in fields:
            v = raw.get(key)
            out[key] = v if v is None or convert is None else convert(v)
        return out

    _decoders[id(form)] = (form, decode)
    return decode


def months_entered(*, unit_codes: list[str], form_id: str, periods: list[str]) -> set[str]:
    """The months among periods in which any of these units has a stored row of the form."""
    return {period for (period,) in _rows_of(form_id, unit_codes, periods, 'DISTINCT "period"')}


def value_counts(*, form_id: str, key: str, unit_codes: list[str], periods: list[str]) -> Counter:
    """How often each stored value of a field occurs in these units' rows of a form in these months (None: blank).

    For counts over many months and units (events by 活动类型 this year, a district's townships together), without
    working out every row's computed values and findings as form_rows would.
    """
    return Counter(json.loads(data).get(key) or None for (data,) in _rows_of(form_id, unit_codes, periods, '"data"'))


def _rows_of(form_id: str, unit_codes: list[str], periods: list[str], columns: str) -> list[tuple]:
    """The columns of a form's stored rows of these units in these months."""
    if not unit_codes or not periods:
        return []
    return rawsql.execute(
        f'SELECT {columns} FROM "entry" WHERE "form_id" = ? AND "unit_id" IN ({rawsql.placeholders(len(unit_codes))}) '
        f'AND "period" IN ({rawsql.placeholders(len(periods))})', (form_id, *unit_codes, *periods)).fetchall()


def stored_entries(unit_code: str, period: str, form_id: str, row_keys: set[str] | None = None) -> dict[str, m.Entry]:
    """Return the stored rows of a form for a unit and month (all, or only row_keys), by row key."""
    query = m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.period == period, m.Entry.form_id == form_id)
    if row_keys is not None:
        query = query.where(m.Entry.row_key.in_(list(row_keys)))
    return {e.row_key: e for e in query}


def _stored_rows(form: Form, unit_code: str, period: str, row_keys: set[str] | None) -> dict[str, _Stored]:
    """The stored rows of a form for a unit and month (all, or only row_keys) as form_rows needs them, by row key."""
    sql = 'SELECT "row_key", "data", "version", "id" FROM "entry" WHERE "unit_id" = ? AND "period" = ? AND "form_id" = ?'
    params: tuple = (unit_code, period, form.id)
    if row_keys is not None:
        if not row_keys:
            return {}
        sql += f' AND "row_key" IN ({rawsql.placeholders(len(row_keys))})'
        params += tuple(row_keys)
    decode = _decoder(form)
    return {key: _Stored(decode(data), version, order)
            for key, data, version, order in rawsql.execute(sql, params).fetchall()}


class _PlanView:
    """The plan's task rows and targets as the forms need them, worked out once per month asked for."""

    def __init__(self, plan: Plan | None):
        self.plan = plan
        self._tasks: dict[str, list[tuple[str, dict]]] = {}
        self._targets: dict[str, list] | None = None

    def task_rows(self, period: str) -> list[tuple[str, dict]]:
        """Row keys and row values of a plan-tasks form (shared: callers copy before changing them)."""
        if self.plan is None:
            raise DataError(NO_PLAN)
        if period not in self._tasks:
            rows = []
            for seq, task in enumerate(self.plan.tasks, start=1):
                target = compute.pick_target(list(task.targets), period)
                rows.append((str(seq), {"no": task.no, "section": task.section, "title": task.title,
                                        "lead_units": "、".join(task.lead_units),
                                        "target": _wording(task.targets),
                                        "target_value": Decimal(str(target.value)) if target else None}))
            self._tasks[period] = rows
        return self._tasks[period]

    def indicator_targets(self) -> dict[str, list]:
        """The plan's targets by indicator key."""
        if self._targets is None:
            found: dict[str, list] = {}
            if self.plan:
                for t in (*self.plan.overall_targets, *(t for task in self.plan.tasks for t in task.targets)):
                    if t.indicator_key:
                        found.setdefault(t.indicator_key, []).append(t)
            self._targets = found
        return self._targets


def _wording(targets) -> str:
    """A row's 目标 column: its targets' words, as the plan prints them."""
    return "；".join(t.wording for t in targets)


_views: list[_PlanView] = []


def _plan_view(plan: Plan | None) -> _PlanView:
    """The view of a plan, kept while stored_plan returns that same object (it parses a new one when the body changes)."""
    if plan is None:
        return _PlanView(None)
    if _views and _views[0].plan is plan:
        return _views[0]
    _views[:] = [_PlanView(plan)]
    return _views[0]


def plan_task_rows(period: str) -> list[tuple[str, dict]]:
    """The stored plan's task rows for a month: each row key with its printed values (no, section, title, …)."""
    return _plan_view(stored_plan()).task_rows(period)


def form_rows(*, unit_code: str, period: str, form_id: str, row_keys: set[str] | None = None) -> list[Row]:
    """Return the rows of a form for a unit and month (all, or only row_keys), with computed values and findings."""
    check_period(period)
    form = get_form(form_id)
    plan = _plan_view(stored_plan() if form.rows != "events" else None)
    return _build_rows(form, unit_code, period, _stored_rows(form, unit_code, period, row_keys), plan, row_keys)


def month_rows(*, unit_code: str, period: str, form_ids: list[str] | None = None) -> dict[str, list[Row]]:
    """Return the rows of several forms (all by default) for a unit and month, as form_rows gives each.

    The plan is read once for all of them; call it inside a transaction for one snapshot of the month.
    """
    check_period(period)
    forms = all_forms() if form_ids is None else [get_form(form_id) for form_id in form_ids]
    plan = _plan_view(stored_plan() if any(form.rows != "events" for form in forms) else None)
    return {form.id: _build_rows(form, unit_code, period, _stored_rows(form, unit_code, period, None), plan, None)
            for form in forms}


def _build_rows(form: Form, unit_code: str, period: str, stored: dict[str, _Stored], plan: _PlanView,
                row_keys: set[str] | None, *, for_rules: bool = False, bases: dict[str, Decimal] | None = None,
                fields_checked: bool = False) -> list[Row]:
    """The rows of a form from its stored rows: row values, computed values and findings.

    form_rows passes the rows read from the database; a MonthWriter the rows it has just stored. An event's row
    values are its stored typed values themselves (not copied: both callers made them for this call). for_rules:
    only the findings are wanted, so of the computed values only those the form's rules read are worked out.
    bases: the unit's 2023 bases when the caller has them (read from the database otherwise).
    fields_checked: the stored rows' typed values have just passed check_fields as they are (a MonthWriter's), so a
    task's or an event's stored row, whose typed values are those very values, needs only its rules checked.
    """
    inputs = form.input_fields
    wanted = form.checks.names if for_rules else None
    rows: list[Row] = []
    typed_of: list[dict] = []  # each row's typed input values
    passed: set[str] = set(stored) if fields_checked and form.rows != "indicators" else set()
    monthly = None  # 表3's 本期 by (row key, month) for the year so far and last year, read for 本年累计
    if form.rows == "plan_tasks":
        empty = {f.key: None for f in inputs}
        percent = wanted is None or "percent" in wanted
        for key, row_values in plan.task_rows(period):
            if row_keys is not None and key not in row_keys:
                continue
            entry = stored.get(key)
            typed = dict(entry.typed) if entry else dict(empty)
            values = {**row_values, **typed}
            if percent:
                values["percent"] = compute.ratio(typed.get("achieved"), row_values["target_value"])
            rows.append(Row(key, values, entry.version if entry else 0))
            typed_of.append(typed)
    elif form.rows == "indicators":
        rows, monthly = _indicator_rows(form, unit_code, period, stored, row_keys, plan, wanted, bases)
        typed_of = [{f.key: row.values.get(f.key) for f in inputs} for row in rows]
    else:
        rows = _event_rows(stored)
        # An event's values are exactly its input fields, in their order.
        typed_of = [dict(row.values) for row in rows]
    dates = [f for f in inputs if f.type == "date"]
    first, last = _bounds(period)
    previous = _previous_values(form, unit_code, period, row_keys, monthly) if form.checks.previous else {}
    for row, typed in zip(rows, typed_of, strict=True):
        values = row.values
        before = previous.get(row.row_key)
        findings = check_row(form, typed, row_key=row.row_key, context={**values, **before} if before else values,
                             fields=row.row_key not in passed)
        for f in dates:  # dates must fall inside the reporting month
            v = values.get(f.key)
            if v is not None and not first <= v <= last:
                findings.append(Finding(form.id, row.row_key, f.key, "hard", f"{f.label} {v:%Y-%m-%d} 不在报告期 {period} 内",
                                        "in_period"))
        row.findings = findings
    return rows


def _event_rows(stored: dict[str, _Stored]) -> list[Row]:
    """Events in the grid's order: by date, then as stored; an event's values are its stored typed values."""
    least = dt.date.min
    order = sorted(stored.items(), key=lambda item: (item[1].typed.get("date") or least, item[1].order))
    return [Row(key, entry.typed, entry.version) for key, entry in order]


def month_inputs(*, unit_code: str, period: str) -> dict[str, list[Row]]:
    """Every form's rows for a month as month_rows gives them, but only the rows' own values and what was typed:
    no computed values, no findings (comparing two months needs no more, 较上月变化, and reads a fraction)."""
    check_period(period)
    plan = _plan_view(stored_plan())
    out = {}
    for form in all_forms():
        stored = _stored_rows(form, unit_code, period, None)
        if form.rows == "events":
            out[form.id] = _event_rows(stored)
            continue
        if form.rows == "plan_tasks":
            fixed, bases = plan.task_rows(period), None
        else:
            targets = plan.indicator_targets()
            fixed = [(i.key, {"indicator": i.label, "unit": i.unit,
                              "target": _wording(targets.get(i.key, []))}) for i in form.indicators]
            bases = _bases(unit_code)  # a unit's 2023 base is kept once, not in each month's rows
        empty = {f.key: None for f in form.input_fields}
        rows = []
        for key, own in fixed:
            entry = stored.get(key)
            values = {**own, **(entry.typed if entry else empty)}
            if bases is not None:
                values["base_2023"] = bases.get(key)
            rows.append(Row(key, values, entry.version if entry else 0))
        out[form.id] = rows
    return out


def _previous_values(form: Form, unit_code: str, period: str, row_keys: set[str] | None,
                     monthly: dict[tuple[str, str], object] | None = None) -> dict[str, dict]:
    """Last month's typed values that the form's rules read (as prev_<key>), by row key; none in January.

    monthly: 表3's 本期 of the year's months, already read for 本年累计: when the rules read only 本期, last
    month's is taken from it instead of being read again (a merge of many months pays for each read).
    """
    if month_of(period) == 1:
        return {}
    before, keys = previous_period(period), form.checks.previous
    if monthly is not None and keys == ("current",):
        return {key: {PREVIOUS + "current": v} for (key, p), v in monthly.items() if p == before and v is not None}
    sql = 'SELECT "row_key", "data" FROM "entry" WHERE "unit_id" = ? AND "period" = ? AND "form_id" = ?'
    converters = [(k, PREVIOUS + k, _FROM_JSON.get(form.field(k).type)) for k in keys]
    out = {}
    for row_key, data in rawsql.execute(sql, (unit_code, before, form.id)).fetchall():
        if row_keys is not None and row_key not in row_keys:
            continue
        raw = json.loads(data)  # only the fields the rules read are converted
        out[row_key] = {name: v if convert is None else convert(v)
                        for key, name, convert in converters if (v := raw.get(key)) is not None}
    return out


@lru_cache(maxsize=64)
def _bounds(period: str) -> tuple[dt.date, dt.date]:
    return period_bounds(period)


@lru_cache(maxsize=64)
def _months_to_date(period: str) -> tuple[list[str], list[str]]:
    """The months of the year so far, and of last year to the same month (shared: callers do not change them)."""
    return months_to_date(period), months_to_date(same_period_last_year(period))


def _indicator_rows(form: Form, unit_code: str, period: str, stored: dict[str, _Stored], row_keys: set[str] | None,
                    plan: _PlanView, wanted: tuple[str, ...] | None = None,
                    bases: dict[str, Decimal] | None = None) -> tuple[list[Row], dict[tuple[str, str], object]]:
    """The indicator rows with their computed values (only those named in wanted, when given), and the 本期 of
    each (row key, month) of this year and last year that 本年累计 and 上年同期 were worked out from."""
    year, last_year = _months_to_date(period)
    indicators = [i for i in form.indicators if row_keys is None or i.key in row_keys]
    # This month's values are the stored rows given; the other months of this year and last year are read.
    monthly = _monthly_values(form, unit_code, [p for p in year + last_year if p != period],
                              [i.key for i in indicators])
    for key, entry in stored.items():
        monthly[(key, period)] = entry.typed.get("current")
    bases = _bases(unit_code) if bases is None else bases
    targets = plan.indicator_targets()
    need = {name: wanted is None or name in wanted for name in ("last_year", "yoy", "vs_base", "target", "progress")}
    rows = []
    for ind in indicators:
        entry = stored.get(ind.key)
        typed = dict(entry.typed) if entry else {f.key: None for f in form.input_fields}
        ytd = compute.year_to_date(ind, [monthly.get((ind.key, p)) for p in year])
        base = bases.get(ind.key)
        typed["base_2023"] = base
        values = {"indicator": ind.label, "unit": ind.unit, **typed, "ytd": ytd}
        if need["last_year"] or need["yoy"]:
            last = compute.year_to_date(ind, [monthly.get((ind.key, p)) for p in last_year])
            if need["last_year"]:
                values["last_year"] = last
            if need["yoy"]:
                values["yoy"] = compute.growth(ytd, last)
        if need["vs_base"]:
            values["vs_base"] = compute.growth(ytd, compute.base_to_date(ind, base, len(year)))
        if need["target"]:
            values["target"] = _wording(targets.get(ind.key, []))
        if need["progress"]:
            target = compute.pick_target(targets.get(ind.key, []), period)
            values["progress"] = compute.target_progress(target, ytd, base, ind.unit)
        rows.append(Row(ind.key, values, entry.version if entry else 0))
    return rows, monthly


def _monthly_values(form: Form, unit_code: str, periods: list[str], keys: list[str]) -> dict[tuple[str, str], object]:
    """Return the stored 'current' value of each (indicator key, period) of a unit."""
    if not periods or not keys:
        return {}
    current = form.field("current")
    # One index seek per month; the keys are picked here (an IN list of keys too would make months × keys seeks).
    cursor = rawsql.execute(
        'SELECT "row_key", "period", "data" FROM "entry" WHERE "unit_id" = ? AND "form_id" = ? '
        f'AND "period" IN ({rawsql.placeholders(len(periods))})', (unit_code, form.id, *periods))
    wanted = set(keys)
    return {(key, p): from_json_value(current, json.loads(data).get("current"))
            for key, p, data in cursor.fetchall() if key in wanted}


def _bases(unit_code: str) -> dict[str, Decimal]:
    """Return a unit's 2023 bases by indicator key, as the Baseline model reads them."""
    cursor = rawsql.execute('SELECT "indicator", "value" FROM "baseline" WHERE "unit_id" = ? AND "year" = ?',
                            (unit_code, compute.BASE_YEAR))
    to_python = m.Baseline.value.python_value
    return {indicator: to_python(value) for indicator, value in cursor.fetchall()}


# ---- writing -----------------------------------------------------------------------------------


def _row_keys(form: Form, period: str, plan: _PlanView | None = None) -> set[str] | None:
    if form.rows == "plan_tasks":
        return {k for k, _ in (plan or _plan_view(stored_plan())).task_rows(period)}
    if form.rows == "indicators":
        return {i.key for i in form.indicators}
    return None  # events: any key


def save_row(*, unit_code: str, period: str, form_id: str, row_key: str | None, values: dict, user: str = "",
             expected_version: int | None = None) -> Row:
    """Validate and save one row in its own transaction; returns the row as now stored.

    Type and range errors refuse the save (DataError, nothing changed); rule findings are
    returned on the row and block only submission. expected_version guards against lost
    updates on a shared database (ConflictError when someone else saved first).
    """
    user = require("edit", user=user, unit_code=unit_code)
    check_period(period)
    form = get_form(form_id)
    get_unit(unit_code)
    row_key = row_key or str(uuid.uuid4())
    allowed = _row_keys(form, period)
    if allowed is not None and row_key not in allowed:
        raise DataError(f"{form.sheet_name}：“{row_key}”不是本表的行")
    unknown = set(values) - {f.key for f in form.input_fields}
    if unknown:
        labels = {f.key: f.label for f in form.fields}
        raise DataError(f"{form.sheet_name}：{'、'.join(labels.get(k, k) for k in sorted(unknown))} 不能填写（不是填报栏目）")
    _refuse_if_locked(unit_code, period, "save", user)
    try:
        return with_retries(lambda: _save_row_in_transaction(form, unit_code, period, row_key, values, user,
                                                             expected_version))
    except IntegrityError:
        # Two PCs created the same row at once on a shared database: the loser reloads.
        raise ConflictError(f"{form.sheet_name} {_refused_row(form, period, row_key, values, True)}："
                            "别人在同一时刻保存了这一行；请刷新后再改") from None


RETRIES = 5
_RETRYABLE_PGCODES = ("40001", "40P01")  # serialization failure, deadlock detected


def is_serialization_failure(exc: BaseException) -> bool:
    """True when PostgreSQL cancelled a transaction to keep concurrent work consistent (safe to retry)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "pgcode", None) in _RETRYABLE_PGCODES:
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__  # peewee keeps the driver's as .orig
    return False


def with_retries(transaction):
    """Run a whole transaction again when the server cancelled it as a serialization failure."""
    for attempt in range(RETRIES):
        try:
            return transaction()
        except (OperationalError, InternalError) as exc:
            if attempt == RETRIES - 1 or not is_serialization_failure(exc):
                raise
            time.sleep(random.uniform(0, 0.02 * 2**attempt))  # back off, so the two don't collide again


def _refused_row(form: Form, period: str, row_key: str, values: dict, new: bool) -> str:
    """The row a refused save was for, as the form shows it: 任务 一是, 二手车交易量, 活动“秋季车展”, 新活动."""
    if form.rows == "plan_tasks":
        no = dict(_plan_view(stored_plan()).task_rows(period)).get(row_key, {}).get("no")
        return f"任务 {no or row_key}"
    if form.rows == "indicators":
        return form.indicator(row_key).label
    name = values.get("name")
    return f"活动“{name}”" if name else ("新活动" if new else "活动")


def _save_row_in_transaction(form: Form, unit_code: str, period: str, row_key: str, values: dict, user: str,
                             expected_version: int | None) -> Row:
    """The body of save_row; the row is read back inside the transaction, so an error means nothing was saved."""
    form_id = form.id
    with m.database.atomic():
        _hold_open_month(unit_code, period)
        entry = m.Entry.get_or_none(m.Entry.unit == unit_code, m.Entry.period == period,
                                    m.Entry.form_id == form_id, m.Entry.row_key == row_key)
        current = _decode(form, entry.data) if entry else {f.key: None for f in form.input_fields}
        merged = {**current, **{k: v for k, v in values.items()}}
        typed, errors = coerce_row(form, merged, row_key=row_key)
        errors += [f for f in check_fields(form, typed, row_key=row_key) if f.rule_id != "required"]
        if errors:
            first = errors[0]
            raise DataError(f"{form.sheet_name} {_refused_row(form, period, row_key, merged, entry is None)} "
                            f"{form.field(first.field).label}：{first.message}")
        if expected_version is not None and (entry.version if entry else 0) != expected_version:
            raise ConflictError(f"{form.sheet_name} {_refused_row(form, period, row_key, merged, entry is None)}："
                                f"{entry.updated_by or '别人'} 已于 "
                                f"{entry.updated_at:%H:%M:%S} 修改了这一行；请刷新查看对方填写的值")
        if form.rows == "indicators":  # the 2023 base belongs to the unit, not to the month
            base = typed.pop("base_2023", None)
            if "base_2023" in values:
                _save_baseline(unit_code, row_key, base, user)
        data = json.dumps({k: to_json_value(v) for k, v in typed.items()}, ensure_ascii=False, sort_keys=True)
        for f in form.input_fields:
            if f.key in typed and typed[f.key] != current.get(f.key):
                audit("edit", form_id, f"{unit_code}/{period}/{row_key}", field=f.key,
                      old=to_json_value(current.get(f.key)), new=to_json_value(typed[f.key]), user=user)
        if entry is None:
            m.Entry.create(unit=unit_code, period=period, form_id=form_id, row_key=row_key, data=data, updated_by=user)
        elif entry.data != data:
            updated = (m.Entry.update(data=data, version=m.Entry.version + 1, updated_at=m.now(), updated_by=user)
                       .where(m.Entry.id == entry.id, m.Entry.version == entry.version).execute())
            if updated != 1:
                raise ConflictError(f"{form.sheet_name} {row_key}：这一行刚被别人修改；请刷新后再改")
        return form_rows(unit_code=unit_code, period=period, form_id=form_id, row_keys={row_key})[0]


def _save_baseline(unit_code: str, indicator: str, value, user: str) -> None:
    old = m.Baseline.get_or_none(m.Baseline.unit == unit_code, m.Baseline.indicator == indicator,
                                 m.Baseline.year == compute.BASE_YEAR)
    if old is not None and value is None:
        old.delete_instance()
    elif value is not None:
        m.Baseline.insert(unit=unit_code, indicator=indicator, year=compute.BASE_YEAR, value=value).on_conflict(
            conflict_target=[m.Baseline.unit, m.Baseline.indicator, m.Baseline.year],
            update={m.Baseline.value: value}).execute()
    if (old.value if old else None) != value:
        audit("edit", "baseline", f"{unit_code}/{indicator}/{compute.BASE_YEAR}",
              old=old.value if old else None, new=value, user=user)


def delete_row(*, unit_code: str, period: str, form_id: str, row_key: str, user: str = "") -> None:
    """Delete one row (an event, or a task's or indicator's entry) in its own transaction."""
    user = require("edit", user=user, unit_code=unit_code)
    _refuse_if_locked(unit_code, period, "delete", user)
    with m.database.atomic():
        _hold_open_month(unit_code, period)
        entry = m.Entry.get_or_none(m.Entry.unit == unit_code, m.Entry.period == period,
                                    m.Entry.form_id == form_id, m.Entry.row_key == row_key)
        if entry is None:
            raise DataError(f"{form_id} {row_key}：{unit_code} {period} 中没有这一行")
        audit("delete", form_id, f"{unit_code}/{period}/{row_key}", old=entry.data, user=user)
        entry.delete_instance()


# ---- a unit's month as a whole ----------------------------------------------------------------


def validate_period(*, unit_code: str, period: str) -> list[Finding]:
    """Return every finding of every form for a unit and month."""
    return [f for rows in month_rows(unit_code=unit_code, period=period).values() for row in rows for f in row.findings]


def row_label(form: Form, row: Row, index: int) -> str:
    """A row as the user reads it on the form: 任务 5, 二手车交易量, 活动 第3行（家电节）(index: its place, from 0)."""
    if form.rows == "plan_tasks":
        return f"任务 {row.values.get('no') or row.row_key}"
    if form.rows == "indicators":
        return str(row.values.get("indicator") or row.row_key)
    name = row.values.get("name")
    return f"活动 第{index + 1}行" + (f"（{name}）" if name else "")


def placed(month: dict[str, list[Row]]) -> list[tuple[str, Finding]]:
    """The findings of a month's rows (as month_rows gives them), each with where it is in the user's words:
    表2 活动 第2行（家电节） 补贴金额."""
    out = []
    for form_id, rows in month.items():
        form = get_form(form_id)
        for i, row in enumerate(rows):
            for f in row.findings:
                field = f" {form.field(f.field).label}" if f.field else ""
                out.append((f"{form.sheet_name} {row_label(form, row, i)}{field}", f))
    return out


def placed_findings(*, unit_code: str, period: str) -> list[tuple[str, Finding]]:
    """validate_period's findings, each with where it is in the user's words (see placed)."""
    return placed(month_rows(unit_code=unit_code, period=period))


def submit_period(*, unit_code: str, period: str, user: str = "") -> None:
    """Lock the month; refused while hard errors or unexplained soft warnings remain."""
    user = require("submit", user=user, unit_code=unit_code)
    check_period(period)
    _refuse_if_locked(unit_code, period, "submit", user)
    # Validated inside the transaction that locks, after the writes still open have committed: what is locked is
    # what was checked.
    with m.database.atomic():
        _hold_open_month(unit_code, period, submitting=True)
        problems = [(place, f) for place, f in placed_findings(unit_code=unit_code, period=period)
                    if f.level == "hard" or not f.explained]
        if problems:
            place, p = problems[0]
            more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
            hint = "" if p.level == "hard" else "，请在“说明”中解释"
            raise DataError(f"{place}：{p.message}{hint}{more}")
        m.PeriodState.insert(unit=unit_code, period=period, state="submitted", changed_at=m.now(),
                             changed_by=user, reason="").on_conflict(
            conflict_target=[m.PeriodState.unit, m.PeriodState.period],
            update={m.PeriodState.state: "submitted", m.PeriodState.changed_at: m.now(),
                    m.PeriodState.changed_by: user, m.PeriodState.reason: ""}).execute()
        audit("submit", "period", f"{unit_code}/{period}", new="submitted", user=user)


def reopen_period(*, unit_code: str, period: str, reason: str, user: str = "") -> None:
    """Reopen a submitted month; a reason is required and recorded."""
    user = require("reopen", user=user, unit_code=unit_code)
    if not reason or not reason.strip():
        raise DataError("退回须填写理由")
    with m.database.atomic():
        state = m.PeriodState.get_or_none(m.PeriodState.unit == unit_code, m.PeriodState.period == period)
        if not state or state.state != "submitted":
            raise DataError(f"{unit_code} {period} 尚未报送")
        state.state, state.changed_at, state.changed_by, state.reason = "open", m.now(), user, reason.strip()
        state.save()
        audit("reopen", "period", f"{unit_code}/{period}", old="submitted", new="open", reason=reason.strip(), user=user)


# ---- canonical data (returns and merge) -------------------------------------------------------


# json.dumps(..., ensure_ascii=False, sort_keys=True) builds an encoder per call; these are built once.
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_HASH_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _made_once(encoder: json.JSONEncoder) -> Callable[[object], str]:
    """encoder.encode for the many small rows of a month, its C encoder made once instead of on every call.

    The same C encoder with the same settings, so the same text (tests/test_entries_codec.py checks it), but
    without the check for circular references (rows are flat); encoder.encode where that encoder is missing.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    strings = json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring
    try:
        iterencode = make(None, encoder.default, strings, encoder.indent, encoder.key_separator,
                          encoder.item_separator, encoder.sort_keys, encoder.skipkeys, encoder.allow_nan)
    except TypeError:  # another Python's signature
        return encoder.encode
    return lambda value: "".join(iterencode(value, 0))


_row_json = _made_once(_ROW_JSON)


def canonical_data(*, unit_code: str, period: str) -> dict[str, list[dict]]:
    """Return a unit's month as canonical JSON-ready data: input fields per row, by form."""
    out = {}
    for form_id, rows in month_rows(unit_code=unit_code, period=period).items():
        form = get_form(form_id)
        out[form_id] = [canonical_row(form, r.row_key, r.values) for r in rows if form.rows != "events" or r.version]
    return out


def canonical_row(form: Form, row_key: str, values: dict) -> dict:
    """Return one row as canonical data: its key and its input fields as JSON values."""
    out = {"row_key": row_key if form.rows != "events" else ""}
    for f in form.input_fields:
        out[f.key] = to_json_value(values.get(f.key))
    return out


def has_values(row: dict) -> bool:
    """True when a canonical row has any value besides its key (a fixed row with nothing reported has none)."""
    for key, value in row.items():
        if value is not None and value != "" and key != "row_key":
            return True
    return False


def content_hash(data: dict[str, list[dict]]) -> str:
    """Return the SHA-256 over canonical data (not over file bytes); events are order-independent."""
    return text_hash(canonical_json(data))


def text_hash(text: str) -> str:
    """Return the SHA-256 of a canonical_json text: content_hash of the data it was made from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_json(data: dict[str, list[dict]]) -> str:
    """Return the one JSON text of a month that content_hash is over: forms and keys sorted, fixed rows with
    nothing reported left out, events without their keys and in a fixed order. Loading it gives the same data."""
    normal = {}
    for form_id, rows in sorted(data.items()):
        if get_form(form_id).rows == "events":
            rows = sorted(({k: v for k, v in r.items() if k != "row_key"} for r in rows),
                          key=_row_json)
        else:
            rows = [r for r in rows if has_values(r)]
        normal[form_id] = rows
    return _HASH_JSON.encode(normal)


def replace_period_data(*, unit_code: str, period: str, data: dict[str, list[dict]], user: str = "",
                        action: str = "load") -> None:
    """Replace a unit's month with canonical data, all forms in one transaction (load and merge)."""
    MonthWriter(user=user, action=action).replace(unit_code=unit_code, period=period, data=data)


class MonthWriter:
    """Replaces units' months one after another, e.g. the hundreds of returns of one merge, in one transaction.

    The plan and whether login is on are looked up once per writer (neither changes inside a merge), and
    replace(validate=True) returns the month's findings from the rows just stored — what validate_period
    would return — without reading them back.
    """

    def __init__(self, *, user: str = "", action: str = "load"):
        self.user, self.action = user, action
        self._permission = "merge" if action == "merge" else "edit"
        self._login: bool | None = None
        self._plan: _PlanView | None = None
        # After a merge's replace: (the later month, the indicators) when the month's 2023 bases were not taken.
        self.bases_kept: tuple[str, list[str]] | None = None

    def plan(self) -> _PlanView:
        """The stored plan, read on first use."""
        if self._plan is None:
            self._plan = _plan_view(stored_plan())
        return self._plan

    def replace(self, *, unit_code: str, period: str, data: dict[str, list[dict]], validate: bool = False,
                audit: list[dict] | None = None) -> list[Finding]:
        """Replace a unit's month with canonical data, all forms in one transaction; with validate, its findings.

        With audit, the audit lines are added to that list for the caller to write in the same transaction
        (a merge writes all its files' lines at once); otherwise they are written here.
        """
        if self._login is None:
            self._login = login_required()
        # While login is off, require() lets everyone through; while it is on, it checks every unit.
        user = require(self._permission, user=self.user, unit_code=unit_code) if self._login else self.user
        _refuse_if_locked(unit_code, period, self.action, user)
        with m.database.atomic():
            _hold_open_month(unit_code, period)
            forms = [(get_form(form_id), rows) for form_id, rows in data.items()]
            checked = [(form, list(_checked_rows(form, period, rows, self.plan() if form.rows == "plan_tasks" else None)))
                       for form, rows in forms]
            bases = _bases(unit_code)
            changed_bases: dict[str, Decimal] = {}
            new_rows: list[dict] = []
            stored: dict[str, dict[str, _Stored]] = {}
            now = m.now()
            for form, rows in checked:
                kept = stored[form.id] = {}
                for order, (key, typed, values) in enumerate(rows):
                    if form.rows == "indicators":
                        base = typed.pop("base_2023", None)
                        values.pop("base_2023", None)
                        if base is not None and bases.get(key) != base:
                            changed_bases[key] = base
                    if form.rows != "events":
                        given = list(typed.values())
                        if given.count(None) + given.count("") == len(given):  # nothing in any field (at C speed)
                            continue
                    new_rows.append({"unit": unit_code, "period": period, "form_id": form.id, "row_key": key,
                                     "data": _row_json(values),
                                     "updated_by": user, "updated_at": now})
                    # The typed values are what form_rows would read back from these JSON values.
                    if form.rows == "indicators":
                        typed["base_2023"] = None
                    kept[key] = _Stored(typed, 1, order)
            self.bases_kept = None
            if changed_bases and self.action == "merge":
                # The base belongs to the unit: a return of an earlier month does not put back what a later one
                # corrected.
                later = _later_month(unit_code, period, [form.id for form, _ in checked if form.rows == "indicators"])
                if later:
                    labels = {i.key: i.label for form, _ in checked for i in form.indicators}
                    self.bases_kept = (later, [labels[k] for k in changed_bases])
                    changed_bases = {}
            if data:
                rawsql.execute(f'DELETE FROM "entry" WHERE "unit_id" = ? AND "period" = ? '
                               f'AND "form_id" IN ({rawsql.placeholders(len(data))})', (unit_code, period, *data))
            rawsql.insert_rows(m.Entry, new_rows)
            lines = _upsert_baselines(unit_code, changed_bases, bases, user)
            lines.append(audit_line(self.action, "period", f"{unit_code}/{period}", new=",".join(data), user=user))
            if audit is None:
                write_audit(lines)
            else:
                audit += lines
            if not validate:
                return []
            # Unchanged bases are as read above; a changed one is read back as stored (rounded to the column's scale).
            return self._findings(unit_code, period, stored, _bases(unit_code) if changed_bases else bases)

    def _findings(self, unit_code: str, period: str, stored: dict[str, dict[str, _Stored]],
                  bases: dict[str, Decimal]) -> list[Finding]:
        """Every finding of every form of the month, in validate_period's order (bases: the unit's, as stored now)."""
        check_period(period)
        out: list[Finding] = []
        for form in all_forms():
            # A form not replaced here is read as form_rows reads it (with the plan this writer has read).
            kept = stored[form.id] if form.id in stored else _stored_rows(form, unit_code, period, None)
            plan = self.plan() if form.rows != "events" else _PlanView(None)
            out += [f for row in _build_rows(form, unit_code, period, kept, plan, None, for_rules=True, bases=bases,
                                             fields_checked=form.id in stored) for f in row.findings]
        return out


def _later_month(unit_code: str, period: str, form_ids: list[str]) -> str | None:
    """The unit's latest month after period with rows of these forms, or None."""
    if not form_ids:
        return None
    return rawsql.execute(f'SELECT MAX("period") FROM "entry" WHERE "unit_id" = ? AND "period" > ? '
                          f'AND "form_id" IN ({rawsql.placeholders(len(form_ids))})',
                          (unit_code, period, *form_ids)).fetchone()[0]


def _upsert_baselines(unit_code: str, changed: dict[str, Decimal], old: dict[str, Decimal], user: str) -> list[dict]:
    """Store changed 2023 bases in one statement; return their audit lines, one each, for the caller to write."""
    if not changed:
        return []
    rawsql.insert_rows(m.Baseline, [{"unit": unit_code, "indicator": k, "year": compute.BASE_YEAR, "value": v}
                                    for k, v in changed.items()],
                       conflict=("unit", "indicator", "year"), update=("value",))
    return [audit_line("edit", "baseline", f"{unit_code}/{k}/{compute.BASE_YEAR}", old=to_json_value(old.get(k)),
                              new=to_json_value(v), user=user) for k, v in changed.items()]


def _checked_rows(form: Form, period: str, rows: list[dict], plan: _PlanView | None = None):
    """Yield (row key, typed values, their JSON values) for canonical rows; raise DataError naming the first bad row.

    The values are what coerce_row and to_json_value give; check_fields checks them as for any save.
    """
    allowed = _row_keys(form, period, plan)
    fields = _codec(form)
    for i, raw in enumerate(rows, start=1):
        key = str(raw.get("row_key", "") or "") or str(uuid.uuid4())
        if allowed is not None and key not in allowed:
            raise DataError(f"{form.sheet_name} 第 {i} 行：“{key}”不是本表的行")
        typed, values, errors = {}, {}, []
        for name, convert in fields:
            try:
                typed[name], values[name] = convert(raw.get(name))
            except CoerceError as exc:  # as coerce_row reports it
                typed[name] = values[name] = None
                errors.append(Finding(form.id, key, name, "hard", str(exc), "type"))
        errors += check_fields(form, typed, row_key=key)
        if errors:
            e = errors[0]
            raise DataError(f"{form.sheet_name} 第 {i} 行 {form.field(e.field).label}：{e.message}")
        yield key, typed, values


_codecs: dict[int, tuple[Form, tuple]] = {}
# A decimal as to_json_value writes it: no sign on zero, no leading zeros, no trailing zeros after the point.
_CANONICAL_DECIMAL = re.compile(r"0|-?(?:[1-9][0-9]*(?:\.[0-9]*[1-9])?|0\.[0-9]*[1-9])")


def _codec(form: Form) -> tuple[tuple[str, Callable[[object], tuple[object, object]]], ...]:
    """(key, convert) for each input field of a form, made once per form declaration."""
    known = _codecs.get(id(form))
    if known is not None and known[0] is form:
        return known[1]
    codec = tuple((f.key, value_converter(f)) for f in form.input_fields)
    _codecs[id(form)] = (form, codec)
    return codec


def value_converter(field: Field) -> Callable[[object], tuple[object, object]]:
    """Return convert(value) -> (typed, JSON value), what coerce and then to_json_value give, or raise CoerceError.

    Rows merged from returns or loaded from files hold their values as to_json_value writes them (the reader
    wrote them so), and such a value is taken as it is rather than parsed and written again; any other value
    goes through coerce. tests/test_entries_codec.py checks that both give the same for any value.
    """
    blank = coerce(field, None)
    blank_pair = (blank, to_json_value(blank))

    def general(value: object) -> tuple[object, object]:
        typed = coerce(field, value)
        return typed, to_json_value(typed)

    if field.type == "integer":
        def convert(value: object) -> tuple[object, object]:
            if value is None:
                return blank_pair
            if type(value) is int and -NUMBER_LIMIT < value < NUMBER_LIMIT:
                return value, value
            # A whole number read from a spreadsheet cell: below NUMBER_LIMIT (< 2**53) the float holds it exactly.
            if type(value) is float and value.is_integer() and -NUMBER_LIMIT < value < NUMBER_LIMIT:
                number = int(value)
                return number, number
            return general(value)
    elif field.type in ("decimal", "percent"):
        def convert(value: object) -> tuple[object, object]:
            if value is None:
                return blank_pair
            if type(value) is str:
                try:
                    # What coerce would read: a string Decimal takes as it is has nothing coerce cleans away.
                    number = Decimal(value)
                except InvalidOperation:
                    return general(value)
                if len(value) < 20 and _CANONICAL_DECIMAL.fullmatch(value) and -NUMBER_LIMIT < number < NUMBER_LIMIT:
                    return number, value  # already as to_json_value writes it (under 20 digits: normalize is exact)
            elif type(value) is float:
                number = Decimal(str(value))  # as coerce reads a number from a spreadsheet cell
                if value.is_integer() and -NUMBER_LIMIT < value < NUMBER_LIMIT:
                    return number, str(int(value))  # a whole number: what to_json_value writes for it
            else:
                return general(value)
            if not number.is_finite():
                return general(value)
            check_number_size(number, value)  # as coerce refuses it
            return number, to_json_value(number)
    elif field.type == "date":
        def convert(value: object) -> tuple[object, object]:
            if value is None:
                return blank_pair
            if type(value) is dt.date:
                return value, value.isoformat()
            if type(value) is str and len(value) == 10:
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    return general(value)
                if day.isoformat() == value:
                    return day, value
            return general(value)
    else:
        choices = frozenset(field.choices) if field.type == "choice" else None

        def convert(value: object) -> tuple[object, object]:
            if value is None:
                return blank_pair
            # Text with nothing for normalise_text to strip or replace is stored as it is.
            if (type(value) is str and value and value.strip() == value and "\u00a0" not in value
                    and (choices is None or value in choices)):
                return value, value
            return general(value)
    return convert
