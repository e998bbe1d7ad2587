"""Benchmark: merging township returns end to end against a bare python-calamine read of the same files.

Run on demand (not part of pytest):

    python bench/bench_merge.py            # 200 returns
    python bench/bench_merge.py --large    # 200 and 2,000 returns, to show the cost grows linearly

Makes N real returns with the program's own export (200 townships, each with a busy month: every task
reported, a dozen events, every figure; for 2,000, the same townships over ten months), then times, in the
same run:

- the floor: python-calamine opening each file and reading every sheet (to_python), nothing else;
- the merge: ``reports.merge.merge(files)`` into a fresh district database — the file check, the reader,
  every check and the storing, in one transaction — and, for the breakdown, the file check and the reader
  alone over the same files (best of two), and what is left of the merge ("rest": deciding each file,
  storing it and evaluating the forms' rules on the rows stored). Inside the merge the reader takes the
  document properties the file check has already inflated, and the files are checked a batch at a time
  before they are read (cheaper than checking and reading file by file), so check + read there is less
  than the two alone and "rest" is a little less than the deciding and storing.

Prints each as milliseconds per file and as a ratio against the floor (best merge against best floor), then the
range of each repeat's merge against the floor measured just before it. Goal: merge ≤ 5× floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import python_calamine  # noqa: E402

from forms import get_form  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from models.entries import replace_period_data  # noqa: E402
from models.units import add_unit, initialise  # noqa: E402

DISTRICT, PLAN = "371002", "huancui"
NARRATIVE = "已组织重点企业开展设备更新需求摸排，新增入库项目{n}个，总投资1.2亿元；下一步对接金融机构推动贴息政策落地。"
TOWNSHIPS = 200


def township_code(i: int) -> str:
    return f"{DISTRICT}{i + 1:03d}"


def month_data(i: int, period: str) -> dict:
    """A busy township month; figures differ per township and month so every return is distinct."""
    tasks = [{"row_key": str(t), "status": "推进中", "achieved": str(t + i % 7), "narrative": NARRATIVE.format(n=t),
              "problems": "资金压力较大", "next_steps": "加快推进"} for t in range(1, 28)]
    events = [{"date": f"{period}-{d:02d}", "type": "汽车促销", "name": f"金秋车展第{d}场", "place": "会展中心",
               "organiser": "区商务局", "enterprises": d, "visitors": 100 * d + i, "deals": 3 * d,
               "sales": str(Decimal(d) * Decimal("12.34")), "subsidies": "1.5"} for d in range(1, 13)]
    figures = [{"row_key": ind.key, "current": str(1000 + i + k), "base_2023": "10000"}
               for k, ind in enumerate(get_form("figures").indicators)]
    return {"tasks": tasks, "events": events, "figures": figures}


def setup_units(count: int) -> None:
    initialise(plan_id=PLAN, unit_code=DISTRICT, unit_name="环翠区", level="district")
    for i in range(count):
        add_unit(code=township_code(i), name=f"第{i + 1:03d}街道", level="town", parent_code=DISTRICT)


def make_returns(folder: Path, periods: list[str]) -> list[Path]:
    """Export every township's return for each period from one townships' database."""
    from reports.returns import export_return

    open_database(folder / "townships.sqlite3")
    setup_units(TOWNSHIPS)
    paths = []
    for period in periods:
        for i in range(TOWNSHIPS):
            code = township_code(i)
            replace_period_data(unit_code=code, period=period, data=month_data(i, period))
            paths.append(export_return(unit_code=code, period=period, out_dir=folder / "returns").path)
    close_database()
    return paths


def calamine_floor(paths: list[Path]) -> float:
    """Open each file and read every sheet with python-calamine, nothing else."""
    start = time.perf_counter()
    for path in paths:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def time_merge(paths: list[Path], folder: Path, template: Path) -> tuple[float, list[str]]:
    """Merge all files into a fresh copy of the district database; return the time and the verdicts."""
    from reports.merge import merge

    target = folder / "district-run.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(template, target)
    open_database(target)
    start = time.perf_counter()
    results = merge(paths, user="bench")
    elapsed = time.perf_counter() - start
    close_database()
    return elapsed, [r.verdict for r in results]


def time_parts(paths: list[Path]) -> tuple[float, float]:
    """The file check alone and the reader alone over the same files (best of two)."""
    from reports.filecheck import check_file
    from reports.xlsx_reader import read_return

    check = read = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for path in paths:
            check_file(path)
        check = min(check, time.perf_counter() - start)
        start = time.perf_counter()
        for path in paths:
            read_return(path)
        read = min(read, time.perf_counter() - start)
    return check, read


def run(count_label: str, paths: list[Path], folder: Path, template: Path, repeat: int) -> tuple[float, float]:
    """Time floor and merge alternately (best of `repeat`), print one line; return (ms per file, ratio)."""
    n = len(paths)
    calamine_floor(paths[:20])  # warm the file cache and the libraries
    best_floor = best_merge = float("inf")
    verdicts: list[str] = []
    pairs = []  # each repeat's merge against the floor measured just before it
    for _ in range(repeat):
        floor = calamine_floor(paths)
        elapsed, verdicts = time_merge(paths, folder, template)
        best_floor, best_merge = min(best_floor, floor), min(best_merge, elapsed)
        pairs.append(elapsed / floor)
    check, read = time_parts(paths)
    accepted = sum(v == "accepted" for v in verdicts)
    per = lambda t: t / n * 1000  # noqa: E731
    print(f"{count_label:>6} returns  floor {per(best_floor):6.2f} ms/file   merge {per(best_merge):6.2f} ms/file   "
          f"ratio {best_merge / best_floor:5.2f}×   (check {per(check):.2f}, read {per(read):.2f}, "
          f"rest {per(best_merge - check - read):.2f} ms/file; {accepted}/{n} accepted)")
    print(f"{'':>6}          each repeat against the floor just before it: {min(pairs):.2f}–{max(pairs):.2f}×")
    if accepted != n:
        print(f"       not all accepted: {sorted(set(verdicts))}")
    return per(best_merge), best_merge / best_floor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also merge 2,000 returns (ten months)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["LIANGXIN_DATA_DIR"] = str(folder / "userdata")
        periods = ["2025-10"] + ([f"2025-{m:02d}" for m in range(1, 10)] if args.large else [])
        start = time.perf_counter()
        paths = make_returns(folder, periods)
        print(f"made {len(paths)} returns with the program's export in {time.perf_counter() - start:.0f} s "
              f"({sum(p.stat().st_size for p in paths) / len(paths) / 1024:.0f} kB each)")
        template = folder / "district.sqlite3"
        open_database(template)
        setup_units(TOWNSHIPS)
        close_database()
        small = run(str(TOWNSHIPS), paths[:TOWNSHIPS], folder, template, args.repeat)
        if args.large:
            large = run(str(len(paths)), paths, folder, template, max(1, args.repeat - 2))
            # Against the floor measured beside each, so a busy machine weighs on both sizes alike.
            print(f"per-file cost at {len(paths)} vs {TOWNSHIPS}: {large[0] / small[0]:.2f}× in ms, "
                  f"{large[1] / small[1]:.2f}× against the floor (1.00 = linear growth)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
