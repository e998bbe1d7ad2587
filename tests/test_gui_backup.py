"""设置 → 备份与恢复 and the start-up check, driven as a user drives them."""

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from desktop import app as app_module
from desktop import backuppanel, dialogs, recovery
from desktop.crash import uninstall_crash_handler
from desktop.logsetup import shutdown_logging
from models import auth, backup
from models import db as m
from models.database import close_database
from models.entries import save_row
from tests.conftest import TOWN, corrupt_database, table_snapshot
from tests.gui_support import P, enter_cell, go_to, make_window, stored, wait_op


def stored_in_file(path: Path, row_key: str = "2", field: str = "achieved"):
    """Read a task's figure straight from a database file, the way another program would."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT data FROM entry WHERE form_id = 'tasks' AND row_key = ?", (row_key,)).fetchone()
    finally:
        con.close()
    return None if row is None else Decimal(json.loads(row[0])[field])


def save_achieved(value) -> None:
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": value})




def type_achieved(qtbot, window, value: str) -> None:
    tasks = window.show_page("tasks")
    go_to(tasks, "2", "achieved")
    enter_cell(qtbot, tasks.table, value)
    assert stored("tasks", "2", "achieved") == Decimal(value)


# ---- 设置 → 备份与恢复 --------------------------------------------------------------------------


def test_back_up_change_and_restore_from_the_list(sqlite_db, qtbot, monkeypatch):
    window = make_window(qtbot)
    type_achieved(qtbot, window, "3")
    page = window.show_page("settings")
    panel = page.backup_panel
    assert panel.table.rowCount() == 0 and panel.empty.isVisible()
    offered = {}
    monkeypatch.setattr(backuppanel, "choose_save_file",
                        lambda parent, title, start, pattern: offered.setdefault("start", start))
    qtbot.mouseClick(panel.backup_button, Qt.MouseButton.LeftButton)
    wait_op(qtbot, panel.last_op)
    made = Path(offered["start"])  # the suggested name, accepted as it is
    assert made.parent == backup.backup_folder(sqlite_db) and backup.check_file(made) == []
    assert stored_in_file(made) == Decimal(3)
    assert "已备份到" in page.banner.text.text()
    assert [panel.table.item(0, c).text() for c in (1, 3)] == ["手动", made.name]

    type_achieved(qtbot, window, "5")  # a change after the backup, typed as a clerk types it
    page = window.show_page("settings")
    assert not panel.restore_button.isEnabled()  # nothing chosen yet
    panel.table.selectRow(0)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or True)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    wait_op(qtbot, panel.last_op)
    assert made.name in asked[0] and "先完整另存" in asked[0]  # the dialog says what will happen

    assert stored("tasks", "2", "achieved") == Decimal(3)
    kept = panel.last_op.result
    assert kept.parent == backup.backup_folder(sqlite_db) and "before-restore" in kept.name
    assert backup.check_file(kept) == [] and stored_in_file(kept) == Decimal(5)  # the replaced data, kept
    assert "已从" in page.banner.text.text() and kept.name in page.banner.text.text()
    assert sorted(panel.table.item(r, 1).text() for r in range(panel.table.rowCount())) == ["恢复前", "手动"]
    line = m.AuditLog.select().where(m.AuditLog.action == "restore").get()
    assert (line.new, line.old) == (str(made), str(kept))
    tasks = window.show_page("tasks")  # every page reads the restored database again
    assert tasks.model.index(1, tasks.model.column_of("achieved")).data() == "3"
    assert not tasks.model.undo_stack.canUndo()  # an undo would write pre-restore values back


def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(sqlite_db, qtbot, monkeypatch, tmp_path):
    save_achieved(4)
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    bad = tmp_path / "名单.sqlite3"
    bad.write_text("名单\n张三", encoding="utf-8")
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *a: str(bad))
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    before = table_snapshot()
    qtbot.mouseClick(panel.file_button, Qt.MouseButton.LeftButton)
    wait_op(qtbot, panel.last_op)
    banner = window.show_page("settings").banner.text.text()
    assert banner.startswith("未能恢复") and str(bad) in banner and "不是 SQLite 数据库文件" in banner
    assert table_snapshot() == before
    assert not backup.backup_folder(sqlite_db).exists()  # not even a pre-restore copy


def test_saying_no_changes_nothing(sqlite_db, qtbot, monkeypatch):
    save_achieved(4)
    copy = backup.backup_database(out=backup.manual_backup_path())
    save_achieved(6)
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    panel.table.selectRow(0)
    monkeypatch.setattr(dialogs, "confirm", lambda *a: False)
    qtbot.mouseClick(panel.restore_button, Qt.MouseButton.LeftButton)
    assert panel.last_op is None and stored("tasks", "2", "achieved") == Decimal(6)
    assert [b.path for b in backup.list_backups(sqlite_db)] == [copy]


def test_a_backup_of_another_unit_is_named_and_the_program_asks_for_a_restart(sqlite_db, qtbot, monkeypatch, tmp_path):
    other = tmp_path / "district.sqlite3"
    backup.backup_database(out=other)
    with sqlite3.connect(other) as con:  # the district's own database, as it would come from there
        con.execute("UPDATE setting SET value = '371002' WHERE key = 'own_unit'")
    con.close()
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    asked, told = [], []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or True)
    monkeypatch.setattr(backuppanel, "inform", lambda parent, title, text: told.append(text))
    wait_op(qtbot, panel.restore_from(other))
    assert "环翠区（371002）" in asked[0] and "重新启动" in asked[0]
    assert "重新启动" in told[0] and not window.isVisible()


def test_a_clerk_cannot_restore_when_login_is_on(sqlite_db, qtbot, monkeypatch):
    save_achieved(1)
    copy = backup.backup_database(out=backup.manual_backup_path())
    auth.add_user(name="li", password="long enough 1", role="clerk", unit_code=TOWN)
    auth.add_user(name="boss", password="long enough 1", role="admin")
    auth.set_login_required(True)
    try:
        auth.login("li", "long enough 1")
        save_achieved(2)
        window = make_window(qtbot)
        page = window.show_page("settings")
        panel = page.backup_panel
        panel.table.selectRow(0)
        assert panel.backup_button.isEnabled()
        assert not panel.restore_button.isEnabled() and not panel.file_button.isEnabled()
        assert "管理员" in panel.file_button.toolTip()
        # The core refuses too, whatever the screen shows.
        monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
        wait_op(qtbot, panel.restore_from(copy))
        assert "无权恢复备份" in page.banner.text.text()
        assert stored("tasks", "2", "achieved") == Decimal(2)
        assert m.AuditLog.select().where(m.AuditLog.action == "refused:restore").count() == 1
    finally:
        auth._session = None


def test_a_shared_postgresql_database_is_backed_up_by_it(any_db, qtbot):
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    buttons = (panel.backup_button, panel.file_button, panel.folder_button)
    if isinstance(any_db, str):
        assert "PostgreSQL" in panel.note.text() and "pg_dump" in panel.note.text() and "pg_restore" in panel.note.text()
        assert "docs/it-guide.md" in panel.note.text()  # where IT finds the commands (there is no 说明书 section)
        assert not any(b.isEnabled() for b in buttons) and not panel.empty.isVisible()
    else:
        assert "自动备份" in panel.note.text() and all(b.isEnabled() for b in buttons)


# ---- start-up -------------------------------------------------------------------------------------



@pytest.fixture
def damaged(sqlite_db):
    """A database with a daily backup holding 3, then 5 saved, then pages of the file overwritten."""
    save_achieved(3)
    made = backup.daily_backup(db_path=sqlite_db)
    save_achieved(5)
    close_database()
    corrupt_database(sqlite_db)
    return sqlite_db, made


def click(monkeypatch, answers: list[str], seen: list):
    """Answer the start-up question by clicking its buttons, one answer per time it is asked."""
    def exec_(box):
        seen.append({"text": box.text(), "info": box.informativeText(),
                     "buttons": {b.text(): b.isEnabled() for b in box.buttons()}})
        answer = answers.pop(0)
        next(b for b in box.buttons() if b.text() == answer).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_start_up_on_a_damaged_database_restores_the_newest_backup(damaged, started, monkeypatch):
    path, made = damaged
    seen, told = [], []
    click(monkeypatch, ["从最近的备份恢复"], seen)
    monkeypatch.setattr(recovery, "inform", lambda parent, title, text: told.append(text))
    assert app_module.run_gui(db=str(path)) == 0
    assert str(path) in seen[0]["text"] and "integrity" not in seen[0]["text"]
    assert "malformed" in seen[0]["info"]  # the problems quick_check found, as SQLite said them
    assert seen[0]["buttons"] == {"从最近的备份恢复": True, "选择其他备份…": True, "仍然打开": True, "退出": True}
    assert made.name in told[0] and "已从" in told[0]
    assert backup.quick_check(path) == []
    assert stored("tasks", "2", "achieved") == Decimal(3)  # the backup's data, in a working database
    window = started["window"]
    assert window.isVisible() and window.session.unit_code == TOWN
    damaged_copies = list(backup.backup_folder(path).glob("*-damaged.sqlite3"))
    assert len(damaged_copies) == 1 and damaged_copies[0].name in told[0]


def test_start_up_restores_a_backup_the_user_chooses(damaged, started, monkeypatch):
    path, _daily = damaged
    older = backup.backup_database(out=backup.manual_backup_path(path), source=backup.backup_folder(path) / _daily.name)
    with sqlite3.connect(older) as con:  # an older copy with another figure, to tell them apart
        con.execute("UPDATE entry SET data = '{\"achieved\": \"1\"}' WHERE form_id = 'tasks' AND row_key = '2'")
    con.close()
    monkeypatch.setattr(recovery, "ask_startup_choice", lambda *a: recovery.CHOOSE)
    offered = []

    def pick(parent, title, label, items, current, editable):
        offered.extend(items)
        return next(i for i in items if older.name in i), True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    monkeypatch.setattr(recovery, "inform", lambda *a: None)
    assert app_module.run_gui(db=str(path)) == 0
    assert offered[-1] == "其他文件…" and len(offered) == 3
    assert stored("tasks", "2", "achieved") == Decimal(1)


def test_a_failed_restore_is_explained_and_asked_again_and_quit_leaves_the_file(damaged, started, monkeypatch, tmp_path):
    path, made = damaged
    corrupt_database(made)  # the only backup is damaged too
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("not a database", encoding="utf-8")
    before = path.read_bytes()
    seen, warnings = [], []
    click(monkeypatch, ["选择其他备份…", "退出"], seen)
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *a: str(bad))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a: ("其他文件…", True)))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    assert app_module.run_gui(db=str(path)) == 1
    assert len(seen) == 2 and seen[0]["buttons"]["从最近的备份恢复"] is False  # no sound backup to offer
    assert "没有找到可用的备份" in seen[0]["info"]
    assert str(bad) in warnings[0] and "不是 SQLite 数据库文件" in warnings[0]
    assert path.read_bytes() == before and "window" not in started
    assert not list(backup.backup_folder(path).glob("*before-restore*"))


def test_open_anyway_goes_on_without_a_restore(damaged, monkeypatch):
    path, _made = damaged
    before = path.read_bytes()
    monkeypatch.setattr(recovery, "ask_startup_choice", lambda *a: recovery.OPEN_ANYWAY)
    assert recovery.recover_at_startup(str(path)) is True
    assert path.read_bytes() == before


def test_a_sound_database_starts_without_a_question_and_is_backed_up_daily(sqlite_db, qtbot, monkeypatch, qapp):
    close_database()
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail(f"asked: {self.text()}"))
    try:
        assert app_module.run_gui(db=str(sqlite_db)) == 0
        folder = backup.backup_folder(sqlite_db)
        qtbot.waitUntil(lambda: len(list(folder.glob("town-daily-*.sqlite3"))) == 1, timeout=20000)
        daily = next(folder.glob("town-daily-*.sqlite3"))
        assert backup.check_file(daily) == []
        window = next(w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible())
        qtbot.waitUntil(lambda: "已自动备份" in window.statusBar().currentMessage(), timeout=20000)
        window.close()
    finally:
        uninstall_crash_handler()
        shutdown_logging()


def test_an_empty_database_over_this_units_data_is_said_and_changes_nothing_without_a_yes(sqlite_db, qtbot, monkeypatch,
                                                                                          tmp_path):
    save_achieved(4)
    empty = tmp_path / "新电脑.sqlite3"
    close_database()
    from models.database import open_database

    open_database(empty)  # a fresh program start on another PC: a database with no unit yet
    close_database()
    open_database(sqlite_db)
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    before = table_snapshot()
    asked, told = [], []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or False)
    assert panel.restore_from(empty) is None
    assert asked[0].startswith(f"注意：{empty} 是尚未设置本单位的两新填报数据库（没有填报数据），当前数据库 {sqlite_db} "
                               "属于 环翠楼街道（371002001）、有填报数据 1 条；恢复后本单位、它的下级单位和这些数据都不再在数据库中")
    assert table_snapshot() == before and stored_in_file(sqlite_db) == Decimal(4)
    assert not backup.backup_folder(sqlite_db).exists()
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: True)  # this time the user says yes
    monkeypatch.setattr(backuppanel, "inform", lambda parent, title, text: told.append(text))
    wait_op(qtbot, panel.restore_from(empty))
    assert stored_in_file(sqlite_db) is None and "重新启动" in told[0] and not window.isVisible()
    kept = panel.last_op.result
    assert stored_in_file(kept) == Decimal(4)
