"""The merge's statements on both databases: every verdict, dry runs and interruptions, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json

import pytest

from models import db as m
from models.entries import canonical_data, content_hash, submit_period
from models.units import add_unit, set_setting
from reports import merge as merge_module
from reports.merge import merge, pending_conflicts, resolve_conflict
from tests.conftest import DISTRICT, TOWN, table_snapshot
from tests.merge_samples import P, make_rf, month, refusals, snapshot_but_audit

TOWN2, TOWN3 = "371002002", "371002003"


@pytest.fixture
def any_district(any_db):
    """The town database's district, with three townships, on SQLite and on PostgreSQL."""
    m.OrgUnit.update(parent=None).where(m.OrgUnit.code == DISTRICT).execute()
    set_setting("own_unit", DISTRICT)
    for code, name in ((TOWN2, "鲸园街道"), (TOWN3, "竹岛街道")):
        add_unit(code=code, name=name, level="town", parent_code=DISTRICT)
    return any_db


def stored_hash(unit_code: str) -> str:
    return content_hash(canonical_data(unit_code=unit_code, period=P))


def test_every_verdict_on_both_databases(any_district):
    soft = month(2)
    soft["events"][0].update(subsidies="2000", explanation="含跨年度补贴")
    hard = month(3)
    hard["tasks"][0]["narrative"] = None
    first, rival = make_rf(data=month(0)), make_rf(TOWN2, data=soft)
    results = merge([first, rival, make_rf(TOWN3, data=hard), make_rf("371002009")], user="审核员甲",
                    confirm_unknown_units=True)
    assert [r.verdict for r in results] == ["accepted", "accepted", "rejected", "accepted"], [r.reasons for r in results]
    assert results[1].flags == ["soft_failures"] and "含跨年度补贴" in "\n".join(results[1].reasons)
    assert "表1!" in results[2].reasons[0] and results[3].flags == ["unit_added"]
    assert stored_hash(TOWN) == first.computed_hash and stored_hash(TOWN2) == rival.computed_hash
    assert m.Entry.select().where(m.Entry.unit == TOWN3).count() == 0
    assert [line.entity_key for line in refusals()] == [f"{TOWN3}/{P}"]
    held = m.ReturnRecord.get(m.ReturnRecord.uuid == first.return_uuid)
    assert (held.status, held.revision, held.source, json.loads(held.flags)) == ("current", 1, "merge", [])
    assert content_hash(json.loads(held.payload)) == first.computed_hash

    newer, conflicting = make_rf(data=month(4), revision=2), make_rf(TOWN2, data=month(5))
    results = merge([copy.deepcopy(first), newer, conflicting])
    assert [r.verdict for r in results] == ["duplicate", "replaced", "conflict"]
    assert stored_hash(TOWN) == newer.computed_hash and stored_hash(TOWN2) == rival.computed_hash
    assert m.ReturnRecord.get(m.ReturnRecord.uuid == first.return_uuid).status == "superseded"
    assert m.AuditLog.get(m.AuditLog.action == "replace").old == first.return_uuid
    [pending] = pending_conflicts(period=P)
    resolve_conflict(return_uuid=pending.uuid, take_new=True, user="审核员甲", reason="核实")
    assert stored_hash(TOWN2) == conflicting.computed_hash

    submit_period(unit_code=TOWN3, period=P)
    [locked] = merge([make_rf(TOWN3)])
    assert locked.verdict == "rejected" and "已锁定" in locked.reasons[0]


def test_dry_run_and_interrupted_merge_leave_both_databases_as_before(any_district, monkeypatch):
    merge([make_rf(data=month(0))])
    files = [make_rf(data=month(1), revision=2), make_rf(TOWN2), make_rf(TOWN3, data=month(2))]
    before = table_snapshot()
    dry = merge(copy.deepcopy(files), dry_run=True)
    assert table_snapshot() == before
    calls = []
    real_store = merge_module._store

    def failing_store(*args, **kwargs):
        calls.append(1)
        real_store(*args, **kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the reviewer pulled the plug half-way

    monkeypatch.setattr(merge_module, "_store", failing_store)
    with pytest.raises(KeyboardInterrupt):
        merge(copy.deepcopy(files))
    assert len(calls) == 2  # stopped after the second file was stored, inside the one transaction
    assert table_snapshot() == before
    monkeypatch.undo()
    real = merge(files)
    assert [r.to_json() for r in real] == [r.to_json() for r in dry]
    assert [r.verdict for r in real] == ["replaced", "accepted", "accepted"]
    assert snapshot_but_audit() != {k: v for k, v in before.items() if k != "audit_log"}


def test_changes_since_last_month_and_the_district_return_on_both_databases(any_district, tmp_path):
    from reports.changes import month_changes
    from reports.summary import write_summary
    from reports.xlsx_reader import read_return

    september = month(0)
    september["figures"][0]["current"] = "1000"
    september["events"][0]["date"] = "2025-09-05"
    results = merge([make_rf(period="2025-09", data=september), make_rf(data=month(0)), make_rf(TOWN2, data=month(1))])
    assert [r.verdict for r in results] == ["accepted"] * 3
    units = {u.unit_code: u for u in month_changes(period=P).units}
    assert [(c.row, c.before, c.after) for c in units[TOWN].changes] == [("废旧家电回收量", 1000, 1200)]
    assert units[TOWN2].note == "上月无数据，无从比较" and units[TOWN3].note == "本月未报"
    back = read_return(write_summary(period=P, out_dir=tmp_path).path)
    assert back.unit_code == DISTRICT and back.computed_hash == back.stated_hash
