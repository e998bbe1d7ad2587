"""Start-up check of the SQLite file: when quick_check finds damage, list it and offer a restore from a backup.

The checking, choosing and restoring are the core's (models.backup); this module asks the user and runs the
restore off the GUI thread while a progress dialog shows, before the main window exists.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from desktop import dialogs
from desktop.backuppanel import BACKUP_PATTERN, error_text, inform, kind_name, size_text
from desktop.i18n import tr
from desktop.ops import Op
from models.backup import (
    EMPTY_BACKUP,
    OTHER_UNIT,
    BackupFile,
    list_backups,
    newest_sound_backup,
    quick_check,
    restore_database,
)
from models.database import is_postgres_url

log = logging.getLogger("liangxin.gui")

RESTORE_NEWEST, CHOOSE, OPEN_ANYWAY, QUIT = "restore", "choose", "open", "quit"
MAX_LISTED = 8  # problems shown in the dialog; all of them go to the log


def ask_startup_choice(parent: QWidget | None, target: str, problems: list[str], newest: BackupFile | None) -> str:
    """Show what quick_check found and ask: restore the newest sound backup, choose one, open anyway, or quit."""
    box = QMessageBox(QMessageBox.Icon.Critical, tr("数据库检查"),
                      tr("数据库文件 {target} 检查发现问题，数据可能已损坏：").format(target=target), parent=parent)
    shown = [p.removeprefix(f"{target}: ") for p in problems[:MAX_LISTED]] + ([tr("……另有 {n} 处问题").format(n=len(problems) - MAX_LISTED)]
                                     if len(problems) > MAX_LISTED else [])
    advice = (tr("建议从最近的备份（{taken}，{kind}）恢复；损坏的文件会先另存一份。").format(
        taken=newest.taken.strftime("%Y-%m-%d %H:%M"), kind=kind_name(newest.kind))
        if newest else tr("没有找到可用的备份。可以选择其他备份文件（例如U盘上的），或联系技术人员。"))
    box.setInformativeText("\n".join(shown) + "\n\n" + advice)
    buttons = {}
    restore = box.addButton(tr("从最近的备份恢复"), QMessageBox.ButtonRole.AcceptRole)
    restore.setEnabled(newest is not None)
    buttons[restore] = RESTORE_NEWEST
    buttons[box.addButton(tr("选择其他备份…"), QMessageBox.ButtonRole.ActionRole)] = CHOOSE
    buttons[box.addButton(tr("仍然打开"), QMessageBox.ButtonRole.DestructiveRole)] = OPEN_ANYWAY
    quit_button = box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole)
    buttons[quit_button] = QUIT
    box.setDefaultButton(restore if newest else quit_button)
    box.setEscapeButton(quit_button)
    box.exec()
    return buttons.get(box.clickedButton(), QUIT)


def choose_backup(parent: QWidget | None, backups: list[BackupFile]) -> Path | None:
    """Let the user pick one of the backups, or a file elsewhere; None when cancelled."""
    other = tr("其他文件…")
    if backups:
        labels = [f"{b.taken:%Y-%m-%d %H:%M}  {kind_name(b.kind)}  {size_text(b.size)}  {b.path.name}" for b in backups]
        label, ok = QInputDialog.getItem(parent, tr("选择备份"), tr("从哪份备份恢复："), [*labels, other], 0, False)
        if not ok:
            return None
        if label != other:
            return backups[labels.index(label)].path
    path = dialogs.choose_open_file(parent, tr("选择备份文件"), tr(BACKUP_PATTERN))
    return Path(path) if path else None


def run_restore(parent: QWidget | None, source: Path, target: Path) -> Op:
    """Restore in the background while a progress dialog shows; return the finished operation."""
    # The database failed its check and the user chose this backup to replace it: what the damaged one still seems
    # to hold is no reason to refuse (it is kept byte for byte).
    op = Op(parent, lambda _progress: restore_database(source, target=target, confirmed={OTHER_UNIT, EMPTY_BACKUP}),
            title=tr("正在从备份恢复…"), failure=lambda _exc: None, cancellable=False)
    loop = QEventLoop()
    op.finished.connect(loop.quit)
    op.run_in_background()
    if not op.done:
        loop.exec()
    return op


def recover_at_startup(target: str, parent: QWidget | None = None) -> bool:
    """Run quick_check on a SQLite database before it is opened; False when the user chose to quit."""
    if is_postgres_url(target):
        return True  # the server checks its own storage
    try:
        problems = quick_check(target)
    except Exception as exc:  # a locked or unreadable file: opening it will say what is wrong
        log.warning("quick_check of %s could not run: %s", target, exc)
        return True
    while problems:
        log.error("quick_check of %s: %s", target, problems)
        newest = newest_sound_backup(target)
        choice = ask_startup_choice(parent, target, problems, newest)
        if choice == QUIT:
            return False
        if choice == OPEN_ANYWAY:
            log.warning("the user opened %s despite quick_check", target)
            return True
        source = newest.path if choice == RESTORE_NEWEST and newest else choose_backup(parent, list_backups(target))
        if source is None:
            continue  # cancelled: ask again
        op = run_restore(parent, source, Path(target))
        if op.error is not None:
            QMessageBox.warning(parent, tr("从备份恢复"),
                                tr("未能从 {backup} 恢复：\n{error}").format(backup=source, error=error_text(op.error)))
            continue
        kept = op.result
        log.info("restored %s from %s; the damaged database was kept at %s", target, source, kept)
        inform(parent, tr("从备份恢复"), tr("已从 {backup} 恢复数据库。").format(backup=source.name)
               + (tr("\n损坏的数据库另存为 {kept}，技术人员可以查看。").format(kept=kept) if kept else "")
               + tr("\n备份之后录入的内容不在其中，请核对最近几天的数据。"))
        problems = quick_check(target)
    return True
