"""Small widgets the pages share: a banner, a figure card, a page header and the base of every page."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.icons import icon
from desktop.style import set_style_property


class Banner(QFrame):
    """A coloured line across a page: locked month, refused input, success; with an optional button."""

    clicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        self.icon_label = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.clicked.connect(self.clicked)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_message(self, kind: str, text: str, button: str = "", icon_name: str = "") -> None:
        """Show a message of a kind (locked, error, info, ok)."""
        set_style_property(self, "kind", kind)
        colour = {"locked": "#8a4b08", "error": "#c62828", "ok": "#276738"}.get(kind, "#1f5fa8")
        name = icon_name or {"locked": "lock", "error": "warning", "ok": "check"}.get(kind, "check")
        self.icon_label.setPixmap(icon(name, colour, 18).pixmap(18, 18))
        self.text.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        self.show()


def add_export_banner(page: QWidget) -> Banner:
    """Give a page that exports a return its outcome banner, with 打开文件 / 打开所在文件夹 for page.last_export."""
    from desktop import dialogs
    from desktop.i18n import tr

    page.export_banner = Banner()
    page.open_file_button = QPushButton(icon("open"), tr("打开文件"))
    page.open_folder_button = QPushButton(icon("folder"), tr("打开所在文件夹"))
    page.open_file_button.clicked.connect(lambda: page.last_export and dialogs.open_path(page.last_export))
    page.open_folder_button.clicked.connect(lambda: page.last_export and dialogs.open_path(page.last_export.parent))
    page.export_banner.button.hide()
    page.export_banner.layout().addWidget(page.open_file_button)
    page.export_banner.layout().addWidget(page.open_folder_button)
    return page.export_banner


def show_written(page: QWidget, path, text: str) -> None:
    """Say on a page's export banner what was written, with 打开文件 / 打开所在文件夹 for it."""
    from pathlib import Path

    page.last_export = Path(path)
    page.open_file_button.show()
    page.open_folder_button.show()
    page.export_banner.show_message("ok", text)


def show_write_failed(page: QWidget, exc: Exception) -> None:
    """Say on a page's export banner that nothing was written, and why."""
    from desktop.i18n import tr

    page.open_file_button.hide()
    page.open_folder_button.hide()
    page.export_banner.show_message("error", tr("导出失败：{error}").format(error=exc))


class Card(QFrame):
    """A figure on the dashboard: a title, a big value and a note."""

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.title = QLabel(title, objectName="CardTitle")
        self.value = QLabel("—", objectName="CardValue")
        self.note = QLabel("", objectName="CardNote")
        self.note.setWordWrap(True)
        for w in (self.title, self.value, self.note):
            layout.addWidget(w)
        layout.addStretch(1)
        # As tall as the tallest card in the row (a note that wraps makes one taller), not each its own height.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def set(self, value: str, note: str = "", colour: str = "") -> None:
        """Show a value and its note; a colour marks good or bad news."""
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
        self.note.setText(note)


class Page(QWidget):
    """A page of the main window: built once, refreshed when shown after something changed."""

    title = ""
    icon_name = ""
    status_message = Signal(str)

    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self._stale = True
        session.period_changed.connect(lambda _p: self.mark_stale())
        session.lock_changed.connect(self.mark_stale)
        session.data_changed.connect(lambda origin: origin is self or self.mark_stale())

    def mark_stale(self) -> None:
        """Refresh now if visible, else on the next show."""
        self._stale = True
        if self.isVisible():
            self.activate()

    def activate(self) -> None:
        """Called when the page is shown; refreshes if something changed meanwhile."""
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Read what the page shows from the core again."""

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.activate()


def page_header(title: str, code: str = "") -> tuple[QHBoxLayout, QLabel]:
    """Return a page's title row and the label on its right (saved state, counts)."""
    row = QHBoxLayout()
    row.addWidget(QLabel(title, objectName="PageTitle"))
    if code:
        row.addWidget(QLabel(code, objectName="FormCode"))
    row.addStretch(1)
    right = QLabel("", objectName="SavedState")
    row.addWidget(right)
    return row, right


def scrolling(body: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """Wrap a page's body in a frameless scroll area that resizes it (so small screens still reach everything)."""
    scroll = QScrollArea(parent)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll
