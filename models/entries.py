"""Entering data: form rows for a unit and month, saved one row per transaction, with audit and locks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal

from peewee import EXCLUDED, IntegrityError, InternalError, OperationalError

from forms import all_forms, get_form
from forms.coerce import from_json_value, to_json_value
from forms.schema import Form
from forms.validate import Finding, check_fields, check_row, coerce_row
from models import compute
from models import db as m
from models.audit import audit, audit_refusal
from models.auth import require
from models.errors import ConflictError, DataError, LockedError
from models.periods import check_period, months_to_date, period_bounds, same_period_last_year
from models.units import get_unit, stored_plan


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
    state = m.PeriodState.get_or_none(m.PeriodState.unit == unit_code, m.PeriodState.period == period)
    return bool(state and state.state == "submitted")


def lock_reason(unit_code: str, period: str) -> str:
    """Say why a month is read-only, in the user's words ('' when it is open)."""
    state = m.PeriodState.get_or_none(m.PeriodState.unit == unit_code, m.PeriodState.period == period)
    if not state or state.state != "submitted":
        return ""
    return f"{period} 已于 {state.changed_at:%Y-%m-%d %H:%M} 由 {state.changed_by or '本机'} 报送，已锁定；如需修改请先退回（须说明理由）"


def _refuse_if_locked(unit_code: str, period: str, action: str, user: str) -> None:
    if is_locked(unit_code, period):
        reason = lock_reason(unit_code, period)
        audit_refusal(action, "period", f"{unit_code}/{period}", reason, user=user)
        raise LockedError(reason)


# ---- reading -----------------------------------------------------------------------------------


def _decode(form: Form, data: str) -> dict:
    raw = json.loads(data)
    return {f.key: from_json_value(f, raw.get(f.key)) for f in form.input_fields}


def stored_entries(unit_code: str, period: str, form_id: str, row_keys: set[str] | None = None) -> dict[str, m.Entry]:
    """Return the stored rows of a form for a unit and month (all, or only row_keys), by row key."""
    query = m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.period == period, m.Entry.form_id == form_id)
    if row_keys is not None:
        query = query.where(m.Entry.row_key.in_(list(row_keys)))
    return {e.row_key: e for e in query}


def _task_rows(form: Form, period: str) -> list[tuple[str, dict, dict]]:
    """Row keys and row values of a plan-tasks form, from the current plan."""
    plan = stored_plan()
    if plan is None:
        raise DataError("no plan chosen yet: run `liangxin init` or the first-run wizard")
    rows = []
    for seq, task in enumerate(plan.tasks, start=1):
        target = compute.pick_target(list(task.targets), period)
        row = {"no": task.no, "section": task.section, "title": task.title,
               "lead_units": "、".join(task.lead_units),
               "target": "；".join(t.wording for t in task.targets),
               "target_value": Decimal(str(target.value)) if target else None}
        rows.append((str(seq), row, {"target": target}))
    return rows


def _indicator_targets(period: str) -> dict[str, list]:
    plan = stored_plan()
    found: dict[str, list] = {}
    if plan:
        for t in (*plan.overall_targets, *(t for task in plan.tasks for t in task.targets)):
            if t.indicator_key:
                found.setdefault(t.indicator_key, []).append(t)
    return found


def form_rows(*, unit_code: str, period: str, form_id: str, row_keys: set[str] | None = None) -> list[Row]:
    """Return the rows of a form for a unit and month (all, or only row_keys), with computed values and findings."""
    check_period(period)
    form = get_form(form_id)
    stored = stored_entries(unit_code, period, form_id, row_keys)
    empty = {f.key: None for f in form.input_fields}
    rows: list[Row] = []
    if form.rows == "plan_tasks":
        for key, row_values, _target in _task_rows(form, period):
            if row_keys is not None and key not in row_keys:
                continue
            entry = stored.get(key)
            typed = _decode(form, entry.data) if entry else dict(empty)
            values = {**row_values, **typed}
            values["percent"] = compute.ratio(typed.get("achieved"), row_values["target_value"])
            rows.append(Row(key, values, entry.version if entry else 0))
    elif form.rows == "indicators":
        rows = _indicator_rows(form, unit_code, period, stored, row_keys)
    else:
        rows = [Row(key, _decode(form, entry.data), entry.version) for key, entry in stored.items()]
        rows.sort(key=lambda r: (r.values.get("date") or dt.date.min, stored[r.row_key].id))
    for row in rows:
        typed = {f.key: row.values.get(f.key) for f in form.input_fields}
        row.findings = check_row(form, typed, row_key=row.row_key, context=row.values)
        row.findings += _period_findings(form, row, period)
    return rows


def _period_findings(form: Form, row: Row, period: str) -> list[Finding]:
    """Dates must fall inside the reporting month."""
    first, last = period_bounds(period)
    out = []
    for f in form.input_fields:
        v = row.values.get(f.key)
        if f.type == "date" and v is not None and not first <= v <= last:
            out.append(Finding(form.id, row.row_key, f.key, "hard", f"{f.label} {v:%Y-%m-%d} 不在报告期 {period} 内", "in_period"))
    return out


def _indicator_rows(form: Form, unit_code: str, period: str, stored: dict, row_keys: set[str] | None) -> list[Row]:
    year, last_year = months_to_date(period), months_to_date(same_period_last_year(period))
    indicators = [i for i in form.indicators if row_keys is None or i.key in row_keys]
    history = (m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.form_id == form.id,
                                      m.Entry.period.in_(year + last_year),
                                      m.Entry.row_key.in_([i.key for i in indicators])))
    monthly: dict[tuple[str, str], Decimal] = {}
    for e in history:
        monthly[(e.row_key, e.period)] = _decode(form, e.data).get("current")
    bases = {b.indicator: b.value for b in m.Baseline.select().where(
        m.Baseline.unit == unit_code, m.Baseline.year == compute.BASE_YEAR)}
    targets = _indicator_targets(period)
    rows = []
    for ind in indicators:
        entry = stored.get(ind.key)
        typed = _decode(form, entry.data) if entry else {f.key: None for f in form.input_fields}
        ytd = compute.year_to_date(ind, [monthly.get((ind.key, p)) for p in year])
        last = compute.year_to_date(ind, [monthly.get((ind.key, p)) for p in last_year])
        base = bases.get(ind.key)
        typed["base_2023"] = base
        target = compute.pick_target(targets.get(ind.key, []), period)
        values = {
            "indicator": ind.label, "unit": ind.unit, **typed, "ytd": ytd, "last_year": last,
            "yoy": compute.growth(ytd, last), "vs_base": compute.growth(ytd, compute.base_to_date(ind, base, len(year))),
            "target": "；".join(t.wording for t in targets.get(ind.key, [])),
            "progress": compute.target_progress(target, ytd, base, ind.unit),
        }
        rows.append(Row(ind.key, values, entry.version if entry else 0))
    return rows


# ---- writing -----------------------------------------------------------------------------------


def _row_keys(form: Form, period: str) -> set[str] | None:
    if form.rows == "plan_tasks":
        return {k for k, _, _ in _task_rows(form, period)}
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
        raise DataError(f"{form.sheet_name}: row {row_key!r} is not a row of this form")
    unknown = set(values) - {f.key for f in form.input_fields}
    if unknown:
        raise DataError(f"{form.sheet_name}: {', '.join(sorted(unknown))} cannot be entered (not an input field)")
    _refuse_if_locked(unit_code, period, "save", user)
    try:
        return with_retries(lambda: _save_row_in_transaction(form, unit_code, period, row_key, values, user,
                                                             expected_version))
    except IntegrityError:
        # Two PCs created the same row at once on a shared database: the loser reloads.
        raise ConflictError(f"{form.sheet_name} {row_key}: saved by someone else at the same moment; reload") from None


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


def _save_row_in_transaction(form: Form, unit_code: str, period: str, row_key: str, values: dict, user: str,
                             expected_version: int | None) -> Row:
    """The body of save_row; the row is read back inside the transaction, so an error means nothing was saved."""
    form_id = form.id
    with m.database.atomic():
        if is_locked(unit_code, period):  # submitted meanwhile by another PC
            raise LockedError(lock_reason(unit_code, period))
        entry = m.Entry.get_or_none(m.Entry.unit == unit_code, m.Entry.period == period,
                                    m.Entry.form_id == form_id, m.Entry.row_key == row_key)
        current = _decode(form, entry.data) if entry else {f.key: None for f in form.input_fields}
        merged = {**current, **{k: v for k, v in values.items()}}
        typed, errors = coerce_row(form, merged, row_key=row_key)
        errors += [f for f in check_fields(form, typed, row_key=row_key) if f.rule_id != "required"]
        if errors:
            first = errors[0]
            raise DataError(f"{form.sheet_name} {row_key} {form.field(first.field).label}: {first.message}")
        if expected_version is not None and (entry.version if entry else 0) != expected_version:
            raise ConflictError(f"{form.sheet_name} {row_key}: changed by {entry.updated_by or 'someone else'} "
                                f"at {entry.updated_at:%H:%M:%S}; reload to see their values")
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
                raise ConflictError(f"{form.sheet_name} {row_key}: changed by someone else meanwhile; reload")
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
        entry = m.Entry.get_or_none(m.Entry.unit == unit_code, m.Entry.period == period,
                                    m.Entry.form_id == form_id, m.Entry.row_key == row_key)
        if entry is None:
            raise DataError(f"{form_id} {row_key}: no such row in {unit_code} {period}")
        audit("delete", form_id, f"{unit_code}/{period}/{row_key}", old=entry.data, user=user)
        entry.delete_instance()


# ---- a unit's month as a whole ----------------------------------------------------------------


def validate_period(*, unit_code: str, period: str) -> list[Finding]:
    """Return every finding of every form for a unit and month."""
    return [f for form in all_forms() for row in form_rows(unit_code=unit_code, period=period, form_id=form.id)
            for f in row.findings]


def submit_period(*, unit_code: str, period: str, user: str = "") -> None:
    """Lock the month; refused while hard errors or unexplained soft warnings remain."""
    user = require("submit", user=user, unit_code=unit_code)
    check_period(period)
    problems = [f for f in validate_period(unit_code=unit_code, period=period)
                if f.level == "hard" or not f.explained]
    if problems:
        p = problems[0]
        form = get_form(p.form_id)
        more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
        hint = "" if p.level == "hard" else "，请在“说明”中解释"
        raise DataError(f"{form.sheet_name} 第{p.row_key}行 {p.message}{hint}{more}")
    _refuse_if_locked(unit_code, period, "submit", user)
    with m.database.atomic():
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
            raise DataError(f"{unit_code} {period} is not submitted")
        state.state, state.changed_at, state.changed_by, state.reason = "open", m.now(), user, reason.strip()
        state.save()
        audit("reopen", "period", f"{unit_code}/{period}", old="submitted", new="open", reason=reason.strip(), user=user)


# ---- canonical data (returns and merge) -------------------------------------------------------


def canonical_data(*, unit_code: str, period: str) -> dict[str, list[dict]]:
    """Return a unit's month as canonical JSON-ready data: input fields per row, by form."""
    out = {}
    for form in all_forms():
        rows = form_rows(unit_code=unit_code, period=period, form_id=form.id)
        out[form.id] = [canonical_row(form, r.row_key, r.values) for r in rows
                        if form.rows != "events" or r.version]
    return out


def canonical_row(form: Form, row_key: str, values: dict) -> dict:
    """Return one row as canonical data: its key and its input fields as JSON values."""
    key = row_key if form.rows != "events" else ""
    return {"row_key": key, **{f.key: to_json_value(values.get(f.key)) for f in form.input_fields}}


def content_hash(data: dict[str, list[dict]]) -> str:
    """Return the SHA-256 over canonical data (not over file bytes); events are order-independent."""
    normal = {}
    for form_id, rows in sorted(data.items()):
        form = get_form(form_id)
        rows = [{k: v for k, v in r.items() if not (form.rows == "events" and k == "row_key")} for r in rows]
        if form.rows == "events":
            rows = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
        else:
            rows = [r for r in rows if any(v not in (None, "") for k, v in r.items() if k != "row_key")]
        normal[form_id] = rows
    text = json.dumps(normal, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def replace_period_data(*, unit_code: str, period: str, data: dict[str, list[dict]], user: str = "",
                        action: str = "load") -> None:
    """Replace a unit's month with canonical data, all forms in one transaction (load and merge)."""
    user = require("merge" if action == "merge" else "edit", user=user, unit_code=unit_code)
    _refuse_if_locked(unit_code, period, action, user)
    with m.database.atomic():
        bases = {b.indicator: b.value for b in m.Baseline.select().where(
            m.Baseline.unit == unit_code, m.Baseline.year == compute.BASE_YEAR)}
        changed_bases: dict[str, Decimal] = {}
        for form_id, rows in data.items():
            form = get_form(form_id)
            m.Entry.delete().where(m.Entry.unit == unit_code, m.Entry.period == period,
                                   m.Entry.form_id == form_id).execute()
            new_rows = []
            for key, typed in _checked_rows(form, period, rows):
                if form.rows == "indicators":
                    base = typed.pop("base_2023", None)
                    if base is not None and bases.get(key) != base:
                        changed_bases[key] = base
                if form.rows != "events" and all(v in (None, "") for v in typed.values()):
                    continue
                new_rows.append({"unit": unit_code, "period": period, "form_id": form_id, "row_key": key,
                                 "data": json.dumps({k: to_json_value(v) for k, v in typed.items()},
                                                    ensure_ascii=False, sort_keys=True),
                                 "updated_by": user, "updated_at": m.now()})
            for start in range(0, len(new_rows), 200):  # one statement per batch, not per row
                m.Entry.insert_many(new_rows[start:start + 200]).execute()
        _upsert_baselines(unit_code, changed_bases, bases, user)
        audit(action, "period", f"{unit_code}/{period}", new=",".join(data), user=user)


def _upsert_baselines(unit_code: str, changed: dict[str, Decimal], old: dict[str, Decimal], user: str) -> None:
    """Store changed 2023 bases in one statement, with one audit line each."""
    if not changed:
        return
    m.Baseline.insert_many(
        [{"unit": unit_code, "indicator": k, "year": compute.BASE_YEAR, "value": v} for k, v in changed.items()]
    ).on_conflict(conflict_target=[m.Baseline.unit, m.Baseline.indicator, m.Baseline.year],
                  update={m.Baseline.value: EXCLUDED.value}).execute()
    m.AuditLog.insert_many([
        {"action": "edit", "entity": "baseline", "entity_key": f"{unit_code}/{k}/{compute.BASE_YEAR}",
         "old": to_json_value(old.get(k)), "new": to_json_value(v), "user": user, "at": m.now()}
        for k, v in changed.items()]).execute()


def _checked_rows(form: Form, period: str, rows: list[dict]):
    """Yield (row key, typed values) for canonical rows; raise DataError naming the first bad row."""
    allowed = _row_keys(form, period)
    for i, raw in enumerate(rows, start=1):
        raw = dict(raw)
        key = str(raw.pop("row_key", "") or "") or str(uuid.uuid4())
        if allowed is not None and key not in allowed:
            raise DataError(f"{form.sheet_name} row {i}: {key!r} is not a row of this form")
        typed, errors = coerce_row(form, raw, row_key=key)
        errors += check_fields(form, typed, row_key=key)
        if errors:
            e = errors[0]
            raise DataError(f"{form.sheet_name} row {i} {form.field(e.field).label}: {e.message}")
        yield key, typed
