"""The reading of a month as models.entries did it through peewee model objects: the oracle the fast read is tested against.

Straightforward on purpose: a model object per stored row, from_json_value per field, the plan read per form
through peewee. Not used by the program.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from forms import all_forms, get_form
from forms.coerce import from_json_value
from forms.schema import Form
from forms.validate import Finding, check_row
from models import compute
from models import db as m
from models.entries import Row
from models.periods import months_to_date, period_bounds, previous_period, same_period_last_year
from models.plans import parse_plan


def oracle_plan():
    """The current plan, read through peewee and parsed afresh."""
    setting = m.Setting.get_or_none(m.Setting.key == "plan_id")
    record = m.PlanRecord.get_or_none(m.PlanRecord.id == setting.value) if setting and setting.value else None
    return parse_plan(json.loads(record.body), source="oracle") if record else None


def oracle_form_rows(*, unit_code: str, period: str, form_id: str, row_keys: set[str] | None = None) -> list[Row]:
    """form_rows as it read before: peewee model objects, the plan read for this form."""
    form = get_form(form_id)
    query = m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.period == period, m.Entry.form_id == form_id)
    if row_keys is not None:
        query = query.where(m.Entry.row_key.in_(list(row_keys)))
    stored = {e.row_key: (_decode(form, e.data), e.version, e.id) for e in query}
    plan = oracle_plan() if form.rows != "events" else None
    empty = {f.key: None for f in form.input_fields}
    rows: list[Row] = []
    if form.rows == "plan_tasks":
        for seq, task in enumerate(plan.tasks, start=1):
            key = str(seq)
            if row_keys is not None and key not in row_keys:
                continue
            target = compute.pick_target(list(task.targets), period)
            row_values = {"no": task.no, "section": task.section, "title": task.title,
                          "lead_units": "、".join(task.lead_units), "target": "；".join(t.wording for t in task.targets),
                          "target_value": Decimal(str(target.value)) if target else None}
            entry = stored.get(key)
            typed = dict(entry[0]) if entry else dict(empty)
            values = {**row_values, **typed}
            values["percent"] = compute.ratio(typed.get("achieved"), row_values["target_value"])
            rows.append(Row(key, values, entry[1] if entry else 0))
    elif form.rows == "indicators":
        rows = _indicator_rows(form, unit_code, period, stored, row_keys, plan)
    else:
        rows = [Row(key, dict(entry[0]), entry[1]) for key, entry in stored.items()]
        rows.sort(key=lambda r: (r.values.get("date") or dt.date.min, stored[r.row_key][2]))
    first, last = period_bounds(period)
    before = _last_month(form, unit_code, period)
    for row in rows:
        typed = {f.key: row.values.get(f.key) for f in form.input_fields}
        context = {**row.values, **before.get(row.row_key, {})}
        row.findings = check_row(form, typed, row_key=row.row_key, context=context)
        for f in form.input_fields:
            v = row.values.get(f.key) if f.type == "date" else None
            if v is not None and not first <= v <= last:
                row.findings.append(Finding(form.id, row.row_key, f.key, "hard",
                                            f"{f.label} {v:%Y-%m-%d} 不在报告期 {period} 内", "in_period"))
    return rows


def oracle_validate_period(*, unit_code: str, period: str) -> list[Finding]:
    """Every finding of every form, form by form."""
    return [f for form in all_forms() for row in oracle_form_rows(unit_code=unit_code, period=period, form_id=form.id)
            for f in row.findings]


def _last_month(form: Form, unit_code: str, period: str) -> dict[str, dict]:
    """Each fixed row's typed values of the month before in the same year, named prev_<key>, by row key."""
    if form.rows == "events" or period.endswith("-01"):
        return {}
    query = m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.period == previous_period(period),
                                   m.Entry.form_id == form.id)
    out = {}
    for e in query:
        out[e.row_key] = {f"prev_{k}": v for k, v in _decode(form, e.data).items() if v is not None}
    return out


def _decode(form: Form, data: str) -> dict:
    raw = json.loads(data)
    return {f.key: from_json_value(f, raw.get(f.key)) for f in form.input_fields}


def _indicator_rows(form: Form, unit_code: str, period: str, stored: dict, row_keys: set[str] | None, plan) -> list[Row]:
    year, last_year = months_to_date(period), months_to_date(same_period_last_year(period))
    current = form.field("current")
    monthly = {}
    for e in m.Entry.select().where(m.Entry.unit == unit_code, m.Entry.form_id == form.id,
                                    m.Entry.period.in_(year + last_year)):
        monthly[(e.row_key, e.period)] = from_json_value(current, json.loads(e.data).get("current"))
    bases = {b.indicator: b.value for b in m.Baseline.select().where(m.Baseline.unit == unit_code,
                                                                     m.Baseline.year == compute.BASE_YEAR)}
    targets: dict[str, list] = {}
    if plan:
        for t in (*plan.overall_targets, *(t for task in plan.tasks for t in task.targets)):
            if t.indicator_key:
                targets.setdefault(t.indicator_key, []).append(t)
    rows = []
    for ind in form.indicators:
        if row_keys is not None and ind.key not in row_keys:
            continue
        entry = stored.get(ind.key)
        typed = dict(entry[0]) if entry else {f.key: None for f in form.input_fields}
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
        rows.append(Row(ind.key, values, entry[1] if entry else 0))
    return rows
