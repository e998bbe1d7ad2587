"""Read a returned workbook (a program export or a filled template) back into the core's canonical data.

The metadata (hidden sheet, else document properties, else the printed 填报单位/单位代码/报告期 lines) says
whose return it is; the form layout (reports/xlsx_layout.py, the same one the writer used) says where the
values are. Tolerant of what spreadsheet programs and people do — numbers stored as text, full-width digits,
thousands separators, blank or "—" meaning 0 where the form allows, stray spaces, extra empty rows, a renamed
sheet — and strict about everything else: every problem names the file, the sheet and the cell, and all of
them are raised together in one ReturnReadError.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import python_calamine
from xlsxwriter.utility import xl_rowcol_to_cell

from forms import FORM_IDS, get_form
from forms.coerce import CoerceError, normalise_text
from forms.schema import Field, Form
from forms.validate import check_fields
from models.entries import canonical_json, canonical_row, text_hash, value_converter
from models.errors import DataError
from models.periods import check_period, period_bounds, period_label
from reports import xlsx_layout as lay
from reports.filecheck import CUSTOM_PROPERTIES, FileCheck
from reports.returnfile import CellProblem, ReturnFile
from reports.xlsx_formulas import missing_results
from reports.xlsx_meta import (
    META_SHEET,
    FormRef,
    MetaError,
    ReturnMeta,
    parse_custom_properties,
    parse_custom_xml,
    parse_meta_rows,
    read_custom_properties,
)

HEADER_SEARCH_ROWS = 40  # how far down a sheet the column-number row (甲 乙 … 1 2 …) may have moved
MAX_PROBLEMS_SHOWN = 20
_PERIOD_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")


class ReturnReadError(DataError):
    """A returned file cannot be read; carries every problem found, each naming file, sheet and cell."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        if len(self.problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"…（另有 {len(self.problems) - MAX_PROBLEMS_SHOWN} 处）")
        super().__init__("\n".join(lines))


@dataclass
class _Context:
    """What the reading of one file collects on the way."""

    path: Path
    period: str = ""  # once known, event dates are checked against it
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[CellProblem] = field(default_factory=list)
    bounds: tuple[dt.date, dt.date] | None = None  # the period's first and last day, once asked for

    def problem(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(CellProblem(str(self.path), sheet, cell, message))

    def warn(self, sheet: str, cell: str, message: str) -> None:
        self.warnings.append(CellProblem(str(self.path), sheet, cell, message))


def read_return(path: str | Path, *, checked: FileCheck | None = None) -> ReturnFile:
    """Read a return or filled template into a ReturnFile, or raise ReturnReadError listing every problem.

    checked is the file check of the same file, when it was just made: the parts it kept are not read again.
    """
    ctx = _Context(Path(path))
    if checked is None and not ctx.path.is_file():  # a file just checked was there
        raise ReturnReadError([CellProblem(str(ctx.path), "", "", "文件不存在")])
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(ctx.path))
    except Exception as exc:  # calamine raises its own types for zip, XML and password trouble
        raise ReturnReadError([CellProblem(str(ctx.path), "", "", f"无法作为 .xlsx 工作簿读取（{exc}）")]) from None
    with workbook:
        meta = _read_meta(ctx, workbook, checked)
        ctx.period = meta.period if meta and not ctx.problems else ""
        forms = _forms_to_read(ctx, meta)
        sheets = {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                  for name, visible in _sheet_names(workbook) if visible}
    data: dict[str, list[dict]] = {}
    printed: dict[str, str] = {}
    shown: list[tuple[str, dict[str, str], dict[str, str]]] = []  # each sheet's printed facts and their cells
    read: dict[str, tuple[int, ...]] = {}  # the sheets read, each with its 合计 row (whose formulas are not read)
    for form, ref in forms:
        located = _locate_sheet(ctx, sheets, form, ref)
        if located is None:
            continue
        name, layout, code_row = located
        rows = sheets[name]
        facts, cells = _printed_facts(rows, code_row)
        printed = printed or facts
        shown.append((name, facts, cells))
        data[form.id] = _read_rows(ctx, meta, name, rows, layout, code_row)
        read[name] = _total_row(rows, layout, code_row)
    ctx.problems += missing_results(ctx.path, read, checked=checked)
    if meta is None:
        meta = _meta_from_print(ctx, printed, [f for f, _ in forms])
    if meta is not None:
        _check_printed(ctx, meta, shown)
    if ctx.problems or meta is None:
        raise ReturnReadError(ctx.problems or [CellProblem(str(ctx.path), "", "", "文件中没有报表数据")])
    template = meta.kind == "template"
    text = canonical_json(data)
    return ReturnFile(
        path=ctx.path, kind=meta.kind, unit_code=meta.unit_code, unit_name=meta.unit_name,
        parent_code=meta.parent_code, period=meta.period, revision=meta.revision,
        return_uuid=None if template else (meta.return_uuid or None),
        form_versions={f.id: f.version for f, _ in forms}, data=data,
        stated_hash=None if template else meta.content_hash, computed_hash=text_hash(text),
        program_version=meta.program_version, warnings=ctx.warnings, canonical_text=text,
        row_identities={form_id: list(keys) for form_id, keys in meta.rows.items()})


# ---- metadata ------------------------------------------------------------------------------------


def _sheet_names(workbook) -> list[tuple[str, bool]]:
    out = []
    for sheet in workbook.sheets_metadata:
        visible = sheet.visible == python_calamine.SheetVisibleEnum.Visible
        out.append((sheet.name, visible and sheet.name != META_SHEET))
    return out


def _read_meta(ctx: _Context, workbook, checked: FileCheck | None) -> ReturnMeta | None:
    """Return the metadata from the hidden sheet, else the document properties; None when neither exists."""
    hidden = props = None
    if META_SHEET in workbook.sheet_names:
        try:
            hidden = parse_meta_rows(workbook.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False))
        except MetaError as exc:
            ctx.problem(META_SHEET, "", f"报表的隐藏信息无法读取：{exc}")
    try:
        kept = checked.kept.get(CUSTOM_PROPERTIES) if checked is not None else None
        props = parse_custom_properties(read_custom_properties(ctx.path) if kept is None else parse_custom_xml(kept))
    except (MetaError, zipfile.BadZipFile, SyntaxError) as exc:  # ElementTree's ParseError is a SyntaxError
        ctx.problem("", "", f"document properties unreadable: {exc}")
    if hidden and props:
        for name in ("kind", "unit_code", "period", "revision", "return_uuid", "content_hash"):
            if getattr(hidden, name) != getattr(props, name):
                ctx.problem(META_SHEET, "", f"隐藏信息表与文档属性中的 {name} 不一致"
                                            f"（{getattr(hidden, name)} / {getattr(props, name)}）")
        hidden_forms = [(f.id, f.version) for f in hidden.forms]
        if hidden_forms != [(f.id, f.version) for f in props.forms]:
            ctx.problem(META_SHEET, "", "隐藏信息表与文档属性列出的报表不同")
    elif props and not hidden:
        ctx.warn("", "", "隐藏信息表缺失，按文档属性读取")
    meta = hidden or props
    if meta is not None:
        try:
            check_period(meta.period)
        except DataError as exc:
            ctx.problem(META_SHEET, "", str(exc))
    return meta


def _forms_to_read(ctx: _Context, meta: ReturnMeta | None) -> list[tuple[Form, FormRef | None]]:
    """Return the forms the file carries (all declared forms when it says nothing), checking versions."""
    if meta is None or not meta.forms:
        return [(get_form(f), None) for f in FORM_IDS]
    out = []
    for ref in meta.forms:
        if ref.id not in FORM_IDS:
            ctx.problem(ref.sheet, "", f"本程序没有报表“{ref.id}”")
            continue
        form = get_form(ref.id)
        if ref.version != form.version:
            ctx.problem(ref.sheet or form.sheet_name, "",
                        f"{form.form_code} 按第 {ref.version} 版表式填写，本程序读取第 {form.version} 版；"
                        "请用同一版本程序生成的报表或模板")
            continue
        out.append((form, ref))
    return out


def _printed_facts(rows: list[list], code_row: int) -> tuple[dict[str, str], dict[str, str]]:
    """Read 填报单位, 单位代码 and 报告期 from the printed lines above the headers, with the cell of each."""
    facts, cells = {}, {}
    for r, row in enumerate(rows[:code_row]):
        for c, cell in enumerate(row):
            if type(cell) is not str or "：" not in cell:  # every label ends with a full-width colon
                continue
            text = _text(cell)
            for label, key in _PRINTED_LABELS:
                if text.startswith(label):
                    facts[key] = text[len(label):].strip()
                    cells[key] = _addr(r, c)
    m = _PERIOD_TEXT.search(facts.get("period", ""))
    facts["period"] = f"{m[1]}-{int(m[2]):02d}" if m else ""
    return facts, cells


_PRINTED_LABELS = (("填报单位（盖章）：", "unit_name"), ("单位代码：", "unit_code"), ("报告期：", "period"))


def _check_printed(ctx: _Context, meta: ReturnMeta, shown: list[tuple[str, dict[str, str], dict[str, str]]]) -> None:
    """Every sheet's printed 单位代码 and 报告期 must be the return's (a sheet copied from last month's file is not)."""
    # A sheet without these lines, or with a 报告期 that is no month, is left as it is: the metadata says whose it is.
    try:
        check_period(meta.period)
        period = meta.period
    except DataError:
        period = ""  # already a problem of the metadata
    for sheet, facts, cells in shown:
        code = facts.get("unit_code")
        if code and code != meta.unit_code:
            ctx.problem(sheet, cells["unit_code"], f"表上印的单位代码 {code} 与报表记载的单位 {meta.unit_code} 不一致")
        if period and facts["period"] and facts["period"] != period:
            ctx.problem(sheet, cells["period"], f"表上印的报告期 {period_label(facts['period'])} "
                                                f"与报表记载的报告期 {period_label(period)} 不一致")


def _meta_from_print(ctx: _Context, printed: dict[str, str], forms: list[Form]) -> ReturnMeta | None:
    """Without metadata, take the unit and period from the printed lines and treat the file as hand-filled."""
    if not printed.get("unit_code") or not printed.get("period"):
        ctx.problem("", "", "既没有报表的隐藏信息，也没有印出的单位代码/报告期：不是本程序的报表或模板")
        return None
    ctx.warn("", "", "没有找到报表的隐藏信息（可能被复制到了新工作簿），单位和报告期按表上印的文字读取")
    return ReturnMeta(kind="template", unit_code=printed["unit_code"], unit_name=printed.get("unit_name", ""),
                      parent_code=None, period=printed["period"], revision=0, return_uuid="", program_version="",
                      content_hash=None, created_at="", forms=[FormRef(f.id, f.version, "") for f in forms])


# ---- finding a form's sheet ----------------------------------------------------------------------


def _find_code_row(rows: list[list], layout: lay.SheetLayout) -> int | None:
    """Return the row holding the 栏次 codes (甲 乙 … 1 2 …) with the expected headings above it (never the first row)."""
    codes = tuple((c.index, c.code) for c in layout.columns)
    labels = tuple((c.index, c.label) for c in layout.columns)
    first, first_code = codes[0] if codes else (0, None)
    for r in range(1, min(len(rows), HEADER_SEARCH_ROWS)):
        row = rows[r]
        if first_code is not None and _text(_cell(row, first)) != first_code:
            continue  # what the full comparison below would find at its first column, without it
        above = [rows[r - 1]] + ([rows[r - 2]] if r >= 2 else [])
        if _is_header(layout, codes, labels, row, above):
            return r
    return None


_HEADERS: dict[tuple, tuple[lay.SheetLayout, bool]] = {}


def _is_header(layout: lay.SheetLayout, codes: tuple, labels: tuple, row: list, above: list[list]) -> bool:
    """Whether row holds the column codes with the headings in the rows above; remembered by the cells themselves.

    Every township's return prints the same header rows. The key holds each cell's type beside its value
    (1.0, 1 and True are equal as keys but print differently); cells of one type and value always give the same text.
    """
    cells = (tuple(row), *map(tuple, above))
    key = (id(layout), cells, tuple(tuple(map(type, c)) for c in cells))
    cached = _HEADERS.get(key)
    if cached is not None and cached[0] is layout:
        return cached[1]
    found = (all(_text(_cell(row, i)) == code for i, code in codes)
             and all(any(_same_label(_cell(a, i), label) for a in above) for i, label in labels))
    if len(_HEADERS) > 1024:
        _HEADERS.clear()
    _HEADERS[key] = (layout, found)
    return found


def _locate_sheet(ctx: _Context, sheets: dict[str, list[list]], form: Form,
                  ref: FormRef | None) -> tuple[str, lay.SheetLayout, int] | None:
    """Find the sheet of a form: by its name first, then by its headings (a renamed sheet)."""
    layout = _columns(form).layout
    wanted = [n for n in dict.fromkeys([ref.sheet if ref else "", form.sheet_name]) if n]
    for name in wanted:
        if name in sheets:
            code_row = _find_code_row(sheets[name], layout)
            if code_row is not None:
                return name, layout, code_row
    for name, rows in sheets.items():
        if name in wanted or not _mentions(rows, form.form_code):
            continue
        code_row = _find_code_row(rows, layout)
        if code_row is not None:
            ctx.warn(name, "", f"工作表“{wanted[0]}”被改名为“{name}”")
            return name, layout, code_row
    where = wanted[0]
    if where in sheets:
        ctx.problem(where, "", f"{form.form_code} {form.title} 的栏目标题不在表式规定的位置"
                               "（栏目被移动、插入或删除？）")
    else:
        ctx.problem(where, "", f"缺少工作表：{form.form_code} {form.title}")
    return None


def _mentions(rows: list[list], text: str) -> bool:
    return any(text in _text(cell) for row in rows[:HEADER_SEARCH_ROWS] for cell in row)


# ---- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """A form's layout as the row loop needs it, worked out once per form rather than once per cell."""

    layout: lay.SheetLayout
    every: tuple[int, ...]  # every column's index
    inputs: tuple[tuple[str, int, Field], ...]  # (key, index, field) of the columns a user fills
    # (key, index, convert, text) of the inputs; text: a choice's choices, True for free text, None for the rest
    converters: tuple[tuple[str, int, Callable[[object], tuple[object, object]], frozenset[str] | bool | None], ...]
    canonical: bool  # the inputs are the form's input fields in their order (none called row_key): a row's JSON values
    # after its key are its canonical row
    row_texts: tuple[tuple[str, int], ...]  # (key, index) of the printed row columns (task, indicator)
    row_cells: Callable[[list], tuple]  # a row's cells in those columns, as a tuple
    dates: tuple[tuple[str, int, str], ...]  # (key, index, label) of the date input columns
    index_of: dict[str, int]
    totals: bool  # the form has a 合计 row
    total_label_column: int
    width: int  # cells a row must have to reach the last column


_COLUMNS: dict[str, tuple[Form, _Columns]] = {}


def _columns(form: Form) -> _Columns:
    """Return a form's layout and columns (computed once per form declaration)."""
    cached = _COLUMNS.get(form.id)
    if cached is not None and (cached[0] is form or cached[0] == form):
        return cached[1]
    layout = lay.sheet_layout(form)
    inputs = tuple((c.field.key, c.index, c.field) for c in layout.input_columns)
    columns = _Columns(
        layout=layout, every=tuple(c.index for c in layout.columns), inputs=inputs,
        converters=tuple((key, i, value_converter(f),
                          frozenset(f.choices) if f.type == "choice" else (True if f.type == "text" else None))
                         for key, i, f in inputs),
        canonical=([key for key, _, _ in inputs] == [f.key for f in form.input_fields]
                   and "row_key" not in {f.key for f in form.fields}),
        row_texts=tuple((c.field.key, c.index) for c in layout.columns if c.field.source == "row"),
        row_cells=_getter(tuple(c.index for c in layout.columns if c.field.source == "row")),
        dates=tuple((key, i, f.label) for key, i, f in inputs if f.type == "date"),
        index_of={c.field.key: c.index for c in layout.columns}, totals=bool(layout.total_columns),
        total_label_column=layout.total_label_column, width=max((c.index for c in layout.columns), default=0) + 1)
    _COLUMNS[form.id] = (form, columns)
    return columns


def _getter(indexes: tuple[int, ...]) -> Callable[[list], tuple]:
    """A function returning the cells at these indexes of a row, always as a tuple."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda row: (row[index],)
    return itemgetter(*indexes) if indexes else lambda row: ()


def _read_rows(ctx: _Context, meta: ReturnMeta | None, sheet: str, rows: list[list], layout: lay.SheetLayout,
               code_row: int) -> list[dict]:
    """Read the data rows under the headers into canonical rows."""
    form = layout.form
    cols = _columns(form)
    template = meta is None or meta.kind == "template"
    fixed = form.rows != "events"
    known = list(meta.rows.get(form.id, [])) if meta else []
    by_identity: dict[str, list[str]] = {}
    for key, identity in known:
        by_identity.setdefault(identity, []).append(key)
    found: dict[str, dict] = {}
    out: list[dict] = []
    position = 0
    width, every = cols.width, cols.every
    for r in range(code_row + 1, len(rows)):
        row = rows[r]
        if len(row) < width:  # a sheet narrower than the form: its missing cells are blank
            row = [*row, *([None] * (width - len(row)))]
        if _is_end(row, cols):
            _check_below_totals(ctx, sheet, rows, r, layout)
            break
        for i in every:  # _blank of each cell, inline: this runs for every cell of every row
            value = row[i]
            if value is not None and (not isinstance(value, str) or value.strip()):
                break
        else:
            continue  # nothing in any column of the form
        if not fixed:
            values, json_values = _read_values(ctx, sheet, r, row, form, cols, template=template)  # keyed ""
            out.append(json_values if cols.canonical else canonical_row(form, "", values))
        else:
            # The row is found first: what its cells may hold depends on it (a count row takes whole numbers).
            key = _row_key(ctx, sheet, r, row, cols, by_identity, bool(known), position)
            position += 1
            values, json_values = _read_values(ctx, sheet, r, row, form, cols, template=template, row_key=key or "")
            if key is not None:
                if key in found:
                    ctx.problem(sheet, _addr(r, 0), f"第 {key} 行出现了两次")
                json_values["row_key"] = key
                found[key] = json_values if cols.canonical else canonical_row(form, key, values)
    if fixed:
        order = [k for k, _ in known] if known else _default_order(form, found)
        for key in order:
            if key not in found:
                ctx.problem(sheet, "", f"{form.form_code} 缺少第 {key} 行")
        out = [found[k] for k in order if k in found]
    return out


_IDENTITIES: dict[tuple[int, tuple], tuple[Form, str]] = {}


def _row_identity(form: Form, texts: tuple[tuple[str, str], ...]) -> str:
    """lay.row_identity, remembered: every township's return prints the same task and indicator rows."""
    key = (id(form), texts)  # by identity: hashing a whole form declaration costs more than the fingerprint
    cached = _IDENTITIES.get(key)
    if cached is not None and cached[0] is form:
        return cached[1]
    if len(_IDENTITIES) > 4096:
        _IDENTITIES.clear()
    identity = lay.row_identity(form, dict(texts))
    _IDENTITIES[key] = (form, identity)
    return identity


_CELL_IDENTITIES: dict[tuple, tuple[Form, str]] = {}


def _cells_identity(form: Form, cols: _Columns, row: list) -> str:
    """_row_identity of a row's printed texts, remembered by the cells themselves.

    The key holds each cell's type beside its value (1.0, 1 and True are equal as keys but print differently);
    cells of one type and value always give the same text.
    """
    cells = cols.row_cells(row)
    key = (id(form), cells, tuple(map(type, cells)))
    cached = _CELL_IDENTITIES.get(key)
    if cached is not None and cached[0] is form:
        return cached[1]
    if len(_CELL_IDENTITIES) > 4096:
        _CELL_IDENTITIES.clear()
    identity = _row_identity(form, tuple((k, _text(row[i])) for k, i in cols.row_texts))
    _CELL_IDENTITIES[key] = (form, identity)
    return identity


def _default_order(form: Form, found: dict[str, dict]) -> list[str]:
    if form.rows == "indicators":
        return [i.key for i in form.indicators]
    return sorted(found, key=lambda k: int(k) if k.isdigit() else 0)


_LATER_END_MARKERS = tuple(lay.END_MARKERS[1:])


def _same_label(found: object, expected: str) -> bool:
    """lay.same_label; for text, remembered (every township's return prints the same headings and row texts)."""
    return _same_text(found, expected) if type(found) is str else lay.same_label(found, expected)


@lru_cache(maxsize=4096)
def _same_text(found: str, expected: str) -> bool:
    return lay.same_label(found, expected)


# Cell types whose text (digits, signs, dates, True/False) can never be 合计 or begin with an end marker.
_NEVER_END = frozenset((float, int, bool, dt.date, dt.datetime, dt.time, dt.timedelta))


def _is_end(row: list, cols: _Columns) -> bool:
    """True at the 合计 row, the signature line or the notes: the end of the data area."""
    if cols.totals:
        label = row[cols.total_label_column]
        if label.__class__ not in _NEVER_END and _same_label(label, lay.TOTAL_LABEL):
            return True
    first = row[0]
    if first is None or first.__class__ in _NEVER_END:
        return False
    return _text(first).replace(" ", "").startswith(_LATER_END_MARKERS)


def _total_row(rows: list[list], layout: lay.SheetLayout, code_row: int) -> tuple[int, ...]:
    """The 合计 row under the headers, where the form has one: the program's own SUMs, which the reader never takes.

    openpyxl and other tools that re-save a return keep those formulas but drop their results.
    """
    if not layout.total_columns:
        return ()
    for r in range(code_row + 1, len(rows)):
        if _same_label(_cell(rows[r], layout.total_label_column), lay.TOTAL_LABEL):
            return (r,)
    return ()


def _check_below_totals(ctx: _Context, sheet: str, rows: list[list], r: int, layout: lay.SheetLayout) -> None:
    """Values typed between the 合计 row and the signature line would be lost: say so."""
    if not layout.total_columns or not _same_label(_cell(rows[r], layout.total_label_column), lay.TOTAL_LABEL):
        return
    for below in range(r + 1, len(rows)):
        row = rows[below]
        first = _text(_cell(row, 0))
        if any(first.startswith(marker) for marker in lay.END_MARKERS[1:]):
            return
        for col in layout.input_columns:
            if not _blank(_cell(row, col.index)):
                ctx.problem(sheet, _addr(below, col.index), "合计行下方的数值不属于表格；"
                                                            "请在合计行上方插入行")
                return


def _row_key(ctx: _Context, sheet: str, r: int, row: list, cols: _Columns,
             by_identity: dict[str, list[str]], have_keys: bool, position: int) -> str | None:
    """Identify a fixed row: by its printed texts (metadata), else by indicator label or by position."""
    form = cols.layout.form
    if have_keys:
        keys = by_identity.get(_cells_identity(form, cols, row))
        if keys:
            return keys.pop(0)
    texts = {key: _text(row[i]) for key, i in cols.row_texts}
    if have_keys:
        shown = " ".join(t for t in list(texts.values())[:2] if t)
        ctx.problem(sheet, _addr(r, 0), f"“{shown}”不是本报表的行（表上印的文字被改动？）")
        return None
    if form.rows == "indicators":
        for ind in form.indicators:
            if ind.label in texts.values():
                return ind.key
        ctx.problem(sheet, _addr(r, 0), f"“{next(iter(texts.values()), '')}”不是{form.form_code}的指标")
        return None
    if position == 0:
        ctx.warn(sheet, "", "没有隐藏信息，各行按位置对应工作方案的任务")
    return str(position + 1)


def _read_values(ctx: _Context, sheet: str, r: int, row: list, form: Form, cols: _Columns, *,
                 template: bool, row_key: str = "") -> tuple[dict, dict]:
    """Coerce a row's input cells: typed values and their JSON values, the latter after a "row_key" of "".

    Blanks are 0 where the form allows, in hand-filled rows with any input.
    """
    # A template's blanks depend on the whole row, so its inputs are looked at first; in a return a blank is
    # blank whatever else the row holds, so whether it has any input is found on the way.
    zero_blanks = template and not all(_blank(row[i]) for _, i, _, _ in cols.converters)
    has_input = zero_blanks
    values, json_values, bad = {}, {"row_key": ""}, ()  # the canonical row's key first, as canonical_row puts it
    for key, i, convert, text in cols.converters:
        raw = row[i]
        if raw.__class__ is str:
            stripped = raw.strip()
            blank = not stripped
            # Text with nothing for normalise_text to strip or replace (and one of the choices, for a choice): what
            # the field's converter gives back as it is, taken here without the call (most of a return's cells).
            if (text is not None and not blank and len(stripped) == len(raw) and "\u00a0" not in raw
                    and (text is True or raw in text)):
                values[key] = json_values[key] = raw
                has_input = True
                continue
        else:
            blank = raw is None or (isinstance(raw, str) and not raw.strip())  # _blank
        if blank:
            if not zero_blanks:
                values[key] = json_values[key] = None  # an export writes blank exactly where nothing was reported
                continue
            raw = None
        else:
            has_input = True
        try:
            values[key], json_values[key] = convert(raw)  # coerce, then to_json_value
        except CoerceError as exc:
            values[key] = json_values[key] = None
            bad = (*bad, key)
            ctx.problem(sheet, _addr(r, i), str(exc))
    if has_input:
        for finding in check_fields(form, values, row_key=row_key):
            if finding.field not in bad:
                ctx.problem(sheet, _addr(r, cols.index_of[finding.field]), finding.message)
        if cols.dates and ctx.period:
            _warn_dates_outside(ctx, sheet, r, cols, values)
    return values, json_values


def _warn_dates_outside(ctx: _Context, sheet: str, r: int, cols: _Columns, values: dict) -> None:
    if ctx.bounds is None:
        ctx.bounds = period_bounds(ctx.period)
    first, last = ctx.bounds
    for key, i, label in cols.dates:
        v = values.get(key)
        if v is not None and not first <= v <= last:
            ctx.warn(sheet, _addr(r, i), f"{label} {v:%Y-%m-%d} 不在报告期 {ctx.period} 内")


# ---- cells ---------------------------------------------------------------------------------------


def _cell(row: list, c: int):
    return row[c] if c < len(row) else None


def _blank(value) -> bool:
    """True for an empty cell (or only spaces); "—" is not blank: it is read as the field's blank value."""
    # str.strip() removes every space normalise_text does (ASCII, full-width, non-breaking), at C speed.
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and "\u00a0" not in value:
        return value.strip()  # what normalise_text gives: str.strip() takes full-width spaces too
    return normalise_text(value)


def _addr(r: int, c: int) -> str:
    return xl_rowcol_to_cell(r, c)
