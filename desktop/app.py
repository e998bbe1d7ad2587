"""Start the desktop program: the application, the database, the first-run wizard, the main window."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlparse

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop.i18n import install_language, tr
from desktop.options import get_option
from models.database import default_database_path, is_postgres_url, open_database
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
        url = urlparse(target)
        host = url.hostname or "localhost"
        return f"PostgreSQL {url.username + '@' if url.username else ''}{host}{url.path}" + (
            f"?{url.query}" if url.query else "")
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
    return MainWindow(session, database_label=describe_target(database_target(db)))


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
    target = database_target(db)
    if not _startup_checks(target):
        return 1
    try:
        open_database(target)
    except LiangxinError as exc:
        return _fail(tr("两新填报"), tr("无法打开数据库 {target}：\n{error}").format(target=describe_target(target),
                                                                          error=exc))
    except Exception as exc:  # a server that is down, a file that is not a database: say so, don't crash
        log.exception("cannot open %s", describe_target(target))
        return _fail(tr("两新填报"), tr("无法打开数据库 {target}：\n{error}").format(target=describe_target(target),
                                                                          error=exc))
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
