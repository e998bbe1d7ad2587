"""One generic table model for every return form, driven by the form's declaration (forms/defs/*.json).

Rows come from models.entries.form_rows; every edit goes through models.entries.save_row (one row, one
transaction) inside a QUndoCommand, so that it can be undone. Input that the core would refuse is checked
first with the core's own coercion (forms.validate) and shown on the cell, and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QUndoCommand, QUndoStack

from desktop.i18n import tr
from forms.schema import Field, Form
from forms.validate import Finding, check_fields, coerce_row
from models.entries import Row, delete_row, form_rows, save_row
from models.errors import LiangxinError
from models.periods import month_of, year_of

# Custom roles, shared by the views, the delegate and the tests.
ROW_KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's key ('' for the blank line of a new event)
FIELD_ROLE = Qt.ItemDataRole.UserRole + 2  # the column's field key
VALUE_ROLE = Qt.ItemDataRole.UserRole + 3  # the typed value (Decimal, date, str, None)
FINDINGS_ROLE = Qt.ItemDataRole.UserRole + 4  # list[Finding] on this cell
STATE_ROLE = Qt.ItemDataRole.UserRole + 5  # see CellState
PLACEHOLDER_ROLE = Qt.ItemDataRole.UserRole + 6  # grey hint painted in an empty cell
PAINT_ROLE = Qt.ItemDataRole.UserRole + 7  # (hint, corner colour) for the delegate, in one call
ROW_KEY_ROLE, FIELD_ROLE, VALUE_ROLE, FINDINGS_ROLE, STATE_ROLE, PLACEHOLDER_ROLE, PAINT_ROLE = (
    int(r) for r in (ROW_KEY_ROLE, FIELD_ROLE, VALUE_ROLE, FINDINGS_ROLE, STATE_ROLE, PLACEHOLDER_ROLE, PAINT_ROLE))


_ROOT = QModelIndex()  # the invalid parent of every row of a flat table


class CellState:
    """What a cell's colour says."""

    REJECTED = "rejected"  # typed but refused: not saved
    HARD = "hard"  # saved, but a hard rule fails (blocks submission)
    SOFT = "soft"  # a soft rule fails and no 说明 yet
    EXPLAINED = "explained"  # a soft rule fails, with a 说明
    COMPUTED = "computed"  # computed by the core, read-only
    FIXED = "fixed"  # from the plan or the form (task number, title, indicator), read-only
    INPUT = "input"


# Cell backgrounds by state. Colours serve as brushes (Qt converts them), and QBrush's type is not loaded at start-up.
BACKGROUNDS = {
    CellState.REJECTED: QColor("#f6c4c4"),
    CellState.HARD: QColor("#fde3e1"),
    CellState.SOFT: QColor("#fff3c9"),
    CellState.EXPLAINED: QColor("#eef7e9"),
    CellState.COMPUTED: QColor("#eef1f5"),
    CellState.FIXED: QColor("#f7f8fa"),
}
INK_REJECTED, INK_COMPUTED = QColor("#8b1a1a"), QColor("#3c4a5c")
ALIGN_NUMBER = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
ALIGN_TEXT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
MARKERS = {CellState.REJECTED: QColor("#c62828"), CellState.HARD: QColor("#d93025"),
           CellState.SOFT: QColor("#e8a000"), CellState.EXPLAINED: QColor("#6aa84f")}

_DAY = re.compile(r"^(\d{1,2})日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")


def expand_date(text: str, period: str) -> str:
    """Let a clerk type '5' or '10-5' for a day of the reporting month; full dates pass unchanged.

    A day the month does not have ('35', '2-30') is left as typed, so that the refusal quotes what the clerk typed,
    not a date the program made up.
    """
    text = text.strip()
    year, month, day = year_of(period), None, None
    if m := _DAY.match(text):
        month, day = month_of(period), int(m[1])
    elif m := _MONTH_DAY.match(text):
        month, day = int(m[1]), int(m[2])
    if day is None:
        return text
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return text


def _plain_decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class RowEdit:
    """The edit of one row: before (None for a new row) and after values of the fields changed."""

    key: str | None
    after: dict
    before: dict | None = None
    created: bool = False  # the first redo created this row; undo deletes it


@dataclass
class EditOutcome:
    """What an attempted edit did: saved, or refused with the reason and the cells concerned."""

    ok: bool
    message: str = ""
    cells: list[tuple[int, str]] = dc_field(default_factory=list)


class EditCommand(QUndoCommand):
    """One undo step: typed cells, a pasted block, cleared cells or deleted rows."""

    def __init__(self, model: FormTableModel, edits: list[RowEdit], text: str, *, delete: bool = False) -> None:
        super().__init__(text)
        self.model, self.edits, self.delete = model, edits, delete

    def redo(self) -> None:
        if self.delete:
            ok = self.model._apply(lambda: [self.model._delete(e.key) for e in self.edits])
        else:
            ok = self.model._apply(lambda: [self._save(e, e.after) for e in self.edits])
        if not ok:
            self.setObsolete(True)

    def undo(self) -> None:
        if self.delete:
            ok = self.model._apply(lambda: [self.model._save(e.key, e.before, create=True) for e in self.edits])
        else:
            ok = self.model._apply(lambda: [self._unsave(e) for e in self.edits])
        if not ok:
            self.setObsolete(True)

    def _save(self, edit: RowEdit, values: dict) -> None:
        if edit.key is None:
            edit.key = self.model._save(None, values, create=True)
            edit.created = True
        else:
            self.model._save(edit.key, values, create=edit.created)

    def _unsave(self, edit: RowEdit) -> None:
        if edit.created:
            self.model._delete(edit.key)
        else:
            self.model._save(edit.key, edit.before)


class FormTableModel(QAbstractTableModel):
    """The rows of one form for one unit and month, editable where the declaration says so."""

    saved = Signal(str)  # a status line after a successful save
    refused = Signal(str)  # why an edit was not saved, with row and column
    findings_changed = Signal()

    def __init__(self, form: Form, parent=None) -> None:
        super().__init__(parent)
        self.form = form
        self.fields: list[Field] = list(form.fields)
        self._col = {f.key: i for i, f in enumerate(self.fields)}
        self.unit_code = self.period = ""
        self._user: str | Callable[[], str] = ""
        self.read_only_reason = ""
        self._rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._rejected: dict[tuple[str, str], tuple[str, str]] = {}  # (row key, field) -> (text typed, why)
        self._cell_findings: dict[int, dict[str, list[Finding]]] = {}  # row -> field -> findings, filled as cells are shown
        self.undo_stack = QUndoStack(self)
        self._indicator_decimals = {i.key: i.decimals for i in form.indicators}
        self._last_ok, self._last_error = False, ""
        self._fetch: Callable[[], list[Row]] | None = None
        self._display_cache: dict[int, dict[int, str]] = {}  # row -> column -> text shown
        self._italic: QFont | None = None
        roles = Qt.ItemDataRole
        self._handlers = {
            int(roles.DisplayRole): self._display_role, int(roles.EditRole): self._edit_role,
            int(roles.BackgroundRole): self._background_role, int(roles.ForegroundRole): self._foreground_role,
            int(roles.FontRole): self._font_role, int(roles.TextAlignmentRole): self._alignment_role,
            int(roles.ToolTipRole): self._tooltip_role, VALUE_ROLE: self._value_role, ROW_KEY_ROLE: self._row_key_role,
            FIELD_ROLE: self._field_role, FINDINGS_ROLE: self._findings_role, STATE_ROLE: self._state_role,
            PLACEHOLDER_ROLE: self._placeholder_role, PAINT_ROLE: self._decoration_role,
        }

    # ---- loading -------------------------------------------------------------------------------

    def load(self, *, unit_code: str, period: str, user: str | Callable[[], str] = "", read_only_reason: str = "",
             fetch: Callable[[], list[Row]] | None = None) -> None:
        """Show a unit's month; a read-only reason (a locked month) makes every cell read-only.

        user is the name the audit log records, or a function giving it at each save (the session's operator,
        who may be renamed in 设置 while the page stays loaded). fetch replaces the core's form_rows, for rows
        computed elsewhere (a district's sums), always read-only.
        """
        self.unit_code, self.period, self._user, self.read_only_reason = unit_code, period, user, read_only_reason
        self._fetch = fetch
        self.reload()
        self.undo_stack.clear()

    def reload(self) -> None:
        """Read the rows again from the database (after a period change, a conflict or a refused undo)."""
        self.beginResetModel()
        if self._fetch is not None:
            self._rows = self._fetch()
        elif self.unit_code:
            self._rows = form_rows(unit_code=self.unit_code, period=self.period, form_id=self.form.id)
        else:
            self._rows = []
        self._reindex()
        self._rejected.clear()
        self.endResetModel()
        self.findings_changed.emit()

    def _reindex(self) -> None:
        self._index = {r.row_key: i for i, r in enumerate(self._rows)}
        self._cell_findings.clear()  # sorted by field when a row is first shown: opening 5,000 events stays cheap
        self._display_cache.clear()

    def _findings_at(self, r: int) -> dict[str, list[Finding]]:
        """The findings of a loaded row by field (the row's first input for a finding about the whole row)."""
        out = self._cell_findings.get(r)
        if out is None:
            out = {}
            for f in self._rows[r].findings:
                out.setdefault(f.field or self.first_input_key, []).append(f)
            self._cell_findings[r] = out
        return out

    # ---- shape ---------------------------------------------------------------------------------

    @property
    def user(self) -> str:
        """Who is acting, for the audit log of the next save."""
        return self._user() if callable(self._user) else self._user

    @property
    def editable(self) -> bool:
        """True unless the month is locked (or the rows are not this unit's own)."""
        return not self.read_only_reason and bool(self.unit_code) and self._fetch is None

    @property
    def has_blank_row(self) -> bool:
        """Events get a blank last line to type the next event into, as in a spreadsheet."""
        return self.form.rows == "events" and self.editable

    @property
    def first_input_key(self) -> str:
        """The first column a user types into."""
        return self.form.input_fields[0].key

    @property
    def rows(self) -> list[Row]:
        """The rows as loaded (without the blank line)."""
        return self._rows

    def column_of(self, key: str) -> int:
        """Return the column of a field."""
        return self._col[key]

    def row_of(self, key: str) -> int:
        """Return the row number of a row key."""
        return self._index[key]

    def row_at(self, row: int) -> Row | None:
        """Return the row shown at a position, None for the blank line."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows) + (1 if self.has_blank_row else 0)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.fields)

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:
        # Qt's own index() asks rowCount() and columnCount() first: two calls into Python for every cell a view
        # or the filter looks at. The same bounds, checked in one.
        if parent.isValid() or not (0 <= column < len(self.fields) and 0 <= row < self.rowCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and self.fields[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.fields):
                return None
            f = self.fields[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{f.label}\n（{f.unit}）" if f.unit else f.label
            if role == Qt.ItemDataRole.ToolTipRole:
                kind = {"computed": tr("由程序计算，不能填写"), "row": tr("来自工作方案或报表，不能填写")}.get(f.source, "")
                return "\n".join(filter(None, [f.label + (f"（{f.unit}）" if f.unit else ""), f.group or "", kind,
                                               tr("必填") if f.required else ""]))
            if role == FIELD_ROLE:
                return f.key
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "＋" if section >= len(self._rows) else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and section >= len(self._rows):
            return tr("在这一行输入新的活动")
        return None

    # ---- cells ---------------------------------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Called for every role of every visible cell on each paint: dispatch on the role first, cache the rest.
        handler = self._handlers.get(int(role))
        if handler is None or not index.isValid():
            return None
        return handler(index.row(), index.column())

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan) -> None:  # noqa: N802
        """Fill several roles of a cell in one call (Qt's delegate asks for seven to paint a cell, and would cross
        into Python seven times, each through the filter's mapping, with data())."""
        if not index.isValid():
            return
        r, c = index.row(), index.column()
        handlers = self._handlers
        for role_data in roleDataSpan:
            handler = handlers.get(role_data.role())
            value = handler(r, c) if handler is not None else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _cell(self, r: int, c: int) -> tuple[Row | None, Field, tuple[str, str] | None]:
        row = self._rows[r] if r < len(self._rows) else None
        field = self.fields[c]
        rejected = self._rejected.get((row.row_key if row else "", field.key)) if self._rejected else None
        return row, field, rejected

    def _display_role(self, r: int, c: int) -> str:
        cache = self._display_cache.setdefault(r, {})
        text = cache.get(c)
        if text is None:
            row, field, rejected = self._cell(r, c)
            text = rejected[0] if rejected else self.display(field, row.values.get(field.key) if row else None, row)
            cache[c] = text
        return text

    def _rows_changed(self, first: int, last: int) -> None:
        """Forget the cached texts of some rows and tell the views to repaint them."""
        for r in range(first, last + 1):
            self._display_cache.pop(r, None)
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.fields) - 1))

    def _edit_role(self, r: int, c: int) -> str:
        row, field, rejected = self._cell(r, c)
        return rejected[0] if rejected else self.edit_text(field, row.values.get(field.key) if row else None)

    def _value_role(self, r: int, c: int):
        row, field, _ = self._cell(r, c)
        return row.values.get(field.key) if row else None

    def _findings_role(self, r: int, c: int) -> list[Finding]:
        return self._findings_at(r).get(self.fields[c].key, []) if r < len(self._rows) else []

    def _state_role(self, r: int, c: int) -> str:
        _, field, rejected = self._cell(r, c)
        return self._state(r, field, rejected)

    def _background_role(self, r: int, c: int) -> QColor | None:
        return BACKGROUNDS.get(self._state_role(r, c))

    def _foreground_role(self, r: int, c: int) -> QColor | None:
        _, field, rejected = self._cell(r, c)
        if rejected:
            return INK_REJECTED
        return INK_COMPUTED if field.source == "computed" else None

    def _font_role(self, r: int, c: int) -> QFont | None:
        if self.fields[c].source != "computed":
            return None
        if self._italic is None:
            self._italic = QFont()
            self._italic.setItalic(True)
        return self._italic

    def _alignment_role(self, r: int, c: int) -> int:
        return ALIGN_NUMBER if self.fields[c].numeric else ALIGN_TEXT

    def _tooltip_role(self, r: int, c: int) -> str | None:
        row, field, rejected = self._cell(r, c)
        return self._tooltip(r, field, row, rejected)

    def _placeholder_role(self, r: int, c: int) -> str | None:
        row, field, _ = self._cell(r, c)
        return self._placeholder(r, field, row)

    def _decoration_role(self, r: int, c: int) -> tuple[str | None, QColor | None]:
        """What the delegate paints over the cell: a grey hint and a corner mark."""
        return self._placeholder_role(r, c), MARKERS.get(self._state_role(r, c))

    def _row_key_role(self, r: int, c: int) -> str:
        return self._rows[r].row_key if r < len(self._rows) else ""

    def _field_role(self, r: int, c: int) -> str:
        return self.fields[c].key

    def _state(self, r: int, field: Field, rejected) -> str:
        if rejected:
            return CellState.REJECTED
        if field.source == "computed":
            return CellState.COMPUTED
        findings = self._findings_at(r).get(field.key, []) if r < len(self._rows) else []
        if any(f.level == "hard" for f in findings):
            return CellState.HARD
        if any(f.level == "soft" and not f.explained for f in findings):
            return CellState.SOFT
        if field.key == "explanation" and r < len(self._rows) and self._needs_explanation(r):
            return CellState.SOFT
        if findings:
            return CellState.EXPLAINED
        return CellState.FIXED if field.source == "row" else CellState.INPUT

    def _needs_explanation(self, r: int) -> list[Finding]:
        return [f for f in self._rows[r].findings if f.level == "soft" and not f.explained]

    def _tooltip(self, r: int, field: Field, row: Row | None, rejected) -> str | None:
        lines = []
        if rejected:
            lines.append(tr("未保存：") + rejected[1])
        if row is not None:
            for f in self._findings_at(r).get(field.key, []):
                label = tr("错误") if f.level == "hard" else (tr("已说明") if f.explained else tr("请核实"))
                lines.append(f"{label}：{f.message}")
            if field.key == "explanation":
                lines += [tr("需要说明：") + f.message for f in self._needs_explanation(r)]
            text = self.display(field, row.values.get(field.key), row)
            if field.type == "text" and len(text) > 12:
                lines.append(text)
        if field.source == "computed":
            lines.append(tr("由程序计算"))
        return "\n".join(lines) or None

    def _placeholder(self, r: int, field: Field, row: Row | None) -> str | None:
        if row is None:
            return tr("输入新活动…") if field.key == self.first_input_key else None
        if field.key == "explanation" and not row.values.get("explanation") and self._needs_explanation(r):
            return tr("请填写说明")
        return None

    def display(self, field: Field, value, row: Row | None = None) -> str:
        """Format a value as the table shows it (thousands separators, 2 decimals for 万元, % for rates)."""
        if value is None or value == "":
            return "—" if field.source == "computed" and row is not None and self._has_input(row) else ""
        if field.type == "percent":
            return f"{Decimal(value) * 100:,.1f}%"
        if field.type == "integer":
            return f"{int(value):,}"
        if field.type == "decimal":
            decimals = self._decimals(field, row)
            if decimals is None:
                text = _plain_decimal(Decimal(value))
                whole, _, frac = text.partition(".")
                return f"{int(whole):,}" + (f".{frac}" if frac else "") if whole.lstrip("-").isdigit() else text
            return f"{Decimal(value):,.{decimals}f}"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    def _has_input(self, row: Row) -> bool:
        return any(row.values.get(f.key) not in (None, "") for f in self.form.input_fields)

    def _decimals(self, field: Field, row: Row | None) -> int | None:
        if field.unit == "万元":
            return 2
        if field.unit_from_row and row is not None:
            return self._indicator_decimals.get(row.row_key)
        return None

    def edit_text(self, field: Field, value) -> str:
        """Return the value as a user would type it (no separators)."""
        if value is None:
            return ""
        if isinstance(value, Decimal):
            return _plain_decimal(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)

    # ---- editing -------------------------------------------------------------------------------

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        field = self.fields[index.column()]
        return self.edit_cells([(index.row(), field.key, value)], text=tr("编辑 {label}").format(label=field.label)).ok

    def edit_cells(self, cells: list[tuple[int, str, object]], *, text: str) -> EditOutcome:
        """Save typed, pasted or cleared values as one undo step; refused input saves nothing and is marked."""
        if not self.editable:
            return self._refuse(self.read_only_reason or tr("本月只读"), [])
        by_row: dict[int, dict[str, object]] = {}
        for r, key, value in cells:
            if self.form.field(key).editable:
                by_row.setdefault(r, {})[key] = self._normalise_input(self.form.field(key), value)
        edits, problems, bad_cells = [], [], []
        for r in sorted(by_row):
            row = self.row_at(r)
            if row is None and self.form.rows != "events":
                continue  # pasted below the last task or indicator: nothing to put it in
            values = by_row[r]
            current = {f.key: (row.values.get(f.key) if row else None) for f in self.form.input_fields}
            if row is None:
                changed = {k: v for k, v in values.items() if v is not None}
            else:
                changed = {k: v for k, v in values.items() if self._differs(self.form.field(k), current[k], v)}
            if not changed:
                continue
            for key, message in self._precheck(current, changed, row.row_key if row else ""):
                label = self.form.field(key).label
                where = self._row_named(row, r)
                problems.append(f"{where} {label}：{message}")
                bad_cells.append((r, key, changed[key]))
            edits.append(RowEdit(row.row_key if row else None, changed,
                                 {k: current[k] for k in changed} if row else None))
        if problems:
            for r, key, value in bad_cells:
                row = self.row_at(r)
                self._rejected[(row.row_key if row else "", key)] = (str(value or ""), problems[0])
                if r < self.rowCount():
                    self._rows_changed(r, r)
            more = tr("（另有 {n} 处）").format(n=len(problems) - 1) if len(problems) > 1 else ""
            return self._refuse(tr("未保存：") + problems[0] + more, [(r, k) for r, k, _ in bad_cells])
        if not edits:
            self._clear_rejected(cells)
            return EditOutcome(True)
        self._clear_rejected(cells)
        self._last_ok = False
        self.undo_stack.push(EditCommand(self, edits, text))
        return EditOutcome(self._last_ok, "" if self._last_ok else self._last_error)

    def delete_rows(self, rows: list[int]) -> EditOutcome:
        """Delete whole rows (events) as one undo step."""
        if not self.editable:
            return self._refuse(self.read_only_reason, [])
        edits = [RowEdit(row.row_key, {}, {f.key: row.values.get(f.key) for f in self.form.input_fields})
                 for r in sorted(set(rows)) if (row := self.row_at(r)) is not None]
        if not edits:
            return EditOutcome(True)
        self._last_ok = False
        self.undo_stack.push(EditCommand(self, edits, tr("删除 {n} 行").format(n=len(edits)), delete=True))
        return EditOutcome(self._last_ok, "" if self._last_ok else self._last_error)

    def _normalise_input(self, field: Field, value) -> object:
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
            if field.type == "date":
                return expand_date(value, self.period)
        return value

    def _differs(self, field: Field, old, new) -> bool:
        if new is None or isinstance(new, str):
            return self.edit_text(field, old) != (new or "")
        return old != new

    def _precheck(self, current: dict, changed: dict, row_key: str) -> list[tuple[str, str]]:
        """The core's own coercion and range checks, so that refused input is caught before saving."""
        typed, errors = coerce_row(self.form, {**current, **changed}, row_key=row_key)
        errors += [f for f in check_fields(self.form, typed, row_key=row_key) if f.rule_id != "required"]
        return [(f.field, f.message) for f in errors if f.field in changed]

    def _clear_rejected(self, cells) -> None:
        for r, key, _ in cells:
            row = self.row_at(r)
            if self._rejected.pop((row.row_key if row else "", key), None) is not None and r < self.rowCount():
                self._rows_changed(r, r)

    def _row_named(self, row: Row | None, r: int) -> str:
        """The row as the clerk reads it on the form: 任务 5, the indicator's name, 第3行 of the events, 新活动."""
        if row is None:
            return tr("新活动")
        if self.form.rows == "plan_tasks":
            return tr("任务 {no}").format(no=row.values.get("no") or row.row_key)
        if self.form.rows == "indicators":
            return str(row.values.get("indicator") or row.row_key)
        return tr("第{n}行").format(n=r + 1)

    def _refuse(self, message: str, cells: list) -> EditOutcome:
        self.refused.emit(message)
        return EditOutcome(False, message, cells)

    # ---- the one door to the core ----------------------------------------------------------------

    def _apply(self, work) -> bool:
        """Run saves or deletes; a refusal from the core (lock, conflict) reloads and is reported."""
        try:
            work()
        except LiangxinError as exc:
            self._last_ok, self._last_error = False, str(exc)
            self.reload()
            self.refused.emit(tr("未保存：") + str(exc))
            return False
        self._last_ok, self._last_error = True, ""
        self.saved.emit(tr("已保存 {time}").format(time=dt.datetime.now().strftime("%H:%M:%S")))
        self.findings_changed.emit()
        return True

    def _save(self, key: str | None, values: dict, *, create: bool = False) -> str:
        """Save one row through the core and show the row as stored; returns its key."""
        old = self._rows[self._index[key]] if key in self._index else None
        version = old.version if old is not None else (None if create or key is None else 0)
        row = save_row(unit_code=self.unit_code, period=self.period, form_id=self.form.id, row_key=key,
                       values=values, user=self.user, expected_version=version)
        if row.row_key in self._index:
            r = self._index[row.row_key]
            self._rows[r] = row
            self._cell_findings.pop(r, None)
            self._rows_changed(r, r)
        elif self.has_blank_row:
            # The blank line becomes the new event and a new blank line appears below it, so that the
            # cursor stays on the event being typed (Tab goes on along the same event).
            r = len(self._rows)
            # Input refused on the blank line was typed into this event: its marks go with it, not to the new line.
            for field_key in [k for line, k in self._rejected if line == ""]:
                self._rejected[(row.row_key, field_key)] = self._rejected.pop(("", field_key))
            self.beginInsertRows(QModelIndex(), r + 1, r + 1)
            self._rows.append(row)
            self._index[row.row_key] = r
            self.endInsertRows()
            self._rows_changed(r, r + 1)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, r, r + 1)
        else:
            r = len(self._rows)
            self.beginInsertRows(QModelIndex(), r, r)
            self._rows.append(row)
            self._index[row.row_key] = r
            self.endInsertRows()
            self._rows_changed(r, r)
        return row.row_key

    def _delete(self, key: str) -> None:
        delete_row(unit_code=self.unit_code, period=self.period, form_id=self.form.id, row_key=key, user=self.user)
        r = self._index[key]
        self.beginRemoveRows(QModelIndex(), r, r)
        del self._rows[r]
        self._reindex()
        self.endRemoveRows()

    # ---- summaries -----------------------------------------------------------------------------

    def finding_counts(self) -> tuple[int, int]:
        """Return (hard errors, soft warnings without a 说明) over the loaded rows."""
        hard = sum(1 for r in self._rows for f in r.findings if f.level == "hard")
        soft = sum(1 for r in self._rows for f in r.findings if f.level == "soft" and not f.explained)
        return hard, soft

    def findings(self) -> list[tuple[int, Finding]]:
        """Return every finding with its row number, in table order."""
        return [(i, f) for i, r in enumerate(self._rows) for f in r.findings]
