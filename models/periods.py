"""Reporting periods: months as 'YYYY-MM'; the year to date and last year's months are derived from them."""

from __future__ import annotations

import datetime as dt
import re

from models.errors import DataError

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    """Return the period if it is a month like 2025-10, else raise DataError."""
    if not isinstance(period, str) or not _PERIOD.match(period):
        raise DataError(f"报告期“{period}”应为月份，如 2025-10")
    year = int(period[:4])
    if not 2020 <= year <= 2035:
        raise DataError(f"报告期“{period}”：年份须在 2020–2035 之间")
    return period


def year_of(period: str) -> int:
    """Return the year of a period."""
    return int(period[:4])


def month_of(period: str) -> int:
    """Return the month number of a period."""
    return int(period[5:7])


def months_to_date(period: str) -> list[str]:
    """Return January … this month of the period's year (本年累计 covers these)."""
    y, mth = year_of(period), month_of(period)
    return [f"{y}-{i:02d}" for i in range(1, mth + 1)]


def same_period_last_year(period: str) -> str:
    """Return the same month a year earlier (上年同期)."""
    return f"{year_of(period) - 1}-{period[5:7]}"


def previous_period(period: str) -> str:
    """Return the month before (上月): 2025-01 gives 2024-12."""
    y, mth = year_of(period), month_of(period)
    return f"{y - 1}-12" if mth == 1 else f"{y}-{mth - 1:02d}"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the month."""
    first = dt.date(year_of(period), month_of(period), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def period_label(period: str) -> str:
    """Return the period as printed on a return: 2025年10月."""
    return f"{year_of(period)}年{month_of(period)}月"


def current_period(today: dt.date | None = None) -> str:
    """Return the month a clerk most likely reports: the previous month until the 10th."""
    today = today or dt.date.today()
    if today.day <= 10:
        today = today.replace(day=1) - dt.timedelta(days=1)
    return f"{today.year}-{today.month:02d}"
