"""Crash safety: a program that is saving, exporting and merging is killed with SIGKILL at random moments.

Each cycle forks a fresh child from a "zygote" process that has already imported the program, so a
cycle costs milliseconds rather than an interpreter start-up. The child opens the district's
database (the restart: SQLite recovers its write-ahead log there) and works in a loop — events
inserted and deleted and task progress through save_row/delete_row, whole-month loads through
replace_period_data, exports of a township's return (reports.returns.export_return) and merges of
another township's returned files, one newer revision at a time (reports.merge.merge) — writing
"try …" before each operation and "ack" once the call has returned. After the kill the test reads
the database file and the export folder directly and checks that

* PRAGMA integrity_check and foreign_key_check are clean;
* every acknowledged write is there, exactly; only the one unacknowledged write may or may not be;
* no row is half-written (fields from two writes), no load and no merge is partly applied;
* every stored change has its audit line (same transaction) and no audit line lacks its change;
* every .xlsx under its final name is a complete return that reads back (its hash matching its
  record), and every acknowledged export has its file and its record.

LIANGXIN_KILL_CYCLES sets the number of cycles (default 200); LIANGXIN_KILL_SEED replays a run.
The figures go to docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOWN, P, LOAD_PERIOD = "371002001", "2025-10", "2025-09"
DISTRICT, MERGED = "371002", "371002002"  # the database is the district's; MERGED's returns are merged into it
REVISIONS = 30  # returned files of MERGED, r1..r30, merged in order
TASK_KEYS = ("1", "2", "3", "4", "5")
EVENT_TYPES = ("汽车促销", "汽车下乡展销", "家电以旧换新", "家装换新", "其他")
KILL_WINDOW = 0.15  # seconds after the child has opened the database: a dozen saves, or an export or two
START_UP_SHARE, START_UP_WINDOW = 0.15, 0.03  # some kills fall into start-up instead: opening, WAL recovery
CYCLE_TIMEOUT = 30


def event_values(i: int) -> dict:
    """The event written at step i (the checker recomputes it to spot half-written rows)."""
    return {"date": f"2025-10-{1 + i % 28:02d}", "type": EVENT_TYPES[i % len(EVENT_TYPES)], "name": f"活动{i}",
            "place": f"文化广场{i % 7}", "visitors": i % 100000, "deals": i % 1000}


# ---- the child, in a process forked from the zygote --------------------------------------------


def _say(text: str) -> None:
    os.write(1, (text + "\n").encode("utf-8"))  # one write: a line is whole in the pipe or absent


def merged_values(revision: int) -> dict[str, int]:
    """The figures of MERGED's return revision n."""
    return {"appliance_recycling": revision, "scrapped_vehicles": 2 * revision}


def child(db: str, start: int, seed: int, out_dir: str, inbox: str) -> None:
    """Open the database and work forever, announcing each operation and acknowledging it once it returned."""
    from models import db as m
    from models.database import open_database
    from models.entries import delete_row, replace_period_data, save_row, stored_entries
    from reports.merge import merge
    from reports.returns import export_return

    rng = random.Random(seed)
    open_database(db)
    events = sorted(stored_entries(TOWN, P, "events"))
    _say("ready")
    indicators = [i.key for i in __import__("forms").get_form("figures").indicators]
    i = start
    while True:
        i += 1
        r = rng.random()
        if r < 0.06:
            _say("try X")
            _say(f"ack {export_return(unit_code=TOWN, period=P, out_dir=out_dir, user='kill').revision}")
            continue
        if r < 0.12:
            held = m.ReturnRecord.get_or_none(m.ReturnRecord.unit == MERGED, m.ReturnRecord.period == P,
                                              m.ReturnRecord.status == "current")
            n = (held.revision if held else 0) + 1
            if n <= REVISIONS:
                _say(f"try M {n}")
                [result] = merge([next(Path(inbox).glob(f"*_r{n}.xlsx"))], user="kill")
                if result.verdict not in ("accepted", "replaced"):
                    raise AssertionError(f"merge of r{n}: {result.verdict} {result.reasons}")
                _say("ack")
                continue
        if r < 0.40 or not events:
            key = f"ev{i}"
            _say(f"try E {key} {i}")
            save_row(unit_code=TOWN, period=P, form_id="events", row_key=key, values=event_values(i), user="kill")
            events.append(key)
        elif r < 0.55:
            key = events.pop(rng.randrange(len(events)))
            _say(f"try D {key}")
            delete_row(unit_code=TOWN, period=P, form_id="events", row_key=key, user="kill")
        elif r < 0.85:
            key = rng.choice(TASK_KEYS)
            _say(f"try T {key} {i}")
            save_row(unit_code=TOWN, period=P, form_id="tasks", row_key=key,
                     values={"status": "推进中", "achieved": i, "narrative": f"第{i}次"}, user="kill")
        else:
            _say(f"try L {i}")
            replace_period_data(unit_code=TOWN, period=LOAD_PERIOD, user="kill",
                                data={"figures": [{"row_key": k, "current": str(i)} for k in indicators]})
        _say("ack")


def zygote() -> None:
    """Import the program once, then fork one child per request line 'DB START SEED' and report its end."""
    sys.path.insert(0, str(ROOT))
    import forms  # noqa: F401
    import models.entries  # noqa: F401
    import reports.merge  # noqa: F401
    import reports.returns  # noqa: F401

    for line in sys.stdin:
        db, start, seed, out_dir, inbox = line.split("\t")
        pid = os.fork()
        if pid == 0:
            try:
                child(db, int(start), int(seed), out_dir, inbox.rstrip("\n"))
            except BaseException:  # noqa: B036  (anything the child meets is a failure to report)
                traceback.print_exc()
                sys.stderr.flush()
                _say("error")
            finally:
                os._exit(3)
        _say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"exit {pid} {status}")


# ---- the checker --------------------------------------------------------------------------------


@dataclass
class Expected:
    """What the database must hold: the acknowledged writes."""

    events: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    load: int | None = None
    loads: int = 0
    deletes: int = 0
    exports: set[int] = field(default_factory=set)  # revisions with file and record
    merged: int = 0  # revision of MERGED held
    read_back: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (mtime_ns, size) checked

    def apply(self, op: list[str]) -> None:
        kind = op[0]
        if kind == "X":
            self.exports.add(int(op[1]))
        elif kind == "M":
            self.merged = int(op[1])
        elif kind == "E":
            self.events[op[1]] = int(op[2])
        elif kind == "D":
            self.events.pop(op[1], None)
            self.deletes += 1
        elif kind == "T":
            self.tasks[op[1]] = int(op[2])
        else:
            self.load, self.loads = int(op[1]), self.loads + 1


class Lost(AssertionError):
    """The database does not match the acknowledged writes."""


def _state(db: Path):
    import sqlite3

    con = sqlite3.connect(db)
    try:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check")]
        rows = con.execute("SELECT unit_id, form_id, period, row_key, data FROM entry").fetchall()
        audit = con.execute("SELECT action, entity, entity_key, field, new FROM audit_log ORDER BY id").fetchall()
        returns = con.execute("SELECT unit_id, period, revision, source, status, content_hash FROM return_record").fetchall()
    finally:
        con.close()
    by_form: dict[tuple[str, str, str], dict[str, dict]] = {}
    for unit, form_id, period, key, data in rows:
        by_form.setdefault((unit, form_id, period), {})[key] = json.loads(data)
    return problems, by_form, audit, returns


def check(db: Path, out_dir: Path, expected: Expected, pending: list[str] | None, indicators: list[str]) -> bool:
    """Compare the files with the acknowledged writes; return whether the pending write was applied."""
    problems, by_form, audit, returns = _state(db)
    if problems:
        raise Lost(f"integrity: {problems[:5]}")
    kind = pending[0] if pending else None
    applied: set[bool] = set()

    # Events: exactly the acknowledged set, give or take the pending insert or delete.
    stored = by_form.get((TOWN, "events", P), {})
    keys = set(expected.events)
    if set(stored) == keys:
        applied.add(False) if kind in ("E", "D") else None
    elif kind == "E" and set(stored) == keys | {pending[1]}:
        applied.add(True)
    elif kind == "D" and set(stored) == keys - {pending[1]}:
        applied.add(True)
    else:
        raise Lost(f"events: lost {sorted(keys - set(stored))[:5]}, unexplained {sorted(set(stored) - keys)[:5]}")
    for key, data in stored.items():
        i = expected.events.get(key, int(pending[2]) if kind == "E" else -1)
        want = event_values(i)
        if {k: data.get(k) for k in want} != want:
            raise Lost(f"event {key} half-written or wrong: {data}")

    # Task progress: the last acknowledged value, or the pending one; both fields from the same write.
    stored = by_form.get((TOWN, "tasks", P), {})
    for key in TASK_KEYS:
        data = stored.get(key)
        value = None if data is None else int(Decimal(data["achieved"]))
        if data is not None and data.get("narrative") != f"第{value}次":
            raise Lost(f"task {key} half-written: {data}")
        if value == expected.tasks.get(key):
            applied.add(False) if kind == "T" and key == pending[1] else None
            continue
        if kind == "T" and key == pending[1] and value == int(pending[2]):
            applied.add(True)
            continue
        raise Lost(f"task {key}: stored {value}, acknowledged {expected.tasks.get(key)}")

    # Loads: the month's figures all from one load, the last acknowledged or the pending one.
    stored = by_form.get((TOWN, "figures", LOAD_PERIOD), {})
    values = {Decimal(d["current"]) for d in stored.values()}
    if stored and (set(stored) != set(indicators) or len(values) != 1):
        raise Lost(f"load partly applied: {len(stored)} rows, values {sorted(values)[:5]}")
    value = int(values.pop()) if stored else None
    if value == expected.load:
        applied.add(False) if kind == "L" else None
    else:
        if not (kind == "L" and value == int(pending[1])):
            raise Lost(f"load: stored {value}, acknowledged {expected.load}")
        applied.add(True)

    # Merges: one current revision of the township's month, its figures all from that file.
    held = [rev for unit, period, rev, source, status, _ in returns if unit == MERGED and status == "current"]
    if len(held) > 1:
        raise Lost(f"several current revisions held for {MERGED}: {held}")
    revision = held[0] if held else 0
    if revision == expected.merged:
        applied.add(False) if kind == "M" else None
    elif kind == "M" and revision == int(pending[1]):
        applied.add(True)
    else:
        raise Lost(f"merge: revision {revision} held, {expected.merged} acknowledged")
    stored = {k: Decimal(d["current"]) for k, d in by_form.get((MERGED, "figures", P), {}).items()}
    if stored != {k: Decimal(v) for k, v in (merged_values(revision) if revision else {}).items()}:
        raise Lost(f"merge of r{revision} partly applied: {stored}")

    # Exports: a record and a file for each acknowledged one; files only under their final name when whole.
    records = {rev: digest for unit, period, rev, source, _, digest in returns if unit == TOWN and source == "export"}
    new = set(records) - expected.exports
    if expected.exports - set(records):
        raise Lost(f"acknowledged exports without their record: {sorted(expected.exports - set(records))}")
    if new:
        if not (kind == "X" and len(new) == 1):
            raise Lost(f"export records nobody acknowledged: {sorted(new)}")
        applied.add(True)
        pending.append(str(new.pop()))  # the revision, for the caller to adopt
    elif kind == "X":
        applied.add(False)
    check_export_files(out_dir, expected, records)

    # The audit log moves with the data: in the same transaction, never one without the other.
    edits = {(k, f) for a, e, k, f, _ in audit if a == "edit" and e == "events"}
    for key in by_form.get((TOWN, "events", P), {}):
        if (f"{TOWN}/{P}/{key}", "name") not in edits:
            raise Lost(f"event {key} stored without its audit line")
    deleted = {k.rsplit("/", 1)[1] for a, e, k, _, _ in audit if a == "delete" and e == "events"}
    if deleted & set(by_form.get((TOWN, "events", P), {})):
        raise Lost(f"audit says deleted, but still stored: {sorted(deleted & set(by_form[(TOWN, 'events', P)]))[:5]}")
    last_task = {}
    for a, e, k, f, new_value in audit:
        if a == "edit" and e == "tasks" and f == "achieved":
            last_task[k.rsplit("/", 1)[1]] = int(Decimal(new_value))
    for key, data in by_form.get((TOWN, "tasks", P), {}).items():
        if last_task.get(key) != int(Decimal(data["achieved"])):
            raise Lost(f"task {key}: audit says {last_task.get(key)}, stored {data['achieved']}")
    loads = sum(1 for a, e, k, _, _ in audit if a == "load" and k == f"{TOWN}/{LOAD_PERIOD}")
    if loads - expected.loads != (1 if kind == "L" and True in applied else 0):
        raise Lost(f"{loads} load audit lines for {expected.loads} acknowledged loads")
    exports = sum(1 for a, e, k, _, _ in audit if a == "export" and k == f"{TOWN}/{P}")
    if exports != len(records):
        raise Lost(f"{exports} export audit lines for {len(records)} export records")
    if len(applied) > 1:
        raise Lost("the pending write is both applied and not applied")
    return applied == {True}


def check_export_files(out_dir: Path, expected: Expected, records: dict[int, str]) -> None:
    """Every final-named .xlsx is whole and (but for one renamed just before the kill) recorded."""
    from reports.xlsx_reader import read_return

    files = {int(p.stem.rsplit("_r", 1)[1]): p for p in out_dir.glob("*.xlsx") if not p.name.startswith(".")}
    for rev in expected.exports:
        if rev not in files:
            raise Lost(f"acknowledged export r{rev} has no file")
    for rev, path in files.items():
        if rev not in records and rev != max(records, default=0) + 1:
            raise Lost(f"{path.name}: a file under its final name with no record")
        stat = path.stat()
        if expected.read_back.get(path.name) == (stat.st_mtime_ns, stat.st_size):
            continue  # read back unchanged before
        try:
            rf = read_return(path)
        except Exception as exc:  # noqa: BLE001  (any failure to read is the finding)
            raise Lost(f"{path.name}: partly written under its final name: {exc}") from None
        if rf.revision != rev or (rev in records and rf.stated_hash != records[rev]) or rf.edited_after_export:
            raise Lost(f"{path.name}: revision {rf.revision}, hash {rf.stated_hash} not as recorded")
        expected.read_back[path.name] = (stat.st_mtime_ns, stat.st_size)


# ---- the harness --------------------------------------------------------------------------------


@dataclass
class Figures:
    cycles: int = 0
    acked: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys("EDTLXM", 0))
    pending: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in "EDTLXM"})  # applied, not
    orphans: int = 0  # exports killed between the rename and the commit: whole file, no record (yet)
    partial_files: int = 0
    killed_before_first_write: int = 0
    wal_at_kill: int = 0
    most_in_a_cycle: int = 0
    seconds: float = 0.0


def prepare(db: Path, inbox: Path) -> None:
    """The district's database with two townships, and REVISIONS returned files of one of them."""
    from models.database import close_database, open_database
    from models.entries import replace_period_data
    from models.units import add_unit, initialise
    from reports.returns import export_return

    open_database(db.with_name("township.sqlite3"))
    initialise(plan_id="huancui", unit_code=MERGED, unit_name="鲸园街道", level="town", parent_code=DISTRICT,
               parent_name="环翠区")
    for n in range(1, REVISIONS + 1):
        replace_period_data(unit_code=MERGED, period=P, data={"figures": [
            {"row_key": key, "current": str(v)} for key, v in merged_values(n).items()]})
        export_return(unit_code=MERGED, period=P, out_dir=inbox)
    close_database()
    open_database(db)
    initialise(plan_id="huancui", unit_code=DISTRICT, unit_name="环翠区", level="district")
    add_unit(code=TOWN, name="环翠楼街道", level="town", parent_code=DISTRICT)
    add_unit(code=MERGED, name="鲸园街道", level="town", parent_code=DISTRICT)
    close_database()


class Zygote:
    """The forking helper process and a reader thread that queues its output lines."""

    def __init__(self, stderr_path: Path):
        self.stderr = stderr_path.open("w")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, __file__, "zygote"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.stderr, cwd=ROOT, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.proc.stdout:
            self.lines.put(raw.decode("utf-8").rstrip("\n"))

    def next_line(self) -> str:
        try:
            return self.lines.get(timeout=CYCLE_TIMEOUT)
        except queue.Empty:
            raise AssertionError("the child stopped answering") from None

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.stderr.close()


def run_cycle(zyg: Zygote, db: Path, start: int, seed: int, delay: float, out_dir: Path, inbox: Path, *,
              after_ready: bool) -> list[str]:
    """Start a child, kill it delay seconds after its start (or after it opened the database), return its lines."""
    zyg.proc.stdin.write(f"{db}\t{start}\t{seed}\t{out_dir}\t{inbox}\n".encode())
    zyg.proc.stdin.flush()
    lines, pid = [], None
    while pid is None:
        line = zyg.next_line()
        if line.startswith("pid "):
            pid = int(line.split()[1])
        else:
            lines.append(line)
    while after_ready and "ready" not in lines:
        line = zyg.next_line()
        if line == "error" or line.startswith("exit "):
            raise AssertionError("the child failed before it had opened the database; see its traceback above")
        lines.append(line)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    while True:
        line = zyg.next_line()
        if line.startswith(f"exit {pid} "):
            status = int(line.split()[2])
            break
        lines.append(line)
    if "error" in lines or not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
        raise AssertionError(f"the child failed by itself (status {status}); see its traceback above")
    return lines


def split_ops(lines: list[str]) -> tuple[list[list[str]], list[str] | None]:
    """Return the acknowledged writes and the one unacknowledged write (if the kill fell inside one)."""
    acked, current = [], None
    for line in lines:
        if line.startswith("try "):
            assert current is None, f"a write started before the previous one was acknowledged: {lines}"
            current = line.split()[1:]
        elif line.split()[:1] == ["ack"]:
            acked.append(current + line.split()[1:])  # an export's ack carries its revision
            current = None
    return acked, current


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill harness forks (Linux and macOS); CI runs on Linux")
def test_sigkill_during_saves_loses_nothing_acknowledged(tmp_path, capsys):
    from forms import get_form
    from models.database import close_database, integrity_problems, open_database
    from models.entries import form_rows
    from tests.reliability_report import machine, table, write_section

    cycles = int(os.environ.get("LIANGXIN_KILL_CYCLES", "200"))
    seed = int(os.environ.get("LIANGXIN_KILL_SEED", random.randrange(1 << 30)))
    print(f"kill test: {cycles} cycles, LIANGXIN_KILL_SEED={seed}")
    load = os.getloadavg()[0]
    rng = random.Random(seed)
    db, out_dir, inbox = tmp_path / "district.sqlite3", tmp_path / "exports", tmp_path / "inbox"
    prepare(db, inbox)
    out_dir.mkdir()
    indicators = [i.key for i in get_form("figures").indicators]

    expected, figures = Expected(), Figures()
    zyg = Zygote(tmp_path / "child-stderr.txt")
    began = time.perf_counter()
    try:
        for cycle in range(cycles):
            in_start_up = rng.random() < START_UP_SHARE
            delay = rng.uniform(0, START_UP_WINDOW if in_start_up else KILL_WINDOW)
            lines = run_cycle(zyg, db, cycle * 1_000_000, rng.randrange(1 << 30), delay, out_dir, inbox,
                              after_ready=not in_start_up)
            acked, pending = split_ops(lines)
            wal = Path(f"{db}-wal")
            figures.wal_at_kill += wal.exists() and wal.stat().st_size > 0
            for op in acked:
                expected.apply(op)
                figures.by_kind[op[0]] += 1
            try:
                was_applied = check(db, out_dir, expected, pending, indicators)
            except Lost as exc:
                raise AssertionError(f"cycle {cycle} (seed {seed}): {exc}\nchild wrote: {lines[-6:]}") from None
            if pending:
                figures.pending[pending[0]][0 if was_applied else 1] += 1
                if was_applied:
                    expected.apply(pending)
            names = [p.name for p in out_dir.iterdir()]
            figures.orphans = max(figures.orphans, sum(1 for n in names if not n.startswith(".")) - len(expected.exports))
            figures.partial_files = sum(1 for n in names if n.startswith("."))
            figures.cycles += 1
            figures.acked += len(acked)
            figures.killed_before_first_write += not any(line.startswith("try ") for line in lines)
            figures.most_in_a_cycle = max(figures.most_in_a_cycle, len(acked))
    finally:
        zyg.close()
        errors = (tmp_path / "child-stderr.txt").read_text()
        if errors:
            print(errors, file=sys.stderr)
    figures.seconds = time.perf_counter() - began

    # One last restart through the program itself: its own checks and screens read the same data.
    open_database(db)
    try:
        assert integrity_problems() == []
        assert len(form_rows(unit_code=TOWN, period=P, form_id="events")) == len(expected.events)
        merged = {r.row_key: r.values["current"] for r in form_rows(unit_code=MERGED, period=P, form_id="figures")
                  if r.version}
        want = merged_values(expected.merged) if expected.merged else {}
        assert merged == {k: Decimal(v) for k, v in want.items()}
    finally:
        close_database()

    k, pend = figures.by_kind, figures.pending
    rows = [
        (f"kill cycles: SIGKILL at a random moment, {1 - START_UP_SHARE:.0%} of them 0–{KILL_WINDOW * 1000:.0f} ms after "
         f"the child opened the database, the others 0–{START_UP_WINDOW * 1000:.0f} ms after it started", figures.cycles),
        ("acknowledged operations checked", figures.acked),
        ("… event inserts / event deletes (save_row, delete_row)", f"{k['E']} / {k['D']}"),
        ("… task progress saves (save_row)", k["T"]),
        ("… whole-month loads of 10 rows (replace_period_data)", k["L"]),
        ("… return exports (.xlsx written, recorded, renamed)", k["X"]),
        (f"… merges of a township's next revision (r1…r{REVISIONS})", k["M"]),
        ("killed inside an operation: committed before the kill / rolled back",
         f"{sum(v[0] for v in pend.values())} / {sum(v[1] for v in pend.values())}"),
        ("… of which inside an export / inside a merge",
         f"{sum(pend['X'])} ({pend['X'][0]} / {pend['X'][1]}) / {sum(pend['M'])} ({pend['M'][0]} / {pend['M'][1]})"),
        ("killed during start-up, before the first operation", figures.killed_before_first_write),
        ("kills that left a non-empty write-ahead log to replay on restart", figures.wal_at_kill),
        ("most operations acknowledged in one cycle", figures.most_in_a_cycle),
        ("acknowledged writes lost / half-written rows / partial .xlsx under a final name / integrity_check failures",
         "0 / 0 / 0 / 0"),
        ("whole .xlsx renamed but its record rolled back by the kill (most at once; replaced by the next export)",
         figures.orphans),
        ("hidden temporary .partial files left by killed exports", figures.partial_files),
        ("run time", f"{figures.seconds:.1f} s"),
    ]
    write_section("kill-test", "Crash safety: SIGKILL during saves, exports and merges (tests/test_kill.py)",
                  f"Seed {seed}; {machine(load)}. More cycles: `LIANGXIN_KILL_CYCLES=2000 bash dev.sh test tests/test_kill.py`."
                  f"\n\n{table(rows)}")
    with capsys.disabled():
        print("\n" + "\n".join(f"  {k}: {v}" for k, v in rows))


if __name__ == "__main__" and sys.argv[1:] == ["zygote"]:
    zygote()
