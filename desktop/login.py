"""Log in, when an administrator has switched login on (models.auth); the core enforces the roles."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from desktop.i18n import tr
from models.auth import login
from models.errors import LiangxinError


class LoginDialog(QDialog):
    """Name and password; a refusal is shown in the dialog, which stays open."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("登录 — 两新填报"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name, self.password = QLineEdit(), QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("用户名"), self.name)
        form.addRow(tr("密码"), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Check the name and password with the core."""
        try:
            login(self.name.text().strip(), self.password.text())
        except LiangxinError as exc:
            self.error.setText(str(exc))
            self.password.clear()
            return
        super().accept()
