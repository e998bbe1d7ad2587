"""The district's month (本级汇总): its townships' months added up, as the district's rows of each form.

Only the figures: the district's return is written from them by reports/summary.py, and the district's own
entry pages and dashboard show them. No Excel here, so that showing a district's sums does not load the
Excel writer. How each form goes one level up:

- 表1 (tasks): one row per plan task. 完成值 is the sum of the townships' values. 推进状态 is 滞后 if
  any township lags, 已完成 if every township that reported the task finished it, 未启动 if none has
  started, else 推进中. 进展情况 starts with the count by status (推进中2、已完成1 …) followed by each
  township's text; 存在问题, 下步打算 and 说明 list each township's text.
- 表2 (events): every township's events (the district's events are its townships' events).
- 表3 (figures): per indicator, 本期 and 2023年基数 are the sums over the townships; 本年累计 and 上年同期
  the sums of theirs (for a stock such as 新能源汽车保有量, the sum of the latest stocks); 同比, growth on
  the 2023 base and target progress are computed from those sums.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from forms import all_forms, get_form
from forms.schema import Form
from forms.validate import check_row
from models import compute
from models import db as m
from models.entries import Row, canonical_row, content_hash, form_rows, month_rows
from models.periods import check_period, month_of
from models.units import required_own_unit, required_plan, stored_plan, subordinate_units

STATUS_ORDER = ("未启动", "推进中", "已完成", "滞后")
EXCEL_CELL_LIMIT = 32_767  # what one cell of the district's return can hold
CUT = "…（内容过长，已截断，详见各单位报表）"


@dataclass
class Township:
    """One township's month as the summary uses it."""

    unit: m.OrgUnit
    rows: dict[str, list[Row]]  # form id -> the core's rows, with computed values and findings
    record: m.ReturnRecord | None  # the held return, when the data came from a merged file


@dataclass
class DistrictMonth:
    """The district's month: its rows per form, its canonical data, and the townships behind it."""

    period: str
    unit: m.OrgUnit
    townships: list[Township]
    missing: list[m.OrgUnit]
    rows: dict[str, list[Row]] = field(default_factory=dict)
    data: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """The hash the district's return will carry."""
        return content_hash(self.data)


def district_month(*, period: str) -> DistrictMonth:
    """Add up the townships' month into the district's rows and canonical data."""
    check_period(period)
    own = required_own_unit()
    required_plan()
    townships, missing = _townships(own, period, None)
    month = DistrictMonth(period, own, townships, missing)
    for form in all_forms():
        rows = month.rows[form.id] = _district_rows(form, own, period, townships)
        month.data[form.id] = [canonical_row(form, r.row_key, r.values) for r in rows]
    return month


def district_form_rows(*, period: str, form_id: str) -> list[Row]:
    """One form of the district's month, as district_month gives it, reading only that form of each township
    (a screen that shows one form)."""
    check_period(period)
    own = required_own_unit()
    required_plan()
    form = get_form(form_id)
    return _district_rows(form, own, period, _townships(own, period, [form.id])[0])


def _townships(own: m.OrgUnit, period: str, form_ids: list[str] | None) -> tuple[list[Township], list[m.OrgUnit]]:
    """The units below with rows this month (their forms' rows, all or form_ids), and those without any."""
    units = subordinate_units(own.code)
    codes = [u.code for u in units]
    # Which units have rows this month, and their held returns: one query each, not two per township.
    entered = {code for (code,) in m.Entry.select(m.Entry.unit).where(m.Entry.unit.in_(codes), m.Entry.period == period)
               .distinct().tuples()}
    records: dict[str, m.ReturnRecord] = {}
    for record in (m.ReturnRecord.select().where(m.ReturnRecord.unit.in_(codes), m.ReturnRecord.period == period,
                                                 m.ReturnRecord.source == "merge",
                                                 m.ReturnRecord.status.in_(("current", "reopened")))
                   .order_by(m.ReturnRecord.revision.desc())):  # at most one each; else the newest
        records.setdefault(record.unit_id, record)
    townships = [Township(u, month_rows(unit_code=u.code, period=period, form_ids=form_ids), records.get(u.code))
                 for u in units if u.code in entered]
    return townships, [u for u in units if u.code not in entered]


def _district_rows(form: Form, own: m.OrgUnit, period: str, townships: list[Township]) -> list[Row]:
    """A form's rows one level up, with their findings."""
    if form.rows == "events":
        rows = _events(townships)
    else:
        base = form_rows(unit_code=own.code, period=period, form_id=form.id)
        rows = _tasks(base, townships) if form.rows == "plan_tasks" else _figures(base, townships, period)
    for row in rows:
        typed = {f.key: row.values.get(f.key) for f in form.input_fields}
        row.findings = check_row(form, typed, row_key=row.row_key, context=row.values)
    return rows


# ---- the forms one level up -------------------------------------------------------------------


def _joined(texts: list[tuple[str, object]], head: str = "") -> str | None:
    """Join each township's text as 单位：text lines, within what one Excel cell holds."""
    lines = [head] if head else []
    lines += [f"{name}：{text}" for name, text in texts if text not in (None, "")]
    text = "\n".join(lines)
    if not text:
        return None
    return text if len(text) <= EXCEL_CELL_LIMIT else text[:EXCEL_CELL_LIMIT - len(CUT)] + CUT


def district_status(statuses: list[str]) -> str | None:
    """A task's status one level up (rules in the module docstring)."""
    if not statuses:
        return None
    if "滞后" in statuses:
        return "滞后"
    if all(s == "已完成" for s in statuses):
        return "已完成"
    if all(s == "未启动" for s in statuses):
        return "未启动"
    return "推进中"


def _sum(values) -> Decimal | None:
    present = [Decimal(v) for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _tasks(base: list[Row], townships: list[Township]) -> list[Row]:
    out = []
    for i, row in enumerate(base):
        theirs = [(t.unit.name, t.rows["tasks"][i].values) for t in townships]
        statuses = [v["status"] for _, v in theirs if v.get("status")]
        counts = Counter(statuses)
        head = ("各单位推进状态：" + "、".join(f"{s}{counts[s]}" for s in STATUS_ORDER if counts[s])) if counts else ""
        values = dict(row.values)
        values.update(
            status=district_status(statuses), achieved=_sum(v.get("achieved") for _, v in theirs),
            narrative=_joined([(n, v.get("narrative")) for n, v in theirs], head),
            problems=_joined([(n, v.get("problems")) for n, v in theirs]),
            next_steps=_joined([(n, v.get("next_steps")) for n, v in theirs]),
            explanation=_joined([(n, v.get("explanation")) for n, v in theirs]))
        values["percent"] = compute.ratio(values["achieved"], values.get("target_value"))
        out.append(Row(row.row_key, values))
    return out


def _events(townships: list[Township]) -> list[Row]:
    out = []
    for t in townships:
        for r in t.rows["events"]:
            out.append(Row(r.row_key, {**r.values, "unit_name": t.unit.name}))
    out.sort(key=lambda r: (r.values.get("date") or dt.date.max))
    return out


def _targets(period: str) -> dict[str, list]:
    plan = stored_plan()
    found: dict[str, list] = {}
    for t in (*plan.overall_targets, *(t for task in plan.tasks for t in task.targets)):
        if t.indicator_key:
            found.setdefault(t.indicator_key, []).append(t)
    return found


def _figures(base: list[Row], townships: list[Township], period: str) -> list[Row]:
    form = get_form("figures")
    targets = _targets(period)
    out = []
    for i, row in enumerate(base):
        theirs = [(t.unit.name, t.rows["figures"][i].values) for t in townships]
        ind = form.indicator(row.row_key)
        values = dict(row.values)
        current = _sum(v.get("current") for _, v in theirs)
        ytd = _sum(v.get("ytd") for _, v in theirs)
        last = _sum(v.get("last_year") for _, v in theirs)
        base_value = _sum(v.get("base_2023") for _, v in theirs)
        target = compute.pick_target(targets.get(ind.key, []), period)
        values.update(current=current, base_2023=base_value, ytd=ytd, last_year=last, yoy=compute.growth(ytd, last),
                      vs_base=compute.growth(ytd, compute.base_to_date(ind, base_value, month_of(period))),
                      progress=compute.target_progress(target, ytd, base_value, ind.unit),
                      explanation=_joined([(n, v.get("explanation")) for n, v in theirs]))
        out.append(Row(row.row_key, values))
    return out
