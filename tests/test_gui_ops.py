"""The operation helper: work off the GUI thread, progress, cancel, errors; and the launcher's arguments."""

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from desktop.launcher import _gui_database
from desktop.ops import Op
from models.errors import DataError
from tests.gui_support import wait_op


def test_work_runs_off_the_gui_thread_and_reports_back(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen, results = [], []

    def work(progress):
        seen.append(QThread.currentThread() is QApplication.instance().thread())
        for i in range(5):
            progress.report(i + 1, 5, f"step {i}")
        return 42

    op = Op(parent, work, title="t", success=results.append).run_in_background()
    wait_op(qtbot, op)
    assert seen == [False] and results == [42] and op.result == 42
    assert op.dialog is None  # closed


def test_cancel_stops_the_work_at_its_next_step(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    started, steps = threading.Event(), []
    release = threading.Event()

    def work(progress):
        started.set()
        release.wait(10)
        for i in range(100):
            progress.report(i, 100)
            steps.append(i)
        return "finished"

    done = []
    op = Op(parent, work, title="t", success=done.append).run_in_background()
    assert started.wait(10)
    op.dialog.findChild(QPushButton).click()  # 取消
    release.set()
    wait_op(qtbot, op)
    assert op.was_cancelled and steps == [] and done == []


def test_a_failure_is_reported_in_the_users_words(qtbot, monkeypatch):
    parent = QWidget()
    qtbot.addWidget(parent)
    failures = []

    def work(progress):
        raise DataError("表2 第3行 参与人数：“abc”不是数字")

    op = Op(parent, work, title="t", failure=failures.append).run_in_background()
    wait_op(qtbot, op)
    assert [str(e) for e in failures] == ["表2 第3行 参与人数：“abc”不是数字"]
    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.text()))
    op = Op(parent, work, title="t").run_in_background()
    wait_op(qtbot, op)
    assert shown == ["表2 第3行 参与人数：“abc”不是数字"]


@pytest.mark.parametrize("argv, gui, db", [
    ([], True, None),
    (["--db", "/x/y.sqlite3"], True, "/x/y.sqlite3"),
    (["--db=postgresql://h/d?schema=s"], True, "postgresql://h/d?schema=s"),
    (["--user", "li", "gui"], True, None),
    (["--db", "/x/y.sqlite3", "check"], False, "/x/y.sqlite3"),
    (["screenshot", "--out", "d"], False, None),
])
def test_launcher_starts_the_gui_only_without_a_command(argv, gui, db):
    assert _gui_database(argv) == (gui, db)
