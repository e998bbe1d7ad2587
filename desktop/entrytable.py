"""The entry grid: a QTableView that behaves like a spreadsheet (Enter down, Tab right, typing replaces, paste)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractProxyModel, QEvent, QModelIndex, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCompleter,
    QFrame,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
)

from desktop.clipboard import parse_clipboard
from desktop.formmodel import FIELD_ROLE, PAINT_ROLE, EditOutcome, FormTableModel
from desktop.i18n import tr


def source_model(model) -> FormTableModel:
    """Return the FormTableModel under any proxies."""
    while isinstance(model, QAbstractProxyModel):
        model = model.sourceModel()
    return model


def to_source(index: QModelIndex) -> QModelIndex:
    """Map an index through every proxy to the FormTableModel."""
    model = index.model()
    while isinstance(model, QAbstractProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    return index


class FormDelegate(QStyledItemDelegate):
    """Line editors (with completion for choices), hints in empty cells and Excel-like corner marks."""

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = QLineEdit(parent)
        editor.setFrame(False)
        model = source_model(index.model())
        field = model.form.field(index.data(FIELD_ROLE))
        if field.type == "choice":
            completer = QCompleter(list(field.choices), editor)
            completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            editor.setCompleter(completer)
            editor.setPlaceholderText("/".join(field.choices))
        elif field.type == "date":
            editor.setPlaceholderText(tr("如 5、10-5 或 2025-10-05"))
        if field.numeric:
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor

    def paint(self, painter: QPainter, option, index) -> None:
        super().paint(painter, option, index)
        hint, marker = index.data(PAINT_ROLE) or (None, None)
        if hint and not index.data(Qt.ItemDataRole.DisplayRole):
            painter.save()
            painter.setPen(QColor("#9aa3ae"))
            font = painter.font()
            font.setItalic(True)
            painter.setFont(font)
            painter.drawText(option.rect.adjusted(6, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, hint)
            painter.restore()
        if marker is not None:  # a small triangle in the top-right corner, like Excel's comment mark
            r = option.rect
            size = 7.0
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(marker)
            painter.drawPolygon(QPolygonF([QPointF(r.right() - size, r.top()), QPointF(r.right() + 1, r.top()),
                                           QPointF(r.right() + 1, r.top() + size)]))
            painter.restore()


class EntryTable(QTableView):
    """Keyboard-first grid over a FormTableModel (directly or through a filter proxy)."""

    outcome = Signal(object)  # EditOutcome of a paste or clear, for the page's message bar

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        triggers = QAbstractItemView.EditTrigger
        self.setEditTriggers(triggers.AnyKeyPressed | triggers.DoubleClicked | triggers.EditKeyPressed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setItemDelegate(FormDelegate(self))
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(max(26, self.fontMetrics().height() + 10))
        vh.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        hh = self.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        hh.setMinimumHeight(self.fontMetrics().height() * 2 + 14)
        hh.setHighlightSections(True)
        self.frozen_count = 0
        self.frozen: QTableView | None = None
        self._last_scroll_x, self._snapping = 0, False  # for scrolling by whole columns past the frozen ones

    # ---- frozen columns (Qt's "frozen column" pattern: a second view over the left columns) ------------

    def freeze_columns(self, count: int) -> None:
        """Keep the first columns (task number and title, indicator) in view while scrolling right.

        The second view that holds them still is built on the first scroll to the right: until then the grid
        shows those columns in place, with the same edge after them, and start-up builds and paints one view.
        """
        self.frozen_count = count
        if count <= 0:
            return
        self.frozen_edge = QFrame(self, objectName="FrozenEdge")
        self.frozen_edge.setFrameShape(QFrame.Shape.NoFrame)
        self.frozen_edge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.frozen_edge.show()
        self.horizontalHeader().sectionResized.connect(self._frozen_section_resized)
        self.horizontalScrollBar().valueChanged.connect(self._scrolled_sideways)
        self._place_frozen()

    def _scrolled_sideways(self, value: int) -> None:
        if value and self.frozen is None:
            self._build_frozen()
        self._snap_to_column(value)

    def _snap_to_column(self, value: int) -> None:
        """Scroll by whole columns past the frozen ones, as Excel does, so that none is left half under them.

        A step right goes on to the next column edge, a step left back to the previous one; the far right end
        stays reachable as it is.
        """
        bar = self.horizontalScrollBar()
        previous, self._last_scroll_x = self._last_scroll_x, value
        if self._snapping or value in (0, bar.maximum()):
            return
        header, edge = self.horizontalHeader(), self.frozen_width()
        stops = sorted(header.sectionPosition(c) - edge for c in range(self.frozen_count, header.count())
                       if not header.isSectionHidden(c) and header.sectionPosition(c) >= edge)
        if value > previous:
            target = next((s for s in stops if s >= value), bar.maximum())
        else:
            target = next((s for s in reversed(stops) if s <= value), 0)
        target = min(max(target, 0), bar.maximum())
        if target != value:
            self._snapping = True
            try:
                bar.setValue(target)
            finally:
                self._snapping = False
            self._last_scroll_x = target

    def _build_frozen(self) -> QTableView:
        frozen = QTableView(self)
        self.frozen = frozen
        frozen.setObjectName("FrozenColumns")
        frozen.setModel(self.model())
        frozen.setSelectionModel(self.selectionModel())
        frozen.setItemDelegate(FormDelegate(frozen))  # its own: a shared delegate would close our editors twice
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        frozen.setSelectionMode(self.selectionMode())
        frozen.verticalHeader().hide()
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollMode(self.verticalScrollMode())
        frozen.setWordWrap(False)
        frozen.setTextElideMode(Qt.TextElideMode.ElideRight)
        frozen.verticalHeader().setDefaultSectionSize(self.verticalHeader().defaultSectionSize())
        frozen.horizontalHeader().setDefaultAlignment(self.horizontalHeader().defaultAlignment())
        frozen.horizontalHeader().setMinimumHeight(self.horizontalHeader().minimumHeight())
        frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        frozen.raise_()  # above the grid's own cells and headers (stacked there already as the newest child)
        self._sync_frozen_columns()
        frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        frozen.verticalScrollBar().setValue(self.verticalScrollBar().value())
        self.model().modelReset.connect(self._sync_frozen_columns)
        self.frozen_edge.hide()  # the frozen view draws the same edge as its right border
        frozen.show()
        self._place_frozen()
        return frozen

    def _sync_frozen_columns(self) -> None:
        frozen = getattr(self, "frozen", None)
        if frozen is None:
            return
        for col in range(self.model().columnCount()):
            hidden = col >= self.frozen_count or self.isColumnHidden(col)
            frozen.setColumnHidden(col, hidden)
            if not hidden:
                frozen.setColumnWidth(col, self.columnWidth(col))
        self._place_frozen()

    def _frozen_section_resized(self, column: int, _old: int, new: int) -> None:
        if column < self.frozen_count:
            if self.frozen is not None:
                self.frozen.setColumnWidth(column, new)
            self._place_frozen()

    def frozen_width(self) -> int:
        """The width of the columns that stay in view (0 when none)."""
        return sum(self.columnWidth(c) for c in range(self.frozen_count) if not self.isColumnHidden(c))

    def _place_frozen(self) -> None:
        if not getattr(self, "frozen_count", 0):
            return
        width = self.frozen_width()
        frame = self.frameWidth()
        # The vertical header is as tall as the viewport; asking for viewport() itself would make PySide wrap a
        # plain QWidget made by Qt, which loads every widget class to find its type (~30 ms at start-up).
        vh = self.verticalHeader()
        left, height = vh.width() + frame, vh.height() + self.horizontalHeader().height()
        if self.frozen is not None:
            self.frozen.setGeometry(left, frame, width, height)
        else:
            self.frozen_edge.setGeometry(left + width - 2, frame, 2, height)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:  # noqa: N802
        super().updateGeometries()
        self._place_frozen()

    def scrollTo(self, index, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:  # noqa: N802
        """Scroll a cell into view beside the frozen columns, not under them."""
        frozen_count = getattr(self, "frozen_count", 0)
        if index.column() >= frozen_count or getattr(self, "frozen", None) is None:
            super().scrollTo(index, hint)
            frozen_width = self.frozen.width() if getattr(self, "frozen", None) is not None else 0
            x = self.columnViewportPosition(index.column())
            if frozen_width and index.column() >= frozen_count and x < frozen_width:
                bar = self.horizontalScrollBar()
                bar.setValue(max(bar.value() - (frozen_width - x), 0))
        else:
            super().scrollTo(self.model().index(index.row(), frozen_count) if index.row() >= 0 else index, hint)

    @property
    def form_model(self) -> FormTableModel:
        """The FormTableModel under the view's proxies."""
        return source_model(self.model())

    def fit_columns(self) -> None:
        """Give each column the width its declaration asks for (Excel character units)."""
        unit = self.fontMetrics().horizontalAdvance("0")
        for col, field in enumerate(self.form_model.fields):
            self.setColumnWidth(col, int(field.width * unit * 1.1) + 12)

    # ---- keys ------------------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing:
            if event.matches(QKeySequence.StandardKey.Copy):
                self.copy_selection()
                return
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste_text(QGuiApplication.clipboard().text())
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_by(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1, 0)
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
                self.clear_selection()
                return
            if self._typing_into_read_only(event):
                # Say why, as Delete and paste do, instead of doing nothing at all.
                self.form_model.edit_cells([], text="")
                return
        super().keyPressEvent(event)

    def _typing_into_read_only(self, event) -> bool:
        """True for a character typed on a cell one could type into, were the month not read-only."""
        text = event.text()
        if not text or not text.isprintable() or event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            return False
        current = self.currentIndex()
        return (current.isValid() and not self.form_model.editable
                and self.form_model.fields[to_source(current).column()].editable)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802
        """Enter commits and moves down, Tab commits and moves right, without opening the next editor."""
        hints = QAbstractItemDelegate.EndEditHint
        step = {hints.SubmitModelCache: (1, 0), hints.EditNextItem: (0, 1), hints.EditPreviousItem: (0, -1)}.get(hint)
        super().closeEditor(editor, hints.NoHint if step else hint)
        if step:
            self.move_by(*step)

    def move_by(self, rows: int, cols: int) -> None:
        """Move the current cell, staying inside the table."""
        current = self.currentIndex()
        model = self.model()
        if not current.isValid():
            current = model.index(0, 0)
        row = min(max(current.row() + rows, 0), model.rowCount() - 1)
        col = min(max(current.column() + cols, 0), model.columnCount() - 1)
        target = model.index(row, col)
        if target.isValid():
            self.setCurrentIndex(target)
            self.scrollTo(target)

    def commit_editor(self) -> None:
        """Save and close the open cell editor, as leaving the cell does (nothing when none is open)."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def edit_current(self) -> None:
        """Open the editor on the current cell (F2 does the same)."""
        if self.currentIndex().isValid():
            self.edit(self.currentIndex())

    # ---- clipboard -------------------------------------------------------------------------------

    def copy_selection(self) -> str:
        """Copy the selected block as tab-separated text (numbers without separators)."""
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        lines = []
        for r in rows:
            cells = []
            for c in cols:
                text = str(self.model().index(r, c).data(Qt.ItemDataRole.EditRole) or "") if (r, c) in chosen else ""
                cells.append(f'"{text.replace(chr(34), chr(34) * 2)}"' if any(ch in text for ch in '\t\n"') else text)
            lines.append("\t".join(cells))
        text = "\n".join(lines)
        QGuiApplication.clipboard().setText(text)
        return text

    def paste_text(self, text: str) -> EditOutcome:
        """Paste a block at the current cell; one value pasted over a selection fills it, like Excel."""
        block = parse_clipboard(text)
        if not block:
            return EditOutcome(True)
        view_model = self.model()
        selected = self.selectedIndexes()
        if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
            cells = [(*self._source_cell(i), block[0][0]) for i in selected]
            # A whole column selected takes the blank line of a new event with it: filling it would make an
            # event of that one value. Filled only when nothing else is selected.
            existing = [cell for cell in cells if self.form_model.row_at(cell[0]) is not None]
            return self._apply(existing or cells, tr("粘贴"))
        start = min(selected, key=lambda i: (i.row(), i.column())) if selected else self.currentIndex()
        if not start.isValid():
            start = view_model.index(0, 0)
        columns = self.visible_columns_from(start.column())
        model = self.form_model
        shown, cells, dropped = view_model.rowCount(), [], 0
        for dr, values in enumerate(block):
            r = start.row() + dr
            if r >= shown and not model.has_blank_row:
                dropped += 1  # below the last line shown: no row to put it in (never a task hidden by a filter)
                continue
            for c, value in zip(columns, values, strict=False):  # extra pasted columns fall off the right edge
                if r < shown:
                    cells.append((*self._source_cell(view_model.index(r, c)), value))
                else:  # below the last line: new events, numbered past the model's own rows, not the view's
                    cells.append((model.rowCount() + r - shown, c, value))
        return self._apply(cells, tr("粘贴"), dropped=dropped)

    def visible_columns_from(self, column: int) -> list[int]:
        """The columns shown from a column rightwards, in screen order (a pasted block skips hidden ones)."""
        header = self.horizontalHeader()
        first = header.visualIndex(column)
        logical = [header.logicalIndex(v) for v in range(first, header.count())]
        return [c for c in logical if not header.isSectionHidden(c)]

    def clear_selection(self) -> EditOutcome:
        """Clear the selected cells that can be typed into."""
        return self._apply([(*self._source_cell(i), None) for i in self.selectedIndexes()], tr("清除"))

    @staticmethod
    def _source_cell(index: QModelIndex) -> tuple[int, int]:
        src = to_source(index)
        return src.row(), src.column()

    def _apply(self, cells: list[tuple[int, int, object]], text: str, *, dropped: int = 0) -> EditOutcome:
        model = self.form_model
        edits, skipped = [], 0
        for row, col, value in cells:
            field = model.fields[col]
            if field.editable:
                edits.append((row, field.key, value))
            elif value not in (None, ""):
                skipped += 1
        outcome = model.edit_cells(edits, text=text) if edits else EditOutcome(True)
        if outcome.ok and (skipped or dropped):
            notes = [tr("{n} 个只读单元格未改动（序号、名称、计算栏）").format(n=skipped)] if skipped else []
            if dropped:
                notes.append(tr("{n} 行在显示的最后一行之下，未粘贴").format(n=dropped))
            outcome.message = tr("；").join(notes)
        self.outcome.emit(outcome)
        return outcome

    def event(self, event) -> bool:
        # Copy and paste belong to the grid even when a window action is bound to the same keys.
        if event.type() == QEvent.Type.ShortcutOverride and (event.matches(QKeySequence.StandardKey.Paste)
                                                             or event.matches(QKeySequence.StandardKey.Copy)):
            event.accept()
            return True
        return super().event(event)
