"""The window and its pages, built in place for a quick start, are still arranged and shown as designed."""

from PySide6.QtWidgets import QScrollArea, QSplitter

from tests.gui_support import make_window


def test_entry_pages_are_arranged_grid_panel_and_findings(sqlite_db, qtbot):
    window = make_window(qtbot)
    for key in ("tasks", "events", "figures"):
        page = window.show_page(key)
        assert page.parentWidget() is window.stack
        vertical = page.findings.parentWidget()
        assert isinstance(vertical, QSplitter) and vertical.widget(1) is page.findings
        if page.detail_keys:  # 任务进展: the grid left of its side panel of long texts
            horizontal = vertical.widget(0)
            assert isinstance(horizontal, QSplitter) and horizontal.count() == 2
            assert horizontal.widget(0) is page.table and isinstance(horizontal.widget(1), QScrollArea)
            panel = horizontal.widget(1).widget()
            assert all(box.parentWidget() is panel for box in page.detail_boxes.values())
            assert horizontal.sizes()[0] > horizontal.sizes()[1] > 0
        else:
            assert vertical.count() == 2 and vertical.widget(0) is page.table
        assert page.table.isVisible() and page.findings.parentWidget().isVisible()


def test_a_page_built_while_the_window_is_shown_is_shown_when_chosen(sqlite_db, qtbot):
    window = make_window(qtbot)  # shown: the later pages are made inside a visible stack
    for key in ("returns", "dashboard", "settings", "events"):
        page = window.show_page(key)
        assert page.parentWidget() is window.stack and window.stack.currentWidget() is page
        assert page.isVisible()
        assert all(not p.isVisible() for k, p in window.pages.items() if k != key)
