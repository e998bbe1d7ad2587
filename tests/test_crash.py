"""The rotating log in the user's data folder, and unhandled errors that end in a dialog naming it."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop import crash, logsetup

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def logging_on():
    """Set up the program's log for one test, and take it down afterwards."""
    path = logsetup.setup_logging()
    yield path
    logsetup.shutdown_logging()


def test_log_is_a_rotating_file_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(logsetup, "MAX_BYTES", 2_000)
    path = logsetup.setup_logging()
    try:
        assert path == tmp_path / "userdata" / "logs" / "liangxin.log"
        assert logsetup.setup_logging() == path  # a second call adds no second handler
        assert sum(getattr(h, "baseFilename", None) == str(path) for h in logging.getLogger().handlers) == 1
        for i in range(200):
            logging.getLogger("liangxin.test").info("line %d 测试", i)
    finally:
        logsetup.shutdown_logging()
    files = sorted(p.name for p in path.parent.glob("liangxin.log*"))
    assert files == ["liangxin.log", *(f"liangxin.log.{i}" for i in range(1, logsetup.BACKUP_COUNT + 1))]
    assert "line 199 测试" in path.read_text(encoding="utf-8")
    assert all(p.stat().st_size <= 2_000 for p in path.parent.glob("liangxin.log*"))


def test_unwritable_log_folder_does_not_stop_the_program(tmp_path, capsys):
    (tmp_path / "userdata").mkdir()
    (tmp_path / "userdata" / "logs").write_text("a file where the folder should be")
    assert logsetup.setup_logging() is None
    assert f"无法在 {tmp_path / 'userdata' / 'logs'} 写日志" in capsys.readouterr().err
    assert crash.current_log_path() is None


def test_command_line_crash_is_logged_with_its_traceback(tmp_path):
    script = ("from desktop.logsetup import setup_logging\nfrom desktop.crash import install_crash_handler\n"
              "setup_logging()\ninstall_crash_handler(gui=False)\n"
              "def export():\n    raise ValueError('坏数据 boom')\nexport()\n")
    env = {**os.environ, "LIANGXIN_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         encoding="utf-8")
    assert out.returncode == 1
    log = (tmp_path / "data" / "logs" / "liangxin.log").read_text(encoding="utf-8")
    assert "start: version" in log
    assert "unhandled exception" in log and "in export" in log and "ValueError: 坏数据 boom" in log
    assert f"详情已记入 {tmp_path / 'data' / 'logs' / 'liangxin.log'}" in out.stderr


class DialogCatcher:
    """Close every crash dialog as soon as it shows, keeping its text."""

    def __init__(self, qtbot):
        from PySide6.QtCore import QTimer

        self.texts: list[str] = []
        self.details: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._close)
        self.timer.start()

    def _close(self):
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "crash_dialog":
            self.texts.append(box.text())
            self.details.append(box.detailedText())
            close = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
            close.click()


@pytest.fixture
def gui_crash_handler(qapp, logging_on):
    crash.install_crash_handler(gui=True)
    yield logging_on
    crash.uninstall_crash_handler()


@pytest.mark.qt_no_exception_capture
def test_error_in_a_slot_shows_a_dialog_naming_the_log(qtbot, gui_crash_handler):
    from PySide6.QtCore import QTimer

    catcher = DialogCatcher(qtbot)

    def on_click():
        raise RuntimeError("导出失败 in slot")

    QTimer.singleShot(0, on_click)
    qtbot.waitUntil(lambda: bool(catcher.texts), timeout=5000)
    text = catcher.texts[0]
    assert "RuntimeError: 导出失败 in slot" in text
    assert str(gui_crash_handler) in text and "日志" in text
    assert "on_click" in catcher.details[0]
    logsetup.shutdown_logging()
    assert "RuntimeError: 导出失败 in slot" in gui_crash_handler.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_error_in_a_worker_thread_reaches_the_gui_thread(qtbot, gui_crash_handler):
    catcher = DialogCatcher(qtbot)
    worker = threading.Thread(target=lambda: 1 / 0, name="merge-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(catcher.texts), timeout=5000)
    assert "ZeroDivisionError" in catcher.texts[0]
    logsetup.shutdown_logging()
    assert "unhandled exception in thread merge-worker" in gui_crash_handler.read_text(encoding="utf-8")


def test_the_dialog_text_says_what_happened_and_where_the_log_is():
    text = crash.crash_message("OSError: 磁盘已满", Path("C:/Users/x/AppData/Local/LiangXin/logs/liangxin.log"))
    assert "OSError: 磁盘已满" in text and "liangxin.log" in text and "技术支持" in text
    assert "无法写入" in crash.crash_message("OSError: x", None)
