"""Benchmark: reading a month (models.entries.form_rows) against reading its stored rows bare.

Run on demand (not part of pytest):

    python bench/bench_read.py [--repeat 20] [--events 5000]

Prints, for a township month with --events events (every task and figure reported, other months' figures for
本年累计 and 同比), the time of form_rows for the events form, of the three forms together (what an export's
month_snapshot reads) and of validate_period, each as a ratio against the floor measured in the same run: the
bare driver cursor (peewee's connection, no peewee query) selecting the same month's stored rows and json.loads
of each row's data, nothing else. Each figure is the best of --repeat runs, floor and ours alternating.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.timing import best_alternating  # noqa: E402
from forms import all_forms, get_form  # noqa: E402
from models import db as m  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from models.entries import form_rows, replace_period_data, validate_period  # noqa: E402
from models.units import initialise  # noqa: E402

TOWN, PERIOD = "371002001", "2025-10"


def _events(count: int) -> list[dict]:
    return [{"date": f"{PERIOD}-{1 + i % 28:02d}", "type": ("汽车促销", "家电以旧换新", "家装换新")[i % 3],
             "name": f"促消费活动{i}", "place": "会展中心", "organiser": "区商务局", "enterprises": 10,
             "visitors": 500 + i, "deals": 20, "sales": "123.45", "subsidies": "5"} for i in range(count)]


def _fill(events: int) -> None:
    figures = get_form("figures")
    tasks = [{"row_key": str(i), "status": "推进中", "achieved": str(i), "narrative": "已推进",
              "problems": "", "next_steps": ""} for i in range(1, 20)]
    for period in ("2024-09", "2024-10", "2025-08", "2025-09"):
        replace_period_data(unit_code=TOWN, period=period, data={
            "figures": [{"row_key": i.key, "current": "100"} for i in figures.indicators]})
    replace_period_data(unit_code=TOWN, period=PERIOD, data={
        "tasks": tasks, "events": _events(events),
        "figures": [{"row_key": i.key, "current": "1200", "base_2023": "10000"} for i in figures.indicators]})


def _floor(form_ids: tuple[str, ...]) -> None:
    """The bare driver: the month's stored rows of these forms, each row's JSON decoded."""
    cursor = m.database.cursor()
    sql = 'SELECT "row_key", "version", "data" FROM "entry" WHERE "unit_id" = ? AND "period" = ? AND "form_id" = ?'
    if m.database.param != "?":
        sql = sql.replace("?", m.database.param)
    for form_id in form_ids:
        cursor.execute(sql, (TOWN, PERIOD, form_id))
        [json.loads(data) for _, _, data in cursor.fetchall()]


def main() -> int:
    """Print the timings and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LIANGXIN_DATA_DIR"] = str(Path(tmp) / "userdata")
        open_database(Path(tmp) / "bench.sqlite3")
        initialise(plan_id="huancui", unit_code=TOWN, unit_name="环翠楼街道", level="town", parent_code="371002",
                   parent_name="环翠区")
        _fill(args.events)
        forms = tuple(f.id for f in all_forms())
        cases = [
            (f"events form ({args.events})", ("events",), lambda: form_rows(unit_code=TOWN, period=PERIOD, form_id="events")),
            ("tasks form", ("tasks",), lambda: form_rows(unit_code=TOWN, period=PERIOD, form_id="tasks")),
            ("figures form", ("figures",), lambda: form_rows(unit_code=TOWN, period=PERIOD, form_id="figures")),
            ("three forms", forms, lambda: [form_rows(unit_code=TOWN, period=PERIOD, form_id=f) for f in forms]),
            ("validate_period", forms, lambda: validate_period(unit_code=TOWN, period=PERIOD)),
        ]
        print(f"{'case':<24}{'floor ms':>10}{'ours ms':>10}{'ratio':>8}")
        for name, ids, ours in cases:
            floor, took = best_alternating(lambda i=ids: _floor(i), ours, args.repeat)
            print(f"{name:<24}{floor * 1000:>10.2f}{took * 1000:>10.2f}{took / floor:>7.1f}×")
        close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
