"""沿用上月 on 任务进展, driven as a clerk does at the start of a month: one click, one undo step, never over typed work."""

from decimal import Decimal

from models.entries import save_row, submit_period
from tests.conftest import TOWN, table_snapshot
from tests.gui_support import P, make_window, stored

BEFORE = "2025-09"


def test_carry_over_fills_untouched_tasks_in_one_undo_step(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=BEFORE, form_id="tasks", row_key="1",
             values={"status": "滞后", "achieved": "3", "narrative": "已召开推进会", "problems": "资金未到位"})
    save_row(unit_code=TOWN, period=BEFORE, form_id="tasks", row_key="2", values={"status": "推进中", "narrative": "九月"})
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "已完成", "narrative": "十月已写"})
    window = make_window(qtbot)
    page = window.show_page("tasks")
    assert page.carry_button.isVisible() and page.carry_button.isEnabled()
    assert "推进状态" in page.carry_button.toolTip() and "一月不沿用" in page.carry_button.toolTip()
    page.carry_button.click()
    assert (stored("tasks", "1", "status"), stored("tasks", "1", "achieved"), stored("tasks", "1", "problems")) == (
        "滞后", Decimal(3), "资金未到位")
    assert stored("tasks", "2", "narrative") == "十月已写"  # typed this month: never overwritten
    assert "已把2025年9月的内容带到本月 1 行" in page.message.text.text()
    assert page.model.index(page.model.row_of("1"), page.model.column_of("percent")).data()  # computed, refreshed
    assert page.model.undo_stack.count() == 1
    page.undo_button.click()
    assert stored("tasks", "1", "status") is None and stored("tasks", "1", "narrative") is None
    assert stored("tasks", "2", "narrative") == "十月已写"


def test_nothing_to_carry_says_so_and_changes_nothing(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    before = table_snapshot()
    assert page.carry_over() is False
    assert "没有可沿用的内容：2025年9月没有填写" in page.message.text.text()
    assert table_snapshot() == before and page.model.undo_stack.count() == 0


def test_a_submitted_month_cannot_be_carried_into(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=BEFORE, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "九月"})
    submit_period(unit_code=TOWN, period=P)
    window = make_window(qtbot)
    page = window.show_page("tasks")
    assert not page.carry_button.isEnabled()
    before = table_snapshot()
    assert page.carry_over() is False
    assert table_snapshot() == before and stored("tasks", "1", "status") is None


def test_the_events_and_figures_pages_have_no_carry_button(sqlite_db, qtbot):
    window = make_window(qtbot)
    assert window.show_page("events").carry_button is None
    assert window.show_page("figures").carry_button is None
