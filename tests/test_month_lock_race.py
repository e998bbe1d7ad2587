"""A save, a delete or a load that is still open when someone submits the month: the submit waits for it and checks
what it wrote, so a locked month is always one that passed validation.

Two PCs on a shared database (or two programs on one SQLite file): the write runs in a thread and is held open just
before it commits; the submit runs in another. Before, the submit validated what was committed so far, locked the
month, and the write then committed into the locked month — a submitted month with a hard error in it.
"""

from __future__ import annotations

import threading

import pytest

from models import db as m
from models import entries
from models.entries import canonical_data, delete_row, is_locked, replace_period_data, save_row, submit_period
from models.errors import DataError
from tests.conftest import TOWN

P = "2025-10"
WAIT = 30  # seconds a step may take before the test gives up (a hang is a failure, not a pass)
CLEAN_TASK = {"status": "推进中", "narrative": "已开展诊断"}
HARD_ERROR_TASK = {"status": "推进中", "narrative": ""}  # saved, but 已启动的任务须填写进展情况 blocks submission


class HeldWrite(threading.Thread):
    """Runs a write in its own thread (its own connection) and holds its transaction open at its last audit line."""

    def __init__(self, monkeypatch, write, module=entries):
        super().__init__(daemon=True)
        self.write, self.error = write, None
        self.reached, self.release = threading.Event(), threading.Event()
        for name in ("audit", "write_audit"):  # the last thing every write does before it commits
            if hasattr(module, name):
                monkeypatch.setattr(module, name, self._held(getattr(module, name)))

    def _held(self, original):
        def held(*args, **kwargs):
            result = original(*args, **kwargs)
            if threading.current_thread() is self and not self.reached.is_set():
                self.reached.set()
                assert self.release.wait(WAIT), "the test never let the write commit"
            return result
        return held

    def run(self):
        try:
            self.write()
        except BaseException as exc:  # handed to the test, which asserts on it
            self.error = exc
        finally:
            m.database.close()


def _submit_while_held(monkeypatch, write, *, unit_code: str = TOWN, module=entries
                       ) -> tuple[HeldWrite, list[BaseException | None]]:
    """Start the write, hold it open, submit meanwhile; return the write and the submit's outcome once both ended."""
    writer = HeldWrite(monkeypatch, write, module)
    writer.start()
    assert writer.reached.wait(WAIT), f"the write never reached its commit: {writer.error!r}"
    outcome: list[BaseException | None] = []

    def submit():
        try:
            submit_period(unit_code=unit_code, period=P)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)
        finally:
            m.database.close()

    submitter = threading.Thread(target=submit, daemon=True)
    submitter.start()
    submitter.join(1.0)
    waited = submitter.is_alive()
    writer.release.set()
    writer.join(WAIT)
    submitter.join(WAIT)
    assert not writer.is_alive() and not submitter.is_alive(), "the write or the submit never ended"
    assert waited, f"the submit did not wait for the open write: {outcome}"
    return writer, outcome


def test_a_save_still_open_when_the_month_is_submitted_is_validated_by_the_submit(any_db, monkeypatch):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=CLEAN_TASK)
    writer, outcome = _submit_while_held(monkeypatch, lambda: save_row(
        unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=HARD_ERROR_TASK))
    assert writer.error is None
    assert isinstance(outcome[0], DataError) and "进展情况" in str(outcome[0])
    assert not is_locked(TOWN, P)
    assert canonical_data(unit_code=TOWN, period=P)["tasks"][0]["narrative"] in ("", None)


def test_a_load_still_open_when_the_month_is_submitted_is_validated_by_the_submit(any_db, monkeypatch):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=CLEAN_TASK)
    data = canonical_data(unit_code=TOWN, period=P)
    data["tasks"][0].update(HARD_ERROR_TASK)
    writer, outcome = _submit_while_held(monkeypatch, lambda: replace_period_data(unit_code=TOWN, period=P, data=data))
    assert writer.error is None
    assert isinstance(outcome[0], DataError) and "进展情况" in str(outcome[0])
    assert not is_locked(TOWN, P)


def test_a_delete_still_open_when_the_month_is_submitted_comes_before_the_lock(any_db, monkeypatch):
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=CLEAN_TASK)
    save_row(unit_code=TOWN, period=P, form_id="events", row_key="e1",
             values={"date": f"{P}-08", "type": "其他", "name": "秋季车展"})
    writer, outcome = _submit_while_held(monkeypatch, lambda: delete_row(
        unit_code=TOWN, period=P, form_id="events", row_key="e1"))
    assert writer.error is None and outcome == [None]
    assert is_locked(TOWN, P)
    assert canonical_data(unit_code=TOWN, period=P).get("events", []) == []


@pytest.mark.parametrize("first", ["submit", "save"])
def test_a_save_after_the_submit_is_refused_and_changes_nothing(any_db, first):
    """Without a race the order is kept: a submitted month refuses a save; an open month takes it."""
    save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="1", values=CLEAN_TASK)
    if first == "save":
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="2", values=CLEAN_TASK)
    submit_period(unit_code=TOWN, period=P)
    with pytest.raises(entries.LockedError):
        save_row(unit_code=TOWN, period=P, form_id="tasks", row_key="3", values=CLEAN_TASK)
    keys = [row["row_key"] for row in canonical_data(unit_code=TOWN, period=P)["tasks"] if row.get("status")]
    assert keys == (["1", "2"] if first == "save" else ["1"])


def test_a_merge_still_open_when_the_district_submits_its_month_comes_before_the_lock(any_db, monkeypatch):
    """The district's month is the sum of its townships': a merge into it finishes before the district's submit."""
    from models.units import set_setting
    from reports import merge as merging
    from tests.conftest import DISTRICT
    from tests.merge_samples import make_rf

    m.OrgUnit.update(parent=None).where(m.OrgUnit.code == DISTRICT).execute()
    set_setting("own_unit", DISTRICT)
    results = []
    writer, outcome = _submit_while_held(monkeypatch, lambda: results.extend(merging.merge([make_rf()])),
                                         unit_code=DISTRICT, module=merging)
    assert writer.error is None and [r.verdict for r in results] == ["accepted"], results
    assert outcome == [None] and is_locked(DISTRICT, P)
    assert m.Entry.select().where(m.Entry.unit == TOWN, m.Entry.period == P).exists()
