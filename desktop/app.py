"""Start the desktop program: the application, the database, the first-run wizard, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.i18n import install_language, tr
from desktop.options import get_option
from models.database import default_database_path, is_postgres_url, open_database, opened_target, postgres_target
from models.errors import LiangxinError

log = logging.getLogger("liangxin.gui")
_READY = "liangxinReady"  # set on the QApplication once create_app has styled it


def create_app(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (made once), with high-DPI scaling, the style and the chosen language."""
    app = QApplication.instance()
    if app is None:
        # Fractional Windows scale factors (125 %, 150 %) are used as they are, not rounded to 1× or 2×.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setOrganizationName("LiangXin")
        QCoreApplication.setApplicationName("LiangXin")
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationDisplayName(tr("两新填报"))
    from desktop.icons import app_icon
    from desktop.style import apply_style

    apply_style(app)
    app.setWindowIcon(app_icon())
    install_language(str(get_option("language") or "zh_CN"))
    app.setProperty(_READY, True)
    return app


def database_target(db: str | None = None) -> str:
    """The database to open: --db, else the one chosen in 设置, else the default file in the data folder."""
    return str(db or get_option("database") or default_database_path())


def describe_target(target: str) -> str:
    """Say where the data lives, without a password."""
    if is_postgres_url(target):
        where = postgres_target(target)
        user = f"{where.user}@" if where.user else ""
        return f"PostgreSQL {user}{where.host or 'localhost'}/{where.database}" + (
            f"?schema={where.schema}" if where.schema else "")
    return target


def create_main_window(*, db: str | None = None, period: str | None = None, user: str | None = None):
    """Return the main window for the database's own unit (opening the database when db is given)."""
    from desktop.mainwindow import MainWindow
    from desktop.session import Session
    from models.auth import current_user, login_required
    from models.units import own_unit

    app = QApplication.instance()
    if app is None or not app.property(_READY):  # styling again costs start-up time and changes nothing
        create_app()
    if db is not None:
        open_database(db)
    unit = own_unit()
    if unit is None:
        raise LiangxinError(tr("数据库还没有设置本单位：请先完成首次设置"))
    name = current_user() if login_required() else (user if user is not None else str(get_option("user_name") or ""))
    session = Session(unit_code=unit.code, period=period, user=name or "")
    # the database really open (run_gui may have opened --db, or this PC's default after a failure), not the saved one
    return MainWindow(session, database_label=describe_target(opened_target() or database_target(db)))


def _fail(title: str, text: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.exec()
    return 1


def run_gui(db: str | None = None) -> int:
    """Run the program until its window closes; returns the exit status."""
    from PySide6.QtWidgets import QDialog, QMessageBox  # dialogs of a real start; create_main_window needs neither

    from desktop.crash import install_crash_handler
    from desktop.logsetup import setup_logging

    app = create_app()
    setup_logging()
    install_crash_handler(gui=True)
    from desktop.qtcompat import refcount_problem

    problem = refcount_problem()
    if problem:  # a broken PySide6 in a source install: say so now rather than crash later
        log.error(problem)
        QMessageBox.warning(None, tr("两新填报"), tr("运行环境有缺陷，程序可能意外退出（已保存的数据不受影响）：\n") + problem)
    target = _open_or_give_up(db)
    if target is None:
        return 1
    from models.auth import login_required
    from models.units import own_unit

    if login_required():
        from desktop.login import LoginDialog

        if LoginDialog().exec() != QDialog.DialogCode.Accepted:
            return 0
    if own_unit() is None:
        from desktop.wizard import FirstRunWizard

        wizard = FirstRunWizard(database_label=describe_target(target))
        if wizard.exec() != QDialog.DialogCode.Accepted:
            return 0
    window = create_main_window()
    window.show()
    _daily_backup(window, target)
    return app.exec()


def _open_or_give_up(db: str | None) -> str | None:
    """Open the database to start on and return it; None when it cannot be opened and the user quits.

    An address kept in 设置 that fails (a server that is down, a moved file) would stop every start, and 设置 cannot
    be reached to change it: offer to try again, or to start this once on this PC's own database, where 设置 can
    change it. The saved address is kept: a server down for a day must not cost the office its setting.
    """
    from PySide6.QtWidgets import QMessageBox

    target = database_target(db)
    while True:
        if not _startup_checks(target):
            return None
        try:
            open_database(target)
            return target
        except Exception as exc:  # a server that is down, a file that is not a database: say so, don't crash
            if not isinstance(exc, LiangxinError):
                log.exception("cannot open %s", describe_target(target))
            error = tr("无法打开数据库 {target}：\n{error}").format(target=describe_target(target), error=exc)
        saved = str(get_option("database") or "")
        if db is not None or not saved or target != saved:  # --db, or already on this PC's own database
            hint = tr("请检查命令行 --db 给出的数据库，或不带 --db 启动。") if db is not None else ""
            _fail(tr("两新填报"), "\n\n".join(filter(None, [error, hint])))
            return None
        box = QMessageBox(QMessageBox.Icon.Critical, tr("两新填报"), error + "\n\n" + tr(
            "这个数据库是在 设置 → 数据库 中选定的。服务器暂时连不上时，请稍后重试或联系信息技术人员；"
            "地址有误或不再使用时，可以本次先用本机的数据库（{local}）启动，再到 设置 → 数据库 改正或清除它。"
        ).format(local=default_database_path()))
        retry = box.addButton(tr("重试"), QMessageBox.ButtonRole.AcceptRole)
        local = box.addButton(tr("本次用本机数据库"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(tr("退出"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.exec()
        if box.clickedButton() is local:
            log.warning("the database chosen in 设置 (%s) could not be opened; starting on this PC's own", describe_target(saved))
            target = str(default_database_path())
        elif box.clickedButton() is not retry:
            return None


def _startup_checks(target: str) -> bool:
    """Run quick_check before the SQLite file is opened; on damage offer a restore. False: the user quit."""
    from desktop.recovery import recover_at_startup

    return recover_at_startup(target)


def _daily_backup(window, target: str) -> None:
    """Make today's automatic backup of a SQLite database in the background."""
    if is_postgres_url(target):
        return
    from desktop.ops import Op
    from models.backup import daily_backup

    def done(path) -> None:
        if path:
            window.statusBar().showMessage(tr("已自动备份到 {path}").format(path=path), 6000)

    def failed(exc) -> None:
        log.warning("daily backup failed: %s", exc)
        window.statusBar().showMessage(tr("自动备份未成功：{error}").format(error=exc), 10000)

    Op(window, lambda _progress: daily_backup(db_path=target), title=tr("自动备份"), success=done, failure=failed,
       show_progress=False).run_in_background()
