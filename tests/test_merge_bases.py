"""The 2023 base belongs to the township, not to one month: a return of an earlier month, merged after a later one,
does not put back the base the later return corrected; the reviewer is told."""

from __future__ import annotations

from decimal import Decimal

from models import db as m
from reports.merge import merge
from tests.conftest import TOWN
from tests.merge_samples import month


def _month_with_base(base: str, period: str) -> dict:
    data = month()
    data["figures"][0]["base_2023"] = base
    data["events"][0]["date"] = f"{period}-05"
    return data


def stored_base(indicator: str = "appliance_recycling") -> Decimal:
    return m.Baseline.get(m.Baseline.unit == TOWN, m.Baseline.indicator == indicator).value


def test_an_earlier_month_merged_after_a_later_one_keeps_the_later_base_and_says_so(district_db):
    from tests.merge_samples import make_rf

    october = merge([make_rf(period="2025-10", data=_month_with_base("12000", "2025-10"))])[0]
    assert october.verdict == "accepted", october.reasons
    september = merge([make_rf(period="2025-09", data=_month_with_base("10000", "2025-09"))])[0]
    assert september.verdict == "accepted", september.reasons
    assert stored_base() == Decimal("12000")
    assert "older_base" in september.flags
    assert any("废旧家电回收量" in r and "2025年10月" in r and "未采用" in r for r in september.reasons), september.reasons
    assert m.Entry.select().where(m.Entry.unit == TOWN, m.Entry.period == "2025-09").exists()  # the month itself is in


def test_a_later_month_corrects_the_base_of_an_earlier_one(district_db):
    from tests.merge_samples import make_rf

    merge([make_rf(period="2025-09", data=_month_with_base("10000", "2025-09"))])
    october = merge([make_rf(period="2025-10", data=_month_with_base("12000", "2025-10"))])[0]
    assert october.verdict == "accepted" and "older_base" not in october.flags
    assert stored_base() == Decimal("12000")


def test_an_earlier_month_with_the_same_base_is_not_flagged(district_db):
    from tests.merge_samples import make_rf

    merge([make_rf(period="2025-10", data=_month_with_base("12000", "2025-10"))])
    september = merge([make_rf(period="2025-09", data=_month_with_base("12000", "2025-09"))])[0]
    assert september.verdict == "accepted" and "older_base" not in september.flags
