"""The entry pages driven as a clerk drives them: typing, Enter and Tab, paste, undo, bad input, locks."""

from decimal import Decimal

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from desktop.formmodel import STATE_ROLE, CellState
from models import db as m
from models.entries import form_rows, save_row, submit_period
from tests.conftest import TOWN, table_snapshot
from tests.gui_support import P, editor_of, enter_cell, go_to, make_window, press, stored, type_text


def events_in_db(period: str = P) -> list[dict]:
    return [r.values for r in form_rows(unit_code=TOWN, period=period, form_id="events")]


def test_typing_saves_each_cell_and_enter_tab_move_like_a_spreadsheet(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "2", "status")
    enter_cell(qtbot, page.table, "推进中", Qt.Key.Key_Tab)
    assert stored("tasks", "2", "status") == "推进中"
    current = page.table.currentIndex()
    assert (current.row(), page.model.fields[current.column()].key) == (1, "target_value")  # Tab: one to the right
    press(qtbot, page.table, Qt.Key.Key_Tab)
    enter_cell(qtbot, page.table, "3")
    assert stored("tasks", "2", "achieved") == Decimal(3)
    assert page.table.currentIndex().row() == 2  # Enter: one down
    assert editor_of(page.table) is None
    assert page.model.index(1, page.model.column_of("percent")).data() == "50.0%"  # computed, refreshed
    assert "已保存" in page.saved_label.text()


def test_typing_replaces_the_cell(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": "3"})
    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "2", "achieved")
    enter_cell(qtbot, page.table, "5")
    assert stored("tasks", "2", "achieved") == Decimal(5)


def test_bad_input_is_marked_and_nothing_is_saved(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": "3"})
    window = make_window(qtbot)
    page = window.show_page("tasks")
    before = table_snapshot()
    for bad, why in (("abc", "“abc”不是数字"), ("-1", "不能小于0")):
        go_to(page, "2", "achieved")
        enter_cell(qtbot, page.table, bad)
        assert table_snapshot() == before
        index = page.model.index(page.model.row_of("2"), page.model.column_of("achieved"))
        assert index.data() == bad and index.data(STATE_ROLE) == CellState.REJECTED
        assert why in index.data(Qt.ItemDataRole.ToolTipRole)
        assert page.message.isVisible() and "任务 2 完成值" in page.message.text.text()
    assert not page.model.undo_stack.canUndo()  # a refused edit is not an undo step
    go_to(page, "2", "achieved")
    enter_cell(qtbot, page.table, "4")
    assert stored("tasks", "2", "achieved") == Decimal(4)
    assert page.model.index(1, page.model.column_of("achieved")).data(STATE_ROLE) != CellState.REJECTED
    assert not page.message.isVisible()


def test_undo_and_redo_change_the_database(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    for value in ("3", "5"):
        go_to(page, "2", "achieved")
        enter_cell(qtbot, page.table, value)
    assert stored("tasks", "2", "achieved") == Decimal(5)
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored("tasks", "2", "achieved") == Decimal(3)
    window.undo_action.trigger()
    assert stored("tasks", "2", "achieved") is None
    qtbot.keyClick(page.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored("tasks", "2", "achieved") == Decimal(3)
    assert page.model.index(1, page.model.column_of("achieved")).data() == "3"


def test_delete_clears_the_selected_cells(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": "3", "status": "推进中",
                                                                             "narrative": "进行中"})
    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "2", "achieved")
    press(qtbot, page.table, Qt.Key.Key_Delete)
    assert stored("tasks", "2", "achieved") is None
    assert stored("tasks", "2", "status") == "推进中"


EXCEL_BLOCK = ("2025-10-05\t汽车促销\t金秋车展\t会展中心\t区商务局\t12\t1200\t85\t1234.5\t20\r\n"
               "2025/10/12\t家电以旧换新\t家电焕新季\t华联商厦\t街道办事处\t8\t900\t60\t88\t5\r\n")


def test_a_block_pasted_from_excel_becomes_events_and_undo_removes_them(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("events")
    page.start_new_event()
    page.table.closePersistentEditor(page.table.currentIndex())
    press(qtbot, page.table, Qt.Key.Key_Escape)
    QGuiApplication.clipboard().setText(EXCEL_BLOCK)
    qtbot.keyClick(page.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = sorted(events_in_db(), key=lambda v: v["date"])
    assert [(str(v["date"]), v["type"], v["name"], v["visitors"], v["sales"]) for v in rows] == [
        ("2025-10-05", "汽车促销", "金秋车展", 1200, Decimal("1234.5")),
        ("2025-10-12", "家电以旧换新", "家电焕新季", 900, Decimal("88"))]
    assert page.model.rowCount() == 3  # two events and the blank line
    window.undo_action.trigger()
    assert events_in_db() == []
    window.redo_action.trigger()
    assert len(events_in_db()) == 2


def test_a_pasted_block_with_a_bad_cell_saves_nothing(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("events")
    page.table.setCurrentIndex(page.model.index(0, 0))
    before = table_snapshot()
    outcome = page.table.paste_text(EXCEL_BLOCK.replace("\t900\t", "\t九百\t"))
    assert not outcome.ok and "第2行 参与人数" not in outcome.message  # the second line is a new event
    assert "参与人数" in outcome.message
    assert table_snapshot() == before
    assert page.message.isVisible()


def test_one_value_pasted_over_a_selection_fills_it(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    page.set_filters(text="")
    model, view = page.model, page.table
    top = page.proxy.mapFromSource(model.index(0, model.column_of("status")))
    bottom = page.proxy.mapFromSource(model.index(2, model.column_of("status")))
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    view.selectionModel().select(QItemSelection(top, bottom), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.paste_text("未启动")
    assert [stored("tasks", k, "status") for k in ("1", "2", "3")] == ["未启动"] * 3
    window.undo_action.trigger()
    assert [stored("tasks", k, "status") for k in ("1", "2", "3")] == [None] * 3


def test_copy_gives_tab_separated_text(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"current": "1200"})
    window = make_window(qtbot)
    page = window.show_page("figures")
    go_to(page, "appliance_recycling", "indicator")
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    left = page.model.index(0, page.model.column_of("indicator"))
    right = page.model.index(0, page.model.column_of("current"))
    page.table.selectionModel().select(QItemSelection(left, right), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "废旧家电回收量\t台\t1200"


def test_a_new_event_typed_into_the_blank_line(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("events")
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert editor_of(page.table) is not None
    type_text(qtbot, page.table, "5")  # the 5th of the reporting month
    press(qtbot, page.table, Qt.Key.Key_Tab)
    enter_cell(qtbot, page.table, "汽车下乡展销", Qt.Key.Key_Tab)
    enter_cell(qtbot, page.table, "汽车下乡惠民展", Qt.Key.Key_Tab)
    rows = events_in_db()
    assert len(rows) == 1
    assert (str(rows[0]["date"]), rows[0]["type"], rows[0]["name"]) == ("2025-10-05", "汽车下乡展销", "汽车下乡惠民展")
    assert page.table.currentIndex().row() == 0  # still on the event being typed
    assert page.model.rowCount() == 2


def test_an_incomplete_event_is_saved_and_marked(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("events")
    page.table.setCurrentIndex(page.model.index(0, page.model.column_of("name")))
    enter_cell(qtbot, page.table, "夜间消费节")
    assert [v["name"] for v in events_in_db()] == ["夜间消费节"]
    date = page.model.index(0, page.model.column_of("date"))
    assert date.data(STATE_ROLE) == CellState.HARD and "举办日期必须填写" in date.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 处错误" in page.counts.text() or "2 处错误" in page.counts.text()


def test_deleting_events_is_one_undo_step(sqlite_db, qtbot):
    for name in ("甲", "乙", "丙"):
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
                 values={"date": "2025-10-03", "type": "其他", "name": name})
    window = make_window(qtbot)
    page = window.show_page("events")
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection(page.model.index(0, 2), page.model.index(1, 2))
    page.table.selectionModel().select(sel, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert len(events_in_db()) == 1
    window.undo_action.trigger()
    assert sorted(v["name"] for v in events_in_db()) == ["丙", "乙", "甲"]


def test_filters_and_edits_through_them(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    plan_rows = page.model.rows
    section = plan_rows[10].values["section"]
    page.set_filters(section=section)
    shown = page.proxy.rowCount()
    assert shown == sum(1 for r in plan_rows if r.values["section"] == section)
    first_key = next(r.row_key for r in plan_rows if r.values["section"] == section)
    page.table.setCurrentIndex(page.proxy.index(0, page.model.column_of("achieved")))
    enter_cell(qtbot, page.table, "7")
    assert stored("tasks", first_key, "achieved") == Decimal(7)
    page.set_filters(status="未填")
    assert page.proxy.rowCount() == len(plan_rows)
    go_to(page, "1", "status")
    enter_cell(qtbot, page.table, "滞后")
    page.set_filters(status="滞后")
    assert page.proxy.rowCount() == 1
    lead = plan_rows[0].values["lead_units"].split("、")[0]
    page.set_filters(lead=lead)
    assert page.proxy.rowCount() == sum(lead in r.values["lead_units"].split("、") for r in plan_rows)
    page.set_filters(text="智能制造")
    assert page.proxy.rowCount() >= 1


def test_the_side_panel_saves_long_texts(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中"})
    page.refresh()
    go_to(page, "2", "status")
    assert "实施智能制造推进行动" in page.detail_title.text()
    assert page.detail_boxes["narrative"].property("state") == "hard"  # 已启动的任务须填写进展情况
    box = page.detail_boxes["narrative"]
    box.setFocus()
    box.setPlainText("已召开推进会。\n对接企业12家。")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert stored("tasks", "2", "narrative") == "已召开推进会。\n对接企业12家。"
    assert page.detail_boxes["narrative"].property("state") == ""


def test_a_warning_asks_for_an_explanation(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "2", "status")
    enter_cell(qtbot, page.table, "已完成", Qt.Key.Key_Tab)
    press(qtbot, page.table, Qt.Key.Key_Tab)
    enter_cell(qtbot, page.table, "2", Qt.Key.Key_Tab)  # below the target of 6
    explanation = page.model.index(1, page.model.column_of("explanation"))
    assert explanation.data(STATE_ROLE) == CellState.SOFT
    assert page.detail_boxes["explanation"].property("state") == "soft"  # the side panel asks too
    assert "完成值低于目标值" in page.detail_boxes["explanation"].placeholderText()
    go_to(page, "2", "explanation")
    enter_cell(qtbot, page.table, "其余4个平台年底前认定")
    achieved = page.model.index(1, page.model.column_of("achieved"))
    assert achieved.data(STATE_ROLE) == CellState.EXPLAINED
    assert stored("tasks", "2", "explanation") == "其余4个平台年底前认定"


def test_a_locked_month_refuses_typing_and_says_why(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    submit_period(unit_code=TOWN, period=P, user="clerk")
    window = make_window(qtbot)
    page = window.show_page("tasks")
    assert page.lock_banner.isVisible() and "已锁定" in page.lock_banner.text.text()
    assert window.period_bar.chip.text() == "已报送 · 只读"
    before = table_snapshot()
    go_to(page, "2", "achieved")
    qtbot.keyClick(page.table, "5")
    assert editor_of(page.table) is None
    assert page.message.isVisible() and "已锁定" in page.message.text.text()  # typing says why, as paste does
    assert page.saved_label.text() == "未保存"
    assert page.table.paste_text("7").ok is False
    assert table_snapshot() == before
    assert m.AuditLog.select().where(m.AuditLog.action.startswith("refused")).count() == 0  # refused before the core


def test_changing_the_month_reloads_the_page(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period="2025-09", form_id="tasks", row_key="2", values={"achieved": "2"})
    window = make_window(qtbot)
    page = window.show_page("tasks")
    assert page.model.index(1, page.model.column_of("achieved")).data() == ""
    qtbot.keyClick(page.table, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.period == "2025-09"
    assert page.model.index(1, page.model.column_of("achieved")).data() == "2"
    assert "2025年9月" in window.windowTitle()
    assert window.period_bar.box.currentData() == "2025-09"


def test_what_is_typed_is_saved_in_its_own_month_when_the_month_changes(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "2", "achieved")
    type_text(qtbot, page.table, "5")  # the editor is open: the ‹ button takes no focus from it
    qtbot.mouseClick(window.period_bar.prev, Qt.MouseButton.LeftButton)
    assert window.session.period == "2025-09"
    assert stored("tasks", "2", "achieved") == Decimal(5)
    assert stored("tasks", "2", "achieved", period="2025-09") is None
    go_to(page, "3", "achieved")
    type_text(qtbot, page.table, "4")
    qtbot.keyClick(editor_of(page.table), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.session.period == P
    assert stored("tasks", "3", "achieved", period="2025-09") == Decimal(4)
    assert stored("tasks", "3", "achieved") is None
    go_to(page, "2", "status")
    box = page.detail_boxes["narrative"]
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    qtbot.keyClicks(box, "progress")
    qtbot.keyClick(box, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.period == "2025-09"
    assert stored("tasks", "2", "narrative") == "progress"
    assert stored("tasks", "2", "narrative", period="2025-09") is None
    assert box.toPlainText() == ""  # September's own text, empty


def test_a_row_changed_by_someone_else_is_not_overwritten(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"achieved": "9"}, user="colleague")
    go_to(page, "2", "achieved")
    enter_cell(qtbot, page.table, "5")
    assert stored("tasks", "2", "achieved") == Decimal(9)  # their value stands
    assert "colleague" in page.message.text.text()
    assert page.model.index(1, page.model.column_of("achieved")).data() == "9"  # and is shown now


def test_the_frozen_columns_stay_in_view_when_scrolling_right(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    table = page.table
    model = page.model
    frozen_width = table.frozen_width()
    title = model.column_of("title")
    assert frozen_width == table.columnWidth(model.column_of("no")) + table.columnWidth(title)
    # At the start the grid shows them in place, with the edge where they end (the second view comes on scrolling).
    assert table.frozen is None and table.frozen_edge.isVisible()
    assert table.frozen_edge.geometry().right() == table.verticalHeader().width() + table.frameWidth() + frozen_width - 1
    at_rest = table.grab().copy(0, 0, table.verticalHeader().width() + frozen_width, 200).toImage()

    last = model.columnCount() - 1
    table.scrollTo(page.proxy.index(3, last))
    assert table.horizontalScrollBar().value() > 0
    frozen = table.frozen
    assert frozen is not None and frozen.isVisible() and not table.frozen_edge.isVisible()
    assert frozen.geometry().left() == table.verticalHeader().width() + table.frameWidth()
    assert frozen.width() == frozen_width
    shown = [c for c in range(model.columnCount()) if not frozen.isColumnHidden(c)]
    assert shown == [model.column_of("no"), title]
    # The task numbers and titles look as they did before scrolling: the same pixels, over the scrolled grid.
    QGuiApplication.processEvents()
    scrolled = table.grab().copy(0, 0, table.verticalHeader().width() + frozen_width, 200).toImage()
    assert scrolled == at_rest

    # A cell scrolled into view lands beside the frozen columns, not under them; rows scroll together.
    middle = model.column_of("achieved")
    target = page.proxy.index(3, middle)
    table.scrollTo(target)
    assert table.columnViewportPosition(middle) >= frozen_width
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert frozen.verticalScrollBar().value() == table.verticalScrollBar().value()
    table.setColumnWidth(title, table.columnWidth(title) + 40)  # widening the title widens what stays in view
    assert frozen.columnWidth(title) == table.columnWidth(title) and frozen.width() == frozen_width + 40


def test_scrolling_right_never_leaves_a_column_half_under_the_frozen_ones(sqlite_db, qtbot):
    window = make_window(qtbot)
    table = window.show_page("tasks").table
    bar = table.horizontalScrollBar()
    header = table.horizontalHeader()
    edge = table.frozen_width()

    def first_visible_left() -> int:
        """Where the first column at least partly right of the frozen ones begins on screen (viewport x)."""
        return min(x for c in range(table.frozen_count, header.count())
                   if (x := table.columnViewportPosition(c)) + table.columnWidth(c) > edge)

    seen = []
    while bar.value() < bar.maximum():  # one arrow step at a time, as a clerk clicks the scroll bar
        before = bar.value()
        bar.triggerAction(bar.SliderAction.SliderSingleStepAdd)
        assert bar.value() > before  # every click still moves
        seen.append(bar.value())
        if bar.value() < bar.maximum():
            assert first_visible_left() == edge, f"a column is cut by the frozen ones at scroll {bar.value()}"
    while bar.value() > 0:
        before = bar.value()
        bar.triggerAction(bar.SliderAction.SliderSingleStepSub)
        assert bar.value() < before
        if bar.value() > 0:
            assert first_visible_left() == edge, f"a column is cut by the frozen ones at scroll {bar.value()}"
    assert len(seen) >= 2


def test_ctrl_f_then_enter_goes_on_in_the_grid_on_the_task_found(sqlite_db, qtbot):
    from tests.gui_support import commit_text

    window = make_window(qtbot)
    page = window.show_page("tasks")
    go_to(page, "1", "title")  # a column nobody types into
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.focusObject() is page.search
    commit_text(page.search, "家电以旧换新")
    assert page.proxy.rowCount() == 1
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert QGuiApplication.focusObject() is page.table  # not left in the search box
    current = page.table.currentIndex()
    found = page.model.row_at(page.proxy.mapToSource(current).row())
    assert found.values["title"] == "开展家电以旧换新活动"
    assert page.model.fields[current.column()].key == "status"  # where the clerk types, not the task's title
    enter_cell(qtbot, page.table, "推进中")
    assert stored("tasks", found.row_key, "status") == "推进中"


def test_a_figure_typed_with_an_extra_digit_is_questioned_in_the_grid(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period="2025-09", form_id="figures", row_key="used_car_trades", values={"current": 120})
    window = make_window(qtbot)
    page = window.show_page("figures")
    go_to(page, "used_car_trades", "current")
    enter_cell(qtbot, page.table, "1200")
    cell = page.model.index(page.model.row_of("used_car_trades"), page.model.column_of("current"))
    assert cell.data(STATE_ROLE) == CellState.SOFT
    assert "本期 1200 是上月 120 的10倍以上" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert stored("figures", "used_car_trades", "current") == Decimal(1200)  # a warning does not refuse the save
    go_to(page, "used_car_trades", "current")
    enter_cell(qtbot, page.table, "130")
    assert cell.data(STATE_ROLE) != CellState.SOFT


def test_the_hint_shows_last_months_value_of_a_typed_number(sqlite_db, qtbot):
    save_row(unit_code=TOWN, period="2025-09", form_id="figures", row_key="used_car_trades", values={"current": 1234})
    save_row(unit_code=TOWN, period="2025-09", form_id="tasks", row_key="2",
             values={"status": "推进中", "narrative": "x", "achieved": "4.5"})
    window = make_window(qtbot)
    figures = window.show_page("figures")
    go_to(figures, "used_car_trades", "current")
    assert figures.hint.text().startswith("本期 · 上月 1,234 · ")
    go_to(figures, "new_car_sales", "current")
    assert "上月" not in figures.hint.text()  # nothing entered last month
    go_to(figures, "used_car_trades", "explanation")
    assert "上月" not in figures.hint.text()  # a text
    tasks = window.show_page("tasks")
    go_to(tasks, "2", "achieved")
    assert "上月 4.5" in tasks.hint.text()
    save_row(unit_code=TOWN, period="2025-09", form_id="tasks", row_key="2", values={"achieved": "5"})
    window.session.set_period("2025-09")  # its own last month is August: nothing
    go_to(tasks, "2", "achieved")
    assert "上月" not in tasks.hint.text()
    window.session.set_period(P)  # read again after the change in September
    go_to(tasks, "2", "achieved")
    assert "上月 5" in tasks.hint.text()


def statuses_in_db() -> dict[str, str]:
    return {r.row_key: r.values["status"] for r in form_rows(unit_code=TOWN, period=P, form_id="tasks") if r.values["status"]}


def test_lines_pasted_past_the_last_task_a_filter_shows_are_dropped_and_counted(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    for filters in ({"text": "以旧换新"}, {"section": page.model.rows[0].values["section"]}):
        page.set_filters(**filters)
        shown = [page.model.row_at(page.proxy.mapToSource(page.proxy.index(r, 0)).row()).row_key
                 for r in range(page.proxy.rowCount())]
        assert 1 < len(shown) < len(page.model.rows)
        page.table.setCurrentIndex(page.proxy.index(len(shown) - 1, page.model.column_of("status")))
        page.table.setFocus()
        QGuiApplication.clipboard().setText("推进中\n滞后\n已完成\n")  # three cells copied from Excel
        qtbot.keyClick(page.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert statuses_in_db() == {shown[-1]: "推进中"}  # no task hidden by the filter is touched
        assert page.message.isVisible() and "2 行" in page.message.text.text()
        window.undo_action.trigger()
        assert statuses_in_db() == {}


def test_enter_goes_on_to_the_next_task_shown_when_the_typed_one_leaves_the_filter(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("tasks")
    page.set_filters(status="未填")
    total = page.proxy.rowCount()
    go_to(page, "1", "status")
    enter_cell(qtbot, page.table, "未启动")
    enter_cell(qtbot, page.table, "滞后")
    enter_cell(qtbot, page.table, "推进中")
    assert statuses_in_db() == {"1": "未启动", "2": "滞后", "3": "推进中"}
    assert page.proxy.rowCount() == total  # the tasks typed into stay in view until the filter is chosen again
    page.set_filters(status="滞后")
    assert page.proxy.rowCount() == 1
    page.set_filters(status="未填")
    assert page.proxy.rowCount() == total - 3


def test_one_value_pasted_over_a_whole_column_of_events_fills_only_the_events(sqlite_db, qtbot):
    for name in ("甲", "乙"):
        save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
                 values={"date": "2025-10-03", "type": "其他", "name": name})
    window = make_window(qtbot)
    page = window.show_page("events")
    header = page.table.horizontalHeader()
    column = page.model.column_of("organiser")
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert len(page.table.selectedIndexes()) == 3  # the two events and the blank line below them
    QGuiApplication.clipboard().setText("街道办事处")
    qtbot.keyClick(page.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert {(v["name"], v["organiser"]) for v in events_in_db()} == {("甲", "街道办事处"), ("乙", "街道办事处")}
    assert len(events_in_db()) == 2  # no event made of the one value on the blank line
    assert page.model.rowCount() == 3


def test_a_value_refused_on_the_blank_line_stays_marked_on_the_event_typed_there(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("events")
    model, view = page.model, page.table
    visitors = model.column_of("visitors")
    view.setCurrentIndex(model.index(0, visitors))
    enter_cell(qtbot, view, "-3")
    assert model.index(0, visitors).data(STATE_ROLE) == CellState.REJECTED
    view.setCurrentIndex(model.index(0, model.column_of("name")))
    enter_cell(qtbot, view, "车展")
    assert [(v["name"], v["visitors"]) for v in events_in_db()] == [("车展", 0)]  # -3 was not saved (blank counts as 0)
    assert model.rowCount() == 2
    assert (model.index(0, visitors).data(), model.index(0, visitors).data(STATE_ROLE)) == ("-3", CellState.REJECTED)
    assert (model.index(1, visitors).data(), model.index(1, visitors).data(STATE_ROLE)) == ("", CellState.INPUT)


def test_a_refused_figure_is_named_by_its_indicator_not_by_its_line(sqlite_db, qtbot):
    window = make_window(qtbot)
    page = window.show_page("figures")
    before = table_snapshot()
    go_to(page, "used_car_trades", "current")
    enter_cell(qtbot, page.table, "12.5")  # 辆: whole numbers only
    assert table_snapshot() == before
    said = page.message.text.text()
    assert said.startswith("未保存：二手车交易量 本期：") and "行" not in said.split("：")[1], said
