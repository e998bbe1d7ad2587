"""Unhandled exceptions: write them to the log and show a dialog that says where the log is."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

log = logging.getLogger("liangxin.crash")

_state: dict = {"gui": False, "showing": False, "notifier": None, "saved": None}


def install_crash_handler(*, gui: bool) -> None:
    """Route unhandled exceptions (main thread, other threads, Qt slots) to the log; with gui, also to a dialog.

    Call after setup_logging() and, for the GUI, after the QApplication exists (so that exceptions in
    worker threads can be handed to the GUI thread).
    """
    if _state["saved"] is None:
        _state["saved"] = (sys.excepthook, threading.excepthook)
    _state["gui"] = gui
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook
    if gui:
        _state["notifier"] = _make_notifier()


def uninstall_crash_handler() -> None:
    """Put back the hooks that were there before install_crash_handler (tests)."""
    if _state["saved"] is not None:
        sys.excepthook, threading.excepthook = _state["saved"]
    _state.update(gui=False, showing=False, notifier=None, saved=None)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    handle_exception(args.exc_type, args.exc_value, args.exc_traceback, thread=args.thread)


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
                     *, thread: threading.Thread | None = None) -> None:
    """Log an unhandled exception with its traceback, print it when there is a console, and tell the user."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    where = f" in thread {thread.name}" if thread is not None else ""
    log.critical("unhandled exception%s", where, exc_info=(exc_type, exc, tb))
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    summary = f"{exc_type.__name__}: {exc}"
    path = current_log_path()
    if sys.stderr is not None:  # a windowed program on Windows has no stderr
        print(details, file=sys.stderr, end="")
        if path:
            print(f"liangxin：程序内部出错，详情已记入 {path}", file=sys.stderr)
    if _state["gui"]:
        _tell_user(summary, details, path)


def current_log_path() -> Path | None:
    """Return the program's log file (the one setup_logging opened), if any."""
    from desktop.logsetup import active_log_path

    return active_log_path()


def crash_message(summary: str, path: Path | None) -> str:
    """Return the dialog's text: what happened, where the log is, what to do (Chinese by default)."""
    where = str(path) if path else _tr("（日志文件无法写入）")
    return _tr("程序遇到意外错误：\n{summary}\n\n错误详情已写入日志文件：\n{where}\n\n"
               "已保存的数据不受影响。请把这个日志文件发给技术支持人员；如果程序表现异常，请重新启动。"
               ).format(summary=summary, where=where)


def _tr(text: str) -> str:
    try:
        from PySide6.QtCore import QCoreApplication
    except ImportError:
        return text
    return QCoreApplication.translate("CrashDialog", text)


def _in_gui_thread() -> bool:
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def _tell_user(summary: str, details: str, path: Path | None) -> None:
    try:
        if not _in_gui_thread():
            notifier = _state["notifier"]
            if notifier is not None:  # a queued signal shows the dialog on the GUI thread
                notifier.crashed.emit(summary, details, str(path or ""))
                return
            from PySide6.QtWidgets import QApplication

            if QApplication.instance() is not None:
                return  # a worker thread with no way to reach the GUI: the log has it
        show_crash_dialog(summary, details, path)
    except Exception:  # the dialog itself failed: the log already has the error
        log.exception("could not show the error dialog")
        _native_message(crash_message(summary, path))


def show_crash_dialog(summary: str, details: str, path: Path | None) -> None:
    """Show the error dialog (modal) with the log's location and a button to open its folder."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QApplication, QMessageBox

    if _state["showing"]:
        return  # an error while the dialog is open (a repaint that keeps failing): log only
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (an error before the window)
    _state["showing"] = True
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, _tr("两新填报 — 程序错误"), crash_message(summary, path))
        box.setObjectName("crash_dialog")
        box.setDetailedText(details)
        open_button = box.addButton(_tr("打开日志所在文件夹"), QMessageBox.ButtonRole.ActionRole) if path else None
        box.addButton(_tr("关闭"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        if open_button is not None and box.clickedButton() is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
    finally:
        _state["showing"] = False


def _make_notifier():
    from PySide6.QtCore import QObject, Signal, Slot

    class Notifier(QObject):
        """Lives on the GUI thread; a worker thread's error reaches it as a queued signal."""

        crashed = Signal(str, str, str)

        @Slot(str, str, str)
        def show(self, summary: str, details: str, path: str) -> None:
            show_crash_dialog(summary, details, Path(path) if path else None)

    notifier = Notifier()
    notifier.crashed.connect(notifier.show)  # the receiver's thread decides: queued from workers
    return notifier


def _native_message(text: str) -> None:
    """Last resort on Windows when Qt cannot show anything: the system's own message box."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, text, "两新填报", 0x10)
