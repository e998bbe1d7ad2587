"""汇总合并: a blank template for a township without the program, filled in by hand, returned and merged."""

import openpyxl
from PySide6.QtCore import Qt

from desktop.options import set_option
from desktop.sample import TOWNS
from models.database import close_database
from models.entries import form_rows
from reports.xlsx_reader import read_return
from tests.gui_support import P, make_window, wait_op
from tests.test_gui_merge import district_database, drop, township_returns
from tests.test_xlsx_template import _cell, _fill_tolerantly


def grid_rows(page) -> dict[str, dict[str, str]]:
    grid = page.completeness
    headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    return {grid.item(r, 1).text(): {h: grid.item(r, c).text() for c, h in enumerate(headers)}
            for r in range(grid.rowCount())}


def test_a_template_for_the_selected_township_comes_back_filled_and_is_merged(tmp_path, qtbot):
    files = township_returns(tmp_path)
    district_database(tmp_path / "district.sqlite3")
    set_option("export_dir", str(tmp_path / "out"))
    code, name = TOWNS[2]  # no program there: it has not reported
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        drop(page.drop, files)
        wait_op(qtbot, page.run_merge(dry_run=False))
        grid = page.completeness
        assert not page.template_button.isEnabled()  # nothing selected yet
        grid.setCurrentCell(next(r for r in range(grid.rowCount()) if grid.item(r, 1).text() == code), 0)
        assert page.template_button.isEnabled()
        qtbot.mouseClick(page.template_button, Qt.MouseButton.LeftButton)
        wait_op(qtbot, page.op)
        template = page.last_export
        assert template.parent == tmp_path / "out" and template.name.startswith("两新月报空白模板_371002003_")
        assert page.export_banner.isVisible() and name in page.export_banner.text.text()
        assert page.open_folder_button.isVisible()
        blank = read_return(template)
        assert (blank.kind, blank.unit_code, blank.unit_name, blank.period) == ("template", code, name, P)
        assert grid_rows(page)[code]["报送情况"] == "未报"

        _fill_tolerantly(template)  # in Excel or WPS, by hand; task 2 marked 已完成 without its 进展情况
        page.clear_files()
        drop(page.drop, [template])
        wait_op(qtbot, page.run_merge(dry_run=False))
        [refused] = page.results
        assert refused.verdict == "rejected" and "表1!J9: 任务 2 进展情况：已启动的任务须填写进展情况" in refused.reasons[0]
        assert grid_rows(page)[code]["报送情况"] == "被拒收"

        workbook = openpyxl.load_workbook(template)  # the township writes it in and sends the file again
        _cell(workbook["表1"], "tasks", "narrative", 1).value = "平台认定完成"
        workbook.save(template)
        wait_op(qtbot, page.run_merge(dry_run=False))
        [taken] = page.results
        assert taken.verdict == "accepted" and "手工填写的空白模板" in taken.reasons
        assert grid_rows(page)[code]["报送情况"] == "已报"
        achieved = {r.row_key: r.values["achieved"] for r in form_rows(unit_code=code, period=P, form_id="tasks")}
        assert str(achieved["1"]) == "3" and str(achieved["2"]) == "1234.5"
    finally:
        close_database()
