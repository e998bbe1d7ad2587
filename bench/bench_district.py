"""Benchmark: what a district's screens read, against reading the same stored rows bare.

Run on demand (not part of pytest):

    python bench/bench_district.py [--townships 30] [--repeat 5]

Makes a district database with --townships townships, each with January to October of this year and last year
entered (the sample data), then times, each against the floor measured in the same run:

- district_month: the whole month one level up (统计图表, 报表导出's check, the district's return);
- district_form_rows for each form: what the district's 任务进展 / 促消费活动 / 回收与以旧换新 show;
- month_changes: 较上月变化 on 汇总合并 (this month and the month before of every township);
- township_overview with the rows district_month has read (统计图表's townships).

The floor is the bare driver cursor (peewee's connection, no peewee query) selecting every stored row the month
needs — each township's rows of this month and its 表3 rows of the year so far and last year to date — and
json.loads of each row's data, nothing else. Each figure is the best of --repeat runs, floor and ours alternating.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import best_alternating  # noqa: E402
from desktop.dashboard_data import township_overview  # noqa: E402
from desktop.sample import DISTRICT, fill_unit  # noqa: E402
from models import db as m  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from models.periods import months_to_date, same_period_last_year  # noqa: E402
from models.units import add_unit, initialise  # noqa: E402
from reports.changes import month_changes  # noqa: E402
from reports.district import district_form_rows, district_month  # noqa: E402

PERIOD = "2025-10"


def _make(path: Path, townships: int) -> list[str]:
    open_database(path)
    initialise(plan_id="huancui", unit_code=DISTRICT[0], unit_name=DISTRICT[1], level="district")
    codes = []
    for i in range(townships):
        code = f"{DISTRICT[0]}{i + 1:03d}"
        add_unit(code=code, name=f"第{i + 1}街道", level="town", parent_code=DISTRICT[0])
        fill_unit(unit_code=code, period=PERIOD, seed=i, events=6)
        codes.append(code)
    return codes


def _floor(codes: list[str]) -> None:
    """The bare driver: the month's rows of every township, and its 表3 rows of the months 本年累计 and 同比 read."""
    months = [p for p in months_to_date(PERIOD) + months_to_date(same_period_last_year(PERIOD)) if p != PERIOD]
    marks = ", ".join("?" * len(codes))
    sql = (f'SELECT "data" FROM "entry" WHERE "unit_id" IN ({marks}) AND "period" = ? UNION ALL '
           f'SELECT "data" FROM "entry" WHERE "unit_id" IN ({marks}) AND "form_id" = \'figures\' '
           f'AND "period" IN ({", ".join("?" * len(months))})')
    cursor = m.database.cursor()
    cursor.execute(sql, (*codes, PERIOD, *codes, *months))
    for (data,) in cursor.fetchall():
        json.loads(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        codes = _make(Path(tmp) / "district.sqlite3", args.townships)
        whole = district_month(period=PERIOD)
        known = {t.unit.code: t.rows for t in whole.townships}
        cases = [("district_month", lambda: district_month(period=PERIOD)),
                 *[(f"district_form_rows {f}", lambda f=f: district_form_rows(period=PERIOD, form_id=f))
                   for f in ("tasks", "events", "figures")],
                 ("month_changes", lambda: month_changes(period=PERIOD)),
                 ("township_overview", lambda: township_overview(DISTRICT[0], PERIOD, known=known))]
        print(f"{args.townships} townships, {PERIOD}")
        for name, ours in cases:
            floor, took = best_alternating(lambda: _floor(codes), ours, args.repeat)
            print(f"  {name:<28} {took * 1000:7.1f} ms   floor {floor * 1000:6.1f} ms   ratio {took / floor:5.1f}x")
        close_database()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
