"""Printed pages: the signatures and notes never print alone; they keep the table's last rows with them.

The writer prints one page wide by a computed scale (Excel ignores manual page breaks under "fit to") and places
every horizontal page break itself from the layout's row heights. Files are read back with openpyxl, and a busy
表1 is printed to PDF with LibreOffice to see that its last page holds table rows.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest

from forms import get_form
from reports import xlsx_layout as lay
from reports.xlsx_writer import ReturnHeader, SheetRow, SheetSpec, write_workbook
from tests.conftest import missing_prerequisite
from tests.office import require_soffice

HEADER = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠楼街道", unit_code="371002001", period="2025-10",
                      signatories={"head": "王建国"}, report_date=dt.date(2025, 11, 3))
LONG = "已组织重点企业开展设备更新需求摸排，新增入库项目3个，总投资1.2亿元；下一步对接金融机构推动贴息政策落地。" * 2


def _tasks(n: int, narrative: str) -> SheetSpec:
    rows = [SheetRow({"no": str(i), "section": "一、实施设备更新", "title": f"任务{i}", "lead_units": "区发展和改革局",
                      "status": "推进中", "achieved": i, "narrative": narrative, "problems": "资金压力较大"}, str(i))
            for i in range(1, n + 1)]
    return SheetSpec(get_form("tasks"), rows)


def _events(n: int) -> SheetSpec:
    rows = [SheetRow({"date": dt.date(2025, 10, 1 + i % 28), "type": "汽车促销", "name": f"金秋车展第{i}场",
                      "enterprises": i, "visitors": 10 * i}) for i in range(n)]
    return SheetSpec(get_form("events"), rows)


def _written(tmp_path: Path, spec: SheetSpec):
    """Write one sheet; return it read back with openpyxl, and where its parts went."""
    path = tmp_path / f"{spec.form.id}_{len(spec.rows)}.xlsx"
    (written,) = write_workbook(path, sheets=[spec], header=HEADER)
    return openpyxl.load_workbook(path)[written.name], written, path


def _expected_breaks(ws, written) -> list[int]:
    """Where the layout says the pages break, from the row heights and scale stored in the file (0-based rows)."""
    default = ws.sheet_format.defaultRowHeight
    heights = [ws.row_dimensions[r + 1].height or default for r in range(written.last_row + 1)]
    layout = written.layout
    return lay.page_breaks(heights, repeat=(layout.header_first_row, layout.code_row), first_row=layout.first_data_row,
                           footer_row=written.footer_row, scale=ws.page_setup.scale)


def _breaks(ws) -> list[int]:
    """The manual row breaks in the file, as the 0-based row that starts each new page."""
    return [brk.id for brk in ws.row_breaks.brk]  # <brk id="n"> breaks after 1-based row n


def test_busy_tasks_sheet_breaks_before_its_last_rows(tmp_path):
    ws, written, _ = _written(tmp_path, _tasks(27, LONG))
    breaks = _breaks(ws)
    assert breaks == _expected_breaks(ws, written)
    assert len(breaks) >= 5  # 27 rows of eleven lines do not fit on a few pages
    # rows of eleven lines: two of them, the footer and the notes fill the last page
    assert breaks[-1] == written.footer_row - 2
    assert written.first_data_row < breaks[0]
    assert all(brk.man for brk in ws.row_breaks.brk)


def test_footer_that_would_start_a_page_takes_the_last_rows_with_it(tmp_path):
    """Choose a table length whose last page, filled row by row, would hold only the footer and notes."""
    layout = lay.sheet_layout(get_form("tasks"))
    for n in range(3, 60):
        ws, written, _ = _written(tmp_path, _tasks(n, "按计划推进"))
        heights = [ws.row_dimensions[r + 1].height or ws.sheet_format.defaultRowHeight
                   for r in range(written.last_row + 1)]
        greedy = _greedy(heights, layout, ws.page_setup.scale)
        if greedy and greedy[-1] >= written.footer_row:  # row by row, the footer would open a page
            break
    else:
        pytest.fail("no table length leaves the footer alone when filled row by row")
    breaks = _breaks(ws)
    assert breaks[-1] == written.footer_row - lay.KEEP_WITH_FOOTER
    assert breaks == _expected_breaks(ws, written)


def _greedy(heights: list[float], layout: lay.SheetLayout, scale: int) -> list[int]:
    """Page breaks of rows filled one by one, nothing kept together (what a spreadsheet program does)."""
    room = lay.PAGE_HEIGHT * lay.PAGE_FILL * 100 / scale
    repeated = sum(heights[layout.header_first_row:layout.code_row + 1])
    breaks, used = [], sum(heights[:layout.first_data_row])
    for r in range(layout.first_data_row, len(heights)):
        if used + heights[r] > room and r > layout.first_data_row:
            breaks.append(r)
            used = repeated
        used += heights[r]
    return breaks


def test_short_sheets_have_no_breaks_and_print_one_page_wide(tmp_path):
    for spec in (_events(3), _tasks(2, "按计划推进"), SheetSpec(get_form("events"), [])):
        ws, written, path = _written(tmp_path, spec)
        assert _breaks(ws) == []
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        table = sum(lay.column_points(c.width) for c in written.layout.columns)
        assert table * setup.scale / 100 <= lay.PAGE_WIDTH  # one page wide
        assert setup.scale >= 80  # and not needlessly small
        assert ws.print_title_rows == f"${written.layout.header_first_row + 1}:${written.layout.code_row + 1}"
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_many_events_break_every_page_themselves(tmp_path):
    ws, written, _ = _written(tmp_path, _events(60))
    breaks = _breaks(ws)
    assert breaks == _expected_breaks(ws, written)
    assert len(breaks) == 2 and breaks[-1] <= written.footer_row - lay.KEEP_WITH_FOOTER


def test_page_breaks_rule():
    """Row 0 is the repeated header (100 pt), then table rows of 100 pt, then the footer (60 pt); a page holds 490 pt."""
    common = {"repeat": (0, 0), "first_row": 1, "scale": 100}
    assert lay.PAGE_HEIGHT * lay.PAGE_FILL == pytest.approx(490, abs=1)
    # everything fits: no break
    assert lay.page_breaks([100.0] * 4 + [60.0], footer_row=4, **common) == []
    # 4 rows fit on page 1, the 5th would leave the footer alone: the last 3 rows go over with it
    assert lay.page_breaks([100.0] * 6 + [60.0], footer_row=6, **common) == [3]
    # rows of 150 pt: only two of them fit with the header and the footer
    assert lay.page_breaks([100.0] + [150.0] * 4 + [60.0], footer_row=5, **common) == [3]
    # a row taller than a page with the footer: nothing to keep, the rows break one by one
    assert lay.page_breaks([100.0] + [100.0, 400.0] + [60.0], footer_row=3, **common) == [2, 3]
    # never a break before the first table row, even when only one row and the footer fit
    assert all(b > 1 for b in lay.page_breaks([100.0] + [300.0] * 2 + [60.0], footer_row=3, **common))


def _pdf_pages(xlsx: Path, out: Path) -> list[str]:
    program = require_soffice()
    if shutil.which("pdftotext") is None:
        missing_prerequisite("pdftotext is not installed: apt-get install poppler-utils")
    # Column widths are counted in the default font's (Calibri's) digits: LibreOffice prints them as Excel does only
    # with Calibri or its metric twin Carlito; with another font the table comes out about a third wider.
    font = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    if "Carlito" not in font and "Calibri" not in font:
        missing_prerequisite("Calibri's metrics (fonts-crosextra-carlito) are not installed: apt-get install "
                             "fonts-crosextra-carlito")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), str(xlsx)], check=True, capture_output=True, timeout=300)
    pdf = out / xlsx.with_suffix(".pdf").name
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_libreoffice_prints_the_footer_with_table_rows(tmp_path):
    _, written, path = _written(tmp_path, _tasks(27, LONG))
    pages = _pdf_pages(path, tmp_path)
    assert len(pages) > 3
    footer_pages = [i for i, page in enumerate(pages) if "单位负责人" in page]
    assert footer_pages == [len(pages) - 1]
    last = pages[-1]
    # rows of eleven lines: the last two share the page with the footer and notes
    assert set(re.findall(r"任务(\d+)", last)) == {"26", "27"}, last
    assert "说明：" in last
    assert all("推进中" in page for page in pages)  # every page holds table rows
