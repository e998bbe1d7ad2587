"""An xlsxwriter worksheet that writes formatted cells' XML faster, byte for byte as the stock one does.

A return is almost all formatted cells (borders, number formats). For each of them the stock
``Worksheet._write_cell`` builds an attribute list and escapes every attribute, and the integer style index
goes through a regex search that raises and catches a ``TypeError``. Neither can change anything for the
cells we write: a cell reference is letters and digits, a style index is an integer. ``FastWorksheet``
writes those cells' ``<c>`` elements directly and hands everything else (unformatted cells, formulas, rich
strings, constant-memory mode) to the stock method, and skips the future-function substitutions for plain SUM
formulas (the totals), which they never change; so the file is the same: tests/test_xlsx_fastsheet.py
compares every part of whole returns and templates written both ways.

The worksheet class is xlsxwriter's own extension point (``Workbook.add_worksheet(worksheet_class=...)``);
``worksheet_class()`` says which class to use: the fast one only when, in this process, it writes a small sheet
of every cell kind exactly as the stock one does, so another xlsxwriter version falls back to the stock class.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

try:
    from xlsxwriter.utility import xl_col_to_name, xl_range, xl_rowcol_to_cell_fast
    from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple
except ImportError:  # a version with other internals: write the stock way
    FastWorksheet = None
else:
    _STRING, _NUMBER, _DATETIME, _BLANK = CellStringTuple, CellNumberTuple, CellDatetimeTuple, CellBlankTuple
    _PLAIN_SUM = re.compile(r"=?SUM\(\$?[A-Z]{1,3}\$?[0-9]+:\$?[A-Z]{1,3}\$?[0-9]+\)")

    class FastWorksheet(Worksheet):
        """A Worksheet whose formatted string, number, date and blank cells skip the generic attribute path."""

        def _write_rows(self) -> None:
            # The stock loop, with the formatted cells written inline: spans per block of 16 rows from each row's
            # first and last column, rows in order, each row's cells in column order.
            if self.comments or self.constant_memory:
                super()._write_rows()
                return
            table, row_info = self.table, self.row_info
            bounds: dict[int, tuple[int, int]] = {}
            for row_num, cells in table.items():
                if cells:
                    lo, hi = min(cells), max(cells)
                    seen = bounds.get(row_num // 16)
                    if seen is not None:
                        lo, hi = min(lo, seen[0]), max(hi, seen[1])
                    bounds[row_num // 16] = (lo, hi)
            self.row_spans = spans = {block: f"{lo + 1}:{hi + 1}" for block, (lo, hi) in bounds.items()}
            write, write_row, write_cell = self.fh.write, self._write_row, self._write_cell
            names = _column_names(self.dim_colmax)
            for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
                cells = table.get(row_num)
                if cells:
                    write_row(row_num, spans.get(row_num // 16), row_info.get(row_num))
                    r = str(row_num + 1)
                    for col in sorted(cells):
                        cell = cells[col]
                        fmt, kind = cell.format, cell.__class__
                        if fmt is None:
                            write_cell(row_num, col, cell)
                        elif kind is _STRING:
                            write(f'<c r="{names[col]}{r}" s="{fmt._get_xf_index()}" t="s"><v>{cell.string}</v></c>')
                        elif kind is _BLANK:
                            write(f'<c r="{names[col]}{r}" s="{fmt._get_xf_index()}"/>')
                        elif kind is _NUMBER or kind is _DATETIME:
                            write(f'<c r="{names[col]}{r}" s="{fmt._get_xf_index()}"><v>{cell.number:.16G}</v></c>')
                        else:
                            write_cell(row_num, col, cell)
                    write("</row>")
                elif row_num in row_info:
                    self._write_empty_row(row_num, spans.get(row_num // 16), row_info[row_num])

        def merge_text(self, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
                       cell_format) -> int:
            """merge_range(…, "", cell_format) and write_string(first_row, first_col, text, cell_format) in one step.

            The same checks, cells and merge record as the two stock calls, without writing the first cell twice
            or checking each padding blank's position again (the corners were checked).
            """
            if (self.constant_memory or (first_row, first_col) == (last_row, last_col) or first_row > last_row
                    or first_col > last_col):
                return self._stock_merge_text(first_row, first_col, last_row, last_col, text, cell_format)
            if self._check_dimensions(first_row, first_col) or self._check_dimensions(last_row, last_col):
                return -1
            cells = [(r, c) for r in range(first_row, last_row + 1) for c in range(first_col, last_col + 1)]
            merged, taken = self.merged_cells, self.table_cells
            if any(merged.get(cell) or taken.get(cell) for cell in cells):  # the stock call raises OverlappingRange
                return self._stock_merge_text(first_row, first_col, last_row, last_col, text, cell_format)
            cell_range = xl_range(first_row, first_col, last_row, last_col)
            for cell in cells:
                merged[cell] = cell_range
            self.merge.append([first_row, first_col, last_row, last_col])
            table, blank = self.table, _BLANK(cell_format)
            for r, c in cells[1:]:
                table[r][c] = blank
            return self._write_string(first_row, first_col, text, cell_format)

        def _stock_merge_text(self, first_row, first_col, last_row, last_col, text, cell_format) -> int:
            rc = self.merge_range(first_row, first_col, last_row, last_col, "", cell_format)
            return rc or self.write_string(first_row, first_col, text, cell_format)

        def _prepare_formula(self, formula, expand_future_functions=False):
            # The stock method tries some thirty substitutions (Excel 365's function prefixes) on every formula;
            # none of them touches a plain SUM over a range, which is every formula of a return.
            if _PLAIN_SUM.fullmatch(formula):
                return formula[1:] if formula.startswith("=") else formula
            return super()._prepare_formula(formula, expand_future_functions)

        def _write_cell(self, row: int, col: int, cell) -> None:
            fmt = cell.format
            kind = cell.__class__
            if fmt is None or self.constant_memory:
                super()._write_cell(row, col, cell)
            elif kind is _STRING:
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s">'
                              f'<v>{cell.string}</v></c>')
            elif kind is _BLANK:
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"/>')
            elif kind is _NUMBER or kind is _DATETIME:
                self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}">'
                              f'<v>{cell.number:.16G}</v></c>')
            else:
                super()._write_cell(row, col, cell)

    _NAMES: tuple[str, ...] = ()

    def _column_names(last: int) -> tuple[str, ...]:
        """Column letters A, B, … at least up to index last, shared by every sheet."""
        global _NAMES
        names = _NAMES
        if len(names) <= last:  # a new tuple, bound in one step: exports on other threads see the old or the new
            names = _NAMES = tuple(xl_col_to_name(i) for i in range(max(last + 1, 2 * len(names), 32)))
        return names


@functools.cache
def worksheet_class() -> type[Worksheet]:
    """The worksheet class to write returns with: the fast one when it writes what this xlsxwriter writes.

    Checked once per process on a small sheet of every cell kind a return has, so a newer xlsxwriter that
    writes cells differently gets its own, stock, Worksheet rather than a file that differs from it.
    """
    if FastWorksheet is None:
        return Worksheet
    try:
        return FastWorksheet if _same_xml() else Worksheet
    except Exception:  # internals moved: whatever went wrong, the stock class writes correct files
        return Worksheet


def _same_xml() -> bool:
    """True when the fast and the stock worksheet write the same sheet data and prepare formulas alike."""
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True, "strings_to_formulas": False})
    bordered, decimal = workbook.add_format({"border": 1}), workbook.add_format({"num_format": "0.00", "bold": True})
    xml = []
    for cls in (Worksheet, FastWorksheet):
        ws = workbook.add_worksheet(worksheet_class=cls)
        for r in range(0, 40, 3):
            ws.write_string(r, 0, f"文本 & <{r}>", bordered)
            ws.write_number(r, 2, r / 7, decimal)
            ws.write_blank(r, 3, None, bordered)
            ws.write_datetime(r, 4, dt.datetime(2025, 10, 1 + r % 28), decimal)
            ws.write_string(r + 1, 1, "plain")
            ws.set_row(r + 2, 30)
        for r1, c1, r2, c2 in ((41, 0, 42, 2), (43, 3, 43, 6), (44, 7, 46, 7)):
            if cls is FastWorksheet:
                ws.merge_text(r1, c1, r2, c2, "合并", bordered)
            else:
                ws.merge_range(r1, c1, r2, c2, "", bordered)
                ws.write_string(r1, c1, "合并", bordered)
        ws.write_formula(47, 2, "=SUM(C1:C40)", decimal, 12.5)
        ws.fh = io.StringIO()
        ws._write_sheet_data()
        ws._write_merge_cells()
        xml.append((ws.fh.getvalue(), ws._prepare_formula("=SUM(C1:C40)"), ws._prepare_formula("=SUM(A1,B2)"),
                    ws.merged_cells, (ws.dim_rowmin, ws.dim_rowmax, ws.dim_colmin, ws.dim_colmax)))
    return xml[0] == xml[1]
