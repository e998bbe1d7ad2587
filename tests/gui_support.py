"""Helpers that drive the grid as a person does: keys, an input method for Chinese, the clipboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit


def editor_of(view) -> QLineEdit | None:
    """Return the open cell editor of a view, if any."""
    editors = [w for w in view.findChildren(QLineEdit) if w.isVisible()]
    return editors[0] if editors else None


def type_text(qtbot, view, text: str) -> None:
    """Type into the current cell the way a keyboard does; Chinese arrives as an input-method commit."""
    target = editor_of(view) or view
    if text.isascii():
        qtbot.keyClick(target, text[0])
        target = editor_of(view) or target
        if text[1:]:
            qtbot.keyClicks(target, text[1:])
        return
    if target is view:
        # An input method starts with a pre-edit string: the view opens the editor on it, and the
        # composition then goes on in the editor, which receives the committed text.
        QApplication.sendEvent(view, QInputMethodEvent(text[:1], []))
        target = editor_of(view)
        assert target is not None, "typing did not open an editor (is the cell read-only?)"
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(target, event)


def commit_text(widget, text: str) -> None:
    """Deliver text to a focused line edit the way a Chinese input method commits it."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(qtbot, view, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key in the open editor, else in the view."""
    qtbot.keyClick(editor_of(view) or view, key, modifier)
    QApplication.processEvents()  # the delegate commits on Enter through a queued call


def enter_cell(qtbot, view, text: str, key=Qt.Key.Key_Return) -> None:
    """Type a value into the current cell and leave it with Enter (or Tab)."""
    type_text(qtbot, view, text)
    press(qtbot, view, key)


P = "2025-10"


def make_window(qtbot, *, period: str = P, user: str = "clerk"):
    """Open the main window on the test database, shown offscreen."""
    from desktop.app import create_main_window

    window = create_main_window(period=period, user=user)
    qtbot.addWidget(window)
    window.resize(1360, 860)
    window.show()
    qtbot.waitExposed(window)
    activate(qtbot, window)
    return window


def activate(qtbot, window) -> None:
    """Make a window the active one: shortcuts (Ctrl+N, Ctrl+PgUp …) go to the active window only."""
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def cell(page, row_key: str, field: str):
    """Return the view index of a cell, by row key and field, through the page's filter."""
    model = page.model
    index = model.index(model.row_of(row_key), model.column_of(field))
    return page.proxy.mapFromSource(index) if page.proxy is not None else index


def go_to(page, row_key: str, field: str) -> None:
    """Make a cell current, as a click would."""
    index = cell(page, row_key, field)
    page.table.setCurrentIndex(index)
    page.table.setFocus()


def stored(form_id: str, row_key: str, field: str, *, unit: str = "371002001", period: str = P):
    """Read one value back from the database through the core."""
    from models.entries import form_rows

    for row in form_rows(unit_code=unit, period=period, form_id=form_id):
        if row.row_key == row_key:
            return row.values.get(field)
    raise KeyError(row_key)


def wait_op(qtbot, op, timeout: int = 20000) -> None:
    """Wait until a background operation has reported back."""
    qtbot.waitUntil(lambda: op.done, timeout=timeout)
