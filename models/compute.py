"""Values the core computes and nobody types: 本年累计, 上年同期, 同比, growth on the 2023 base, progress."""

from __future__ import annotations

from decimal import Decimal

from forms.schema import Indicator
from models.plan_schema import Target

BASE_YEAR = 2023


def horizon_year(period: str) -> int:
    """Return the target year a month reports against: 2025 until then, 2027 after."""
    return 2025 if int(period[:4]) <= 2025 else 2027


def pick_target(targets: list[Target], period: str) -> Target | None:
    """Choose the quantitative target a month is measured against (its horizon year, else undated)."""
    numeric = [t for t in targets if t.value is not None]
    year = horizon_year(period)
    for wanted in (year, None, 2027, 2025):
        for t in numeric:
            if t.year == wanted:
                return t
    return numeric[0] if numeric else None


def ratio(numerator, denominator) -> Decimal | None:
    """Return numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator in (None, 0):
        return None
    return Decimal(numerator) / Decimal(denominator)


def growth(value, base) -> Decimal | None:
    """Return value / base − 1 (同比 or growth over the base), or None."""
    r = ratio(value, base)
    return None if r is None else r - 1


def year_to_date(indicator: Indicator, monthly: list) -> Decimal | None:
    """Sum the months so far, or take the latest for a stock indicator (保有量)."""
    present = [Decimal(v) for v in monthly if v is not None]
    if not present:
        return None
    return present[-1] if indicator.aggregation == "last" else sum(present, Decimal(0))


def scale_to(unit: str | None, indicator_unit: str) -> Decimal:
    """Return the factor from a target's unit to the indicator's (万辆 → 辆 is 10000)."""
    if unit and unit.startswith("万") and unit[1:] == indicator_unit:
        return Decimal(10000)
    return Decimal(1)


def base_to_date(indicator: Indicator, base, month: int) -> Decimal | None:
    """Return the part of a yearly base comparable with a year-to-date figure (months/12 of a flow)."""
    if base is None:
        return None
    return Decimal(base) if indicator.aggregation == "last" else Decimal(base) * month / 12


def target_progress(target: Target | None, ytd, base, indicator_unit: str) -> Decimal | None:
    """Return progress towards a target's yearly volume: growth targets need base × (1 + growth)."""
    if target is None or target.value is None or ytd is None:
        return None
    if target.unit == "%" and target.baseline_year:
        needed = None if base is None else Decimal(base) * (1 + Decimal(str(target.value)) / 100)
        return ratio(ytd, needed)
    return ratio(ytd, Decimal(str(target.value)) * scale_to(target.unit, indicator_unit))
