"""汇总合并's 较上月变化: each township's changes since last month, refreshed after a merge, a conflict and a month change."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from desktop import dialogs
from desktop.sample import DISTRICT, TOWNS, fill_unit
from models.database import close_database, open_database
from models.entries import form_rows
from models.units import initialise
from reports.changes import month_changes
from reports.returns import export_return
from tests.gui_support import make_window, wait_op
from tests.test_gui_merge import conflicting_copy, district_database, drop

ROOT = Path(__file__).resolve().parents[1]
SEPT, OCT = "2025-09", "2025-10"
(TOWN_A, NAME_A), (TOWN_B, NAME_B), (TOWN_C, NAME_C) = TOWNS[:3]


def exported(folder: Path, code: str, name: str, periods: tuple[str, ...], seed: int) -> list[Path]:
    """A township enters January to October in its own database and exports the months asked for."""
    open_database(folder / f"{code}.sqlite3")
    initialise(plan_id="huancui", unit_code=code, unit_name=name, level="town", parent_code=DISTRICT[0],
               parent_name=DISTRICT[1])
    fill_unit(unit_code=code, period=OCT, seed=seed, events=3 + seed, flaws=False)  # 2 events in September
    paths = [export_return(unit_code=code, period=p, out_dir=folder / p).path for p in periods]
    close_database()
    return paths


def lines(panel) -> dict[str, str]:
    """The townships' lines of the section, by code: their text as shown."""
    tree = panel.tree
    return {tree.topLevelItem(i).text(0).split("（")[1].split("）")[0]: tree.topLevelItem(i).text(0)
            for i in range(tree.topLevelItemCount())}


def shown_rows(item) -> list[list[str]]:
    return [[item.child(r).text(c) for c in range(8)] for r in range(item.childCount())]


def merged(qtbot, page, paths: list[Path]) -> None:
    page.clear_files()
    drop(page.drop, paths)
    wait_op(qtbot, page.run_merge(dry_run=False))
    assert {r.verdict for r in page.results} <= {"accepted", "replaced"}, [r.reasons for r in page.results]


def test_the_reviewer_sees_each_townships_changes_since_last_month(tmp_path, qtbot):
    a_sept, a_oct = exported(tmp_path, TOWN_A, NAME_A, (SEPT, OCT), seed=0)
    [b_oct] = exported(tmp_path, TOWN_B, NAME_B, (OCT,), seed=1)
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer", period=OCT)
        page = window.show_page("merge")
        panel = page.changes
        assert panel.isVisible() and panel.tree.topLevelItemCount() == 3
        assert set(lines(panel).values()) == {f"{n}（{c}）　本月未报" for c, n in TOWNS[:3]}

        merged(qtbot, page, [a_sept])  # September arrived first: nothing of October yet
        assert lines(panel)[TOWN_A].endswith("本月未报")
        merged(qtbot, page, [a_oct, b_oct])
        assert any(r.version for r in form_rows(unit_code=TOWN_A, period=OCT, form_id="events"))  # stored

        expected = {u.unit_code: u for u in month_changes(period=OCT).units}
        changes = expected[TOWN_A].changes
        assert changes, "the sample's months differ"
        shown = lines(panel)
        assert shown[TOWN_A].startswith(f"{NAME_A}（{TOWN_A}）　{len(changes)} 项变化（表1 ")
        assert shown[TOWN_B] == f"{NAME_B}（{TOWN_B}）　上月无数据，无从比较"
        assert shown[TOWN_C] == f"{NAME_C}（{TOWN_C}）　本月未报"
        assert page.changes.hint.text() == (f"2025年10月较上月（2025年9月）变化：1 个单位有变化（共 {len(changes)} 项），"
                                            "1 个本月未报，1 个上月无数据")

        # a township's changes are made into rows when it is opened, as the reviewer clicks its arrow
        item = panel.unit_item(TOWN_A)
        assert item.childCount() == 0 and not item.isExpanded()
        height = panel.tree.height()
        rect = panel.tree.visualItemRect(item)
        qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.x() + 8, rect.center().y()))
        assert item.isExpanded() and item.childCount() == len(changes) and panel.tree.height() > height
        rows = shown_rows(item)
        assert [r[:3] for r in rows] == [[c.sheet, c.row, c.field] for c in changes]
        # 表3 废旧家电回收量, read against what the merge stored for each month
        before, after = (next(r.values["current"] for r in form_rows(unit_code=TOWN_A, period=m, form_id="figures")
                              if r.row_key == "appliance_recycling") for m in (SEPT, OCT))
        [recycling] = [r for r in rows if r[:3] == ["表3", "废旧家电回收量", "本期"]]
        assert recycling[3] == "台" and [Decimal(v) for v in recycling[4:6]] == [before, after]
        difference = after - before
        assert Decimal(recycling[6]) == difference and recycling[6].startswith("+" if difference > 0 else "-")
        assert recycling[7] == f"{after / before - 1:+.1%}" and recycling[7].endswith("%")
        assert len(recycling[7].rstrip("%").split(".")[1]) == 1  # one decimal
        # 表2: the number of events held, as stored for each month
        events = {m: len(form_rows(unit_code=TOWN_A, period=m, form_id="events")) for m in (SEPT, OCT)}
        assert events[SEPT] != events[OCT], "the sample holds another number of events in October"
        [count] = [r for r in rows if r[:3] == ["表2", "全部活动", "活动场次"]]
        assert count[3:7] == ["场", str(events[SEPT]), str(events[OCT]), f"{events[OCT] - events[SEPT]:+d}"]
        child = item.child(rows.index(recycling))
        for c in (4, 5, 6, 7):  # numbers right-aligned
            assert child.textAlignment(c) & Qt.AlignmentFlag.AlignRight
        assert child.toolTip(1).startswith(f"表3 废旧家电回收量 本期：{recycling[4]} 台 → {recycling[5]} 台（")  # in full

        qtbot.mouseClick(panel.collapse_button, Qt.MouseButton.LeftButton)
        assert not item.isExpanded() and panel.tree.height() == height
        qtbot.mouseClick(panel.expand_button, Qt.MouseButton.LeftButton)
        assert item.isExpanded() and not panel.unit_item(TOWN_B).isExpanded()  # nothing to open there

        # another month: the section follows (September against August, which never arrived)
        window.period_bar.step(-1)
        assert lines(panel)[TOWN_A] == f"{NAME_A}（{TOWN_A}）　上月无数据，无从比较"
        assert lines(panel)[TOWN_B].endswith("本月未报")
        assert page.changes.hint.text().startswith("2025年9月较上月（2025年8月）变化：0 个单位有变化")
        window.period_bar.step(1)
        assert lines(panel)[TOWN_A].startswith(f"{NAME_A}（{TOWN_A}）　{len(changes)} 项变化")
    finally:
        close_database()


def test_taking_a_conflicting_copy_shows_its_changes(tmp_path, qtbot, monkeypatch):
    first = exported(tmp_path, TOWN_A, NAME_A, (SEPT, OCT), seed=0)
    copy = conflicting_copy(tmp_path, TOWN_A, NAME_A)  # October again, entered on another PC with other figures
    district_database(tmp_path / "district.sqlite3")
    try:
        window = make_window(qtbot, user="reviewer", period=OCT)
        page = window.show_page("merge")
        merged(qtbot, page, first)
        held = month_changes(period=OCT).units[0].changes
        page.clear_files()
        drop(page.drop, [copy])
        wait_op(qtbot, page.run_merge(dry_run=False))
        assert [r.verdict for r in page.results] == ["conflict"]
        assert lines(page.changes)[TOWN_A].startswith(f"{NAME_A}（{TOWN_A}）　{len(held)} 项变化")  # the held copy's
        page.changes.tree.expandItem(page.changes.unit_item(TOWN_A))  # the reviewer looks at it before deciding
        monkeypatch.setattr(dialogs, "ask_reason", lambda *a: "以新件为准")
        take = next(b for b in page.conflicts.cellWidget(0, 3).findChildren(QPushButton) if b.text() == "采用新的")
        qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
        taken = month_changes(period=OCT).units[0].changes
        assert taken != held  # the other PC's October against the same September
        item = page.changes.unit_item(TOWN_A)
        assert item.text(0).startswith(f"{NAME_A}（{TOWN_A}）　{len(taken)} 项变化")
        assert item.isExpanded()  # still open after the page refreshed, now with the copy's changes
        assert [r[:3] for r in shown_rows(item)] == [[c.sheet, c.row, c.field] for c in taken]
    finally:
        close_database()


PROBE = """
import json, sys
import reports.changes
calls = []
real = reports.changes.month_changes
reports.changes.month_changes = lambda **kw: calls.append(kw) or real(**kw)
from desktop.app import create_app, create_main_window
app = create_app()
window = create_main_window(db=sys.argv[1], period="2025-10")
window.show()
app.processEvents()
at_start = {"modules": [name for name in ("desktop.mergepage", "desktop.changespanel") if name in sys.modules],
            "calls": len(calls)}
window.show_page("merge")
app.processEvents()
print(json.dumps({"at_start": at_start, "calls": len(calls), "lines": window.pages["merge"].changes.tree.topLevelItemCount()}))
"""


def test_the_section_costs_the_start_up_nothing(tmp_path):
    """The district's window opens on 任务进展: the merge page and its 较上月变化 are built when first shown."""
    district_database(tmp_path / "district.sqlite3")
    close_database()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LIANGXIN_DATA_DIR": str(tmp_path / "user")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "district.sqlite3")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {"at_start": {"modules": [], "calls": 0}, "calls": 1, "lines": 3}
