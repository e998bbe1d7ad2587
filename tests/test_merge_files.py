"""District merge with real files: returns exported by the program, re-saved by LibreOffice, filled by hand."""

from __future__ import annotations

import copy
import shutil

import pytest

from models import db as m
from models.database import close_database, open_database
from models.entries import canonical_data, content_hash, form_rows, replace_period_data
from models.units import add_unit
from reports.merge import merge
from reports.xlsx_reader import read_return
from tests.conftest import TOWN, table_snapshot
from tests.hostile_corpus import entity_bomb_file, zip_bomb
from tests.merge_samples import TOWNS, P, current_db_path, export_months, month, refusals, snapshot_but_audit
from tests.office import edit_cell, fill_template, resave_with_libreoffice

TOWN2, TOWN3 = "371002002", "371002003"


@pytest.fixture
def returns(district_db, tmp_path):
    """The three townships' October returns, exported from their own database."""
    return export_months(tmp_path / "returns", [(code, P, month(i)) for i, code in enumerate(TOWNS)])


def held_hash(unit_code: str) -> str:
    return content_hash(canonical_data(unit_code=unit_code, period=P))


def test_exported_returns_are_accepted_and_equal_the_townships_data(returns):
    results = merge(returns, user="审核员甲")
    assert [r.verdict for r in results] == ["accepted"] * 3, [r.reasons for r in results]
    for path, result, (i, code) in zip(returns, results, enumerate(TOWNS), strict=True):
        assert result.unit_code == code and result.file == str(path)
        assert held_hash(code) == read_return(path).stated_hash == content_hash(month(i))
    assert m.ReturnRecord.select().where(m.ReturnRecord.status == "current").count() == 3


def test_copies_re_saved_by_libreoffice_are_duplicates(returns, tmp_path):
    merge(returns)
    resaved = resave_with_libreoffice(returns, tmp_path / "libreoffice")
    assert all(a.read_bytes() != b.read_bytes() for a, b in zip(returns, resaved, strict=True))
    before = table_snapshot()
    results = merge(resaved)
    assert [r.verdict for r in results] == ["duplicate"] * 3, [r.reasons for r in results]
    assert table_snapshot() == before


def test_templates_filled_by_hand_and_re_saved_by_libreoffice_are_accepted(district_db, tmp_path):
    from reports.xlsx_template import export_template

    template = export_template(unit_code=TOWN3, period=P, out_dir=tmp_path)
    filled = fill_template(
        template, tmp_path / "filled.xlsx",
        tasks={1: {"status": "推进中", "achieved": 2, "narrative": "摸排企业12家"}},
        events=[{"date": "2025-10-12", "type": "家电以旧换新", "name": "家电焕新周", "visitors": 300, "deals": 40,
                 "sales": 88.5}],
        figures={"appliance_recycling": {"current": 430, "base_2023": 3600}})
    [resaved] = resave_with_libreoffice([filled], tmp_path / "libreoffice")
    [result] = merge([resaved], user="审核员甲")
    assert result.verdict == "accepted", result.reasons
    assert result.flags == ["template"]
    task = next(r for r in form_rows(unit_code=TOWN3, period=P, form_id="tasks") if r.row_key == "1")
    assert (task.values["status"], task.values["achieved"], task.values["narrative"]) == ("推进中", 2, "摸排企业12家")
    [event] = form_rows(unit_code=TOWN3, period=P, form_id="events")
    assert (event.values["name"], event.values["visitors"], str(event.values["sales"])) == ("家电焕新周", 300, "88.5")
    assert event.values["enterprises"] == 0  # a blank typed beside other values counts as 0 where the form says so
    figure = next(r for r in form_rows(unit_code=TOWN3, period=P, form_id="figures")
                  if r.row_key == "appliance_recycling")
    assert (figure.values["current"], figure.values["base_2023"]) == (430, 3600)
    # The same template file again is a duplicate by content.
    assert merge([filled])[0].verdict == "duplicate"


def test_a_value_edited_after_export_is_accepted_with_a_visible_flag(returns, tmp_path):
    edited = edit_cell(returns[0], tmp_path / "edited.xlsx", "表3", "C8", 1999)
    [result] = merge([edited])
    assert result.verdict == "accepted" and "edited_after_export" in result.flags
    figure = next(r for r in form_rows(unit_code=TOWN, period=P, form_id="figures")
                  if r.row_key == "appliance_recycling")
    assert figure.values["current"] == 1999


def test_wrong_periods_are_rejected(district_db, tmp_path):
    late_event = month()
    late_event["events"][0]["date"] = "2025-11-03"
    future = export_months(tmp_path / "f", [(TOWN2, "2035-12", month())])
    [outside] = export_months(tmp_path / "o", [(TOWN, P, late_event)], db_path=tmp_path / "f" / "townships.sqlite3")
    before = snapshot_but_audit()
    results = merge(future + [outside])
    assert [r.verdict for r in results] == ["rejected", "rejected"]
    assert "尚未到来" in results[0].reasons[0]
    assert any("表2!A8" in r and "不在报告期" in r for r in results[1].reasons), results[1].reasons
    assert snapshot_but_audit() == before
    assert len(refusals()) == 2


def test_unknown_unit_is_rejected_or_added_when_confirmed(district_db, tmp_path):
    source = tmp_path / "township-new.sqlite3"
    district = current_db_path()
    close_database()
    shutil.copy(district, source)
    open_database(source)
    add_unit(code="371002010", name="新设街道", level="town", parent_code="371002")
    close_database()
    open_database(district)
    [path] = export_months(tmp_path, [("371002010", P, month())], db_path=source)
    before = snapshot_but_audit()
    [result] = merge([path])
    assert result.verdict == "rejected" and "371002010（新设街道）" in result.reasons[0]
    assert snapshot_but_audit() == before
    [result] = merge([path], confirm_unknown_units=True)
    assert result.verdict == "accepted" and "unit_added" in result.flags
    assert m.OrgUnit.get(m.OrgUnit.code == "371002010").parent_id == "371002"


def test_newer_revision_replaces_and_a_conflicting_copy_waits(district_db, tmp_path):
    source = tmp_path / "township-a.sqlite3"
    r1, r2 = export_months(tmp_path / "a", [(TOWN, P, month(0)), (TOWN, P, month(1))], db_path=source)
    [rival] = export_months(tmp_path / "b", [(TOWN, P, month(7))], db_path=tmp_path / "other-copy.sqlite3")
    assert read_return(r2).revision == 2 and read_return(rival).revision == 1
    assert merge([r1])[0].verdict == "accepted"
    [result] = merge([r2])
    assert result.verdict == "replaced" and held_hash(TOWN) == content_hash(month(1))
    assert merge([r1])[0].verdict == "duplicate"  # the old revision again: already in history
    entries = snapshot_but_audit()["entry"]
    [result] = merge([rival])
    assert result.verdict == "conflict" and snapshot_but_audit()["entry"] == entries


def test_broken_and_hostile_files_are_rejected_and_change_nothing(returns, tmp_path):
    base = returns[0].read_bytes()
    files = {
        "truncated.xlsx": base[: len(base) // 2],
        "notes.xlsx": "这是说明文字，不是报表。\n".encode() * 10,
        "bomb.xlsx": zip_bomb(base, 256),
        "entities.xlsx": entity_bomb_file(base),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    merge(returns[1:])
    before = snapshot_but_audit()
    results = merge([*paths, returns[0]], user="审核员甲")
    assert [r.verdict for r in results] == ["rejected"] * 4 + ["accepted"]
    reasons = [r.reasons[0] for r in results[:4]]
    assert "truncated.xlsx: 文件不完整" in reasons[0]
    assert "notes.xlsx: 这是文本文件改了扩展名" in reasons[1]
    assert "zip 炸弹" in reasons[2] and "DOCTYPE" in reasons[3]
    # Only the good file's records changed; the rejected ones left nothing but their refusal lines.
    after = snapshot_but_audit()
    assert {k: v for k, v in after.items() if k not in ("entry", "return_record", "baseline")} == \
        {k: v for k, v in before.items() if k not in ("entry", "return_record", "baseline")}
    assert [line.new for line in refusals()] == list(files)


def test_an_interrupted_merge_of_real_files_changes_nothing(returns, monkeypatch):
    import reports.merge as merge_module

    before = table_snapshot()
    real = merge_module.MonthWriter.replace
    calls = []

    def interrupted(self, **kwargs):
        calls.append(kwargs["unit_code"])
        if len(calls) == 3:
            raise MemoryError("simulated")
        return real(self, **kwargs)

    monkeypatch.setattr(merge_module.MonthWriter, "replace", interrupted)
    with pytest.raises(MemoryError):
        merge(returns)
    assert table_snapshot() == before


def test_dry_run_of_real_files_gives_the_same_report(returns):
    bad = copy.copy(returns)
    before = table_snapshot()
    dry = [r.to_json() for r in merge(bad, dry_run=True)]
    assert table_snapshot() == before
    assert [r.to_json() for r in merge(bad)] == dry


def test_a_return_made_under_another_work_plan_is_rejected(district_db, tmp_path):
    from models.units import initialise
    from reports.returns import export_return

    district = current_db_path()
    close_database()
    open_database(tmp_path / "wrong-plan.sqlite3")  # the township chose another of the built-in plans
    initialise(plan_id="taishan", unit_code=TOWN, unit_name="环翠楼街道", level="town", parent_code="371002",
               parent_name="环翠区")
    replace_period_data(unit_code=TOWN, period=P, data={"tasks": [
        {"row_key": "1", "status": "推进中", "narrative": "泰山区的任务1"}]})
    path = export_return(unit_code=TOWN, period=P, out_dir=tmp_path).path
    close_database()
    open_database(district)
    before = snapshot_but_audit()
    [result] = merge([path], user="审核员甲")
    assert result.verdict == "rejected"
    assert "表1 的重点任务与本单位的工作方案《" in result.reasons[0] and "选了别的工作方案" in result.reasons[0]
    assert snapshot_but_audit() == before
