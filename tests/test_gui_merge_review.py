"""汇总合并 as a reviewer reads it: what must be checked stands out in 检查结果 and stays visible in 报送情况."""

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop import dialogs
from desktop.mergepage import shown_reasons
from desktop.sample import TOWNS
from models import db as m
from models.database import close_database
from reports.merge import FLAG_LABELS
from tests.gui_support import P, make_window, wait_op
from tests.office import edit_cell
from tests.test_gui_merge import conflicting_copy, district_database, drop, township_returns


def rows_by_code(grid) -> dict[str, dict[str, str]]:
    """报送情况's lines by township code: heading -> text."""
    headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
    return {grid.item(r, 1).text(): {h: grid.item(r, c).text() for c, h in enumerate(headers)}
            for r in range(grid.rowCount())}


def test_a_return_edited_after_export_stands_out_until_the_reviewer_acts(tmp_path, qtbot, monkeypatch):
    (clean, exported) = township_returns(tmp_path)
    edited = edit_cell(exported, exported.with_name(exported.stem + "（改）.xlsx"), "表3", "C8", 1999)
    exported.unlink()  # the township sent only the file it changed by hand
    code, name = TOWNS[1]
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        drop(page.drop, [tmp_path / "returned"])
        wait_op(qtbot, page.run_merge(dry_run=True))
        verdicts = {page.verdicts.item(r, 0).text(): r for r in range(page.verdicts.rowCount())}
        row = verdicts[edited.name]
        # 结论 says so, not a plain green 已接收; the flag is the first reason, where the column is not cut off
        assert page.verdicts.item(row, 4).text() == "已接收（导出后被修改）"
        assert page.verdicts.item(row, 5).text().startswith(FLAG_LABELS["edited_after_export"])
        assert page.verdicts.item(verdicts[clean.name], 4).text() == "已接收"
        assert "其中 1 个文件导出后被修改过，请与填报单位核实" in page.banner.text.text()

        qtbot.mouseClick(page.merge_button, Qt.MouseButton.LeftButton)
        wait_op(qtbot, page.op)
        record = m.ReturnRecord.get(m.ReturnRecord.unit == code, m.ReturnRecord.period == P,
                                    m.ReturnRecord.status == "current")
        assert "edited_after_export" in json.loads(record.flags)
        assert page.verdicts.item(row, 4).text() == "已接收（导出后被修改）"

        # 报送情况 keeps saying it after the verdicts are gone (another day, another merge)
        page.clear_files()
        grid = page.completeness
        notes = rows_by_code(grid)[code]["备注"]
        assert "导出后被修改" in notes and "导出后被修改" not in rows_by_code(grid)[TOWNS[0][0]]["备注"]
        line = next(r for r in range(grid.rowCount()) if grid.item(r, 1).text() == code)
        assert FLAG_LABELS["edited_after_export"] in grid.item(line, grid.columnCount() - 1).toolTip()

        # sent back with a reason: the reason is said as one, in full in the cell's tip
        grid.setCurrentCell(line, 0)
        reason = "表3 废旧家电回收量与台账不符，新车销售量与交易平台数据不一致，请核实后重新导出报表并盖章报送"
        monkeypatch.setattr(dialogs, "ask_reason", lambda *a: reason)
        qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
        assert m.ReturnRecord.get_by_id(record.uuid).status == "reopened"
        assert f"退回理由：{reason}" in rows_by_code(grid)[code]["备注"]
        assert f"退回理由：{reason}" in grid.item(line, grid.columnCount() - 1).toolTip()
        # 备注 is the column that takes the spare width: a long note does not push the table out to the right
        assert grid.horizontalHeader().length() <= grid.viewport().width()
        assert grid.horizontalScrollBar().maximum() == 0
        assert Path(record.file_name).name == edited.name
    finally:
        close_database()


def test_a_decided_conflict_no_longer_waits_in_the_verdicts(tmp_path, qtbot, monkeypatch):
    [first] = township_returns(tmp_path, count=1)
    name, copy = TOWNS[0][1], conflicting_copy(tmp_path, *TOWNS[0])
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        page.add_files([str(first)])
        wait_op(qtbot, page.run_merge(dry_run=False))
        page.clear_files()
        page.add_files([str(copy)])
        wait_op(qtbot, page.run_merge(dry_run=False))
        assert page.verdicts.item(0, 4).text() == "冲突（待审核员决定）"
        # the conflict's row tells what differs from the data held, as the verdict's reasons do
        tip = page.conflicts.item(0, 2).toolTip()
        assert "较已接收的第 1 版：" in tip and tip == "\n".join(shown_reasons(page.results[0]))
        # as tall as its one row: no empty white under it
        table = page.conflicts
        assert table.height() <= table.horizontalHeader().height() + table.rowHeight(0) + 2 * table.frameWidth() + 4

        [waiting] = page._pending
        monkeypatch.setattr(dialogs, "ask_reason", lambda *a: "以原件为准")
        keep = next(b for b in table.cellWidget(0, 3).findChildren(QPushButton) if b.text() == "保留原有")
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
        record = m.ReturnRecord.get_by_id(waiting)
        assert record.status == "rejected" and m.AuditLog.get(m.AuditLog.action == "resolve:keep").reason == "以原件为准"
        assert page.verdicts.item(0, 4).text() == "冲突已决定：保留原有"
        assert page.review_banner.isVisible() and name in page.review_banner.text.text()
        assert not page.conflicts.isVisible()
    finally:
        close_database()
