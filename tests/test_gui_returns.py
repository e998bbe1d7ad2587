"""报表导出 driven as a clerk does it: check, export (and read the file back), open it, submit, reopen."""

from pathlib import Path

from PySide6.QtCore import Qt

from desktop import dialogs
from models import db as m
from models.entries import canonical_data, content_hash, is_locked, save_row
from reports.xlsx_reader import read_return
from tests.conftest import TOWN, table_snapshot
from tests.gui_support import P, make_window, wait_op


def fill_a_clean_month() -> None:
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2",
             values={"status": "推进中", "achieved": "3", "narrative": "新增智能工厂3个"})
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
             values={"date": "2025-10-05", "type": "汽车促销", "name": "金秋车展", "deals": 85, "sales": "1234.5"})
    save_row(unit_code=TOWN, period=P, form_id="figures", row_key="appliance_recycling", values={"current": "1200"})


def test_export_writes_the_return_and_offers_to_open_it(sqlite_db, qtbot, tmp_path, monkeypatch):
    fill_a_clean_month()
    opened = []
    monkeypatch.setattr(dialogs, "open_path", lambda p: opened.append(Path(p)) or True)
    window = make_window(qtbot)
    page = window.show_page("returns")
    assert "检查通过" in page.check_result.text()
    page.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    wait_op(qtbot, page.export_op)
    assert page.export_op.error is None
    path = page.last_export
    assert path.exists() and path.parent == tmp_path / "out" and path.name.endswith("_r1.xlsx")
    back = read_return(path)
    assert (back.unit_code, back.period, back.revision) == (TOWN, P, 1)
    assert back.computed_hash == content_hash(canonical_data(unit_code=TOWN, period=P))
    assert back.stated_hash == back.computed_hash
    assert page.export_banner.isVisible() and "第 1 版" in page.export_banner.text.text()
    qtbot.mouseClick(page.open_file_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.open_folder_button, Qt.MouseButton.LeftButton)
    assert opened == [path, path.parent]
    again = window.export_return  # Ctrl+E does the same from any page
    window.show_page("tasks")
    again()
    wait_op(qtbot, window.pages["returns"].export_op)
    assert window.pages["returns"].last_export.name.endswith("_r2.xlsx")
    assert window.current_page() is page
    listed = [page.history.item(r, 0).text() for r in range(page.history.rowCount())]
    assert listed == ["r2", "r1"]
    assert page.history.item(0, 2).text() == window.pages["returns"].last_export.name
    assert page.history.item(1, 4).text() == "已被新版本取代"


def test_submit_is_refused_while_errors_remain_then_locks_the_month(sqlite_db, qtbot, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"status": "推进中"})  # no narrative
    window = make_window(qtbot)
    page = window.show_page("returns")
    assert "1 处错误" in page.check_result.text()
    before = table_snapshot()
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert not is_locked(TOWN, P)
    assert "进展情况" in page.submit_banner.text.text()
    after = table_snapshot()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
    item = page.findings.item(0)
    page.findings.itemDoubleClicked.emit(item)  # go to the cell
    tasks = window.current_page()
    assert tasks is window.pages["tasks"]
    current = tasks.table.currentIndex()
    assert tasks.model.fields[current.column()].key == "narrative"
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"narrative": "已开展诊断"})
    window.show_page("returns")
    page.check_month()
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert is_locked(TOWN, P)
    assert window.period_bar.chip.text() == "已报送 · 只读"
    assert not page.submit_button.isEnabled() and page.reopen_button.isVisible()
    assert window.show_page("tasks").lock_banner.isVisible()


def test_reopening_needs_a_reason_and_is_audited(sqlite_db, qtbot, monkeypatch):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values={"status": "推进中", "narrative": "x"})
    from models.entries import submit_period

    submit_period(unit_code=TOWN, period=P)
    window = make_window(qtbot)
    page = window.show_page("tasks")
    monkeypatch.setattr(dialogs, "ask_reason", lambda *a: None)  # cancelled
    qtbot.mouseClick(page.lock_banner.button, Qt.MouseButton.LeftButton)
    assert is_locked(TOWN, P)
    monkeypatch.setattr(dialogs, "ask_reason", lambda *a: "10月数据有误，需更正")
    qtbot.mouseClick(page.lock_banner.button, Qt.MouseButton.LeftButton)
    assert not is_locked(TOWN, P)
    assert m.AuditLog.get(m.AuditLog.action == "reopen").reason == "10月数据有误，需更正"
    assert not page.lock_banner.isVisible()
    assert window.period_bar.chip.text() == "填报中"
    assert page.model.editable


def test_submit_with_an_unexplained_warning_says_which_event_before_asking(sqlite_db, qtbot, monkeypatch):
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda *a: asked.append(a) or True)
    fill_a_clean_month()
    save_row(unit_code=TOWN, period=P, form_id="events", row_key=None,
             values={"date": "2025-10-12", "type": "家电以旧换新", "name": "家电节", "deals": 5, "sales": "10",
                     "subsidies": "20"})  # 补贴金额大于销售额: a 核实 warning without a 说明
    window = make_window(qtbot)
    page = window.show_page("returns")
    assert [page.findings.item(r).text() for r in range(page.findings.count())] == [
        "表2 活动 第2行（家电节） 补贴金额 · 待说明：补贴金额大于销售额"]
    before = table_snapshot()
    qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
    assert not is_locked(TOWN, P) and asked == []  # not asked to confirm what is refused anyway
    said = page.submit_banner.text.text()
    assert page.submit_banner.isVisible() and said.startswith("未能报送：表2 活动 第2行（家电节） 补贴金额：补贴金额大于销售额")
    assert "说明" in said and "-" not in said  # the event by its line and name, not by its internal id
    assert table_snapshot() == before
    page.findings.itemDoubleClicked.emit(page.findings.item(0))
    events = window.current_page()
    assert events is window.pages["events"]
    current = events.table.currentIndex()
    assert current.row() == 1 and events.model.fields[current.column()].key == "subsidies"
    assert events.model.rows[1].values["name"] == "家电节"  # the line the message named


def test_the_check_names_only_what_is_left_to_do(sqlite_db, qtbot):
    fill_a_clean_month()
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="7",
             values={"status": "已完成", "achieved": "5", "narrative": "已完成"})  # below its target: a 核实 warning
    window = make_window(qtbot)
    page = window.show_page("returns")
    assert page.check_result.text() == "1 处须填写说明，改好后才能报送。双击一条可跳到对应单元格。"
    assert page.state_label.text() == "1 处须填写说明"  # the page's header: not "0 处错误须改正"
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values={"narrative": ""})  # 推进中 without a text
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.state_label.text() == "1 处错误须改正，1 处须填写说明"
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="7", values={"explanation": "目标年中调整"})
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.state_label.text() == "1 处错误须改正"
    assert page.check_result.text().startswith("1 处错误须改正，改好后才能报送。")


def test_a_districts_check_says_the_townships_must_correct_their_returns(tmp_path, qtbot, monkeypatch):
    from models.database import close_database
    from reports.merge import merge
    from tests.test_gui_merge import district_database, township_returns

    monkeypatch.setattr(dialogs, "confirm", lambda *a: True)
    from desktop.sample import TOWNS
    from models.database import open_database
    from reports.returns import export_return

    township_returns(tmp_path, count=1)
    code = TOWNS[0][0]
    open_database(tmp_path / f"{code}.sqlite3")  # the township marks a task 已完成 below its target, without a 说明
    save_row(unit_code=code, period=P, form_id="tasks", row_key="7", values={"status": "已完成", "achieved": "5"})
    files = [export_return(unit_code=code, period=P, out_dir=tmp_path / "again").path]
    close_database()
    district_database(tmp_path / "district.sqlite3")
    try:
        merge(files, user="reviewer")
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("returns")
        assert page.findings.count() == 1
        said = page.check_result.text()
        assert said.startswith("下级报表中有 1 处核实问题未说明，须由填报单位改正或说明后重报")
        assert "改好后才能报送" not in said  # the reviewer cannot type into the sums, and they do not stop the submission
        assert page.state_label.text() == "下级报表中有 1 处核实问题未说明"
        qtbot.mouseClick(page.submit_button, Qt.MouseButton.LeftButton)
        assert is_locked("371002", P)
    finally:
        close_database()
