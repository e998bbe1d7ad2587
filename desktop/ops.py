"""Long work off the GUI thread: a small operation helper after Anki's CollectionOp.

    Op(parent, lambda progress: merge_files(paths, progress=progress.report), title="汇总",
       success=show_report).run_in_background()

The work function receives a Progress; calling progress.report(done, total, text) updates the dialog and
raises Cancelled once the user pressed 取消, so the work stops between two steps (each step is its own
transaction in the core, so nothing half-done is left behind).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.i18n import tr
from models.database import close_database
from models.errors import LiangxinError

log = logging.getLogger("liangxin.ops")


class Cancelled(Exception):
    """The user cancelled a long operation."""


class Progress:
    """What a work function reports through; safe to call from the worker thread."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Show how far the work is; raise Cancelled when the user cancelled."""
        self._signals.progress.emit(int(done), int(total), text)
        if self._cancel.is_set():
            raise Cancelled()

    def update(self, done: int, total: int, text: str = "") -> bool:
        """Show how far the work is; return False once the user cancelled (for core callbacks that stop on False)."""
        self._signals.progress.emit(int(done), int(total), text)
        return not self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next report."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once the user cancelled."""
        return self._cancel.is_set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object, str)
    cancelled = Signal()


class _Runner(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], signals: _Signals, progress: Progress) -> None:
        super().__init__()
        self.fn, self.signals, self.progress = fn, signals, progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # reported to the user; the traceback goes to stderr for IT
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)
        finally:
            # peewee keeps one connection per thread; pool threads are reused, so give it back now.
            close_database()


class Op(QObject):
    """One long operation: runs fn off the GUI thread with a cancellable progress dialog."""

    _running: set[Op] = set()  # keep Python objects alive until the work reports back
    finished = Signal()

    def __init__(self, parent: QWidget | None, fn: Callable[[Progress], Any], *, title: str,
                 success: Callable[[Any], None] | None = None,
                 failure: Callable[[Exception], None] | None = None,
                 cancellable: bool = True, show_progress: bool = True) -> None:
        super().__init__(parent)
        self.parent_widget, self.fn, self.title = parent, fn, title
        self.success, self.failure = success, failure
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            self.dialog = QProgressDialog(title, tr("取消") if cancellable else "", 0, 0, parent)
            self.dialog.setWindowTitle(title)
            self.dialog.setMinimumDuration(400)  # quick work finishes without a flashing dialog
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            if not cancellable:
                self.dialog.setCancelButton(None)
            self.dialog.canceled.connect(self.cancel)
        self.signals.progress.connect(self._on_progress)
        self.signals.succeeded.connect(self._on_success)
        self.signals.failed.connect(self._on_failure)
        self.signals.cancelled.connect(self._on_cancelled)
        self.result: Any = None
        self.error: Exception | None = None
        self.was_cancelled = False
        self.done = False

    def run_in_background(self) -> Op:
        """Start the work on the global thread pool."""
        Op._running.add(self)
        QThreadPool.globalInstance().start(_Runner(self.fn, self.signals, self.progress))
        return self

    def cancel(self) -> None:
        """Ask the work to stop."""
        self.progress.cancel()
        if self.dialog:
            self.dialog.setLabelText(tr("正在取消…"))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog and not self.progress.cancelled:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total else 0)
            if text:
                self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self.done = True
        if self.dialog:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        Op._running.discard(self)
        self.finished.emit()

    def _on_success(self, result: Any) -> None:
        self.result = result
        self._finish()
        if self.success:
            self.success(result)

    def _on_failure(self, exc: Exception, trace: str) -> None:
        self.error = exc
        self._finish()
        if not isinstance(exc, LiangxinError):  # a bug, not a refusal: keep the traceback for IT
            log.error("operation %r failed\n%s", self.title, trace)
        if self.failure:
            self.failure(exc)
        else:
            show_error(self.parent_widget, self.title, exc)

    def _on_cancelled(self) -> None:
        self.was_cancelled = True
        self._finish()


def show_error(parent: QWidget | None, title: str, exc: Exception) -> None:
    """Tell the user what went wrong, in the core's words; unexpected errors also name their type."""
    text = str(exc) if isinstance(exc, LiangxinError) else f"{type(exc).__name__}: {exc}"
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_boxes.add(box)  # a box without a parent would otherwise be collected while shown
    box.finished.connect(lambda _=0: _open_boxes.discard(box))
    box.open()


_open_boxes: set[QMessageBox] = set()
