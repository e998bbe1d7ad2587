"""The merge checks files a batch at a time before reading them: the same verdicts, order and progress as one by one."""

from __future__ import annotations

import pytest

import reports.merge as merge_module
import reports.xlsx_reader as reader_module
from reports.merge import MergeCancelled, merge
from tests.conftest import table_snapshot
from tests.merge_samples import TOWNS, P, export_months, make_rf, month

TOWN2 = "371002002"


@pytest.fixture
def files(district_db, tmp_path):
    """Three real returns, two files the check refuses and two returns already read, mixed."""
    returns = export_months(tmp_path / "returns", [(code, P, month(i)) for i, code in enumerate(TOWNS)])
    truncated, text = tmp_path / "truncated.xlsx", tmp_path / "notes.xlsx"
    truncated.write_bytes(returns[0].read_bytes()[:3000])
    text.write_bytes("这是说明文字，不是报表。\n".encode() * 10)
    return [returns[0], truncated, make_rf(TOWN2, revision=2), returns[1], text, make_rf(), returns[2]]


def run(files, monkeypatch, batch: int, batch_bytes: int = merge_module.CHECK_BATCH_BYTES):
    """Merge (dry run) with the given batch limits; return the results, the progress calls and what was done in order."""
    monkeypatch.setattr(merge_module, "CHECK_BATCH", batch)
    monkeypatch.setattr(merge_module, "CHECK_BATCH_BYTES", batch_bytes)
    events, ticks = [], []
    real_check, real_read = merge_module.check_file, reader_module.read_return

    def check(path, **kwargs):
        events.append(("check", path.name))
        return real_check(path, **kwargs)

    def read(path, **kwargs):
        events.append(("read", path.name))
        return real_read(path, **kwargs)

    monkeypatch.setattr(merge_module, "check_file", check)
    monkeypatch.setattr(reader_module, "read_return", read)
    results = merge(files, dry_run=True, progress=lambda done, total, name: ticks.append((done, total, name)))
    return [r.to_json() for r in results], ticks, events


def test_batches_give_the_verdicts_reasons_and_progress_of_one_file_at_a_time(files, monkeypatch):
    before = table_snapshot()
    one = run(files, monkeypatch, batch=1)
    for batch in (2, 3, 64):
        results, ticks, _ = run(files, monkeypatch, batch=batch)
        assert (results, ticks) == one[:2], batch
    results, ticks, _ = run(files, monkeypatch, batch=64, batch_bytes=1)
    assert (results, ticks) == one[:2]
    # TOWN2's r2 (already read) replaces its r1 file; TOWN's return read beforehand holds what its file holds.
    assert [r["verdict"] for r in one[0]] == ["accepted", "rejected", "replaced", "accepted", "rejected", "duplicate",
                                              "accepted"]
    assert table_snapshot() == before


def test_every_file_is_checked_before_it_is_read_a_batch_at_a_time(files, monkeypatch):
    paths = [f for f in files if not hasattr(f, "data")]
    good = [p.name for p in paths if p.name not in ("truncated.xlsx", "notes.xlsx")]
    _, _, events = run(files, monkeypatch, batch=2)
    # Batches of two items (ReturnFile objects count, but have no file to check); refused files are never read.
    batches = [files[0:2], files[2:4], files[4:6], files[6:7]]
    expected = []
    for batch in batches:
        names = [f.name for f in batch if not hasattr(f, "data")]
        expected += [("check", n) for n in names] + [("read", n) for n in names if n in good]
    assert events == expected
    _, _, events = run(files, monkeypatch, batch=64, batch_bytes=1)  # a check that keeps anything ends its batch
    assert events[:4] == [("check", paths[0].name), ("read", paths[0].name), ("check", paths[1].name),
                          ("check", paths[2].name)]


def test_cancelling_stops_checking_the_files_of_later_batches(files, monkeypatch):
    monkeypatch.setattr(merge_module, "CHECK_BATCH", 2)
    checked = []
    real_check = merge_module.check_file
    monkeypatch.setattr(merge_module, "check_file", lambda path, **kw: checked.append(path) or real_check(path, **kw))
    before = table_snapshot()
    with pytest.raises(MergeCancelled):
        merge(files, progress=lambda done, total, name: done < 1)
    assert checked == [files[0], files[1]] and table_snapshot() == before
