"""Completeness (报送情况): for a month, which townships returned which forms and when; who is missing or late.

A township's month is, in this order of precedence:

- ``returned`` (已报): a return is held (accepted, or a newer revision that replaced it);
- ``reopened`` (已退回): the reviewer sent the held return back and waits for a corrected file;
- ``conflict`` (冲突待定): a valid file arrived but conflicts with data already here; the reviewer decides;
- ``rejected`` (被拒收): files arrived but every one was rejected (the reasons are kept in the audit log);
- ``missing`` (未报): nothing arrived.

The deadline is the end of day N of the following month — the forms say "次月5日前报出", so N is 5
unless the setting ``return_deadline_day`` says otherwise (1–28). A return is ``late`` when the first
valid file for the month arrived (was merged) after the deadline; a township still missing or only
rejected after the deadline is ``overdue``. Times are when the file was merged into this database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from forms.registry import FORM_IDS
from models import db as m
from models.errors import DataError
from models.periods import check_period, period_bounds, period_label
from models.units import get_setting, required_own_unit, subordinate_units

DEADLINE_SETTING = "return_deadline_day"
DEFAULT_DEADLINE_DAY = 5
STATE_LABELS = {"returned": "已报", "reopened": "已退回", "conflict": "冲突待定", "rejected": "被拒收", "missing": "未报"}
HELD = ("current", "reopened")


@dataclass
class Rejection:
    """A file of this township and month that the merge refused, as the audit log keeps it."""

    at: dt.datetime
    file: str
    reasons: list[str]


@dataclass
class UnitCompleteness:
    """One township's month: its state, when it arrived, which forms, and what to watch."""

    unit_code: str
    unit_name: str
    state: str
    received_at: dt.datetime | None = None  # the first valid file for the month
    updated_at: dt.datetime | None = None  # the held revision
    revision: int | None = None
    file_name: str = ""
    forms: list[str] = field(default_factory=list)
    missing_forms: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    late: bool = False
    overdue: bool = False
    conflicts: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    reopen_reason: str = ""

    @property
    def label(self) -> str:
        """The state in the reviewer's words."""
        return STATE_LABELS[self.state]

    def notes(self) -> list[str]:
        """What the reviewer should watch on this line, in their words (the CLI and the 报送情况 sheet)."""
        from reports.merge import FLAG_LABELS

        notes = []
        if self.late:
            notes.append("逾期报送")
        if self.overdue:
            notes.append("已逾期")
        if self.conflicts:
            notes.append(f"有 {self.conflicts} 份冲突副本待定")
        notes += [FLAG_LABELS.get(flag, flag) for flag in self.flags]
        if self.reopen_reason:
            notes.append(f"退回理由：{self.reopen_reason}")
        if self.state == "rejected" and self.rejections:
            notes.append("拒收：" + "；".join(self.rejections[-1].reasons[:2]))
        return notes

    def to_json(self) -> dict:
        """Return the township's line as `liangxin completeness --json` prints it."""
        when = lambda t: t.isoformat(sep=" ") if t else None  # noqa: E731
        return {"unit_code": self.unit_code, "unit_name": self.unit_name, "state": self.state, "label": self.label,
                "received_at": when(self.received_at), "updated_at": when(self.updated_at),
                "revision": self.revision, "file": self.file_name, "forms": self.forms,
                "missing_forms": self.missing_forms, "flags": self.flags, "late": self.late, "overdue": self.overdue,
                "conflicts": self.conflicts, "reopen_reason": self.reopen_reason,
                "rejections": [{"at": when(r.at), "file": r.file, "reasons": r.reasons} for r in self.rejections]}


@dataclass
class Completeness:
    """A month's completeness over every township of this district."""

    period: str
    deadline: dt.date
    as_of: dt.datetime
    units: list[UnitCompleteness]

    def count(self, state: str) -> int:
        """How many townships are in a state."""
        return sum(1 for u in self.units if u.state == state)

    @property
    def late(self) -> int:
        """How many returned late or are overdue."""
        return sum(1 for u in self.units if u.late or u.overdue)

    def to_json(self) -> dict:
        """Return the month as `liangxin completeness --json` prints it."""
        return {"period": self.period, "deadline": self.deadline.isoformat(), "as_of": self.as_of.isoformat(sep=" "),
                "counts": {state: self.count(state) for state in STATE_LABELS} | {"late": self.late},
                "units": [u.to_json() for u in self.units]}


def deadline_for(period: str) -> dt.date:
    """Return the last day a month's return is on time: day N (setting, default 5) of the next month."""
    check_period(period)
    text = get_setting(DEADLINE_SETTING) or str(DEFAULT_DEADLINE_DAY)
    try:
        day = int(text)
    except ValueError:
        day = 0
    if not 1 <= day <= 28:
        raise DataError(f"设置 {DEADLINE_SETTING} 为“{text}”：报送截止日须为次月 1–28 日")
    _, last = period_bounds(period)
    following = last + dt.timedelta(days=1)
    return following.replace(day=day)


def completeness(*, period: str, now: dt.datetime | None = None) -> Completeness:
    """Return, for every township of this district, what it has returned for the month."""
    check_period(period)
    own = required_own_unit()
    now = now or m.now()
    deadline = deadline_for(period)
    units = subordinate_units(own.code)
    codes = [u.code for u in units]
    records: dict[str, list[m.ReturnRecord]] = {}
    for r in (m.ReturnRecord.select().where(m.ReturnRecord.period == period, m.ReturnRecord.unit.in_(codes),
                                            m.ReturnRecord.source == "merge")
              .order_by(m.ReturnRecord.created_at)):
        records.setdefault(r.unit_id, []).append(r)
    refusals = _refusals(period, codes)
    reopen_reasons = _reopen_reasons(period, codes)
    out = [_unit_state(u, records.get(u.code, []), refusals.get(u.code, []), reopen_reasons.get(u.code, ""),
                       deadline, now) for u in units]
    return Completeness(period, deadline, now, out)


def _unit_state(unit: m.OrgUnit, records: list[m.ReturnRecord], refusals: list[Rejection], reopen_reason: str,
                deadline: dt.date, now: dt.datetime) -> UnitCompleteness:
    line = UnitCompleteness(unit.code, unit.name, "missing", rejections=refusals)
    held = next((r for r in records if r.status in HELD), None)
    line.conflicts = sum(1 for r in records if r.status == "conflict")
    if records:
        line.received_at = records[0].created_at
        line.late = line.received_at.date() > deadline
    if held is not None:
        line.state = "returned" if held.status == "current" else "reopened"
        line.updated_at, line.revision, line.file_name = held.created_at, held.revision, held.file_name
        line.forms = [f.partition("@")[0] for f in json.loads(held.form_ids)]
        line.missing_forms = [f for f in FORM_IDS if f not in line.forms]
        line.flags = json.loads(held.flags or "[]")
        line.reopen_reason = reopen_reason if held.status == "reopened" else ""
    elif line.conflicts:
        line.state = "conflict"
    elif refusals:
        line.state = "rejected"
    line.overdue = line.state in ("missing", "rejected") and now.date() > deadline
    return line


def _refusals(period: str, codes: list[str]) -> dict[str, list[Rejection]]:
    keys = [f"{c}/{period}" for c in codes]
    out: dict[str, list[Rejection]] = {}
    for line in (m.AuditLog.select().where(m.AuditLog.action == "refused:merge", m.AuditLog.entity_key.in_(keys))
                 .order_by(m.AuditLog.id)):
        code = line.entity_key.partition("/")[0]
        out.setdefault(code, []).append(Rejection(line.at, line.new or "", (line.reason or "").splitlines()))
    return out


def _reopen_reasons(period: str, codes: list[str]) -> dict[str, str]:
    keys = [f"{c}/{period}" for c in codes]
    out = {}
    for line in (m.AuditLog.select().where(m.AuditLog.action == "reopen", m.AuditLog.entity == "return",
                                           m.AuditLog.entity_key.in_(keys)).order_by(m.AuditLog.id)):
        out[line.entity_key.partition("/")[0]] = line.reason
    return out


def summary_line(report: Completeness) -> str:
    """One line for the top of a report: 2025年10月 报送情况（截止 11月5日）：已报 2/3 …"""
    total = len(report.units)
    parts = [f"已报 {report.count('returned')}/{total}"]
    for state in ("reopened", "conflict", "rejected", "missing"):
        if report.count(state):
            parts.append(f"{STATE_LABELS[state]} {report.count(state)}")
    # Returned after the deadline, and not (validly) returned by it: two different things for the reviewer.
    late = sum(1 for u in report.units if u.late)
    overdue = sum(1 for u in report.units if u.overdue)
    if late:
        parts.append(f"迟报 {late}")
    if overdue:
        parts.append(f"逾期未报 {overdue}")
    return (f"{period_label(report.period)} 报送情况（截止 {report.deadline.month}月{report.deadline.day}日）："
            + "，".join(parts))
