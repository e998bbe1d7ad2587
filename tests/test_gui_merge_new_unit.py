"""汇总合并: a township not yet on the district's list is confirmed and merged from the page; another district's is not."""

from pathlib import Path

from desktop import dialogs
from desktop.sample import DISTRICT, TOWNS, fill_unit
from models import db as m
from models.database import close_database, open_database
from models.units import initialise
from reports.returns import export_return
from tests.conftest import table_snapshot
from tests.gui_support import P, make_window, wait_op
from tests.test_gui_merge import district_database, entered, township_returns


def foreign_return(folder: Path) -> Path:
    """A township of 文登区 (371003), exported from its own database."""
    open_database(folder / "foreign.sqlite3")
    initialise(plan_id="huancui", unit_code="371003001", unit_name="龙山街道", level="town", parent_code="371003",
               parent_name="文登区")
    fill_unit(unit_code="371003001", period=P, seed=9, events=2, flaws=False)
    path = export_return(unit_code="371003001", period=P, out_dir=folder / "returned").path
    close_database()
    return path


def test_a_new_township_is_added_and_merged_after_the_reviewer_confirms(tmp_path, qtbot, monkeypatch):
    files = township_returns(tmp_path, count=4)  # the district's list has only the first three
    foreign = foreign_return(tmp_path)
    district_database(tmp_path / "district.sqlite3")
    new_code, new_name = TOWNS[3]
    window = make_window(qtbot, user="reviewer")
    page = window.show_page("merge")
    page.add_files([tmp_path / "returned"])
    wait_op(qtbot, page.run_merge(dry_run=False))
    verdicts = {Path(r.file).name: r.verdict for r in page.results}
    assert verdicts[files[3].name] == "rejected" and verdicts[foreign.name] == "rejected"
    assert m.OrgUnit.get_or_none(m.OrgUnit.code == new_code) is None and not entered(new_code)
    assert page.confirm_units_button.isVisible() and "1 个新的下级单位" in page.confirm_units_button.text()
    row = next(r for r in range(page.verdicts.rowCount()) if page.verdicts.item(r, 0).text() == files[3].name)
    assert page.verdicts.item(row, 4).text() == "待确认加入"
    assert "1 个单位不在下级单位名单中" in page.banner.text.text()
    foreign_row = next(r for r in page.results if r.file == str(foreign))
    assert "应报给它的上级单位" in foreign_row.reasons[0]  # not offered: confirming cannot make it ours

    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: asked.append(text) or False)
    before = table_snapshot()
    assert page.confirm_new_units() is None  # the reviewer says no: nothing changes
    assert table_snapshot() == before
    assert new_code in asked[0] and files[3].name in asked[0] and "371003001" not in asked[0]

    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: True)
    wait_op(qtbot, page.confirm_new_units())
    unit = m.OrgUnit.get(m.OrgUnit.code == new_code)
    assert (unit.name, unit.parent_id, unit.level) == (new_name, DISTRICT[0], "town")
    assert entered(new_code)
    verdicts = {Path(r.file).name: r.verdict for r in page.results}
    assert len(page.results) == len(verdicts) == 5  # the new verdict took the old one's place, the others stay
    assert verdicts[files[3].name] == "accepted" and verdicts[files[0].name] == "accepted"
    assert verdicts[foreign.name] == "rejected" and m.OrgUnit.get_or_none(m.OrgUnit.code == "371003001") is None
    assert not page.confirm_units_button.isVisible()
    codes = [page.completeness.item(r, 1).text() for r in range(page.completeness.rowCount())]
    assert new_code in codes  # 报送情况 lists the new township
