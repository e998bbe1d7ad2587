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
