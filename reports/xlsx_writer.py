"""Write official-layout return workbooks with xlsxwriter, driven only by the form declarations.

Building blocks, from the top down:

- ``write_workbook(path, sheets=[SheetSpec, …], header=ReturnHeader, meta=ReturnMeta | None, template=False)``
  writes a whole workbook atomically (a temporary file in the same folder, renamed at the end).
- ``write_form_sheet(workbook, styles, spec, header, template=False)`` adds one form's sheet to an open
  xlsxwriter workbook and returns where things went (``WrittenSheet``).
- ``SheetSpec(form, rows=[SheetRow(values, row_key, decimals), …])`` is the data: the rows to write, as given.
  The writer never queries the database, so a district summary (one row per township plus 合计) reuses it by
  passing its own rows — and, if it wants a leading 填报单位 column, a Form copy with an extra row field.

Every user text goes through ``write_string`` with ``strings_to_formulas`` off, so "=1+1" stays text. Totals
are SUM formulas carrying their computed value, for readers that do not recalculate.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from forms.schema import Field, Form
from models.errors import DataError
from models.periods import period_bounds, period_label
from reports import xlsx_layout as lay
from reports.xlsx_fastsheet import worksheet_class
from reports.xlsx_meta import ReturnMeta, write_meta

FONT = "宋体"  # SimSun: on every Chinese Windows PC, and mapped to a CJK font elsewhere
TITLE_FONT_SIZE = 16
BODY_FONT_SIZE = 10
INPUT_FILL = "#FFF8DC"  # template cells to fill in
COMPUTED_FILL = "#EDEDED"  # template cells the program computes
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
                    "in_memory": True}
TEMPLATE_MIN_LINES = 2
NARROW = 10  # row texts in columns this narrow (序号, 计量单位) are centred, not wrapped
SHEET_CLASS = None  # None: worksheet_class(), decided at the first write (the same XML as xlsxwriter's own, faster)


@dataclass(frozen=True)
class ReturnHeader:
    """The frame around the tables: jurisdiction, reporting unit, period, signatories, dates."""

    jurisdiction: str
    unit_name: str
    unit_code: str
    period: str
    signatories: dict[str, str] = field(default_factory=dict)  # head, stats, filler, phone
    report_date: dt.date | None = None  # 报出日期; None leaves it for handwriting (templates)
    overrides: dict[str, str] = field(default_factory=dict)  # authority, approval_no, valid_until
    created: dt.datetime | None = None  # the document's creation time (fixed for golden files)
    title_suffix: str = ""  # e.g. "（汇总）" for a district summary


@dataclass
class SheetRow:
    """One table row: its values by field key, its row key, and its decimals for per-row units."""

    values: dict
    row_key: str = ""
    decimals: int | None = None


@dataclass
class SheetSpec:
    """One form's sheet: the form (its layout), the rows to write and, for templates, blank rows to add."""

    form: Form
    rows: list[SheetRow]
    sheet_name: str | None = None
    blank_rows: int = 0


@dataclass(frozen=True)
class WrittenSheet:
    """Where a sheet's parts ended up (0-based rows)."""

    name: str
    layout: lay.SheetLayout
    first_data_row: int
    last_data_row: int  # first_data_row - 1 when there are no rows
    totals_row: int | None
    footer_row: int
    last_row: int


class Styles:
    """xlsxwriter formats made once per workbook and shared, keyed by their properties."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        """Return the format with these properties (宋体 10 pt unless given)."""
        fast = tuple(props.items())  # a call site passes its properties in the same order every time
        fmt = self._cache.get(fast)
        if fmt is None:
            props.setdefault("font_name", FONT)
            props.setdefault("font_size", BODY_FONT_SIZE)
            key = tuple(sorted(props.items()))
            fmt = self._cache.get(key)
            if fmt is None:
                fmt = self._cache[key] = self.workbook.add_format(props)
            self._cache[fast] = fmt
        return fmt

    def cell(self, fld: Field, *, num_format: str | None, template: bool):
        """Return the bordered format of a table cell of this field."""
        props: dict = {"border": 1, "valign": "vcenter"}
        if fld.numeric or fld.type == "date":
            props["align"] = "right" if fld.numeric else "center"
        elif fld.type == "choice" or (fld.source == "row" and fld.width <= NARROW):
            props["align"] = "center"
        else:
            props["text_wrap"] = True
        if num_format:
            props["num_format"] = num_format
        if template and fld.editable:
            props["locked"] = False
            props["bg_color"] = INPUT_FILL
        elif template and fld.source == "computed":
            props["bg_color"] = COMPUTED_FILL
        return self.get(**props)


def cannot_write(path: Path, exc: Exception) -> str:
    """Say, in the user's words, why a file could not be written."""
    why = getattr(exc, "strerror", None) or str(exc)
    return f"{path}: 无法写入（{why}）；请确认文件夹可写、同名文件没有在 Excel/WPS 中打开"


STALE_PARTIAL_SECONDS = 3600  # older than any export in progress: left by a crash or a killed program


def partial_path(path: Path) -> Path:
    """Return a hidden temporary name beside path, sweeping away stale ones a killed export left there."""
    sweep_stale_partials(path.parent)
    return path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}.partial")


def sweep_stale_partials(folder: Path) -> int:
    """Delete hidden .partial files older than an hour in folder; return how many went."""
    cutoff, gone = time.time() - STALE_PARTIAL_SECONDS, 0
    for stale in folder.glob(".*.partial"):
        try:
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
                gone += 1
        except OSError:  # another program holds it, or it went meanwhile: leave it
            continue
    return gone


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it to `path` only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = partial_path(path)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_workbook(path: str | Path, *, sheets: list[SheetSpec], header: ReturnHeader,
                   meta: ReturnMeta | None = None, template: bool = False, atomic: bool = True) -> list[WrittenSheet]:
    """Write a workbook with one sheet per spec (plus the hidden metadata); atomic unless told otherwise."""
    if atomic:
        try:
            with atomic_output(path) as tmp:
                return write_workbook(tmp, sheets=sheets, header=header, meta=meta, template=template, atomic=False)
        except (OSError, FileCreateError) as exc:
            raise DataError(cannot_write(Path(path), exc)) from exc
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    try:
        styles = Styles(workbook)
        written = [write_form_sheet(workbook, styles, spec, header, template=template) for spec in sheets]
        if meta is not None:
            write_meta(workbook, meta)
        _set_properties(workbook, header, template)
    finally:
        workbook.close()
    return written


def _set_properties(workbook, header: ReturnHeader, template: bool) -> None:
    kind = "空白模板" if template else "月报"
    props = {"title": f"{header.unit_name} {period_label(header.period)} 两新{kind}",
             "subject": "推动大规模设备更新和消费品以旧换新", "author": header.unit_name,
             "company": header.unit_name, "category": f"两新{kind}", "keywords": f"{header.unit_code} {header.period}"}
    if header.created is not None:
        props["created"] = header.created
    workbook.set_properties(props)


def write_form_sheet(workbook, styles: Styles, spec: SheetSpec, header: ReturnHeader, *,
                     template: bool = False) -> WrittenSheet:
    """Add one form's sheet: frame, grouped headers, rows, 合计, signatures, notes and print setup."""
    form = spec.form
    layout = lay.sheet_layout(form, lines=lay.top_lines(form, header.overrides))
    name = spec.sheet_name or form.sheet_name
    ws = workbook.add_worksheet(name, worksheet_class=SHEET_CLASS or worksheet_class())
    widths = [c.width for c in layout.columns]
    for col in layout.columns:
        ws.set_column(col.index, col.index, col.width)
    _write_frame(ws, styles, layout, header, widths)
    _write_headers(ws, styles, layout)
    first = layout.first_data_row
    rows = _RowWriter(ws, layout, styles, template=template, sheet=name)
    row = first
    for sheet_row in spec.rows:
        rows.write(row, sheet_row)
        row += 1
    blank = SheetRow({})
    for _ in range(spec.blank_rows):
        rows.write(row, blank)
        row += 1
    last = row - 1
    totals = None
    if layout.total_columns:
        totals = row
        _write_totals(ws, styles, layout, totals, first, last, spec.rows)
        row += 1
    if template:
        _add_validation(ws, layout, first, last, header.period)
    footer = row
    _write_footer(ws, styles, layout, footer, header, widths)
    end = _write_notes(ws, styles, layout, footer + 1, widths)
    _page_setup(ws, layout, end, footer=footer, variable_rows=form.rows == "events" and template, template=template)
    return WrittenSheet(name, layout, first, last, totals, footer, end)


def _write_frame(ws, styles: Styles, layout: lay.SheetLayout, header: ReturnHeader, widths: list[float]) -> None:
    last = layout.last_col
    first_right, _ = lay.right_span(widths)
    small = styles.get(font_size=9, align="left", valign="vcenter")
    right_width = sum(widths[first_right:])
    for r, line in enumerate(layout.top_lines):
        if lay.fits_on_line(line, right_width):  # overflows to the right: a merge's look without its blanks
            ws.write_string(r, first_right, line, small)
        else:
            _merge(ws, r, first_right, r, last, line, small)
    title = header.jurisdiction + layout.form.title if not layout.form.title.startswith(header.jurisdiction) \
        else layout.form.title
    title_fmt = styles.get(bold=True, font_size=TITLE_FONT_SIZE, align="center", valign="vcenter", text_wrap=True)
    _merge(ws, layout.title_row, 0, layout.title_row, last, title + header.title_suffix, title_fmt)
    ws.set_row(layout.title_row, 34)
    items = [f"填报单位（盖章）：{header.unit_name}", f"单位代码：{header.unit_code}",
             f"报告期：{period_label(header.period)}", f"计量单位：{layout.form.measure_unit}"]
    _write_spans(ws, styles, layout.info_row, widths, items)
    ws.set_row(layout.info_row, 20)


def _write_spans(ws, styles: Styles, row: int, widths: list[float], items: list[str]) -> None:
    """Spread items over the row in runs of about equal width (sharing one when a text needs more): first left,
    last right, others centred."""
    parts, items = lay.fitted_spans(widths, items)
    for i, ((c1, c2), text) in enumerate(zip(parts, items, strict=True)):
        align = "left" if i == 0 else ("right" if i == len(items) - 1 else "center")
        fmt = styles.get(align=align, valign="vcenter")
        # A text that fits overflows into its empty run from its first (left) or last (right) cell: the look of
        # a merge, without its blank cells. Centred texts stay merged (a cell's overflow centres on that cell).
        if align != "center" and lay.fits_on_line(text, sum(widths[c1:c2 + 1])):
            ws.write_string(row, c1 if align == "left" else c2, text, fmt)
        else:
            _merge(ws, row, c1, row, c2, text, fmt)


def _write_headers(ws, styles: Styles, layout: lay.SheetLayout) -> None:
    head = styles.get(border=1, align="center", valign="vcenter", text_wrap=True)
    label_lines = 1
    for group, c1, c2 in lay.header_groups(layout):
        if group is None:
            col = layout.columns[c1]
            top = layout.group_row if layout.group_row is not None else layout.label_row
            _merge(ws, top, c1, layout.label_row, c1, col.label, head)
            label_lines = max(label_lines, lay.text_lines(col.label, col.width) - (top != layout.label_row))
        else:
            _merge(ws, layout.group_row, c1, layout.group_row, c2, group, head)
            for col in layout.columns[c1:c2 + 1]:
                ws.write_string(layout.label_row, col.index, col.label, head)
                label_lines = max(label_lines, lay.text_lines(col.label, col.width))
    if layout.group_row is not None:
        ws.set_row(layout.group_row, lay.row_height(1) + 2)
    ws.set_row(layout.label_row, lay.row_height(label_lines) + 2)
    code_fmt = styles.get(border=1, align="center", valign="vcenter", font_size=9)
    for col in layout.columns:
        ws.write_string(layout.code_row, col.index, col.code, code_fmt)


def _number(value) -> float | int:
    kind = type(value)
    if kind is int or kind is float:
        return value
    if kind is Decimal:
        return float(value)  # correctly rounded: reads back as the same decimal (up to 15 digits)
    if isinstance(value, bool):
        raise TypeError("a boolean is not a figure")
    return float(Decimal(str(value)))


def _date(value) -> dt.datetime:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time())


_TEXT, _NUMBER, _DATE = 0, 1, 2


class _ColumnPlan:
    """How one column's cells are written, decided once per sheet rather than once per cell."""

    __slots__ = ("index", "key", "field", "kind", "wraps", "width", "one_line")

    def __init__(self, col: lay.Column):
        fld = col.field
        self.index, self.key, self.field, self.width = col.index, fld.key, fld, col.width
        self.kind = _NUMBER if fld.numeric else (_DATE if fld.type == "date" else _TEXT)
        self.wraps = fmt_wraps(fld)
        self.one_line = int(max(col.width - 0.5, 2) // 2)  # characters that surely fit on one line


class _RowWriter:
    """Writes a sheet's table rows: the column plans and their formats, made once per sheet."""

    def __init__(self, ws, layout: lay.SheetLayout, styles: Styles, *, template: bool, sheet: str):
        self.ws, self.styles, self.template, self.sheet = ws, styles, template, sheet
        self.plans = [_ColumnPlan(col) for col in layout.columns]
        self._cells: dict[int | None, list[tuple]] = {}
        # The table is most of the cells: call xlsxwriter's undecorated writers (same arguments, no A1-notation
        # parsing per cell), falling back to the public ones should a version not have them.
        self._writers = tuple(getattr(ws, f"_{name}", None) or getattr(ws, name)
                              for name in ("write_blank", "write_number", "write_string"))

    def cells(self, decimals: int | None) -> list[tuple]:
        """Return, per column, what the hot loop needs as one flat tuple; formats depend on decimals only."""
        found = self._cells.get(decimals)
        if found is None:
            found = self._cells[decimals] = [
                (p.index, p.key, p.kind, p.wraps, p.one_line, p.width,
                 self.styles.cell(p.field, num_format=lay.number_format(p.field, decimals if p.field.unit_from_row
                                                                          else None), template=self.template))
                for p in self.plans]
        return found

    def write(self, r: int, sheet_row: SheetRow) -> None:
        """Write one row; text as text, numbers as numbers, dates as dates, blanks with their borders."""
        ws, lines, get = self.ws, 1, sheet_row.values.get
        write_blank, write_number, write_string = self._writers
        text_lines = lay.text_lines
        for c, key, kind, wraps, one_line, width, fmt in self.cells(sheet_row.decimals):
            value = get(key)
            if value is None:
                rc = write_blank(r, c, None, fmt)
            elif kind == _TEXT:
                if type(value) is not str:
                    value = str(value)
                if not value:
                    rc = write_blank(r, c, None, fmt)
                else:
                    rc = write_string(r, c, value, fmt)
                    if wraps and len(value) > one_line:
                        n = text_lines(value, width)
                        if n > lines:
                            lines = n
            elif kind == _NUMBER:
                if type(value) is Decimal:  # what the core stores: the common case first
                    rc = write_number(r, c, float(value), fmt)
                elif value == "":
                    rc = write_blank(r, c, None, fmt)
                else:
                    rc = write_number(r, c, _number(value), fmt)
            elif value == "":
                rc = write_blank(r, c, None, fmt)
            else:
                rc = ws.write_datetime(r, c, _date(value), fmt)
            if rc:  # xlsxwriter returns an error code instead of raising; any error would lose data
                self._fail(r, c)
        if not self.template:
            if lines > 1:  # one-line rows take the sheet's default height (set in _page_setup)
                ws.set_row(r, lay.row_height(lines))
        elif sheet_row.values:  # a template's fixed row: its texts, plus room to write a line or two
            ws.set_row(r, lay.row_height(max(lines, TEMPLATE_MIN_LINES)))
        # a template's blank rows keep Excel's own height, which grows as people type

    def _fail(self, r: int, c: int) -> None:
        label = self.plans[c].field.label
        raise DataError(f"{self.sheet}!{xl_rowcol_to_cell(r, c)}: {label} 无法写入 Excel"
                        "（内容过长或不是有效的值）")


def fmt_wraps(fld: Field) -> bool:
    """True for text columns that wrap (and so set the row height)."""
    return fld.type == "text" and not (fld.source == "row" and fld.width <= NARROW)


def _write_totals(ws, styles: Styles, layout: lay.SheetLayout, r: int, first: int, last: int,
                  rows: list[SheetRow]) -> None:
    label = styles.get(border=1, align="center", valign="vcenter", bold=True)
    summed, blank = {c.index for c in layout.total_columns}, styles.get(border=1)
    label_column = layout.total_label_column  # a computed property: once, not once per column
    for col in layout.columns:
        if col.index in summed:
            continue
        if col.index == label_column:
            ws.write_string(r, col.index, lay.TOTAL_LABEL, label)
        else:
            ws.write_blank(r, col.index, None, blank)
    for col in layout.total_columns:
        fmt = styles.get(border=1, align="right", valign="vcenter", bold=True,
                         num_format=lay.number_format(col.field) or "General")
        total = _exact_sum(s.values.get(col.field.key) for s in rows)
        value = int(total) if col.field.type == "integer" else float(total)
        if last < first:  # no rows: a SUM over an empty range would point at the totals row itself
            ws.write_number(r, col.index, value, fmt)
        else:
            name = xl_col_to_name(col.index)
            ws.write_formula(r, col.index, f"=SUM({name}{first + 1}:{name}{last + 1})", fmt, value)


def _exact_sum(values) -> Decimal:
    """Add figures exactly (decimals as typed, floats by their shortest repr), skipping blanks."""
    total = Decimal(0)
    for v in values:
        kind = type(v)
        if kind is Decimal:
            total += v
        elif kind is int:
            total += v
        elif v is not None and v != "":
            total += Decimal(str(v))
    return total


def _add_validation(ws, layout: lay.SheetLayout, first: int, last: int, period: str) -> None:
    if last < first:
        return
    first_day, last_day = period_bounds(period)
    for col in layout.input_columns:
        ws.data_validation(first, col.index, last, col.index,
                           lay.validation_for(col.field, first_day=first_day, last_day=last_day))


def _write_footer(ws, styles: Styles, layout: lay.SheetLayout, r: int, header: ReturnHeader,
                  widths: list[float]) -> None:
    blank = "\u3000" * 4
    date = header.report_date
    date_text = f"{date.year}年{date.month}月{date.day}日" if date else "\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    items = []
    for key, label in lay.FOOTER_ITEMS:
        value = date_text if key == "date" else (header.signatories.get(key) or blank)
        items.append(f"{label}：{value}")
    _write_spans(ws, styles, r, widths, items)
    ws.set_row(r, 26)


def _write_notes(ws, styles: Styles, layout: lay.SheetLayout, r: int, widths: list[float]) -> int:
    """Write the form's 说明 lines; return the last row used."""
    notes = layout.form.notes
    if not notes:
        return r - 1
    wrapped = styles.get(align="left", valign="top", text_wrap=True, font_size=9)
    one_line = styles.get(align="left", valign="top", font_size=9)
    total_width = sum(widths)
    for i, note in enumerate(notes):
        text = (lay.NOTES_LABEL if i == 0 else "\u3000" * 3) + note
        # a note that fits on one line overflows across the empty row; a longer one wraps in a merged row
        fits = lay.fits_on_line(text, total_width)
        if fits:
            ws.write_string(r + i, 0, text, one_line)
        else:
            _merge(ws, r + i, 0, r + i, layout.last_col, text, wrapped)
        ws.set_row(r + i, lay.row_height(1 if fits else lay.text_lines(text, total_width)) - 2)
    return r + len(notes) - 1


def _merge(ws, r1: int, c1: int, r2: int, c2: int, text: str, fmt) -> None:
    if r1 == r2 and c1 == c2:
        ws.write_string(r1, c1, text, fmt)
    elif (merge_text := getattr(ws, "merge_text", None)) is not None:  # the fast worksheet: the same, in one step
        merge_text(r1, c1, r2, c2, text, fmt)
    else:
        ws.merge_range(r1, c1, r2, c2, "", fmt)
        ws.write_string(r1, c1, text, fmt)


def _row_heights(ws, last_row: int) -> list[float]:
    """Return the heights in points of rows 0…last_row as the sheet will store them (xlsxwriter keeps pixels)."""
    sizes, default = ws.row_sizes, ws.default_row_height
    return [(sizes[r][0] if r in sizes else default) * 0.75 for r in range(last_row + 1)]


def _page_setup(ws, layout: lay.SheetLayout, last_row: int, *, footer: int, variable_rows: bool,
                template: bool) -> None:
    if not template:  # a return's rows are sized for their text; templates keep Excel's growing rows
        ws.set_default_row(lay.row_height(1))
    ws.set_landscape()
    ws.set_paper(9)  # A4
    # One page wide by a computed scale, not Excel's "fit to 1 page wide": Excel ignores manual page breaks
    # under "fit to", and ours keep the signatures and notes with the table's last rows.
    scale = lay.print_scale([c.width for c in layout.columns])
    ws.set_print_scale(scale)
    if not variable_rows:  # rows people add or type into grow after writing: breaks placed now would be wrong then
        ws.set_h_pagebreaks(lay.page_breaks(
            _row_heights(ws, last_row), repeat=(layout.header_first_row, layout.code_row),
            first_row=layout.first_data_row, footer_row=footer, scale=scale))
    ws.repeat_rows(layout.header_first_row, layout.code_row)
    ws.set_margins(**lay.MARGINS)
    ws.center_horizontally()
    ws.set_footer(f'&C&"{FONT},常规"&9第 &P 页 共 &N 页', {"margin": 0.3})
    ws.print_area(0, 0, last_row, layout.last_col)
    ws.freeze_panes(layout.first_data_row, 0)
    ws.protect("", {"format_columns": True, "format_rows": True, "insert_rows": variable_rows,
                    "delete_rows": variable_rows, "select_locked_cells": True, "select_unlocked_cells": True})
