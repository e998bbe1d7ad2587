"""Keyboard shortcuts as the navigation numbers the pages, and F1's list of them."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui_support import make_window


def test_a_townships_pages_are_numbered_as_its_navigation_shows_them(sqlite_db, qtbot):
    window = make_window(qtbot)
    shown = [window.nav.item(i) for i in range(window.nav.count()) if not window.nav.item(i).isHidden()]
    assert [i.text() for i in shown][4:] == ["统计图表", "设置"]  # no 汇总合并 for a township
    for n, item in enumerate(shown, start=1):
        assert item.toolTip().endswith(f"(Ctrl+{n})")
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.ControlModifier)
        assert window.nav.currentItem() is item
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)  # nothing is the 7th
    assert window.nav.currentItem() is shown[-1]


def test_a_districts_merge_page_is_ctrl_5(district_db, qtbot):
    window = make_window(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentItem().text() == "汇总合并"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentItem().text() == "设置"


def test_f1_lists_every_shortcut_with_its_keys(sqlite_db, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    window = make_window(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert len(shown) == 1
    for text, keys in (("统计图表", "Ctrl+5"), ("导出报表", "Ctrl+E"), ("上个月", "Ctrl+PgUp"), ("刷新", "F5"),
                       ("快捷键一览", "F1"), ("新增活动", "Ctrl+N")):
        assert text in shown[0] and keys in shown[0]


def test_f1_offers_the_user_guide(sqlite_db, qtbot, monkeypatch):
    def click_guide(box):
        button = next(b for b in box.buttons() if b.text() == "使用说明…")
        monkeypatch.setattr(box, "clickedButton", lambda: button)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_guide)
    window = make_window(qtbot)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.guide
    assert guide.isVisible() and guide.windowTitle() == "使用说明"
    text = guide.browser.toPlainText()
    assert text.startswith("两新填报 使用说明") and "三、汇总（区县、市）" in text
    assert "本期 … 是上月 … 的10倍以上" in text  # the table of warnings, rendered
    assert guide.browser.document().toMarkdown()  # read as Markdown, not shown as its source
    assert "| --- |" not in text and "## " not in text


def test_the_sidebar_opens_the_user_guide(sqlite_db, qtbot):
    from PySide6.QtWidgets import QPushButton

    window = make_window(qtbot)
    link = window.findChild(QPushButton, "GuideLink")
    assert link.isVisible() and link.text() == "使用说明"
    qtbot.mouseClick(link, Qt.MouseButton.LeftButton)
    assert window.guide.isVisible() and "一、第一次使用" in window.guide.browser.toPlainText()
