"""Questions the program asks: a reason, a yes/no, a folder, files. Module functions, so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from desktop.i18n import tr


class ReasonDialog(QInputDialog):
    """A multi-line question for a reason that stays open, saying so, when OK is pressed with nothing typed (it closed
    and did nothing, silently: the 退回 never happened and nobody was told why)."""

    def __init__(self, parent: QWidget | None, title: str, label: str) -> None:
        super().__init__(parent)
        self.label = label
        self.setWindowTitle(title)
        self.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
        self.setLabelText(label)

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted and not self.textValue().strip():
            self.setLabelText(self.label + "\n" + tr("须填写理由，才能继续；不想继续请点“取消”。"))
            return
        super().done(result)


def ask_reason(parent: QWidget | None, title: str, label: str) -> str | None:
    """Ask for a reason (reopening, a conflict decision); None when cancelled."""
    dialog = ReasonDialog(parent, title, label)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return dialog.textValue().strip() if accepted else None


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question; the safe answer is the default."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def choose_folder(parent: QWidget | None, title: str, start: str = "") -> str | None:
    """Let the user pick a folder."""
    folder = QFileDialog.getExistingDirectory(parent, title, start)
    return folder or None


def choose_files(parent: QWidget | None, title: str, start: str = "", pattern: str = "") -> list[str]:
    """Let the user pick files."""
    files, _ = QFileDialog.getOpenFileNames(parent, title, start, pattern or tr("Excel 报表 (*.xlsx)"))
    return files


def choose_open_file(parent: QWidget | None, title: str, pattern: str) -> str | None:
    """Let the user pick one file to read."""
    path, _ = QFileDialog.getOpenFileName(parent, title, "", pattern)
    return path or None


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """Ask for one line of text."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    return value if ok else None


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the system's program (Excel/WPS for .xlsx, Explorer for folders)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
