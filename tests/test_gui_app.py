"""Starting the program: the first-run wizard on a new database, the main window otherwise, errors said plainly."""

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop import app as app_module
from desktop.wizard import FirstRunWizard
from models.units import own_unit


def test_a_new_database_starts_with_the_wizard_and_cancel_stores_nothing(tmp_path, monkeypatch, started):
    seen = {}

    def cancel(wizard):
        seen["where"] = wizard.database_label
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(FirstRunWizard, "exec", cancel)
    db = tmp_path / "new.sqlite3"
    assert app_module.run_gui(db=str(db)) == 0
    assert seen["where"] == str(db)  # the wizard shows where the data lives
    assert own_unit() is None and "window" not in started


def test_after_the_wizard_the_main_window_opens(tmp_path, monkeypatch, started):
    def answer(wizard):
        wizard.next()
        wizard.next()
        wizard.unit_page.name.setText("环翠楼街道")
        wizard.unit_page.code.setText("371002001")
        wizard.next()
        wizard.accept()
        return wizard.result()

    monkeypatch.setattr(FirstRunWizard, "exec", answer)
    assert app_module.run_gui(db=str(tmp_path / "new.sqlite3")) == 0
    window = started["window"]
    assert window.isVisible() and window.session.unit.name == "环翠楼街道"
    assert not window.windowIcon().isNull()  # the program's icon, set once on the application
    assert own_unit().code == "371002001"
    window.close()


def test_a_database_that_cannot_be_opened_is_reported(tmp_path, monkeypatch, started):
    bad = tmp_path / "not-a-database.sqlite3"
    bad.write_text("hello, this is not SQLite" * 100, encoding="utf-8")
    messages = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: messages.append(self.text()) or 0)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: messages.append(a[2]))
    assert app_module.run_gui(db=str(bad)) == 1
    assert any(str(bad) in m for m in messages)
    assert "window" not in started


def test_icons_are_drawn_for_high_dpi_screens(qapp):
    from desktop.icons import icon

    tasks = icon("tasks")
    sizes = {(s.width(), s.height()) for s in tasks.availableSizes()}
    assert {(24, 24), (48, 48)} <= sizes
    for scale in (1.0, 1.5, 2.0):  # drawn from the SVG for the screen's scale when painted, never a scaled bitmap
        pixmap = tasks.pixmap(QSize(24, 24), scale)
        assert (pixmap.width(), pixmap.height(), pixmap.devicePixelRatio()) == (round(24 * scale),) * 2 + (scale,)
        image = pixmap.toImage()
        assert any(image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(image.height()))
    normal = tasks.pixmap(QSize(24, 24), 1.0).toImage()
    disabled = tasks.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Disabled).toImage()
    assert normal != disabled  # a disabled button's icon is greyed, as Qt does for bitmaps
    assert tasks.pixmap(QSize(24, 24), 1.0, QIcon.Mode.Selected).toImage() != normal  # tinted when selected
    assert tasks.actualSize(QSize(64, 64)) == QSize(24, 24)  # like a bitmap icon, never drawn larger than made


def _answer_with(monkeypatch, choices: list[str], seen: list[str]) -> None:
    """Make every QMessageBox click the next of choices (by its text) and record what it said."""
    def answer(box):
        seen.append(box.text())
        wanted = choices.pop(0) if choices else None
        for button in box.buttons():
            if button.text() == wanted:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)


def _own_database_with_a_unit():
    """This PC's default database, set up as a township, then closed (as after an earlier start)."""
    from models.database import close_database, default_database_path, open_database
    from models.units import initialise

    open_database(default_database_path())
    initialise(plan_id="huancui", unit_code="371002001", unit_name="环翠楼街道", level="town")
    close_database()
    return default_database_path()


def test_a_saved_database_that_fails_offers_this_pcs_own_and_keeps_the_setting(monkeypatch, started):
    from desktop.options import get_option, set_option

    local = _own_database_with_a_unit()
    url = "postgresql://liangxin@127.0.0.1:1/liangxin?schema=huancui"  # a wrong port: nothing listens there
    set_option("database", url)
    seen: list[str] = []
    _answer_with(monkeypatch, ["本次用本机数据库"], seen)
    assert app_module.run_gui() == 0
    assert len(seen) == 1 and "无法打开数据库 PostgreSQL liangxin@127.0.0.1/liangxin" in seen[0]
    assert "设置 → 数据库" in seen[0] and str(local) in seen[0]  # how to get out, and where it will start
    window = started["window"]
    assert window.session.unit.name == "环翠楼街道"
    assert window.database_label == str(local)  # what is really open, not the saved address
    assert get_option("database") == url  # kept: a server down for a day must not cost the office its setting


def test_retry_tries_the_saved_database_again_and_quit_stops(monkeypatch, started):
    from desktop.options import set_option

    set_option("database", "postgresql://liangxin@127.0.0.1:1/liangxin")
    tries = []
    real_open = app_module.open_database
    monkeypatch.setattr(app_module, "open_database", lambda target: tries.append(target) or real_open(target))
    seen: list[str] = []
    _answer_with(monkeypatch, ["重试", "退出"], seen)
    assert app_module.run_gui() == 1
    assert len(tries) == 2 and len(seen) == 2 and "window" not in started


def test_a_bad_db_on_the_command_line_says_so_and_offers_nothing_else(monkeypatch, started):
    seen: list[str] = []
    _answer_with(monkeypatch, ["本次用本机数据库"], seen)
    assert app_module.run_gui(db="postgresql://liangxin@127.0.0.1:1/liangxin") == 1
    assert len(seen) == 1 and "无法打开数据库 PostgreSQL liangxin@127.0.0.1/liangxin" in seen[0] and "--db" in seen[0]
    assert "window" not in started


def test_the_window_names_the_database_given_with_db_not_the_saved_one(tmp_path, monkeypatch, started):
    from desktop.options import set_option
    from models.database import close_database, open_database
    from models.units import initialise

    db = tmp_path / "elsewhere.sqlite3"
    open_database(db)
    initialise(plan_id="huancui", unit_code="371002001", unit_name="环翠楼街道", level="town")
    close_database()
    set_option("database", str(tmp_path / "saved.sqlite3"))
    assert app_module.run_gui(db=str(db)) == 0
    window = started["window"]
    assert window.database_label == str(db)
    assert window.show_page("settings").current_db.text() == str(db)  # 设置's 当前使用, not the saved file
