"""The fast worksheet writes exactly the XML xlsxwriter's own Worksheet writes: every cell kind, and whole returns."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.worksheet import Worksheet

import reports.xlsx_writer as xw
from forms import get_form
from models.entries import form_rows
from models.units import subordinate_units
from reports import returns, xlsx_template
from reports.returns import export_return, sheet_rows
from reports.xlsx_fastsheet import FastWorksheet, worksheet_class
from reports.xlsx_layout import with_unit_column
from reports.xlsx_template import export_template
from reports.xlsx_writer import ReturnHeader, SheetRow, SheetSpec, write_workbook
from tests.conftest import DISTRICT, TOWN
from tests.xlsx_samples import GOLDEN_UUID, NOW, P, load_sample


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "docProps/core.xml"}  # core: the time


def test_this_xlsxwriter_gets_the_fast_sheet():
    """Otherwise the speed-up silently falls away (the tests below would still pass on the stock class)."""
    assert worksheet_class() is FastWorksheet
    assert xw.SHEET_CLASS is None  # so write_form_sheet asks worksheet_class()


def test_falls_back_to_the_stock_sheet_when_the_xml_differs(monkeypatch):
    """A newer xlsxwriter that wrote cells differently would get its own Worksheet, not a different file."""
    from reports import xlsx_fastsheet

    monkeypatch.setattr(FastWorksheet, "_write_cell", lambda self, row, col, cell: self.fh.write("<c/>"))
    monkeypatch.setattr(FastWorksheet, "_write_rows", Worksheet._write_rows)
    worksheet_class.cache_clear()
    try:
        assert xlsx_fastsheet.worksheet_class() is Worksheet
    finally:
        monkeypatch.undo()
        worksheet_class.cache_clear()
    assert worksheet_class() is FastWorksheet


def _every_kind(path: Path, sheet_class, texts: list[str], numbers: list[float], *, comment: bool = False) -> None:
    """One sheet with every kind of cell xlsxwriter writes, with and without formats."""
    wb = xlsxwriter.Workbook(str(path), {**xw.WORKBOOK_OPTIONS, "nan_inf_to_errors": True})
    ws = wb.add_worksheet("s", worksheet_class=sheet_class)
    fmts = [None, wb.add_format({"border": 1}), wb.add_format({"num_format": "0.00", "bold": True}),
            wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})]
    for c, fmt in enumerate(fmts):
        r = 0
        for text in texts:
            ws.write_string(r, c, text, fmt)
            r += 1
        for number in numbers:
            ws.write_number(r, c, number, fmt)
            r += 1
        ws.write_blank(r, c, None, fmt)
        ws.write_datetime(r + 1, c, dt.datetime(2025, 10, 31, 12, 30), fmt)
        ws.write_formula(r + 2, c, "=SUM(A1:A3)", fmt, 7)
        ws.write_formula(r + 3, c, '="a"&"b"', fmt, "ab")
        ws.write_boolean(r + 4, c, True, fmt)
        ws.write_url(r + 5, c, "https://example.org/?a=1&b=<2>", fmt)
        ws.write_rich_string(r + 6, c, "普通", wb.add_format({"bold": True}), "加粗<&>", *([fmt] if fmt else []))
        ws.write_array_formula(r + 7, c, r + 7, c, "{=SUM(A1:A2*B1:B2)}", fmt, 3)
    ws.merge_range(60, 0, 61, 3, "合并", fmts[1])
    ws.set_row(62, 30, fmts[2])
    ws.write_blank(62, 1, None)  # takes the row's format
    ws.set_column(5, 5, 12, fmts[3])
    ws.write_string(63, 5, "takes the column's format")
    ws.set_row(70, 40)  # a row with a height and no cells
    if comment:  # rows with comments: the stock row loop
        ws.write_comment(1, 1, "批注")
    wb.close()


TRICKY = ["", " leading", "trailing ", "a&b<c>\"d\"", "=1+1", "line\nbreak", "\x01ctrl\x1f", "_x0041_",
          "中文，全角　空格", "\ufffe", "😀"]


@pytest.mark.parametrize("comment", [False, True])
def test_every_cell_kind_same_xml(tmp_path, comment):
    numbers = [0, -0.0, 1, -1.5, 1e20, 1.23456789012345678, 1e-10, 12345678901234567890, math.nan, math.inf]
    _every_kind(tmp_path / "stock.xlsx", Worksheet, TRICKY, numbers, comment=comment)
    _every_kind(tmp_path / "fast.xlsx", FastWorksheet, TRICKY, numbers, comment=comment)
    assert _parts(tmp_path / "fast.xlsx") == _parts(tmp_path / "stock.xlsx")


@settings(max_examples=40, deadline=None)
@given(texts=st.lists(st.text(max_size=40), max_size=8),
       numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-10**18, 10**18), max_size=8))
def test_any_texts_and_numbers_same_xml(tmp_path_factory, texts, numbers):
    tmp = tmp_path_factory.mktemp("kinds")
    _every_kind(tmp / "stock.xlsx", Worksheet, texts, numbers)
    _every_kind(tmp / "fast.xlsx", FastWorksheet, texts, numbers)
    assert _parts(tmp / "fast.xlsx") == _parts(tmp / "stock.xlsx")


@pytest.mark.parametrize("sheet_class", [Worksheet, FastWorksheet])
def test_constant_memory_is_left_to_the_stock_path(tmp_path, sheet_class):
    wb = xlsxwriter.Workbook(str(tmp_path / f"{sheet_class.__name__}.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("s", worksheet_class=sheet_class)
    ws.write_string(0, 0, "a&b", wb.add_format({"border": 1}))
    wb.close()
    assert b't="inlineStr"' in _parts(tmp_path / f"{sheet_class.__name__}.xlsx")["xl/worksheets/sheet1.xml"]


def _both_ways(monkeypatch, tmp_path: Path, write) -> tuple[dict, dict]:
    """Write the same file with the stock and the fast worksheet; return both files' parts."""
    monkeypatch.setattr(xw, "SHEET_CLASS", Worksheet)
    stock = _parts(write(tmp_path / "stock"))
    monkeypatch.setattr(xw, "SHEET_CLASS", FastWorksheet)
    fast = _parts(write(tmp_path / "fast"))
    return stock, fast


@pytest.mark.parametrize("kind", ["return", "template"])
def test_return_and_template_same_files(sqlite_db, tmp_path, monkeypatch, kind):
    """The exporters' own calls, each also written with the stock and with the fast worksheet."""
    load_sample(TOWN)
    written = []

    def both_ways(path, **kwargs):
        for cls in (Worksheet, FastWorksheet):
            monkeypatch.setattr(xw, "SHEET_CLASS", cls)
            copy = tmp_path / f"{cls.__name__}.xlsx"
            xw.write_workbook(copy, **kwargs)
            written.append(_parts(copy))
        return xw.write_workbook(path, **kwargs)

    if kind == "return":
        monkeypatch.setattr(returns, "write_workbook", both_ways)
        export_return(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW, return_uuid=GOLDEN_UUID)
    else:
        monkeypatch.setattr(xlsx_template, "write_workbook", both_ways)
        export_template(unit_code=TOWN, period=P, out_dir=tmp_path / "out", now=NOW, template_uuid=GOLDEN_UUID)
    stock, fast = written
    assert len(stock) > 5 and fast == stock


def test_district_summary_same_file(district_db, tmp_path, monkeypatch):
    towns = subordinate_units(DISTRICT)
    for town in towns[:2]:
        load_sample(town.code)
    header = ReturnHeader(jurisdiction="威海市环翠区", unit_name="环翠区", unit_code=DISTRICT, period=P,
                          title_suffix="（汇总）", created=NOW)
    specs = []
    for form_id in ("tasks", "events", "figures"):
        form = get_form(form_id)
        specs.append(SheetSpec(with_unit_column(form), [
            SheetRow({**r.values, "unit_name": t.name}, r.row_key, r.decimals) for t in towns
            for r in sheet_rows(form, form_rows(unit_code=t.code, period=P, form_id=form_id))]))

    def write(folder: Path) -> Path:
        folder.mkdir()
        write_workbook(folder / "summary.xlsx", sheets=specs, header=header)
        return folder / "summary.xlsx"

    stock, fast = _both_ways(monkeypatch, tmp_path, write)
    assert fast == stock


@pytest.mark.parametrize("expand", [False, True])
def test_formulas_prepared_as_stock(expand):
    formulas = ["=SUM(A1:A3)", "SUM(B2:B20)", "=SUM($C$9:C200)", "=SUM(AA1:AB2)", "=SUM(A1:A3)+1", "=SUM(A1,A3)",
                "=XLOOKUP(A1,B:B,C:C)", "=STDEV.S(A1:A3)", "{=SUM(A1:A2*B1:B2)}", "=_xlfn.SUM(A1:A2)", "=SUMIFS(A:A,B:B,1)"]
    stock, fast = Worksheet(), FastWorksheet()
    for formula in formulas:
        assert fast._prepare_formula(formula, expand) == stock._prepare_formula(formula, expand), formula


def test_wide_sheets_same_xml(tmp_path):
    """Column letters past Z, AZ and ZZ, as a district summary with many columns could need."""
    for cls in (Worksheet, FastWorksheet):
        wb = xlsxwriter.Workbook(str(tmp_path / f"{cls.__name__}.xlsx"), xw.WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("s", worksheet_class=cls)
        fmt = wb.add_format({"border": 1})
        for c in (0, 25, 26, 51, 52, 701, 702, 16383):
            ws.write_string(c % 7, c, f"c{c}", fmt)
            ws.write_number(20 + c % 5, c, c, fmt)
        wb.close()
    assert _parts(tmp_path / "FastWorksheet.xlsx") == _parts(tmp_path / "Worksheet.xlsx")


def test_merge_text_is_merge_range_then_write_string(tmp_path):
    """The same cells, merge records and dimensions, and the same refusal of an overlapping merge."""
    ranges = [(0, 0, 0, 5), (1, 0, 3, 0), (1, 1, 2, 4), (5, 5, 4, 2), (7, 7, 7, 7), (1_048_575, 0, 1_048_576, 1)]
    for cls in (Worksheet, FastWorksheet):
        wb = xlsxwriter.Workbook(str(tmp_path / f"{cls.__name__}.xlsx"), xw.WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("s", worksheet_class=cls)
        fmt = wb.add_format({"border": 1, "align": "center"})
        for i, (r1, c1, r2, c2) in enumerate(ranges):
            with pytest.warns(UserWarning) if (r1, c1) == (r2, c2) else contextlib.nullcontext():
                if cls is FastWorksheet:
                    ws.merge_text(r1, c1, r2, c2, f"合并{i} & <b>", fmt)
                else:
                    if ws.merge_range(r1, c1, r2, c2, "", fmt) == 0:
                        ws.write_string(r1, c1, f"合并{i} & <b>", fmt)
        with pytest.raises(OverlappingRange, match="overlaps previous merge range 'B2:E3'"):
            (ws.merge_text if cls is FastWorksheet else ws.merge_range)(2, 3, 2, 6, "x", fmt)
        wb.close()
    assert _parts(tmp_path / "FastWorksheet.xlsx") == _parts(tmp_path / "Worksheet.xlsx")
