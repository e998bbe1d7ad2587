"""What the dashboard counts, checked against the rows the screens and returns show."""

from collections import Counter

import pytest

from desktop.dashboard_data import events_by_type, month_rows
from desktop.sample import DISTRICT, TOWNS, make_sample_database
from models.database import close_database, open_database
from models.entries import save_row
from models.periods import months_to_date

P = "2025-10"


@pytest.fixture
def district(tmp_path):
    path = tmp_path / "district.sqlite3"
    make_sample_database(path, level="district", period=P)
    close_database()
    open_database(path)
    yield
    close_database()


def counted_from_rows(unit_code: str, period: str, aggregate: bool) -> Counter:
    """Events by type as the 促消费活动 grid lists them, month by month (a district's: its townships' sums)."""
    return Counter(row.values.get("type") or "其他" for p in months_to_date(period)
                   for row in month_rows(unit_code, p, aggregate=aggregate)["events"])


@pytest.mark.parametrize("period", [P, "2025-03", "2025-01"])
def test_events_by_type_counts_what_the_grids_list(district, period):
    code = TOWNS[0][0]
    save_row(unit_code=code, period=period, form_id="events", row_key=None,
             values={"date": f"{period}-02", "name": "未分类的活动"})  # no type: counted as 其他
    for unit, aggregate in ((DISTRICT[0], True), (code, False), (TOWNS[1][0], False)):
        counted = events_by_type(unit, period, aggregate=aggregate)
        assert counted == counted_from_rows(unit, period, aggregate)
    assert events_by_type(DISTRICT[0], period, aggregate=True)["其他"] >= 1
    assert events_by_type(DISTRICT[0], period, aggregate=False) == Counter()  # the district enters none itself
    this_month = events_by_type(code, period, year_to_date=False)
    assert this_month == Counter(r.values.get("type") or "其他" for r in month_rows(code, period)["events"])
