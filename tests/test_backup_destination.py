"""Where a backup goes: a folder given instead of a file, and a place that cannot be written, as IT meets them."""

import os
from decimal import Decimal

from PySide6.QtCore import Qt

from desktop import backuppanel
from models import backup
from models.database import close_database
from reports.cli import main
from tests.gui_support import make_window, wait_op
from tests.test_backup import save_current, stored_current


def test_a_folder_given_as_out_gets_a_named_checked_copy_inside(sqlite_db, tmp_path, capsys):
    save_current(17)
    close_database()
    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["--db", str(sqlite_db), "backup", "--out", str(usb)]) == 0, capsys.readouterr().err
    made = list(usb.iterdir())
    assert len(made) == 1 and made[0].name.startswith("town-manual-") and made[0].suffix == ".sqlite3"
    assert str(made[0]) in capsys.readouterr().out
    assert backup.check_file(made[0]) == [] and stored_current(made[0]) == Decimal(17)

    not_yet = tmp_path / "两新备份"  # typed with a trailing separator, as `E:\两新备份\`
    assert main(["--db", str(sqlite_db), "backup", "--out", str(not_yet) + os.sep]) == 0
    (inside,) = not_yet.iterdir()
    assert inside.name.startswith("town-manual-") and stored_current(inside) == Decimal(17)


def test_a_path_through_a_file_is_refused_in_words_and_changes_nothing(sqlite_db, tmp_path, capsys):
    save_current(5)
    close_database()
    (tmp_path / "usb").write_text("not a folder")
    before = sqlite_db.read_bytes()
    out = tmp_path / "usb" / "备份" / "liangxin.sqlite3"
    assert main(["--db", str(sqlite_db), "backup", "--out", str(out)]) == 1  # no traceback: a refusal
    err = capsys.readouterr().err
    assert f"无法写入备份文件 {out}" in err and "是文件而不是文件夹" in err and "数据库未受影响" in err
    assert "Errno" not in err and "Traceback" not in err
    assert sqlite_db.read_bytes() == before and stored_current(sqlite_db) == Decimal(5)
    assert (tmp_path / "usb").read_text() == "not a folder"


def test_a_folder_that_takes_no_files_is_named_not_the_database(sqlite_db, tmp_path, capsys):
    """Linux's /proc takes no new files, as a write-protected USB disk on Windows."""
    close_database()
    before = sqlite_db.read_bytes()
    assert main(["--db", str(sqlite_db), "backup", "--out", "/proc/liangxin.sqlite3"]) == 1
    err = capsys.readouterr().err
    # SQLite's own "unable to open database file" made it look as if the database were broken
    assert "无法写入备份文件 /proc/liangxin.sqlite3：无法在 /proc 中建立文件" in err
    assert f"无法备份 {sqlite_db}" not in err and "unable to open" not in err
    assert sqlite_db.read_bytes() == before


def test_the_settings_page_says_why_a_backup_could_not_be_written(sqlite_db, qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    panel = window.show_page("settings").backup_panel
    (tmp_path / "usb").write_text("not a folder")
    chosen = tmp_path / "usb" / "liangxin.sqlite3"
    monkeypatch.setattr(backuppanel, "choose_save_file", lambda *a: str(chosen))
    qtbot.mouseClick(panel.backup_button, Qt.MouseButton.LeftButton)
    wait_op(qtbot, panel.last_op)
    text = panel.banner.text.text()
    assert text.startswith("未能备份：无法写入备份文件") and "是文件而不是文件夹" in text
    assert "FileExistsError" not in text and "NotADirectoryError" not in text
    assert panel.table.rowCount() == 0 and (tmp_path / "usb").read_text() == "not a folder"
