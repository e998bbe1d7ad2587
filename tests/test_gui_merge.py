"""汇总合并 and 统计图表 for a district: drop files, dry run, merge, cancel, completeness, charts."""

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QPushButton

from desktop import dialogs, mergepage
from desktop.sample import DISTRICT, TOWNS, fill_unit
from models.database import close_database, open_database
from models.entries import form_rows
from models.units import add_unit, initialise
from reports.returns import export_return
from reports.xlsx_reader import read_return
from tests.conftest import table_snapshot
from tests.gui_support import P, make_window, wait_op


def township_returns(folder: Path, count: int = 2) -> list[Path]:
    """Each township enters its month in its own database and exports its return."""
    files = []
    for i, (code, name) in enumerate(TOWNS[:count]):
        open_database(folder / f"{code}.sqlite3")
        initialise(plan_id="huancui", unit_code=code, unit_name=name, level="town", parent_code=DISTRICT[0],
                   parent_name=DISTRICT[1])
        fill_unit(unit_code=code, period=P, seed=i, events=2 + i, flaws=False)
        files.append(export_return(unit_code=code, period=P, out_dir=folder / "returned").path)
        close_database()
    return files


def district_database(path: Path) -> None:
    open_database(path)
    initialise(plan_id="huancui", unit_code=DISTRICT[0], unit_name=DISTRICT[1], level="district")
    for code, name in TOWNS[:3]:
        add_unit(code=code, name=name, level="town", parent_code=DISTRICT[0])


def drop(widget, paths: list[Path]) -> None:
    """Drop files on a widget, as from Explorer."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def snapshot_but_audit(snapshot: dict) -> dict:
    """Every table but the audit log (a dry run audits its refusals)."""
    return {k: v for k, v in snapshot.items() if k != "audit_log"}


def entered(code: str) -> bool:
    return any(r.version for r in form_rows(unit_code=code, period=P, form_id="events"))


def test_dry_run_then_merge_dropped_files(tmp_path, qtbot, monkeypatch):
    files = township_returns(tmp_path)
    bogus = tmp_path / "returned" / "not-a-return.xlsx"
    bogus.write_text("hello", encoding="utf-8")
    district_database(tmp_path / "district.sqlite3")
    from desktop.options import set_option

    set_option("export_dir", str(tmp_path / "out"))  # the district return below: not into the real Documents folder
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        drop(page.drop, [tmp_path / "returned"])  # a whole folder
        assert sorted(page.files) == sorted([*files, bogus])
        before = table_snapshot()
        wait_op(qtbot, page.run_merge(dry_run=True))
        verdicts = {Path(r.file).name: r.verdict for r in page.results}
        assert verdicts == {files[0].name: "accepted", files[1].name: "accepted", bogus.name: "rejected"}
        after = table_snapshot()
        assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
        assert "预检完成" in page.banner.text.text()
        assert page.verdicts.rowCount() == 3
        rejected_row = next(r for r in range(3) if page.verdicts.item(r, 0).text() == bogus.name)
        assert page.verdicts.item(rejected_row, 4).text() == "拒收"
        page.verdicts.setCurrentCell(rejected_row, 0)
        assert bogus.name in page.reasons.text()
        # the file has its own column: its reasons are shown once, without the file's name before each
        reason = next(r for r in page.results if r.verdict == "rejected").reasons[0]
        assert reason.startswith(bogus.name)
        shown = page.verdicts.item(rejected_row, 5).text()
        assert bogus.name not in shown and reason[len(bogus.name) + 1:].strip() in shown
        assert page.reasons.text().count(bogus.name) == 1

        qtbot.mouseClick(page.merge_button, Qt.MouseButton.LeftButton)
        wait_op(qtbot, page.op)
        assert entered(TOWNS[0][0]) and entered(TOWNS[1][0]) and not entered(TOWNS[2][0])
        grid = page.completeness
        headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
        rows = {grid.item(r, 1).text(): dict(zip(headers, (grid.item(r, c).text() for c in range(grid.columnCount())),
                                                strict=True)) for r in range(grid.rowCount())}
        assert [rows[TOWNS[0][0]][h] for h in ("表1", "表2", "表3", "报送情况", "版本")] == ["已报", "已报", "已报", "已报", "r1"]
        assert [rows[TOWNS[2][0]][h] for h in ("表1", "报送情况")] == ["未报", "未报"]
        assert "已报 2/3" in page.summary.text()

        # the district's own pages show the townships' sums, read-only
        tasks = window.show_page("tasks")
        assert not tasks.model.editable and tasks.lock_banner.isVisible()
        from reports.district import district_month

        sums = district_month(period=P).rows["tasks"]
        assert [r.values.get("achieved") for r in tasks.model.rows] == [r.values.get("achieved") for r in sums]
        tasks.table.setCurrentIndex(tasks.table.model().index(0, tasks.model.column_of("achieved")))
        qtbot.keyClick(tasks.table, "5")  # typing into the sums says why it cannot be done
        assert "由下级单位的报表汇总而来" in tasks.message.text.text()
        events = window.show_page("events")
        assert len(events.model.rows) == 2 + 3 and events.model.rowCount() == 5  # no blank line to type into

        # the district's return: the summary, read back
        window.show_page("merge")
        monkey_open = page.export_own_return()
        wait_op(qtbot, monkey_open)
        back = read_return(page.last_export)
        assert (back.unit_code, back.period) == (DISTRICT[0], P) and page.last_export.parent == tmp_path / "out"
        assert len(back.data["events"]) == 5

        # 退回: the reviewer sends a township's return back with a reason
        row = next(r for r in range(grid.rowCount()) if grid.item(r, 1).text() == TOWNS[0][0])
        grid.setCurrentCell(row, 0)
        assert page.reopen_button.isEnabled()
        monkeypatch.setattr(dialogs, "ask_reason", lambda *a: "表3数据有误")
        qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
        row = next(r for r in range(grid.rowCount()) if grid.item(r, 1).text() == TOWNS[0][0])
        assert grid.item(row, 2).text() == "退回"
        assert "表3数据有误" in grid.item(row, grid.columnCount() - 1).text()

        dashboard = window.show_page("dashboard")
        table = dashboard.findChild(type(grid), "CompletenessTable")
        assert table.rowCount() == 3
        chart = dashboard.charts["townships"].chart()
        events = chart.series()[0].barSets()[0]
        assert [events.at(i) for i in range(3)] == [2, 3, 0]
    finally:
        close_database()


def test_a_cancelled_merge_stores_nothing(tmp_path, qtbot, monkeypatch):
    files = township_returns(tmp_path, count=1)
    district_database(tmp_path / "district.sqlite3")
    gate = threading.Event()
    real = mergepage._merge_module()

    class Slow:
        VERDICT_LABELS = real.VERDICT_LABELS
        MergeCancelled = real.MergeCancelled

        @staticmethod
        def merge(*args, **kwargs):
            gate.wait(10)  # the reviewer presses 取消 while the files are being read
            return real.merge(*args, **kwargs)

        pending_conflicts = staticmethod(real.pending_conflicts)

    monkeypatch.setattr(mergepage, "_merge_module", lambda: Slow)
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        page.add_files([str(f) for f in files])
        before = table_snapshot()
        op = page.run_merge(dry_run=False)
        assert not page.merge_button.isEnabled()  # one merge at a time
        op.dialog.findChild(QPushButton).click()  # the progress dialog's 取消 button
        gate.set()
        wait_op(qtbot, op)
        assert "取消" in page.banner.text.text()
        after = table_snapshot()
        assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items() if k != "audit_log"}
        assert not entered(TOWNS[0][0])
        assert page.merge_button.isEnabled()
    finally:
        close_database()


def test_town_dashboard_shows_the_year_against_the_plan(sqlite_db, qtbot):
    from models.units import stored_plan
    from tests.conftest import TOWN

    fill_unit(unit_code=TOWN, period=P, events=5)
    window = make_window(qtbot)
    page = window.show_page("dashboard")
    from desktop.dashboard_data import event_goals, events_by_type

    goals = event_goals(stored_plan(), events_by_type(TOWN, P))
    bars = page.charts["events"].chart().series()[0].barSets()
    assert [bars[0].at(i) for i in range(len(goals))] == [g.held for g in goals]
    assert [bars[1].at(i) for i in range(len(goals))] == [g.min_count for g in goals]
    held = sum(events_by_type(TOWN, P).values())
    assert page.cards["events"].value.text() == f"{held} 场"
    statuses = page.charts["tasks"].chart().series()[0]
    assert sum(s.sum() for s in statuses.barSets()) == len(stored_plan().tasks)
    assert "townships" not in page.charts  # a township has no townships below it
    assert window.nav.item(4).isHidden()


def conflicting_copy(folder: Path, code: str, name: str) -> Path:
    """The same township's month entered again on another PC and exported: revision 1 again, other figures."""
    open_database(folder / f"{code}-copy.sqlite3")
    initialise(plan_id="huancui", unit_code=code, unit_name=name, level="town", parent_code=DISTRICT[0],
               parent_name=DISTRICT[1])
    fill_unit(unit_code=code, period=P, seed=7, events=4, flaws=False)
    path = export_return(unit_code=code, period=P, out_dir=folder / "copy").path
    close_database()
    return path


def test_a_conflict_is_decided_knowing_whose_return_and_which_file(tmp_path, qtbot, monkeypatch):
    files = township_returns(tmp_path, count=1)
    (code, name), copy = TOWNS[0], conflicting_copy(tmp_path, *TOWNS[0])
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        page.add_files([str(files[0])])
        wait_op(qtbot, page.run_merge(dry_run=False))
        page.add_files([str(copy)])
        wait_op(qtbot, page.run_merge(dry_run=False))
        assert [r.verdict for r in page.results] == ["duplicate", "conflict"]
        assert page.conflicts.item(0, 0).text() == f"{name}（{code}）"  # not the bare code
        assert len([r for r in form_rows(unit_code=code, period=P, form_id="events")]) == 2  # the held copy's
        asked = []
        monkeypatch.setattr(dialogs, "ask_reason", lambda parent, title, label: asked.append((title, label)) or None)
        take = next(b for b in page.conflicts.cellWidget(0, 3).findChildren(QPushButton) if b.text() == "采用新的")
        qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
        title, label = asked[0]
        assert title == "采用新的报表"
        assert name in label and code in label and copy.name in label and "2025年10月" in label and "替换" in label
        assert page.conflicts.rowCount() == 1  # cancelled: nothing decided
        monkeypatch.setattr(dialogs, "ask_reason", lambda parent, title, label: asked.append((title, label)) or "核实后以新件为准")
        take = next(b for b in page.conflicts.cellWidget(0, 3).findChildren(QPushButton) if b.text() == "采用新的")
        qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
        assert len([r for r in form_rows(unit_code=code, period=P, form_id="events")]) == 4  # the new copy's
        from models import db as m

        entry = m.AuditLog.get(m.AuditLog.action == "resolve:take")
        assert entry.reason == "核实后以新件为准"
        assert not page.conflicts.isVisible() and page.conflict_title.text() == "待决冲突：无"
        assert page.review_banner.text.text() == f"已采用新收到的“{copy.name}”：{name} 2025年10月的数据已替换。"
    finally:
        close_database()


def test_the_district_return_is_exported_beside_its_button_once_and_opens_with_one_click(tmp_path, qtbot, monkeypatch):
    from desktop.options import set_option
    from reports.merge import merge

    files = township_returns(tmp_path, count=1)
    district_database(tmp_path / "district.sqlite3")
    opened = []
    monkeypatch.setattr(dialogs, "open_path", lambda p: opened.append(Path(p)) or True)
    set_option("export_dir", str(tmp_path / "out"))
    try:
        merge(files, user="reviewer")
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert not page.export_button.isEnabled()  # a second click while it runs would write r2
        wait_op(qtbot, page.op)
        assert page.export_button.isEnabled()
        back = read_return(page.last_export)
        assert (back.unit_code, back.period, back.revision) == (DISTRICT[0], P, 1)
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [page.last_export.name]
        assert page.export_banner.isVisible() and str(page.last_export) in page.export_banner.text.text()
        qtbot.mouseClick(page.open_file_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(page.open_folder_button, Qt.MouseButton.LeftButton)
        assert opened == [page.last_export, tmp_path / "out"]
    finally:
        close_database()


def test_a_dropped_folder_gives_its_returns_and_old_excel_files_and_an_empty_one_is_refused(tmp_path, qtbot):
    files = township_returns(tmp_path)
    received = tmp_path / "收到的报表"
    (received / "十月").mkdir(parents=True)
    kept = [received / "十月" / files[0].name, received / files[1].name]
    for source, target in zip(files, kept, strict=True):
        target.write_bytes(source.read_bytes())
    (received / "~$x.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file while a return is open
    old = received / "旧格式.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # an Excel 97-2003 file's signature
    (received / "说明.txt").write_text("请查收", encoding="utf-8")
    (tmp_path / "空文件夹").mkdir()
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer")
        page = window.show_page("merge")
        drop(page.drop, [received])
        listed = sorted(Path(page.file_list.item(i).text()) for i in range(page.file_list.count()))
        assert sorted(page.files) == listed == sorted([*kept, old])  # not the lock file, not the .txt
        assert "已加入 3 个文件" in page.banner.text.text()

        before = table_snapshot()
        wait_op(qtbot, page.run_merge(dry_run=True))
        rows = {page.verdicts.item(r, 0).text(): (page.verdicts.item(r, 4).text(), page.verdicts.item(r, 5).text())
                for r in range(page.verdicts.rowCount())}
        assert rows[old.name][0] == "拒收" and "旧版 Excel 97-2003" in rows[old.name][1] and "另存为" in rows[old.name][1]
        assert [rows[f.name][0] for f in kept] == ["已接收", "已接收"]
        assert snapshot_but_audit(before) == snapshot_but_audit(table_snapshot())

        drop(page.drop, [tmp_path / "空文件夹"])
        assert page.banner.text.text() == f"没有找到报表文件（.xlsx）：{tmp_path / '空文件夹'}"
        assert page.banner.property("kind") == "error"
        assert sorted(page.files) == sorted([*kept, old]) and page.file_list.count() == 3
        # a folder with no return among other files: nothing of the drop is added
        drop(page.drop, [files[0], tmp_path / "空文件夹"])
        assert "没有找到报表文件" in page.banner.text.text() and page.file_list.count() == 3

        # a file dropped by itself stays in whatever it is: the merge says why it refuses it
        drop(page.drop, [received / "说明.txt"])
        assert page.files[-1] == received / "说明.txt" and page.file_list.count() == 4
    finally:
        close_database()
