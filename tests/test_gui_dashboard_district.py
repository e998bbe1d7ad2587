"""统计图表 for a district: the townships' table says what 汇总合并's 报送情况 says, and every township is named."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from desktop import dialogs
from desktop.sample import DISTRICT, TOWNS
from models import db as m
from models.database import close_database
from models.units import add_unit
from reports.completeness import completeness
from reports.merge import merge
from tests.gui_support import P, make_window
from tests.test_gui_merge import district_database, township_returns


def table_rows(page) -> dict[str, dict[str, str]]:
    table = page.findChild(QTableWidget, "CompletenessTable")
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return {table.item(r, 0).text(): {h: table.item(r, c).text() for c, h in enumerate(headers)}
            for r in range(table.rowCount())}


def test_a_return_sent_back_is_not_shown_as_reported_on_the_dashboard(tmp_path, qtbot, monkeypatch):
    files = township_returns(tmp_path)
    district_database(tmp_path / "district.sqlite3")
    (sent_back, name), (kept, kept_name), (_, missing_name) = TOWNS[:3]
    try:
        merge(files, user="reviewer")
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        grid = page.completeness
        grid.setCurrentCell(next(r for r in range(grid.rowCount()) if grid.item(r, 1).text() == sent_back), 0)
        monkeypatch.setattr(dialogs, "ask_reason", lambda *a: "表3 数据有误")
        qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
        assert m.ReturnRecord.get(m.ReturnRecord.unit == sent_back, m.ReturnRecord.period == P,
                                  m.ReturnRecord.source == "merge").status == "reopened"

        dashboard = window.show_page("dashboard")
        rows = table_rows(dashboard)
        states = {u.unit_name: u.label for u in completeness(period=P).units}
        assert {n: rows[n]["报送情况"] for n in rows} == states == {name: "已退回", kept_name: "已报", missing_name: "未报"}
        # its data is still there (the district's sums use it until the corrected file comes): the forms say so
        assert [rows[name][f] for f in ("表1", "表2", "表3")] == ["已报"] * 3
        assert [rows[missing_name][f] for f in ("表1", "表2", "表3")] == ["未报"] * 3
    finally:
        close_database()


def test_a_dozen_townships_are_all_named_under_the_chart(tmp_path, qtbot):
    district_database(tmp_path / "district.sqlite3")
    names = [name for _, name in TOWNS[:3]]
    for i, name in enumerate(("温泉镇", "桥头镇", "嵩山街道", "田和街道", "皇冠街道", "怡园街道", "高区经济开发区"), start=7):
        add_unit(code=f"{DISTRICT[0]}{i:03d}", name=name, level="town", parent_code=DISTRICT[0])
        names.append(name)
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("dashboard")
        axis = page.charts["townships"].chart().axes(Qt.Orientation.Horizontal)[0]
        assert axis.categories() == names
        # side by side, Qt leaves out a name that overlaps its neighbour (高区经济开发区 was not shown): slanted
        assert axis.labelsAngle() == -45
        assert sorted(table_rows(page)) == sorted(names)
    finally:
        close_database()


def test_each_townships_growth_on_2023_is_shown_beside_the_districts(tmp_path, qtbot):
    from models.entries import form_rows
    from reports.district import district_month

    files = township_returns(tmp_path)
    district_database(tmp_path / "district.sqlite3")
    try:
        merge(files, user="reviewer")
        page = make_window(qtbot, user="reviewer").show_page("dashboard")
        table = page.findChild(QTableWidget, "GrowthTable")
        shown = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, table.columnCount())]
                 for r in range(table.rowCount())}
        assert table.horizontalHeaderItem(6).text() == "汽车以旧换新"  # the bracketed gloss is in the tip
        assert table.horizontalHeaderItem(6).toolTip() == "汽车以旧换新（报废更新、置换更新）"

        def words(rows):
            return ["—" if r.values["vs_base"] is None else f"{r.values['vs_base'] * 100:+.1f}%" for r in rows]

        for code, name in TOWNS[:2]:
            assert shown[name] == words(form_rows(unit_code=code, period=P, form_id="figures"))
        assert shown[TOWNS[2][1]] == ["—"] * 10  # no return: nothing to compare
        assert shown["合计"] == words(district_month(period=P).rows["figures"])
        assert any(text.startswith("+") for text in shown["合计"])
        # and each township's tasks done and lagging, beside its completeness
        rows = table_rows(page)
        for code, name in TOWNS[:2]:
            statuses = [r.values["status"] for r in form_rows(unit_code=code, period=P, form_id="tasks")]
            assert (rows[name]["任务已完成"], rows[name]["任务滞后"]) == (str(statuses.count("已完成")),
                                                                     str(statuses.count("滞后")))
        assert sum(int(rows[name]["任务滞后"]) for _, name in TOWNS[:2]) > 0
        assert (rows[TOWNS[2][1]]["任务已完成"], rows[TOWNS[2][1]]["任务滞后"]) == ("0", "0")
    finally:
        close_database()
