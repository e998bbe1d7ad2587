"""设置 → 数据库: a database typed or chosen is looked at before it is kept, as IT switches an office over."""

from PySide6.QtCore import QSettings

from desktop import dialogs
from desktop.options import get_option
from models import backup
from models.database import data_dir
from tests.conftest import TOWN, table_snapshot
from tests.gui_support import make_window, wait_op
from tests.test_backup_cli import run_cli, schema_exists
from tests.test_gui_settings import type_into


def settings_ini() -> dict:
    """The local settings file as another program would read it."""
    ini = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    return {key: ini.value(key) for key in ini.allKeys()}


def switch_to(qtbot, page, target: str, monkeypatch, answer: bool | None = None) -> list[str]:
    """Type a database into 设置 → 数据库 and leave the field; answer the question, if one is asked."""
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or bool(answer))
    type_into(qtbot, page.fields["database"], target)
    wait_op(qtbot, page.database_op)
    assert (answer is None) == (not asked), asked
    return asked


def test_a_server_that_does_not_answer_is_not_kept(sqlite_db, qtbot, monkeypatch):
    window = make_window(qtbot)
    page = window.show_page("settings")
    before, ini_before = table_snapshot(), settings_ini()
    url = "postgresql://liangxin:secret@127.0.0.1:1/liangxin?schema=huancui"  # a wrong port: nothing listens there
    switch_to(qtbot, page, url, monkeypatch)
    text = page.banner.text.text()
    assert text.startswith("数据库设置未保存：无法连接 postgresql://liangxin:***@127.0.0.1:1/liangxin?schema=huancui")
    assert "secret" not in text and "请检查服务器地址、端口" in text and "pgpass" in text
    # kept, it would have stopped the next start, where this page cannot be reached to put it back
    assert get_option("database") == "" and settings_ini() == ini_before
    assert table_snapshot() == before
    assert page.fields["database"].text() == url  # left as typed, to be corrected


def test_a_file_that_is_not_a_database_is_not_kept(sqlite_db, qtbot, monkeypatch, tmp_path):
    window = make_window(qtbot)
    page = window.show_page("settings")
    junk = tmp_path / "两新.xlsx"
    junk.write_bytes(b"PK\x03\x04 a workbook")
    ini_before = settings_ini()
    switch_to(qtbot, page, str(junk), monkeypatch)
    assert page.banner.text.text() == f"数据库设置未保存：{junk} 不能用作数据库：它不是 SQLite 数据库文件"
    assert get_option("database") == "" and settings_ini() == ini_before
    assert junk.read_bytes() == b"PK\x03\x04 a workbook"


def test_a_copy_of_this_units_database_is_kept_without_a_question(sqlite_db, qtbot, monkeypatch, tmp_path):
    window = make_window(qtbot)
    page = window.show_page("settings")
    copy = backup.backup_database(out=tmp_path / "d" / "liangxin.sqlite3")
    switch_to(qtbot, page, str(copy), monkeypatch)
    assert get_option("database") == str(copy)
    assert "重新启动程序后生效" in page.banner.text.text()


def test_an_empty_shared_database_is_not_switched_to_unawares(sqlite_db, qtbot, monkeypatch, pg_url):
    window = make_window(qtbot)
    page = window.show_page("settings")
    before, ini_before = table_snapshot(), settings_ini()
    asked = switch_to(qtbot, page, pg_url, monkeypatch, answer=False)
    assert "中还没有数据" in asked[0] and "首次设置" in asked[0] and f"环翠楼街道（{TOWN}）的数据不会带过去" in asked[0]
    assert "liangxin-cli --db" in asked[0]  # what IT does first
    assert get_option("database") == "" and settings_ini() == ini_before and table_snapshot() == before
    assert page.fields["database"].text() == ""  # back to what is kept
    assert "数据库设置未更改" in page.banner.text.text()
    assert not schema_exists(pg_url)  # looking created nothing on the server

    switch_to(qtbot, page, pg_url, monkeypatch, answer=True)  # IT means it, e.g. to initialise it in the wizard
    assert get_option("database") == pg_url


def test_a_shared_database_of_another_unit_says_whose_it_is(sqlite_db, qtbot, monkeypatch, pg_url):
    done = run_cli("--db", pg_url, "init", "--plan", "huancui", "--unit-code", "371002", "--unit-name", "环翠区",
                   "--level", "district")
    assert done.returncode == 0, done.stderr
    window = make_window(qtbot)
    page = window.show_page("settings")
    asked = switch_to(qtbot, page, pg_url, monkeypatch, answer=True)
    assert f"中的本单位是 环翠区（371002），不是 环翠楼街道（{TOWN}）" in asked[0]
    assert get_option("database") == pg_url and "重新启动程序后生效" in page.banner.text.text()



def test_a_file_chosen_with_the_button_is_looked_at_too(sqlite_db, qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    window = make_window(qtbot)
    page = window.show_page("settings")
    folder = tmp_path / "两新数据"
    folder.mkdir()
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *a: str(folder))
    browse = next(b for b in page.findChildren(QPushButton) if b.text() == "选择数据库文件…")
    qtbot.mouseClick(browse, Qt.MouseButton.LeftButton)
    wait_op(qtbot, page.database_op)
    assert page.banner.text.text() == (f"数据库设置未保存：{folder} 是文件夹：请填写数据库文件的完整路径，"
                                       f"例如 {folder / 'liangxin.sqlite3'}")
    assert get_option("database") == "" and list(folder.iterdir()) == []
