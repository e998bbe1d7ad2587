"""District merge decisions, with ReturnFile objects as the reader gives them and a real district database."""

from __future__ import annotations

import copy
import json

import pytest

from models import db as m
from models.entries import canonical_data, canonical_json, content_hash, replace_period_data, submit_period, text_hash
from models.errors import DataError
from models.units import add_unit, get_setting
from reports.merge import MergeCancelled, merge, pending_conflicts, reopen_return, resolve_conflict
from tests.conftest import DISTRICT, TOWN, table_snapshot
from tests.merge_samples import P, make_rf, month, refusals, snapshot_but_audit

TOWN2 = "371002002"


def held(unit_code=TOWN, period=P) -> m.ReturnRecord:
    return m.ReturnRecord.get(m.ReturnRecord.unit == unit_code, m.ReturnRecord.period == period,
                              m.ReturnRecord.status.in_(("current", "reopened")))


def stored_hash(unit_code=TOWN, period=P) -> str:
    return content_hash(canonical_data(unit_code=unit_code, period=period))


def test_a_good_return_is_accepted_and_stored(district_db):
    rf = make_rf()
    [result] = merge([rf], user="审核员甲")
    assert result.verdict == "accepted", result.reasons
    assert (result.unit_code, result.period, result.form_ids) == (TOWN, P, ["tasks", "events", "figures"])
    assert result.flags == [] and result.reasons == []
    assert stored_hash() == rf.computed_hash
    record = held()
    assert (record.uuid, record.status, record.source, record.revision) == (rf.return_uuid, "current", "merge", 1)
    assert json.loads(record.form_ids) == ["tasks@1", "events@1", "figures@1"]
    assert content_hash(json.loads(record.payload)) == rf.computed_hash
    accept = m.AuditLog.get(m.AuditLog.action == "accept")
    assert accept.entity_key == f"{TOWN}/{P}" and accept.user == "审核员甲"
    assert result.to_json()["verdict"] == "accepted"
    assert set(result.to_json()) >= {"file", "verdict", "unit_code", "period", "form_ids", "reasons", "flags"}


def test_dry_run_reports_the_same_and_writes_nothing(district_db):
    files = [make_rf(), make_rf("371002002"), make_rf("999999001"), make_rf(period="2025-13")]
    before = table_snapshot()
    dry = merge(files, dry_run=True)
    assert table_snapshot() == before
    real = merge(files)
    assert [r.verdict for r in dry] == [r.verdict for r in real] == ["accepted", "accepted", "rejected", "rejected"]
    assert [r.reasons for r in dry] == [r.reasons for r in real]


def test_same_return_again_is_a_duplicate_and_changes_nothing(district_db):
    rf = make_rf()
    merge([rf])
    before = table_snapshot()
    again = copy.deepcopy(rf)
    [result] = merge([again])
    assert result.verdict == "duplicate" and "内容相同" in result.reasons[0]
    assert table_snapshot() == before
    # The same file twice in one batch: the second is a duplicate of the first.
    other = make_rf(TOWN2)
    results = merge([other, copy.deepcopy(other)])
    assert [r.verdict for r in results] == ["accepted", "duplicate"]


def test_same_content_under_a_new_id_is_a_duplicate(district_db):
    merge([make_rf()])
    [result] = merge([make_rf(revision=2)])  # re-exported without changes
    assert result.verdict == "duplicate"
    assert held().revision == 1


def test_newer_revision_replaces_and_keeps_the_old_one_in_history(district_db):
    r1, r2 = make_rf(data=month(0)), make_rf(data=month(1), revision=2)
    merge([r1])
    [result] = merge([r2], user="审核员甲")
    assert result.verdict == "replaced" and "第 2 版替换了第 1 版" in result.reasons[0]
    # What the new revision corrected, for the reviewer (numbers and choices; the changed narrative is text).
    assert [r for r in result.reasons if r.startswith("较已接收的第 1 版：")] == [
        f"较已接收的第 1 版：表1 任务 {plan_task(1)} 完成值：3 → 4（+1，+33.3%）",
        "较已接收的第 1 版：表2 全部活动 参与人数合计：1200 人次 → 1201 人次（+1，+0.1%）",
        "较已接收的第 1 版：表3 废旧家电回收量 本期：1200 台 → 1201 台（+1，+0.1%）"]
    assert stored_hash() == r2.computed_hash
    old = m.ReturnRecord.get(m.ReturnRecord.uuid == r1.return_uuid)
    assert old.status == "superseded" and content_hash(json.loads(old.payload)) == r1.computed_hash
    assert held().uuid == r2.return_uuid
    assert m.AuditLog.get(m.AuditLog.action == "replace").old == r1.return_uuid


def test_a_revision_that_changes_only_text_says_so(district_db):
    first, text_only = month(0), month(0)
    text_only["tasks"][0]["narrative"] = "改写了进展情况"
    merge([make_rf(data=first)])
    [result] = merge([make_rf(data=text_only, revision=2)])
    assert result.verdict == "replaced" and "较已接收的第 1 版：数值和选项相同，只有文字栏目不同" in result.reasons


def plan_task(seq: int) -> str:
    """The plan's task at a position (1-based) as a change names it: its printed number and title."""
    from models.units import stored_plan

    task = stored_plan().tasks[seq - 1]
    return f"{task.no} {task.title}"


def test_a_batch_is_taken_oldest_revision_first_and_reported_in_order(district_db):
    r1, r2 = make_rf(data=month(0)), make_rf(data=month(1), revision=2)
    results = merge([r2, r1])
    assert [r.verdict for r in results] == ["replaced", "accepted"]
    assert held().uuid == r2.return_uuid


def test_conflicting_copy_overwrites_nothing_until_the_reviewer_decides(district_db):
    r1 = make_rf(data=month(0))
    merge([r1])
    entries_before = snapshot_but_audit()["entry"]
    rival = make_rf(data=month(5), revision=1)
    [result] = merge([rival])
    assert result.verdict == "conflict" and "版本号相同" in result.reasons[0]
    assert "较已接收的第 1 版：表3 废旧家电回收量 本期：1200 台 → 1205 台（+5，+0.4%）" in result.reasons
    assert snapshot_but_audit()["entry"] == entries_before
    [pending] = pending_conflicts(period=P)
    assert pending.uuid == rival.return_uuid and pending.status == "conflict"
    # Merging the same conflicting copy again is a duplicate, not a second conflict.
    assert merge([copy.deepcopy(rival)])[0].verdict == "duplicate"
    resolve_conflict(return_uuid=rival.return_uuid, take_new=True, user="审核员甲", reason="经电话核实以新表为准")
    assert stored_hash() == rival.computed_hash
    assert held().uuid == rival.return_uuid
    assert m.ReturnRecord.get(m.ReturnRecord.uuid == r1.return_uuid).status == "superseded"
    line = m.AuditLog.get(m.AuditLog.action == "resolve:take")
    assert line.reason == "经电话核实以新表为准" and line.old == r1.return_uuid and line.user == "审核员甲"


def test_reviewer_keeps_the_held_return(district_db):
    merge([make_rf(data=month(0))])
    rival = make_rf(data=month(5), revision=1)
    merge([rival])
    before = snapshot_but_audit()["entry"]
    resolve_conflict(return_uuid=rival.return_uuid, take_new=False, user="审核员甲")
    assert snapshot_but_audit()["entry"] == before
    assert m.ReturnRecord.get(m.ReturnRecord.uuid == rival.return_uuid).status == "rejected"
    assert m.AuditLog.get(m.AuditLog.action == "resolve:keep").user == "审核员甲"
    assert pending_conflicts() == []
    with pytest.raises(DataError, match="待决冲突"):
        resolve_conflict(return_uuid=rival.return_uuid, take_new=True)


def test_older_revision_with_other_content_is_a_conflict(district_db):
    merge([make_rf(data=month(1), revision=3)])
    [result] = merge([make_rf(data=month(0), revision=2)])
    assert result.verdict == "conflict" and "更旧" in result.reasons[0]


def test_same_id_with_other_content_is_a_conflict(district_db):
    rf = make_rf(data=month(0))
    merge([rf])
    edited = make_rf(data=month(2), return_uuid=rf.return_uuid, edited=True)
    [result] = merge([edited])
    assert result.verdict == "conflict" and "编号相同" in result.reasons[0]
    assert "edited_after_export" in result.flags
    record = pending_conflicts()[0]
    assert record.uuid != rf.return_uuid  # the id is taken by the held record; the copy gets its own


def test_data_typed_into_the_district_database_is_not_overwritten(district_db):
    replace_period_data(unit_code=TOWN, period=P, data={"figures": [{"row_key": "nev_stock", "current": "5"}]})
    [result] = merge([make_rf()])
    assert result.verdict == "conflict" and "不是由报表文件并入" in result.reasons[0]


def test_edited_after_export_is_accepted_with_a_visible_flag(district_db):
    [result] = merge([make_rf(edited=True)])
    assert result.verdict == "accepted"
    assert result.flags == ["edited_after_export"]
    assert any("导出后被修改" in r for r in result.reasons)
    assert json.loads(held().flags) == ["edited_after_export"]


def test_templates_are_accepted_by_layout_and_compared_by_content(district_db):
    template = make_rf(kind="template", revision=0)
    [result] = merge([template])
    assert result.verdict == "accepted" and result.flags == ["template"]
    assert held().uuid and held().revision == 0
    assert merge([make_rf(kind="template", revision=0)])[0].verdict == "duplicate"
    assert merge([make_rf(data=month(3), kind="template", revision=0)])[0].verdict == "conflict"
    # A program return after a hand-filled template is a newer revision.
    assert merge([make_rf(data=month(4), revision=1)])[0].verdict == "replaced"


def test_soft_failures_are_accepted_and_flagged_with_the_townships_explanation(district_db):
    data = month()
    data["events"][0].update(subsidies="2000", explanation="含跨年度补贴")  # subsidies above sales: soft rule
    data["tasks"].append({"row_key": "3", "status": "滞后", "achieved": None, "narrative": "进度慢", "problems": None,
                          "next_steps": None, "explanation": None})  # lagging without problems: soft, unexplained
    [result] = merge([make_rf(data=data)])
    assert result.verdict == "accepted"
    assert result.flags == ["soft_failures", "unexplained"]
    text = "\n".join(result.reasons)
    assert "表2!J8" in text and "补贴金额大于销售额（说明：含跨年度补贴）" in text
    assert "滞后的任务应填写存在问题（未填写说明）" in text and "任务 3" in text
    assert sorted(json.loads(held().flags)) == ["soft_failures", "unexplained"]


def test_hard_failures_reject_the_file_naming_sheet_and_cell(district_db):
    data = month()
    data["tasks"][0]["narrative"] = None  # a task under way needs its progress described
    data["events"][0]["date"] = "2025-11-02"  # outside the month
    before = snapshot_but_audit()
    [result] = merge([make_rf(data=data)])
    assert result.verdict == "rejected"
    text = "\n".join(result.reasons)
    assert "表1!" in text and "已启动的任务须填写进展情况" in text
    assert "表2!A8" in text and "不在报告期" in text
    assert all(p.file.endswith(".xlsx") and p.sheet for p in result.problems)
    assert snapshot_but_audit() == before
    [line] = refusals()
    assert line.entity_key == f"{TOWN}/{P}" and "已启动的任务须填写进展情况" in line.reason


def test_unknown_unit_is_rejected_unless_the_reviewer_confirms(district_db):
    stranger = make_rf("371002009")
    stranger.unit_name = "新设街道"
    before = snapshot_but_audit()
    [result] = merge([stranger])
    assert result.verdict == "rejected" and "--confirm-unknown" in result.reasons[0]
    assert snapshot_but_audit() == before
    [result] = merge([stranger], confirm_unknown_units=True, user="审核员甲")
    assert result.verdict == "accepted" and "unit_added" in result.flags
    unit = m.OrgUnit.get(m.OrgUnit.code == "371002009")
    assert (unit.name, unit.level, unit.parent_id) == ("新设街道", "town", DISTRICT)


@pytest.mark.parametrize("code", ["37100200X'; drop", "3" * 300, "３７１００２００９", "37/01"])
def test_a_code_no_unit_can_have_is_refused_without_an_offer_to_confirm_it(district_db, code):
    before = snapshot_but_audit()
    [result] = merge([make_rf(code, name="forged.xlsx")])
    assert result.verdict == "rejected" and "unknown_unit" not in result.flags
    assert "forged.xlsx: 文件记载的填报单位不能使用：单位代码“" in result.reasons[0]
    assert "须为 1–32 位数字或英文字母" in result.reasons[0]
    assert snapshot_but_audit() == before


def test_confirmed_unknown_unit_added_only_if_the_file_is_good(district_db):
    data = month()
    data["tasks"][0]["narrative"] = None
    before = snapshot_but_audit()
    [result] = merge([make_rf("371002009", data=data)], confirm_unknown_units=True)
    assert result.verdict == "rejected"
    assert snapshot_but_audit() == before
    assert m.OrgUnit.get_or_none(m.OrgUnit.code == "371002009") is None


def test_units_outside_this_district_are_rejected(district_db):
    add_unit(code="371003", name="文登区", level="district")
    add_unit(code="371003001", name="龙山街道", level="town", parent_code="371003")
    elsewhere = make_rf("371003001")
    foreign_parent = make_rf("371002008")
    foreign_parent.parent_code = "371003"
    results = merge([elsewhere, make_rf(DISTRICT), foreign_parent], confirm_unknown_units=True)
    assert [r.verdict for r in results] == ["rejected"] * 3
    assert "不是本单位" in results[0].reasons[0] and "自己的报表" in results[1].reasons[0]
    assert "文件记载的上级单位是 371003，不是本单位 371002（环翠区）" in results[2].reasons[0]


def test_another_districts_township_is_not_offered_for_confirming(district_db):
    foreign = make_rf("371003001")
    foreign.parent_code = "371003"
    new_here = make_rf("371002009")
    before = snapshot_but_audit()
    results = merge([foreign, new_here])
    assert [r.verdict for r in results] == ["rejected"] * 2
    assert "应报给它的上级单位" in results[0].reasons[0] and "--confirm-unknown" not in results[0].reasons[0]
    assert "unknown_unit" not in results[0].flags  # confirming cannot make another district's township ours
    assert "unknown_unit" in results[1].flags and "确认加入并汇总" in results[1].reasons[0]
    assert snapshot_but_audit() == before


@pytest.mark.parametrize("period, message", [("2025-13", "报告期"), ("2099-01", "报告期"), ("", "报告期")])
def test_wrong_period_is_rejected(district_db, period, message):
    before = table_snapshot()
    [result] = merge([make_rf(period=period)], dry_run=True)
    assert result.verdict == "rejected" and message in result.reasons[0]
    assert table_snapshot() == before


def test_unknown_form_or_version_is_rejected(district_db):
    newer = make_rf()
    newer.form_versions["tasks"] = 2
    alien = make_rf()
    alien.form_versions["extra"] = 1
    alien.data["extra"] = []
    results = merge([newer, alien])
    assert [r.verdict for r in results] == ["rejected", "rejected"]
    assert "第 2 版" in results[0].reasons[0] and "不认识" in results[1].reasons[0]


def test_a_return_without_one_of_the_forms_is_rejected_and_the_held_form_kept(district_db):
    merge([make_rf()])
    before = snapshot_but_audit()
    partial = make_rf(data=month(1), revision=2)
    del partial.form_versions["figures"], partial.data["figures"]
    [result] = merge([partial])
    assert result.verdict == "rejected"
    assert "文件中缺少表3（" in result.reasons[0] and "须包含全部各表" in result.reasons[0]
    assert snapshot_but_audit() == before


def test_text_longer_than_an_excel_cell_is_rejected(district_db):
    data = month()
    data["tasks"][0]["narrative"] = "很长" * 20_000
    [result] = merge([make_rf(data=data)])
    assert result.verdict == "rejected" and "超过 Excel 单元格上限" in result.reasons[0]
    assert result.problems[0].sheet == "表1"


def test_locked_months_refuse_the_merge(district_db):
    merge([make_rf(TOWN2)])
    submit_period(unit_code=TOWN2, period=P)
    results = merge([make_rf(TOWN2, data=month(1), revision=2)])
    assert results[0].verdict == "rejected" and "已锁定" in results[0].reasons[0]
    submit_period(unit_code=DISTRICT, period=P)
    before = snapshot_but_audit()
    [result] = merge([make_rf()])
    assert result.verdict == "rejected" and "已报送锁定" in result.reasons[0]
    assert snapshot_but_audit() == before


def test_cancelling_through_progress_stores_nothing(district_db):
    before = table_snapshot()
    seen = []

    def progress(done, total, name):
        seen.append((done, total))
        return done < 3

    with pytest.raises(MergeCancelled):
        merge([make_rf(), make_rf(TOWN2)], progress=progress)
    assert seen == [(1, 4), (2, 4), (3, 4)]
    assert table_snapshot() == before


def test_reopened_return_is_replaced_by_the_next_file_whatever_its_revision(district_db):
    merge([make_rf(data=month(0))])
    with pytest.raises(DataError, match="理由"):
        reopen_return(unit_code=TOWN, period=P, reason=" ")
    reopen_return(unit_code=TOWN, period=P, reason="表3数据口径不对，请更正", user="审核员甲")
    assert held().status == "reopened"
    line = m.AuditLog.get(m.AuditLog.action == "reopen", m.AuditLog.entity == "return")
    assert line.reason == "表3数据口径不对，请更正" and line.user == "审核员甲"
    [result] = merge([make_rf(data=month(1), kind="template", revision=0)])
    assert result.verdict == "replaced" and "reopened_before" in result.flags
    assert held().status == "current"


def test_the_same_file_again_after_a_reopen_is_a_duplicate_that_says_so(district_db):
    rf = make_rf(data=month(0))
    merge([rf])
    reopen_return(unit_code=TOWN, period=P, reason="表3数据口径不对，请更正", user="审核员甲")
    [result] = merge([rf])
    assert result.verdict == "duplicate" and "（已接收，已退回）" in result.reasons[0]  # one pair of brackets
    assert held().status == "reopened"  # the 退回 stands


def test_a_copy_of_the_sent_back_return_edited_in_excel_replaces_it_flagged(district_db):
    rf = make_rf(data=month(0))
    merge([rf])
    reopen_return(unit_code=TOWN, period=P, reason="表3数据口径不对，请更正", user="审核员甲")
    edited = make_rf(data=month(1), return_uuid=rf.return_uuid, edited=True)  # the same file, changed in Excel
    [result] = merge([edited])
    assert result.verdict == "replaced" and "edited_after_export" in result.flags, result.reasons
    assert held().status == "current" and held().content_hash == edited.computed_hash


def test_rejections_are_audited_but_change_nothing_else(district_db):
    before = snapshot_but_audit()
    results = merge([make_rf("999"), make_rf(period="2025-13")], user="审核员甲")
    assert [r.verdict for r in results] == ["rejected", "rejected"]
    assert snapshot_but_audit() == before
    lines = refusals()
    assert [line.entity_key for line in lines] == [f"999/{P}", "371002001/2025-13"]
    assert all(line.user == "审核员甲" and line.reason for line in lines)


def test_merge_needs_an_initialised_database(empty_db):
    with pytest.raises(DataError, match="还没有设置本单位"):
        merge([make_rf()])
    assert get_setting("own_unit") is None


def test_a_merge_audits_what_it_stored_and_refused_and_nothing_rolled_back(district_db):
    merge([make_rf(data=month(0))])
    first = m.AuditLog.select().count()
    rival, other = make_rf(data=month(5), revision=1), make_rf(TOWN2)
    results = merge([rival, other, make_rf("999999001")], user="审核员甲")
    assert [r.verdict for r in results] == ["conflict", "accepted", "rejected"]
    lines = list(m.AuditLog.select().where(m.AuditLog.id > first).order_by(m.AuditLog.id))
    # The conflict's copy was stored and checked, then rolled back: only its conflict line stays.
    assert [(a.action, a.entity, a.entity_key) for a in lines if a.entity != "baseline"] == [
        ("conflict", "return", f"{TOWN}/{P}"),
        ("merge", "period", f"{TOWN2}/{P}"), ("accept", "return", f"{TOWN2}/{P}"),
        ("refused:merge", "return", f"999999001/{P}")]
    assert {a.entity_key.split("/")[0] for a in lines if a.entity == "baseline"} <= {TOWN2}
    assert {a.user for a in lines} == {"审核员甲"}
    # The record's payload is the month's canonical text, as stored.
    record = held(TOWN2)
    assert record.payload == canonical_json(canonical_data(unit_code=TOWN2, period=P))
    assert text_hash(record.payload) == other.computed_hash
