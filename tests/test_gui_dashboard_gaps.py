"""统计图表 says which months 本年累计 leaves out (no 表3 yet), and takes the user to the first of them."""

from PySide6.QtCore import Qt

from desktop.dashboard_data import month_runs, months_without_figures
from desktop.sample import DISTRICT
from models.database import close_database
from models.entries import save_row
from reports.merge import merge
from tests.conftest import TOWN
from tests.gui_support import P, make_window
from tests.test_gui_merge import district_database, township_returns


def test_month_runs_join_consecutive_months():
    assert month_runs([]) == []
    assert month_runs(["2025-03", "2025-01", "2025-02", "2025-05", "2025-07", "2025-08"]) == [(1, 3), (5, 5), (7, 8)]


def test_a_township_is_told_which_months_it_has_not_filled_in(sqlite_db, qtbot):
    for period in ("2025-04", "2025-05", "2025-06", P):
        save_row(unit_code=TOWN, period=period, form_id="figures", row_key="appliance_recycling", values={"current": 90})
    assert months_without_figures(TOWN, P) == ["2025-01", "2025-02", "2025-03", "2025-07", "2025-08", "2025-09"]
    window = make_window(qtbot)
    page = window.show_page("dashboard")
    banner = page.gap_banner
    assert banner.isVisible()
    assert banner.text.text() == ("本年累计不含1月–3月、7月–9月：这些月份还没有填报表3，"
                                  "较2023年增减和目标进度因此偏低。")
    assert banner.button.text() == "去填报1月"
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert window.session.period == "2025-01"
    assert window.current_page() is window.pages["figures"]
    assert window.period_bar.box.currentData() == "2025-01"

    for period in ("2025-01", "2025-02", "2025-03", "2025-07", "2025-08", "2025-09"):
        save_row(unit_code=TOWN, period=period, form_id="figures", row_key="nev_stock", values={"current": 5})
    window.session.set_period(P)
    window.show_page("dashboard")
    assert not page.gap_banner.isVisible()


def test_a_district_is_told_which_months_it_has_not_merged(tmp_path, qtbot):
    files = township_returns(tmp_path)
    district_database(tmp_path / "district.sqlite3")
    try:
        merge(files, user="reviewer")
        assert months_without_figures(DISTRICT[0], P, aggregate=True) == [f"2025-{m:02d}" for m in range(1, 10)]
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("dashboard")
        assert page.gap_banner.isVisible()
        assert page.gap_banner.text.text().startswith("本年累计不含1月–9月：这些月份还没有汇总任何下级单位的报表")
        qtbot.mouseClick(page.gap_banner.button, Qt.MouseButton.LeftButton)
        assert window.session.period == "2025-01" and window.current_page() is window.pages["merge"]
    finally:
        close_database()
