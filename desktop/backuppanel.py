"""设置 → 备份与恢复: the backups beside the database, a backup on demand, and a restore from one of them or a file.

The panel only asks and shows; copying, checking and replacing the database are the core's (models.backup),
run off the GUI thread through desktop.ops.Op.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import dialogs
from desktop.i18n import QT_TRANSLATE_NOOP, tr
from desktop.icons import icon
from desktop.ops import Op
from models.auth import allowed, login_required, require
from models.backup import (
    KEEP_DAILY,
    OTHER_UNIT,
    BackupError,
    BackupFile,
    backup_database,
    backup_folder,
    current_database_path,
    list_backups,
    manual_backup_path,
    restore_database,
    restore_risk,
)
from models.database import close_database
from models.errors import LiangxinError
from models.units import own_unit

KIND_NAMES = {"daily": QT_TRANSLATE_NOOP("", "每日自动"), "manual": QT_TRANSLATE_NOOP("", "手动"),
              "before-upgrade": QT_TRANSLATE_NOOP("", "升级前"), "before-restore": QT_TRANSLATE_NOOP("", "恢复前")}
BACKUP_PATTERN = QT_TRANSLATE_NOOP("", "两新填报备份 (*.sqlite3 *.db);;所有文件 (*)")


def choose_save_file(parent: QWidget | None, title: str, start: str, pattern: str) -> str | None:
    """Let the user pick where to write a file (a module function, so tests can answer it)."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, pattern)
    return path or None


def inform(parent: QWidget | None, title: str, text: str) -> None:
    """Tell the user something that needs their attention before they go on."""
    QMessageBox.information(parent, title, text)


def size_text(size: int) -> str:
    """A file size as people read it: 812 KB, 3.4 MB."""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def kind_name(kind: str) -> str:
    """A backup's kind in the interface language."""
    return tr(KIND_NAMES.get(kind, kind))


def error_text(exc: Exception) -> str:
    """The core's words for a refusal; an unexpected error also names its type (for IT)."""
    return str(exc) if isinstance(exc, LiangxinError) else f"{type(exc).__name__}: {exc}"


class BackupPanel(QGroupBox):
    """备份与恢复 on the settings page."""

    restored = Signal(object)  # the copy kept of the replaced database (None when there was none)

    def __init__(self, session, banner, parent=None) -> None:
        super().__init__(tr("备份与恢复"), parent)
        self.session, self.banner = session, banner
        self.db_path: Path | None = None
        self.backups: list[BackupFile] = []
        self.last_op: Op | None = None
        layout = QVBoxLayout(self)
        self.note = QLabel(objectName="Hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("备份时间"), tr("类型"), tr("大小"), tr("文件")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(150)
        self.table.setMaximumHeight(220)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        self.empty = QLabel(tr("还没有备份。"), objectName="Hint")
        layout.addWidget(self.empty)

        self.backup_button = QPushButton(icon("export"), tr("立即备份…"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(icon("undo"), tr("从所选备份恢复…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.file_button = QPushButton(icon("open"), tr("从其他文件恢复…"))
        self.file_button.clicked.connect(self.restore_from_file)
        self.folder_button = QPushButton(icon("folder"), tr("打开备份文件夹"))
        self.folder_button.clicked.connect(self._open_folder)
        row = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.file_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    # ---- showing -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the backups beside the database, newest first."""
        try:
            self.db_path = current_database_path()
        except BackupError:
            self.db_path = None
        if self.db_path is None:
            self.note.setText(tr("共用的 PostgreSQL 数据库由技术人员在服务器上用 pg_dump 备份、用 pg_restore 恢复"
                                 "（见 IT 指南 docs/it-guide.md 的 “A shared PostgreSQL database” 一节）；"
                                 "本程序只备份本机的 SQLite 数据库文件。"))
            self.backups = []
        else:
            self.note.setText(tr("每天第一次启动程序时自动备份到 {folder}，保留最近 {days} 天和每月的第一份。"
                                 "每份备份都经过完整性检查。恢复前，当前数据库会先另存一份。")
                              .format(folder=backup_folder(self.db_path), days=KEEP_DAILY))
            self.backups = list_backups(self.db_path)
        self.table.setRowCount(len(self.backups))
        for r, found in enumerate(self.backups):
            cells = (found.taken.strftime("%Y-%m-%d %H:%M"), kind_name(found.kind), size_text(found.size),
                     found.path.name)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(found.path))
                if c == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.empty.setVisible(self.db_path is not None and not self.backups)
        self._update_buttons()

    def _update_buttons(self) -> None:
        sqlite = self.db_path is not None
        may_restore = sqlite and allowed("restore")
        may_backup = sqlite and allowed("backup")
        self.backup_button.setEnabled(may_backup)
        self.restore_button.setEnabled(may_restore and self.selected() is not None)
        self.file_button.setEnabled(may_restore)
        self.folder_button.setEnabled(sqlite)
        why = "" if may_restore or not sqlite else tr("只有管理员可以恢复备份")
        for button in (self.restore_button, self.file_button):
            button.setToolTip(why)

    def selected(self) -> BackupFile | None:
        """The backup chosen in the list, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _open_folder(self) -> None:
        folder = backup_folder(self.db_path)
        folder.mkdir(parents=True, exist_ok=True)
        dialogs.open_path(folder)

    # ---- backing up ----------------------------------------------------------------------------------

    def backup_now(self) -> Op | None:
        """Ask where, then write a checked copy of the database there in the background."""
        start = manual_backup_path(self.db_path)
        start.parent.mkdir(parents=True, exist_ok=True)
        path = choose_save_file(self, tr("备份到"), str(start), tr(BACKUP_PATTERN))
        if not path:
            return None
        user = self.session.user

        def work(_progress) -> Path:
            require("backup", user=user)
            return backup_database(out=path)

        def done(out: Path) -> None:
            self.refresh()
            text = tr("已备份到 {path}（已通过完整性检查）").format(path=out)
            self.banner.show_message("ok", text)

        def failed(exc: Exception) -> None:
            self.banner.show_message("error", tr("未能备份：{error}").format(error=error_text(exc)))

        self.last_op = Op(self, work, title=tr("备份"), success=done, failure=failed, cancellable=False)
        return self.last_op.run_in_background()

    # ---- restoring -----------------------------------------------------------------------------------

    def restore_selected(self) -> Op | None:
        """Restore the backup chosen in the list, after the user confirms."""
        found = self.selected()
        if found is None:
            return None
        return self.restore_from(found.path, taken=found.taken.strftime("%Y-%m-%d %H:%M"))

    def restore_from_file(self) -> Op | None:
        """Restore a backup file the user picks (from a USB stick, another PC), after the user confirms."""
        path = dialogs.choose_open_file(self, tr("选择备份文件"), tr(BACKUP_PATTERN))
        return self.restore_from(Path(path)) if path else None

    def restore_from(self, path: Path, *, taken: str = "") -> Op | None:
        """Say what will happen, and on yes replace the database with the backup in the background."""
        target = self.db_path
        if target is None:
            return None
        text = tr("用这份备份替换当前数据库吗？\n\n备份：{backup}{taken}\n当前数据库：{target}\n\n"
                  "当前数据库会先完整另存一份到 {folder}（类型“恢复前”），需要时可以再恢复回来。"
                  "恢复后显示的是备份时的数据，备份之后录入的内容不在其中。").format(
            backup=path.name, taken=f"（{taken}）" if taken else "", target=target, folder=backup_folder(target))
        risk = restore_risk(path, target)  # another unit's backup, or an empty one: said first, confirmed with the rest
        if risk is not None:
            text = tr("注意：{risk}。").format(risk=risk.text) + "\n\n" + text
            if risk.kind == OTHER_UNIT:
                text += "\n\n" + tr("恢复后需要重新启动程序。")
        if not dialogs.confirm(self, tr("从备份恢复"), text):
            return None
        user, login_before = self.session.user, login_required()
        close_database()  # this thread's connection; the restore writes through its own

        def work(_progress):
            return restore_database(path, target=target, user=user, confirmed={risk.kind} if risk else ())

        def done(kept) -> None:
            self._after_restore(path, kept, login_before)

        def failed(exc: Exception) -> None:
            self.refresh()
            self.banner.show_message("error", tr("未能恢复：{error}").format(error=error_text(exc)))

        self.last_op = Op(self, work, title=tr("正在从备份恢复…"), success=done, failure=failed, cancellable=False)
        return self.last_op.run_in_background()

    def _after_restore(self, source: Path, kept: Path | None, login_before: bool) -> None:
        text = tr("已从 {backup} 恢复。").format(backup=source.name)
        if kept is not None:
            text += tr("恢复前的数据库另存为 {kept}。").format(kept=kept)
        unit = own_unit()
        if unit is None or unit.code != self.session.unit_code or login_required() != login_before:
            # The window is built for one unit and one login mode: start afresh on the restored database.
            inform(self, tr("从备份恢复"), text + "\n\n" + tr("恢复的数据库属于其他单位或登录设置不同，程序将关闭，请重新启动。"))
            self.window().close()
            return
        self.refresh()
        self.banner.show_message("ok", text)
        self.restored.emit(kept)

