"""Benchmark: the desktop program against bare Qt in the same run.

Run on demand (not part of pytest), offscreen or on a desktop:

    python bench/bench_gui.py [--repeat 5] [--events 5000]

1. Start-up to a usable main window (database opened, first page loaded and painted), each in a fresh
   process, against a fresh process that shows a bare QMainWindow. Goal: at most 2×. A yardstick is printed
   beside it (not a floor): a bare Qt window with a list and a table of Chinese text as big as 表1's.
2. Opening a month with 5,000 events in the 促消费活动 grid and scrolling to the end (core rows, model,
   view, paint), against the same for an empty month. Also one typed edit at that size, against the
   same edit in a month with a single event.
Medians of the repeats; ratios are printed.

Both start-up processes keep their compiled bytecode in a private cache in the run's temporary folder (filled
by the warm-up run), as an installed program has its .pyc files: with PYTHONDONTWRITEBYTECODE set, as in some
development shells, the program's own modules would otherwise be compiled from source at every start while
the bare window compiles none. --no-bytecode-cache measures that case too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PERIOD, EMPTY_PERIOD = "2025-10", "2025-09"

BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1360, 860)
window.show()
app.processEvents()
window.grab()
print(time.time())
"""

# Not a floor, a yardstick: what a window with a navigation list and a table of Chinese text (27 rows × 13 columns,
# as 表1 shows) costs in bare Qt, to see how much of the 2× goal painting such a page takes by itself.
TABLE = """
import time
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QHBoxLayout, QListWidget, QMainWindow, QTableView, QWidget
app = QApplication([])
window = QMainWindow()
central = QWidget()
layout = QHBoxLayout(central)
nav = QListWidget()
nav.addItems(["任务进展", "促消费活动", "回收与以旧换新", "报表导出", "汇总合并", "统计图表", "设置"])
model = QStandardItemModel(27, 13)
for r in range(27):
    for c in range(13):
        model.setItem(r, c, QStandardItem(f"推进大规模设备更新{r}-{c}"))
table = QTableView()
table.setModel(model)
layout.addWidget(nav)
layout.addWidget(table, 1)
window.setCentralWidget(central)
window.resize(1360, 860)
window.show()
app.processEvents()
window.grab()
print(time.time())
"""

OURS = """
import os, sys, time
from desktop.app import create_app, create_main_window
app = create_app()
window = create_main_window(db=sys.argv[1], period="2025-10")
window.resize(1360, 860)
window.show()
app.processEvents()
window.grab()
print(time.time())
"""


def _run(code: str, *args: str, env: dict) -> float:
    """Seconds from starting the process to its window being painted (the process's exit is not counted)."""
    start = time.time()
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True)
    return float(done.stdout.strip().splitlines()[-1]) - start


def bench_startup(db: Path, repeat: int, env: dict) -> tuple[float, float, float]:
    """Median wall time of a bare QMainWindow process, of the program's main window process and of the yardstick."""
    _run(BARE, env=env), _run(OURS, str(db), env=env), _run(TABLE, env=env)  # warm the file cache
    bare = [_run(BARE, env=env) for _ in range(repeat)]
    ours = [_run(OURS, str(db), env=env) for _ in range(repeat)]
    table = [_run(TABLE, env=env) for _ in range(repeat)]
    return statistics.median(bare), statistics.median(ours), statistics.median(table)


def _events(count: int) -> list[dict]:
    return [{"date": f"{PERIOD}-{1 + i % 28:02d}", "type": ("汽车促销", "家电以旧换新", "家装换新")[i % 3],
             "name": f"促消费活动{i}", "place": "会展中心", "organiser": "区商务局", "enterprises": 10,
             "visitors": 500 + i, "deals": 20, "sales": "123.45", "subsidies": "5"} for i in range(count)]


def _open_and_scroll(view, model, period: str, app) -> float:
    start = time.perf_counter()
    model.load(unit_code="371002001", period=period, user="bench")
    view.scrollToBottom()
    app.processEvents()
    view.viewport().grab()  # paint what is on screen
    return time.perf_counter() - start


def bench_month(repeat: int, events: int) -> tuple[float, float, float, float]:
    """Open-and-scroll of a month with many events vs an empty month; one edit at each size."""
    from desktop.app import create_app
    from desktop.entrytable import EntryTable
    from desktop.formmodel import FormTableModel
    from forms import get_form
    from models.entries import replace_period_data

    app = create_app()
    replace_period_data(unit_code="371002001", period=PERIOD, data={"events": _events(events)})
    replace_period_data(unit_code="371002001", period="2025-08", data={"events": _events(1)})
    model = FormTableModel(get_form("events"))
    view = EntryTable()
    view.setModel(model)
    view.fit_columns()
    view.resize(1200, 700)
    view.show()
    full = statistics.median(_open_and_scroll(view, model, PERIOD, app) for _ in range(repeat))
    empty = statistics.median(_open_and_scroll(view, model, EMPTY_PERIOD, app) for _ in range(repeat))

    def one_edit(period: str) -> float:
        model.load(unit_code="371002001", period=period, user="bench")
        times = []
        for i in range(repeat):
            start = time.perf_counter()
            model.setData(model.index(0, model.column_of("visitors")), str(900 + i))
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return full, empty, one_edit(PERIOD), one_edit("2025-08")


def main() -> int:
    """Print the timings and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="start the processes as the shell does (compiling from source when it forbids .pyc files)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as tmp:
        env = {**os.environ, "LIANGXIN_DATA_DIR": str(Path(tmp) / "user"), "QT_QPA_PLATFORM":
               os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        os.environ["LIANGXIN_DATA_DIR"] = env["LIANGXIN_DATA_DIR"]
        from desktop.sample import make_sample_database
        from models.database import close_database

        db = Path(tmp) / "town.sqlite3"
        make_sample_database(db, level="town", period=PERIOD)
        close_database()
        bare, ours, table = bench_startup(db, args.repeat, env)
        print(f"start-up to a usable main window: bare QMainWindow {bare * 1000:7.0f} ms, "
              f"program {ours * 1000:7.0f} ms, ratio {ours / bare:5.2f}x (goal <= 2x)")
        print(f"  yardstick, not a floor: bare Qt window with a list and a 27x13 table of Chinese text "
              f"{table * 1000:7.0f} ms, {table / bare:5.2f}x the bare window")
        from models.database import open_database

        open_database(db)
        full, empty, edit_full, edit_small = bench_month(args.repeat, args.events)
        close_database()
        print(f"open a month and scroll to the end: {args.events} events {full * 1000:7.0f} ms, "
              f"empty month {empty * 1000:7.0f} ms, ratio {full / empty:6.1f}x")
        print(f"one typed edit saved: in {args.events} events {edit_full * 1000:7.1f} ms, "
              f"in 1 event {edit_small * 1000:7.1f} ms, ratio {edit_full / edit_small:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
