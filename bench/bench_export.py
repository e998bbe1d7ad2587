"""Benchmark: exporting returns against bare xlsxwriter writing the same cells without formatting.

Run on demand (not part of pytest):

    python bench/bench_export.py [--repeat 30]

Prints, for a township's return and for a 30-township district summary, the time of the program's writer
(layout, formats, borders, merges, print setup, metadata) and of the full export (database read, hash, record,
temporary file and rename), each as a ratio against the floor measured in the same run: bare xlsxwriter writing
exactly the cell values of the program's own file (read back once, untimed), one write call each, without
formats, merges or page setup. Goal: writer ≤ 2× floor. Each figure is the best of --repeat runs, floor and
writer alternating, so load from other programs hits both alike; on a busy machine, repeat more.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402

from bench.timing import best_alternating  # noqa: E402
from forms import all_forms  # noqa: E402
from models.database import close_database, open_database  # noqa: E402
from models.entries import form_rows, replace_period_data  # noqa: E402
from models.units import initialise, set_setting  # noqa: E402
from reports.returns import export_return, return_header, sheet_rows  # noqa: E402
from reports.xlsx_layout import with_unit_column  # noqa: E402
from reports.xlsx_meta import FormRef, ReturnMeta  # noqa: E402
from reports.xlsx_writer import WORKBOOK_OPTIONS, SheetRow, SheetSpec, write_workbook  # noqa: E402

TOWN, PERIOD, TOWNSHIPS = "371002001", "2025-10", 30
NARRATIVE = "已组织重点企业开展设备更新需求摸排，新增入库项目3个，总投资1.2亿元；下一步对接金融机构推动贴息政策落地。"


def _month() -> dict:
    """A busy township month: every task reported, a dozen events, every figure."""
    from forms import get_form

    tasks = [{"row_key": str(i), "status": "推进中", "achieved": str(i), "narrative": NARRATIVE,
              "problems": "资金压力较大", "next_steps": "加快推进"} for i in range(1, 28)]
    events = [{"date": f"2025-10-{d:02d}", "type": "汽车促销", "name": f"金秋车展第{d}场", "place": "会展中心",
               "organiser": "区商务局", "enterprises": d, "visitors": 100 * d, "deals": 3 * d,
               "sales": str(Decimal(d) * Decimal("12.34")), "subsidies": "1.5"} for d in range(1, 13)]
    figures = [{"row_key": ind.key, "current": "1200", "base_2023": "10000"} for ind in get_form("figures").indicators]
    return {"tasks": tasks, "events": events, "figures": figures}


def _bare(path: Path, sheets: list[tuple[str, list[list]]]) -> None:
    """The floor: the same cell values, one write call each, no formats, merges, setup or metadata."""
    wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    for name, rows in sheets:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()))
                else:
                    ws.write_number(r, c, float(value))
    wb.close()


def _cells(path: Path) -> list[tuple[str, list[list]]]:
    """Every cell value of a written workbook (all sheets, the hidden one too), read back once, untimed."""
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
        return [(name, [[v if v != "" else None for v in row]
                        for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)])
                for name in wb.sheet_names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["LIANGXIN_DATA_DIR"] = str(tmp / "userdata")
        open_database(tmp / "bench.sqlite3")
        initialise(plan_id="huancui", unit_code=TOWN, unit_name="环翠楼街道", level="town", parent_code="371002",
                   parent_name="环翠区")
        for key, value in {"signatory_head": "王建国", "signatory_filler": "张晓红"}.items():
            set_setting(key, value)
        replace_period_data(unit_code=TOWN, period=PERIOD, data=_month())
        from models.units import get_unit

        unit = get_unit(TOWN)
        header = return_header(unit, PERIOD, report_date=dt.date(2025, 11, 3), created=dt.datetime(2025, 11, 3))
        forms = all_forms()
        rows = {f.id: form_rows(unit_code=TOWN, period=PERIOD, form_id=f.id) for f in forms}
        town_specs = [SheetSpec(f, sheet_rows(f, rows[f.id])) for f in forms]
        meta = ReturnMeta(kind="return", unit_code=TOWN, unit_name=unit.name, parent_code="371002", period=PERIOD,
                          revision=1, return_uuid="bench", program_version="bench", content_hash="0" * 64,
                          created_at="", forms=[FormRef(f.id, f.version, f.sheet_name) for f in forms])
        district_specs = []
        for f in forms:
            summary = with_unit_column(f)
            district_specs.append(SheetSpec(summary, [
                SheetRow({**r.values, "unit_name": f"第{t + 1:02d}街道"}, r.row_key, r.decimals)
                for t in range(TOWNSHIPS) for r in sheet_rows(f, rows[f.id])]))
        cases = [
            ("township return", town_specs, meta),
            (f"{TOWNSHIPS}-township district", district_specs, None),
        ]
        print(f"{'case':<26}{'cells':>8}{'floor ms':>10}{'writer ms':>11}{'ratio':>7}")
        for name, specs, case_meta in cases:
            ours = tmp / "ours.xlsx"
            write_workbook(ours, sheets=specs, header=header, meta=case_meta)
            cells = _cells(ours)  # the floor writes exactly these values, without any formatting
            count = sum(v is not None for _, rows_ in cells for r in rows_ for v in r)
            floor, writer = best_alternating(lambda c=cells: _bare(tmp / "bare.xlsx", c),
                                  lambda s=specs, m=case_meta, o=ours: write_workbook(o, sheets=s, header=header, meta=m,
                                                                                      atomic=False),
                                  args.repeat)
            print(f"{name:<26}{count:>8}{floor * 1000:>10.1f}{writer * 1000:>11.1f}{writer / floor:>6.2f}×")
        out = tmp / "exports"
        town_cells = _cells(export_return(unit_code=TOWN, period=PERIOD, out_dir=out).path)
        floor, full = best_alternating(lambda: _bare(tmp / "bare.xlsx", town_cells),
                            lambda: export_return(unit_code=TOWN, period=PERIOD, out_dir=out), args.repeat)
        print(f"{'township full export':<26}{'':>8}{floor * 1000:>10.1f}{full * 1000:>11.1f}{full / floor:>6.2f}×"
              "   (database read, hash, record, rename)")
        close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
