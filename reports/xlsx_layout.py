"""Where everything sits on a form's sheet, derived only from the form declaration.

The writer, the template maker and the reader all call these functions, so a column, a header
label or a number format is decided in one place. Nothing here knows a particular form: a district
summary can pass a Form with an extra leading field (``form.model_copy(update={"fields": ...})``)
and get a consistent layout for it.
"""

from __future__ import annotations

import codecs
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forms.coerce import normalise_text
from forms.schema import Field, Form

# 栏次: descriptive columns are lettered with the heavenly stems (then the earthly branches),
# value columns are numbered 1…n, as on printed statistical forms.
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
TOTAL_LABEL = "合计"
NOTES_LABEL = "说明："
FOOTER_ITEMS = (("head", "单位负责人"), ("stats", "统计负责人"), ("filler", "填表人"), ("phone", "联系电话"),
                ("date", "报出日期"))
# A row starting with one of these ends the data area when reading a sheet back.
END_MARKERS = (TOTAL_LABEL, FOOTER_ITEMS[0][1], NOTES_LABEL.rstrip("："))
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.0%"
POINTS_PER_LINE = 13.5  # a 10 pt 宋体 line, with leading
# The widest table (in Excel character widths) that prints on A4 landscape at about 90 %, so 10 pt text
# stays readable; wider forms keep their declared proportions and wrap more.
MAX_TABLE_WIDTH = 155
MIN_COLUMN_WIDTH = 5
# The printed page: A4 landscape less the margins (inches) the writer sets; the footer sits in the bottom margin.
PAPER_POINTS = (841.9, 595.3)
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.55, "bottom": 0.7}
PAGE_WIDTH = PAPER_POINTS[0] - (MARGINS["left"] + MARGINS["right"]) * 72
PAGE_HEIGHT = PAPER_POINTS[1] - (MARGINS["top"] + MARGINS["bottom"]) * 72
# Our page breaks must come before the spreadsheet program's own: fill a page to at most this share of what
# it holds (rounding of row heights and column widths by Excel, WPS and LibreOffice stays well inside this).
PAGE_FILL = 0.97
WIDTH_FILL = 0.93
WRAP_FILL = 0.9  # the share of a wrapped column's width that text is counted to fill
KEEP_WITH_FOOTER = 3  # table rows (合计 included) printed on the page of the signatures and notes
_GBK = codecs.getencoder("gbk")  # str.encode("gbk") looks the codec up by name on every call


@dataclass(frozen=True)
class Column:
    """One column of the table: its field, header label (with unit), 栏次 code and width."""

    index: int
    field: Field
    label: str
    code: str
    width: float


@dataclass(frozen=True)
class SheetLayout:
    """Row and column positions of one form's sheet (0-based, as xlsxwriter counts)."""

    form: Form
    columns: tuple[Column, ...]
    top_lines: tuple[str, ...]  # 表号 / 制定机关 / 批准文号 / 有效期至 lines actually printed
    title_row: int
    info_row: int
    group_row: int | None  # the grouped-header row, when any field has a group
    label_row: int
    code_row: int
    first_data_row: int

    @property
    def header_first_row(self) -> int:
        """The first row of the column headers (repeated on every printed page)."""
        return self.group_row if self.group_row is not None else self.label_row

    @property
    def last_col(self) -> int:
        """The index of the last column."""
        return len(self.columns) - 1

    def column(self, key: str) -> Column:
        """Return the column of a field key."""
        for col in self.columns:
            if col.field.key == key:
                return col
        raise KeyError(key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        """The columns a user fills."""
        return tuple(c for c in self.columns if c.field.editable)

    @property
    def total_columns(self) -> tuple[Column, ...]:
        """The columns summed in the 合计 row (none when the form has no totals)."""
        return tuple(c for c in self.columns if c.field.total) if self.form.totals else ()

    @property
    def total_label_column(self) -> int:
        """Where the word 合计 goes: the first column that is not itself summed."""
        summed = {c.index for c in self.total_columns}
        return next((c.index for c in self.columns if c.index not in summed), 0)


def header_label(field: Field, width: float | None = None) -> str:
    """Return a column's printed heading: the label, with its unit (on its own line when the column is narrow)."""
    if not field.unit:
        return field.label
    unit = f"（{field.unit}）"
    narrow = width is not None and display_width(field.label + unit) > width - 1
    return f"{field.label}\n{unit}" if narrow else field.label + unit


def same_label(found: object, expected: str) -> bool:
    """True when a header cell says the expected label, ignoring spaces and line breaks."""
    def squash(text: str) -> str:
        return "".join(str(text).split()).replace("\u3000", "")
    return found is not None and squash(found) == squash(expected)


def column_codes(fields: tuple[Field, ...]) -> list[str]:
    """Return the 栏次 codes: 甲, 乙, … over descriptive columns and 1…n over value columns."""
    codes, stem, number = [], 0, 0
    for f in fields:
        if f.numeric:
            number += 1
            codes.append(str(number))
        else:
            codes.append(STEMS[stem] if stem < len(STEMS) else f"栏{stem + 1}")
            stem += 1
    return codes


def top_lines(form: Form, overrides: dict[str, str] | None = None) -> tuple[str, ...]:
    """Return the top-right lines (表号, 制定机关, 批准文号, 有效期至) that have a value."""
    overrides = overrides or {}
    items = (("表\u3000\u3000号", form.form_code), ("制定机关", overrides.get("authority") or form.authority),
             ("批准文号", overrides.get("approval_no") or form.approval_no),
             ("有效期至", overrides.get("valid_until") or form.valid_until))
    return tuple(f"{name}：{value}" for name, value in items if value)


def sheet_layout(form: Form, *, lines: tuple[str, ...] | None = None) -> SheetLayout:
    """Compute the layout of a form's sheet; lines are the top-right lines (default: the form's own)."""
    lines = top_lines(form) if lines is None else lines
    codes = column_codes(form.fields)
    widths = fit_widths(form.fields)
    columns = tuple(Column(i, f, header_label(f, widths[i]), codes[i], widths[i]) for i, f in enumerate(form.fields))
    title = len(lines)
    info = title + 1
    grouped = any(f.group for f in form.fields)
    group_row = info + 1 if grouped else None
    label = info + 2 if grouped else info + 1
    return SheetLayout(form, columns, lines, title, info, group_row, label, label + 1, label + 2)


def fit_widths(fields: Sequence[Field], max_total: float = MAX_TABLE_WIDTH) -> list[float]:
    """Fit the declared column widths into what a page holds, shrinking the text columns (which wrap) first.

    Numbers, dates and choices do not wrap: a column narrower than its value prints as ### in Excel, WPS and
    LibreOffice (108.3% in a shrunk 完成进度, with a wider fallback font), so they keep their declared width
    while the text columns can give way; only when that is not enough is every column shrunk alike.
    """
    widths = [f.width for f in fields]
    total = sum(widths)
    if total <= max_total:
        return widths
    wraps = [f.type == "text" for f in fields]
    text = sum(w for w, wrap in zip(widths, wraps, strict=True) if wrap)
    room = max_total - (total - text)
    if room >= MIN_COLUMN_WIDTH * sum(wraps) and text:
        return [max(MIN_COLUMN_WIDTH, round(w * room / text, 1)) if wrap else w for w, wrap in zip(widths, wraps, strict=True)]
    factor = max_total / total
    return [max(MIN_COLUMN_WIDTH, round(w * factor, 1)) for w in widths]


def with_unit_column(form: Form, *, key: str = "unit_name", label: str = "填报单位", width: float = 14,
                     total_keys: Iterable[str] | None = None) -> Form:
    """Return a copy of a form with a leading column naming the unit, for a district summary.

    One row per township (or per township and task) plus a 合计 row: total_keys are the value columns summed
    (default: the form's own totals, else every numeric input). Pass the copy in a SheetSpec; rows carry the
    unit's name under `key`.
    """
    keys = set(total_keys) if total_keys is not None else (
        {f.key for f in form.fields if f.total} or {f.key for f in form.input_fields if f.numeric})
    unit_field = Field(key=key, label=label, type="text", source="row", width=width)
    fields = tuple(f.model_copy(update={"total": f.key in keys}) if f.numeric else f for f in form.fields)
    return form.model_copy(update={"fields": (unit_field, *fields), "totals": bool(keys)})


def header_groups(layout: SheetLayout) -> list[tuple[str | None, int, int]]:
    """Return runs of adjacent columns sharing a group: (group or None, first col, last col)."""
    runs: list[tuple[str | None, int, int]] = []
    for col in layout.columns:
        group = col.field.group
        if runs and group is not None and runs[-1][0] == group and runs[-1][2] == col.index - 1:
            runs[-1] = (group, runs[-1][1], col.index)
        else:
            runs.append((group, col.index, col.index))
    return runs


def spans(widths: list[float], parts: int, weights: list[float] | None = None) -> list[tuple[int, int]]:
    """Split columns into up to `parts` contiguous runs of about equal width, or of widths in proportion to weights
    (for the info and footer lines)."""
    parts = max(1, min(parts, len(widths)))
    weights = weights[:parts] if weights and len(weights) >= parts else [1.0] * parts
    total, weight = sum(widths), sum(weights)
    out, start, acc = [], 0, 0.0
    for i, w in enumerate(widths):
        acc += w
        remaining_cols = len(widths) - i - 1
        remaining_parts = parts - len(out) - 1
        if remaining_parts == 0:
            continue
        if acc >= total * sum(weights[:len(out) + 1]) / weight or remaining_cols == remaining_parts:
            out.append((start, i))
            start = i + 1
    out.append((start, len(widths) - 1))
    return out


def fitted_spans(widths: list[float], items: list[str]) -> tuple[list[tuple[int, int]], list[str]]:
    """Runs for a line of items (info line, footer) in which every text fits, as runs of equal width if they do.

    On a narrow table (报送情况 has seven columns) equal runs left 联系电话 one column, where its merged cell cut it
    to 系电话：0631-520123. Then the runs are sized by the texts' widths; if even that fails, the shortest pair of
    neighbours shares a run, joined by a wide space. A text too long for any of this keeps its equal run (and wraps).
    """
    equal = spans(widths, len(items))
    if len(equal) < len(items):  # fewer columns than items: everything on one line
        return [(0, len(widths) - 1)], ["\u3000\u3000".join(items)]
    texts = items
    while True:
        for parts in (spans(widths, len(texts)), spans(widths, len(texts), [display_width(t) + 1 for t in texts])):
            if all(fits_on_line(t, sum(widths[a:b + 1])) for (a, b), t in zip(parts, texts, strict=True)):
                return parts, texts
        joined = [(display_width(texts[k]) + display_width(texts[k + 1]), k) for k in range(len(texts) - 1)
                  if fits_on_line(texts[k] + "\u3000\u3000" + texts[k + 1], sum(widths))]
        if not joined:
            return equal, items
        k = min(joined)[1]
        texts = [*texts[:k], texts[k] + "\u3000\u3000" + texts[k + 1], *texts[k + 2:]]


def right_span(widths: list[float], min_width: float = 26) -> tuple[int, int]:
    """Return the right-most columns wide enough to hold a top-right line."""
    acc, first = 0.0, len(widths) - 1
    for i in range(len(widths) - 1, -1, -1):
        acc += widths[i]
        first = i
        if acc >= min_width:
            break
    return first, len(widths) - 1


def column_points(width: float) -> float:
    """Return a column's printed width in points for an Excel character width (as xlsxwriter writes it)."""
    pixels = int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5
    return pixels * 0.75  # 96 pixels to the inch


def print_scale(widths: list[float]) -> int:
    """Return the print scale (percent) that fits columns of these widths on one page wide."""
    table = sum(column_points(w) for w in widths)
    return max(10, min(100, math.floor(100 * WIDTH_FILL * PAGE_WIDTH / table)))


def page_breaks(heights: list[float], *, repeat: tuple[int, int], first_row: int, footer_row: int,
                scale: int) -> list[int]:
    """Return the rows that start a new printed page, so the footer and notes print with the table's last rows.

    heights are the printed rows' heights in points (row 0 first); rows repeat[0]…repeat[1] are printed again at
    the top of every page; table rows run from first_row to footer_row - 1; the footer and notes follow. Every
    page break is ours, placed where a page is PAGE_FILL full, so the program's own breaks (which would come
    later) never fall between them. The tail kept together is the footer, the notes and up to KEEP_WITH_FOOTER
    table rows: as many as fit on one page with the repeated header (very tall rows leave fewer).
    """
    room = PAGE_HEIGHT * PAGE_FILL * 100 / scale
    repeated = sum(heights[repeat[0]:repeat[1] + 1])
    last = len(heights) - 1
    keep_from, block = footer_row, sum(heights[footer_row:])
    for r in range(footer_row - 1, max(first_row + 1, footer_row - KEEP_WITH_FOOTER) - 1, -1):
        if repeated + block + heights[r] > room:
            break
        keep_from, block = r, block + heights[r]
    # The tail never takes the first table row (page 1 would hold only the headers); without a table row in it,
    # its rows break like any others.
    together = keep_from < footer_row
    breaks: list[int] = []
    used, r, page_rows = sum(heights[:first_row]), first_row, 0
    while r <= last:
        height = block if together and r == keep_from else heights[r]
        if page_rows and used + height > room:
            breaks.append(r)
            used, page_rows = repeated, 0
        used += height
        page_rows += 1
        r = last + 1 if together and r == keep_from else r + 1
    return breaks


def number_format(field: Field, decimals: int | None = None) -> str | None:
    """Return a value column's Excel number format: counts whole, 万元 to 0.00, rates 0.0%, dates in 年月日."""
    if field.type == "date":
        return DATE_FORMAT
    if field.type == "percent":
        return PERCENT_FORMAT
    if field.type == "integer":
        return "0"
    if field.type == "decimal":
        if decimals is not None and field.unit_from_row:
            return "0" if decimals == 0 else "0." + "0" * decimals
        if field.unit and field.unit.endswith("元"):
            return "0.00"
        return "General"  # free decimals (task targets): show what was typed
    return None


def display_width(text: str) -> int:
    """Return how many Latin character widths a text takes: CJK characters count twice."""
    return len(_GBK(text, "replace")[0])


def text_lines(text: str, width: float) -> int:
    """Estimate the printed lines of a wrapped text in a column of this width (rather one too many than too few)."""
    # A line holds less than its width: line breaking keeps numbers whole and punctuation off a line's start, and
    # a substitute for 宋体 (WPS or LibreOffice without it) draws digits wider than half a CJK character.
    usable = max(width - 0.5, 2) * WRAP_FILL
    if "\n" not in text:  # the usual case, called for every long cell: no split, no generator
        if len(text) * 2 <= usable:
            return 1  # short enough even if every character were CJK
        return max(1, math.ceil(len(_GBK(text, "replace")[0]) / usable))
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in text.split("\n"))


def fits_on_line(text: str, width: float) -> bool:
    """True when a one-line text surely fits in this width, so it may overflow from one cell instead of a merge."""
    return "\n" not in text and display_width(text) <= width - 1


def row_height(lines: int) -> float:
    """Return the row height in points for this many text lines."""
    return max(1, lines) * POINTS_PER_LINE + 4


def row_identity(form: Form, values: dict) -> str:
    """Fingerprint a fixed row by its printed row texts, so a reader can find its row key again."""
    parts = [normalise_text(values.get(f.key) or "") for f in form.fields
             if f.source == "row" and not f.numeric]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def validation_for(field: Field, *, first_day, last_day) -> dict:
    """Return the Excel data validation for an input column (xlsxwriter's data_validation options)."""
    title = field.label[:32]
    if field.type == "choice":
        return {"validate": "list", "source": list(field.choices), "input_title": title,
                "input_message": "从下拉列表选择", "error_title": field.label[:32],
                "error_message": f"请选择：{'、'.join(field.choices)}"[:255]}
    if field.type == "date":
        return {"validate": "date", "criteria": "between", "minimum": first_day, "maximum": last_day,
                "input_title": title, "input_message": f"填写{first_day:%Y-%m-%d}至{last_day:%Y-%m-%d}间的日期",
                "error_title": title, "error_message": f"日期须在报告期内（{first_day:%Y年%m月%d日}至{last_day:%m月%d日}）"}
    if field.numeric:
        kind = "integer" if field.type == "integer" else "decimal"
        low = field.min if field.min is not None else -1e15
        high = field.max if field.max is not None else 1e15
        what = "整数" if kind == "integer" else "数值"
        bound = f"不小于{low:g}的{what}" if field.min is not None and field.max is None else what
        if field.max is not None:
            bound = f"{low:g}至{high:g}之间的{what}"
        unit = f"，单位：{field.unit}" if field.unit else ""
        return {"validate": kind, "criteria": "between", "minimum": low, "maximum": high,
                "input_title": title, "input_message": f"请填写{bound}{unit}"[:255],
                "error_title": title, "error_message": f"{field.label}须为{bound}"[:255]}
    need = "（必填）" if field.required else ""
    # Free text: no restriction, but the same prompt, so every input cell says what it wants.
    return {"validate": "any", "input_title": title, "input_message": f"填写{field.label}{need}"[:255]}
