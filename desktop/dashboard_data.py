"""What the dashboard and the summaries show, computed from the core's rows (no Qt, no SQL here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from forms import all_forms, get_form
from forms.validate import Finding
from models import entries
from models.entries import Row, is_locked, validate_period
from models.periods import months_to_date
from models.plan_schema import Plan, Target
from models.units import subordinate_units

# The form's event types (表2 活动类型) and the plan's names for them (event_targets.event_types).
EVENT_TYPES = {"汽车促销": "auto_promotion", "汽车下乡展销": "auto_countryside", "家电以旧换新": "appliance_trade_in",
               "家装换新": "home_decor", "其他": "other"}
NO_STATUS = "未填"


@dataclass(frozen=True)
class EventGoal:
    """A yearly minimum of events and how many were held so far this year."""

    wording: str
    min_count: int
    held: int
    labels: tuple[str, ...]

    @property
    def met(self) -> bool:
        """True when the minimum is reached."""
        return self.held >= self.min_count


def month_rows(unit_code: str, period: str, *, aggregate: bool = False) -> dict[str, list[Row]]:
    """Every form's rows for a month: the unit's own, or (aggregate) the sums of the units below it."""
    if aggregate:
        return aggregate_month(period).rows
    return entries.month_rows(unit_code=unit_code, period=period)


def aggregate_month(period: str):
    """A district's (city's) month: its sums per form, and the rows of each unit below it that has any
    (reports.district.DistrictMonth; imported here, not at start-up, as it is only needed one level up)."""
    from reports.district import district_month

    return district_month(period=period)


def month_findings(unit_code: str, period: str, *, aggregate: bool = False) -> list[Finding]:
    """Every finding of a month (of the sums, for a district)."""
    if not aggregate:
        return validate_period(unit_code=unit_code, period=period)
    return [f for rows in month_rows(unit_code, period, aggregate=True).values() for r in rows for f in r.findings]


def months_without_figures(unit_code: str, period: str, *, aggregate: bool = False) -> list[str]:
    """The months of the year so far with no 表3 rows (of any unit below, for a district): 本年累计 leaves them out."""
    units = [u.code for u in subordinate_units(unit_code)] if aggregate else [unit_code]
    months = months_to_date(period)
    entered = entries.months_entered(unit_codes=units, form_id="figures", periods=months)
    return [p for p in months if p not in entered]


def month_runs(periods: list[str]) -> list[tuple[int, int]]:
    """Runs of consecutive months of one year, as (first, last) month numbers: 1–9 and 11 for 2025-01…09, 2025-11."""
    runs: list[tuple[int, int]] = []
    for month in sorted(int(p[5:7]) for p in periods):
        if runs and runs[-1][1] == month - 1:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def events_by_type(unit_code: str, period: str, *, year_to_date: bool = True, aggregate: bool = False) -> Counter:
    """Count events by type (the form's labels; 其他 for none), this month or January to this month: the unit's own,
    or (aggregate) those of the units below it, as their sums (reports.district) list them."""
    units = [u.code for u in subordinate_units(unit_code)] if aggregate else [unit_code]
    counts = entries.value_counts(form_id="events", key="type", unit_codes=units,
                                  periods=months_to_date(period) if year_to_date else [period])
    out: Counter = Counter()
    for label, n in counts.items():
        out[label or "其他"] += n
    return out


def event_goals(plan: Plan | None, counts: Counter) -> list[EventGoal]:
    """Compare events held this year with the plan's yearly minimums."""
    if plan is None:
        return []
    by_plan_type: Counter = Counter()
    for label, n in counts.items():
        by_plan_type[EVENT_TYPES.get(label, "other")] += n
    labels = {v: k for k, v in EVENT_TYPES.items()}
    return [EventGoal(t.wording, t.min_count, sum(by_plan_type[k] for k in t.event_types),
                      tuple(labels[k] for k in t.event_types)) for t in plan.event_targets]


@dataclass(frozen=True)
class FigureLine:
    """One indicator of 表3 with its year-to-date, comparisons and the plan's targets."""

    key: str
    label: str
    unit: str
    current: Decimal | None
    ytd: Decimal | None
    last_year: Decimal | None
    yoy: Decimal | None
    base: Decimal | None
    vs_base: Decimal | None
    progress: Decimal | None
    targets: dict[int, Target] = field(default_factory=dict)  # by year (2025, 2027)

    def target_growth(self, year: int) -> Decimal | None:
        """The growth over the 2023 base a target asks for (0.15 for 增长15%), if it is one."""
        t = self.targets.get(year)
        if t and t.value is not None and t.unit == "%" and t.baseline_year:
            return Decimal(str(t.value)) / 100
        return None


def _indicator_targets(plan: Plan | None) -> dict[str, dict[int, Target]]:
    out: dict[str, dict[int, Target]] = {}
    if plan is None:
        return out
    for t in (*plan.overall_targets, *(t for task in plan.tasks for t in task.targets)):
        if t.indicator_key and t.value is not None and t.year:
            out.setdefault(t.indicator_key, {}).setdefault(t.year, t)
    return out


def figure_lines(rows: list[Row], plan: Plan | None) -> list[FigureLine]:
    """Return 表3's indicators (a month's figures rows) with the plan's 2025 and 2027 targets."""
    targets = _indicator_targets(plan)
    out = []
    for row in rows:
        v = row.values
        out.append(FigureLine(row.row_key, v["indicator"], v["unit"], v.get("current"), v.get("ytd"),
                              v.get("last_year"), v.get("yoy"), v.get("base_2023"), v.get("vs_base"),
                              v.get("progress"), targets.get(row.row_key, {})))
    return out


def task_status_by_section(rows: list[Row]) -> dict[str, Counter]:
    """Count the plan's tasks (a month's task rows) by status within each section, in plan order."""
    out: dict[str, Counter] = {}
    for row in rows:
        out.setdefault(row.values["section"], Counter())[row.values.get("status") or NO_STATUS] += 1
    return out


def short_section(section: str) -> str:
    """Drop a section's numbering for a chart axis: 二、实施高水平工业技改 → 实施高水平工业技改."""
    for sep in ("、", "）", ")"):
        if sep in section[:6]:
            return section.split(sep, 1)[1]
    return section


@dataclass(frozen=True)
class UnitOverview:
    """One subordinate unit's month at a glance."""

    code: str
    name: str
    reported: dict[str, bool]  # form id -> anything entered or merged
    submitted: bool
    events: int
    sales: Decimal
    hard: int
    returned: str = "missing"  # the state of its returns (reports.completeness): returned, reopened, conflict …
    vs_base: dict[str, Decimal | None] = field(default_factory=dict)  # 表3's 较2023年增减 by indicator key
    statuses: Counter = field(default_factory=Counter)  # 表1's tasks by 推进状态 (未填 for none)

    @property
    def complete(self) -> bool:
        """True when every form has data."""
        return all(self.reported.values())

    @property
    def state(self) -> str:
        """报送情况 as 汇总合并 says it (reports.completeness), or, for a month entered in this database without a
        merged file (a shared database), ``submitted`` or ``entered``."""
        if self.returned == "missing" and any(self.reported.values()):
            return "submitted" if self.submitted else "entered"
        return self.returned


def unit_overview(code: str, name: str, period: str, *, returned: str = "missing",
                  rows: dict[str, list[Row]] | None = None) -> UnitOverview:
    """Summarise one unit's month from its rows (every form's, as month_rows gives them; read here if not given)."""
    reported, events, sales, hard = {}, 0, Decimal(0), 0
    month = rows if rows is not None else entries.month_rows(unit_code=code, period=period)
    for form in all_forms():
        rows = month[form.id]
        reported[form.id] = any(r.version for r in rows)
        hard += sum(1 for r in rows for f in r.findings if f.level == "hard" and r.version)
        if form.id == "events":
            events = len(rows)
            sales = sum((r.values.get("sales") or Decimal(0) for r in rows), Decimal(0))
    vs_base = {r.row_key: r.values.get("vs_base") for r in month["figures"]}
    statuses = Counter(r.values.get("status") or NO_STATUS for r in month["tasks"])
    return UnitOverview(code, name, reported, is_locked(code, period), events, sales, hard, returned, vs_base,
                        statuses)


def township_overview(parent_code: str, period: str, *, known: dict[str, dict[str, list[Row]]] | None = None
                      ) -> list[UnitOverview]:
    """Summarise the month of every unit directly below a district or city, with the state of its returns.

    known: units' rows already read (a DistrictMonth's townships'), by unit code; the others are read here.
    """
    from reports.completeness import completeness

    # The same states as 汇总合并's 报送情况: a return sent back (已退回) still has data, but is not 已报.
    states = {u.unit_code: u.state for u in completeness(period=period).units}
    known = known or {}
    return [unit_overview(u.code, u.name, period, returned=states.get(u.code, "missing"), rows=known.get(u.code))
            for u in subordinate_units(parent_code)]


def short_indicator(label: str) -> str:
    """An indicator's name without its bracketed gloss, for a column heading: 汽车以旧换新（报废更新、置换更新）→ 汽车以旧换新."""
    return label.split("（", 1)[0]


def form_short_names() -> dict[str, str]:
    """Return each form's sheet name and title for column headings: 表1 重点任务推进情况."""
    return {f.id: f"{f.sheet_name}" for f in all_forms()}


def status_choices() -> tuple[str, ...]:
    """The task statuses in the form's order, then 未填."""
    return (*get_form("tasks").field("status").choices, NO_STATUS)
