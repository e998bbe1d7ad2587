"""使用说明: the user guide (resources/guide/user-guide.md), shown in a window from F1, offline."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop.i18n import tr
from models.resources import resource_path

GUIDE = ("resources", "guide", "user-guide.md")


def guide_text() -> str:
    """The guide's Markdown (in Chinese, as the forms' words are)."""
    return resource_path(*GUIDE).read_text(encoding="utf-8")


class GuideDialog(QDialog):
    """The user guide, rendered by Qt's own Markdown support; links open nothing outside the program."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("UserGuide")
        self.setWindowTitle(tr("使用说明"))
        self.resize(860, 720)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setMarkdown(guide_text())
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def show_guide(parent: QWidget | None = None) -> GuideDialog:
    """Open the user guide beside the window (not modal: the clerk reads it while working)."""
    dialog = GuideDialog(parent)
    dialog.show()
    return dialog
