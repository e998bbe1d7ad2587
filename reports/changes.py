"""What changed since last month (较上月变化): each township's month against its month before, for the reviewer.

Followed from the form declarations, not from named fields: for a form of fixed rows (表1's tasks, 表3's
indicators) every typed number and choice of a row is compared with the same row a month earlier; text
(进展情况 and the like) is left out, as it is new every month. For a form of events (表2) the count of
events and the sum of each field the form totals are compared. Only what differs is listed. A township
with no data for either month is said to be so, with nothing compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from forms import all_forms
from forms.schema import Field, Form
from models import compute
from models import db as m
from models.entries import Row, month_inputs, row_label
from models.periods import check_period, period_label, previous_period
from models.units import required_own_unit, required_plan, subordinate_units

COUNT_LABEL = "活动场次"
_COMPARED_TYPES = ("integer", "decimal", "percent", "choice")


@dataclass(frozen=True)
class Change:
    """One value that differs from last month: where it is, and before → after."""

    form_id: str
    sheet: str  # 表1 …
    row: str  # 任务 5 推进汽车以旧换新 / 二手车交易量 / 全部活动
    field: str  # the column's label
    unit: str
    before: object
    after: object

    @property
    def difference(self) -> Decimal | None:
        """after − before, for numbers present in both months."""
        if isinstance(self.before, (int, Decimal)) and isinstance(self.after, (int, Decimal)):
            return Decimal(self.after) - Decimal(self.before)
        return None

    @property
    def growth(self) -> Decimal | None:
        """after ÷ before − 1, for numbers (None when last month's was 0 or missing)."""
        return compute.growth(self.after, self.before) if self.difference is not None else None

    def to_json(self) -> dict:
        """The change as JSON values (numbers as text, so no digit is lost)."""
        as_text = lambda v: None if v is None else str(v)  # noqa: E731
        return {"form": self.form_id, "sheet": self.sheet, "row": self.row, "field": self.field, "unit": self.unit,
                "before": as_text(self.before), "after": as_text(self.after),
                "difference": as_text(self.difference), "growth": as_text(self.growth)}


@dataclass
class UnitChanges:
    """One township's month against its month before."""

    unit_code: str
    unit_name: str
    reported: bool  # any data for this month
    reported_before: bool  # any data for the month before
    changes: list[Change] = field(default_factory=list)

    @property
    def note(self) -> str:
        """Why nothing is compared, in the reviewer's words; "" when the months were compared."""
        if not self.reported:
            return "本月未报"
        if not self.reported_before:
            return "上月无数据，无从比较"
        return "" if self.changes else "与上月相同"

    def to_json(self) -> dict:
        """The township's changes as JSON."""
        return {"unit_code": self.unit_code, "unit_name": self.unit_name, "reported": self.reported,
                "reported_before": self.reported_before, "note": self.note,
                "changes": [c.to_json() for c in self.changes]}


@dataclass
class MonthChanges:
    """Every township of this database's own unit, for a month against the month before."""

    period: str
    previous: str
    units: list[UnitChanges]

    @property
    def title(self) -> str:
        """The heading, as the CLI prints it and the district return's sheet is titled."""
        return f"{period_label(self.period)}较上月（{period_label(self.previous)}）变化"

    def to_json(self) -> dict:
        """The whole report as JSON."""
        return {"period": self.period, "previous": self.previous, "units": [u.to_json() for u in self.units]}


def month_changes(*, period: str) -> MonthChanges:
    """Compare each township's month with its month before, from the data in this database."""
    check_period(period)
    own = required_own_unit()
    required_plan()
    previous = previous_period(period)
    units = []
    below = subordinate_units(own.code)
    # Which units have anything stored in either month: one query, not one per unit and month.
    stored = set(m.Entry.select(m.Entry.unit, m.Entry.period).where(m.Entry.unit.in_([u.code for u in below]),
                                                                    m.Entry.period.in_([period, previous]))
                 .distinct().tuples())
    for unit in below:
        now = _month(unit.code, period) if (unit.code, period) in stored else None
        before = _month(unit.code, previous) if (unit.code, previous) in stored else None
        found = UnitChanges(unit.code, unit.name, now is not None, before is not None)
        if now is not None and before is not None:
            found.changes = differences(before, now)
        units.append(found)
    return MonthChanges(period, previous, units)


def differences(before: dict[str, list[Row]], after: dict[str, list[Row]]) -> list[Change]:
    """What differs between two versions of a unit's month (month_rows or month_inputs of each), form by form."""
    return [c for form in all_forms() for c in _form_changes(form, before[form.id], after[form.id])]


def _month(unit_code: str, period: str) -> dict[str, list[Row]]:
    """The unit's rows of every form for a month (one with something stored): what was typed is what is compared."""
    with m.read_snapshot():  # one snapshot of the month
        return month_inputs(unit_code=unit_code, period=period)


def _form_changes(form: Form, before: list[Row], after: list[Row]) -> list[Change]:
    if form.rows == "events":
        return _event_changes(form, before, after)
    compared = [f for f in form.input_fields if f.type in _COMPARED_TYPES]
    earlier = {row.row_key: row for row in before}
    out = []
    for i, row in enumerate(after):
        old = earlier.get(row.row_key)
        if old is None:  # a task the plan gained since: nothing to compare with
            continue
        for f in compared:
            was, now = old.values.get(f.key), row.values.get(f.key)
            if was != now:
                out.append(Change(form.id, form.sheet_name, _row_label(form, row, i), f.label, _unit(f, row), was, now))
    return out


def _event_changes(form: Form, before: list[Row], after: list[Row]) -> list[Change]:
    out = []
    if len(before) != len(after):
        out.append(Change(form.id, form.sheet_name, "全部活动", COUNT_LABEL, "场", len(before), len(after)))
    for f in form.fields:
        if f.total:
            was, now = _sum(before, f.key), _sum(after, f.key)
            if was != now:
                out.append(Change(form.id, form.sheet_name, "全部活动", f"{f.label}合计", f.unit or "", was, now))
    return out


def describe(change: Change) -> str:
    """One change in the reviewer's words: 表3 二手车交易量 本期：380 辆 → 410 辆（+30，+7.9%）."""
    text = (f"{change.sheet} {change.row} {change.field}："
            f"{shown_value(change.before, change.unit)} → {shown_value(change.after, change.unit)}")
    if change.difference is not None:
        growth = f"，{shown_growth(change)}" if change.growth is not None else ""
        text += f"（{shown_difference(change)}{growth}）"
    return text


def shown_difference(change: Change) -> str:
    """The difference with its sign, +200 or -0.3; — for values that are not numbers in both months."""
    return "—" if change.difference is None else _shown(change.difference, signed=True)


def shown_growth(change: Change) -> str:
    """The growth as a percentage with one decimal, +20.0%; — when there is none."""
    return "—" if change.growth is None else f"{change.growth:+.1%}"


def shown_value(value: object, unit: str = "") -> str:
    """A value as the reviewer reads it, with its unit: 1200 台, 推进中, （空）."""
    return _shown(value) + (f" {unit}" if unit and value is not None else "")


def _shown(value: object, *, signed: bool = False) -> str:
    if value is None:
        return "（空）"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
        return ("+" if signed and value > 0 else "") + text
    if isinstance(value, int):
        return f"{value:+d}" if signed else str(value)
    return str(value)


def _sum(rows: list[Row], key: str) -> Decimal:
    return sum((Decimal(r.values[key]) for r in rows if r.values.get(key) is not None), Decimal(0))


def _row_label(form: Form, row: Row, index: int) -> str:
    label = row_label(form, row, index)
    return f"{label} {row.values.get('title') or ''}".strip() if form.rows == "plan_tasks" else label


def _unit(f: Field, row: Row) -> str:
    return str(row.values.get("unit") or "") if f.unit_from_row else (f.unit or "")
