"""Hostile and broken files through the whole merge: a clear rejection or a correct read, never a crash or a hang.

The corpus (tests/hostile_corpus.py) is made from a real exported return; the fuzz test applies random
mutations to that return, at byte level and inside its XML parts. Each file is merged into the district
database inside a transaction that is rolled back afterwards, so every case starts from the same state.
"""

from __future__ import annotations

import datetime as dt
import resource
import shutil
import signal
import tracemalloc
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models import db as m
from models.database import close_database, open_database
from models.entries import canonical_data, content_hash, replace_period_data
from models.units import add_unit, set_setting
from reports.merge import merge
from tests.conftest import DISTRICT, TOWN
from tests.hostile_corpus import XML_PARTS, Mutation, corpus
from tests.merge_samples import P, month, refusals, snapshot_but_audit

MEMORY_BOUND = 160 * 1024 * 1024  # Python allocations while checking, reading and merging one file
TIME_GUARD = 120  # seconds: a guard against hangs, far above the real cost (not a timing assertion)
INTERNAL = "程序内部错误"


@pytest.fixture(scope="module")
def base_path(tmp_path_factory, _template_sqlite):
    """A real return, exported once with a fixed time and id."""
    from reports.returns import export_return

    folder = tmp_path_factory.mktemp("base")
    shutil.copy(_template_sqlite, folder / "town.sqlite3")
    open_database(folder / "town.sqlite3")
    try:
        replace_period_data(unit_code=TOWN, period=P, data=month())
        path = export_return(unit_code=TOWN, period=P, out_dir=folder, now=dt.datetime(2025, 11, 3, 9, 30),
                             return_uuid="00000000-0000-4000-8000-00000000b45e").path
    finally:
        close_database()
    return path


@pytest.fixture(scope="module")
def cases(base_path):
    """The whole corpus, built once."""
    return corpus(base_path.read_bytes())


@contextmanager
def guarded(*, trace: bool = True):
    """Stop a hang with an error, and measure memory: Python's peak (tracemalloc) and the process's growth.

    The process's peak resident size only grows, so its growth bounds everything this file made the
    program allocate, the spreadsheet library's (Rust) memory included. tracemalloc slows big files
    down a lot, so those are measured by the process's growth alone.
    """
    def stop(*_):
        raise TimeoutError(f"no verdict within {TIME_GUARD} s")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(TIME_GUARD)
    if trace:
        tracemalloc.start()
    peak = {"rss_before": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    try:
        yield peak
    finally:
        peak["bytes"] = tracemalloc.get_traced_memory()[1] if trace else 0
        peak["rss_growth"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak["rss_before"]
        if trace:
            tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def merge_and_judge(path, original_hash: str, *, trace: bool = True) -> tuple[str, list[str], list[str]]:
    """Merge one file inside a rolled-back transaction; check what must hold whatever the verdict."""
    with m.database.atomic() as outer:
        before = snapshot_but_audit()
        refused = len(refusals())
        with guarded(trace=trace) as peak:
            [result] = merge([path], user="fuzz")
        assert peak["bytes"] < MEMORY_BOUND, f"{path.name}: {peak['bytes']:,} bytes"
        assert peak["rss_growth"] < MEMORY_BOUND, f"{path.name}: the process grew {peak['rss_growth']:,} bytes"
        assert not any(INTERNAL in r for r in result.reasons), result.reasons
        if result.verdict == "rejected":
            assert result.reasons and all(r.strip() for r in result.reasons)
            assert snapshot_but_audit() == before
            assert len(refusals()) == refused + 1
        else:
            assert result.verdict == "accepted", result.reasons
            # A correct read: the township's data as exported, or a visible flag that it was changed.
            stored = content_hash(canonical_data(unit_code=result.unit_code, period=result.period))
            assert stored == original_hash or "edited_after_export" in result.flags, result.reasons
        outer.rollback()
    return result.verdict, result.reasons, result.flags


@pytest.fixture
def district(district_db):
    """The district database, with the unit the mutated metadata sometimes names."""
    set_setting("return_deadline_day", "5")
    add_unit(code="371002099", name="测试街道", level="town", parent_code=DISTRICT)
    return district_db


def test_every_corpus_file_is_refused_clearly_or_read_correctly(district, cases, tmp_path):
    original = content_hash(month())
    failures = []
    for case in cases:
        path = tmp_path / f"{case.name}.xlsx"
        path.write_bytes(case.data)
        try:
            verdict, reasons, flags = merge_and_judge(path, original, trace=not case.big)
        except AssertionError as exc:
            failures.append(f"{case.name}: {exc}")
            continue
        text = "\n".join(reasons)
        if case.expect == "reject" and (verdict != "rejected" or case.reason not in text):
            failures.append(f"{case.name}: expected a rejection naming {case.reason!r}, got {verdict}: {text[:300]}")
        elif case.expect == "read" and verdict == "rejected":
            failures.append(f"{case.name}: expected a correct read, got rejected: {text[:300]}")
        elif verdict == "rejected" and not text.startswith(path.name):
            failures.append(f"{case.name}: the reason does not name the file: {text[:200]}")
    assert not failures, "\n".join(failures)


def test_the_corpus_covers_what_the_issue_lists(cases):
    names = " ".join(c.name for c in cases)
    for kind in ("truncated", "zip-bomb", "billion-laughs", "xxe", "past-1048576", "dimension", "huge", "content-type",
                 "value-edited", "metadata"):
        assert kind in names, kind


_PAYLOADS = st.one_of(
    st.binary(min_size=1, max_size=24),
    st.text(min_size=1, max_size=12).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"<", b">", b"&", b'"', b"</row>", b"<!DOCTYPE x>", b'<c r="XFD1048576"/>', b"\xff\xfe",
                     b'<row r="0"/>', b"<v>1e308</v>", b"<v>NaN</v>", b'<c r="A9" t="b"><v>1</v></c>', b"&#0;",
                     b'<sheet name="x" sheetId="9" r:id="rId99"/>', "填报单位".encode(), b"2025-11", b"\x00"]),
)
_MUTATIONS = st.one_of(
    st.builds(Mutation, kind=st.sampled_from(["truncate", "overwrite", "insert", "delete"]),
              position=st.floats(0, 1), payload=_PAYLOADS),
    st.builds(Mutation, kind=st.sampled_from(["xml-overwrite", "xml-insert", "xml-delete", "xml-digit"]),
              position=st.floats(0, 1), payload=_PAYLOADS, part=st.sampled_from(XML_PARTS)),
    # A digit changed in a stored number: well-formed, so it must be read and flagged as edited.
    st.builds(Mutation, kind=st.just("xml-digit"), position=st.floats(0, 1),
              payload=st.sampled_from([bytes([d]) for d in b"0123456789"]),
              part=st.sampled_from(XML_PARTS[:4])),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(_MUTATIONS, min_size=1, max_size=3))
def test_random_mutations_of_a_real_return_never_crash_or_slip_through(district, base_path, tmp_path, mutations):
    data = base_path.read_bytes()
    for mutation in sorted(mutations, key=lambda mu: not mu.kind.startswith("xml")):  # inside parts first
        data = mutation.apply(data)
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(data)
    verdict, _, flags = merge_and_judge(path, content_hash(month()))
    event(f"{verdict}{' (edited)' if 'edited_after_export' in flags else ''}")
