"""Crash safety: a program that is saving is killed with SIGKILL at random moments, hundreds of times.

Each cycle forks a fresh child from a "zygote" process that has already imported the program, so a
cycle costs milliseconds rather than an interpreter start-up. The child opens the database (the
restart: SQLite recovers its write-ahead log there) and saves in a loop — events inserted and
deleted and task progress through save_row/delete_row, whole-month loads through
replace_period_data — writing "try …" before each write and "ack" once the call has returned. After
the kill the test reads the file directly and checks that

* PRAGMA integrity_check and foreign_key_check are clean;
* every acknowledged write is there, exactly; only the one unacknowledged write may or may not be;
* no row is half-written (fields from two writes) and no load is partly applied;
* every stored change has its audit line (same transaction) and no audit line lacks its change.

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
TASK_KEYS = ("1", "2", "3", "4", "5")
EVENT_TYPES = ("汽车促销", "汽车下乡展销", "家电以旧换新", "家装换新", "其他")
KILL_WINDOW = 0.15  # seconds after the child starts; covers start-up (recovery) and a dozen saves
CYCLE_TIMEOUT = 30


def event_values(i: int) -> dict:
    """The event written at step i (the checker recomputes it to spot half-written rows)."""
    return {"date": f"2025-10-{1 + i % 28:02d}", "type": EVENT_TYPES[i % len(EVENT_TYPES)], "name": f"活动{i}",
            "place": f"文化广场{i % 7}", "visitors": i % 100000, "deals": i % 1000}


# ---- the child, in a process forked from the zygote --------------------------------------------


def _say(text: str) -> None:
    os.write(1, (text + "\n").encode("utf-8"))  # one write: a line is whole in the pipe or absent


def child(db: str, start: int, seed: int) -> None:
    """Open the database and save forever, announcing each write and acknowledging it once committed."""
    from models.database import open_database
    from models.entries import delete_row, replace_period_data, save_row, stored_entries
    from models.units import get_setting  # noqa: F401  (warm the import before the first write)

    rng = random.Random(seed)
    open_database(db)
    events = sorted(stored_entries(TOWN, P, "events"))
    indicators = [i.key for i in __import__("forms").get_form("figures").indicators]
    i = start
    while True:
        i += 1
        r = rng.random()
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

    for line in sys.stdin:
        db, start, seed = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                child(db, int(start), int(seed))
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

    def apply(self, op: list[str]) -> None:
        kind = op[0]
        if kind == "E":
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
        rows = con.execute("SELECT form_id, period, row_key, data FROM entry WHERE unit_id = ?", (TOWN,)).fetchall()
        audit = con.execute("SELECT action, entity, entity_key, field, new FROM audit_log ORDER BY id").fetchall()
    finally:
        con.close()
    by_form: dict[tuple[str, str], dict[str, dict]] = {}
    for form_id, period, key, data in rows:
        by_form.setdefault((form_id, period), {})[key] = json.loads(data)
    return problems, by_form, audit


def check(db: Path, expected: Expected, pending: list[str] | None, indicators: list[str]) -> bool:
    """Compare the file with the acknowledged writes; return whether the pending write was applied."""
    problems, by_form, audit = _state(db)
    if problems:
        raise Lost(f"integrity: {problems[:5]}")
    kind = pending[0] if pending else None
    applied: set[bool] = set()

    # Events: exactly the acknowledged set, give or take the pending insert or delete.
    stored = by_form.get(("events", P), {})
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
    stored = by_form.get(("tasks", P), {})
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
    stored = by_form.get(("figures", LOAD_PERIOD), {})
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

    # The audit log moves with the data: in the same transaction, never one without the other.
    edits = {(k, f) for a, e, k, f, _ in audit if a == "edit" and e == "events"}
    for key in by_form.get(("events", P), {}):
        if (f"{TOWN}/{P}/{key}", "name") not in edits:
            raise Lost(f"event {key} stored without its audit line")
    deleted = {k.rsplit("/", 1)[1] for a, e, k, _, _ in audit if a == "delete" and e == "events"}
    if deleted & set(by_form.get(("events", P), {})):
        raise Lost(f"audit says deleted, but still stored: {sorted(deleted & set(by_form[('events', P)]))[:5]}")
    last_task = {}
    for a, e, k, f, new in audit:
        if a == "edit" and e == "tasks" and f == "achieved":
            last_task[k.rsplit("/", 1)[1]] = int(Decimal(new))
    for key, data in by_form.get(("tasks", P), {}).items():
        if last_task.get(key) != int(Decimal(data["achieved"])):
            raise Lost(f"task {key}: audit says {last_task.get(key)}, stored {data['achieved']}")
    loads = sum(1 for a, e, k, _, _ in audit if a == "load" and k == f"{TOWN}/{LOAD_PERIOD}")
    if loads - expected.loads not in ((1,) if kind == "L" and True in applied else (0,)):
        raise Lost(f"{loads} load audit lines for {expected.loads} acknowledged loads")
    if len(applied) > 1:
        raise Lost("the pending write is both applied and not applied")
    return applied == {True}


# ---- the harness --------------------------------------------------------------------------------


@dataclass
class Figures:
    cycles: int = 0
    acked: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: {"E": 0, "D": 0, "T": 0, "L": 0})
    pending_applied: int = 0
    pending_not_applied: int = 0
    killed_before_first_write: int = 0
    wal_at_kill: int = 0
    most_in_a_cycle: int = 0
    seconds: float = 0.0


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


def run_cycle(zyg: Zygote, db: Path, start: int, seed: int, delay: float) -> list[str]:
    """Start a child, kill it after delay seconds, and return every line it wrote."""
    zyg.proc.stdin.write(f"{db} {start} {seed}\n".encode())
    zyg.proc.stdin.flush()
    lines, pid = [], None
    while pid is None:
        line = zyg.next_line()
        if line.startswith("pid "):
            pid = int(line.split()[1])
        else:
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
        elif line == "ack":
            acked.append(current)
            current = None
    return acked, current


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill harness forks (Linux and macOS); CI runs on Linux")
def test_sigkill_during_saves_loses_nothing_acknowledged(tmp_path, capsys):
    from forms import get_form
    from models.database import close_database, integrity_problems, open_database
    from models.entries import form_rows
    from tests.conftest import _seed_town_database
    from tests.reliability_report import machine, table, write_section

    cycles = int(os.environ.get("LIANGXIN_KILL_CYCLES", "200"))
    seed = int(os.environ.get("LIANGXIN_KILL_SEED", random.randrange(1 << 30)))
    print(f"kill test: {cycles} cycles, LIANGXIN_KILL_SEED={seed}")
    load = os.getloadavg()[0]
    rng = random.Random(seed)
    db = tmp_path / "killed.sqlite3"
    open_database(db)
    _seed_town_database()
    close_database()
    indicators = [i.key for i in get_form("figures").indicators]

    expected, figures = Expected(), Figures()
    zyg = Zygote(tmp_path / "child-stderr.txt")
    began = time.perf_counter()
    try:
        for cycle in range(cycles):
            lines = run_cycle(zyg, db, cycle * 1_000_000, rng.randrange(1 << 30), rng.uniform(0, KILL_WINDOW))
            acked, pending = split_ops(lines)
            wal = Path(f"{db}-wal")
            figures.wal_at_kill += wal.exists() and wal.stat().st_size > 0
            for op in acked:
                expected.apply(op)
                figures.by_kind[op[0]] += 1
            try:
                was_applied = check(db, expected, pending, indicators)
            except Lost as exc:
                raise AssertionError(f"cycle {cycle} (seed {seed}): {exc}\nchild wrote: {lines[-6:]}") from None
            if pending:
                if was_applied:
                    expected.apply(pending)
                    figures.pending_applied += 1
                else:
                    figures.pending_not_applied += 1
            figures.cycles += 1
            figures.acked += len(acked)
            figures.killed_before_first_write += not lines
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
    finally:
        close_database()

    rows = [
        ("kill cycles (SIGKILL at a random moment 0–150 ms after the child starts)", figures.cycles),
        ("acknowledged writes checked", figures.acked),
        ("… event inserts / event deletes (save_row, delete_row)", f"{figures.by_kind['E']} / {figures.by_kind['D']}"),
        ("… task progress saves (save_row)", figures.by_kind["T"]),
        ("… whole-month loads of 10 rows (replace_period_data)", figures.by_kind["L"]),
        ("killed inside a write: committed before the kill / rolled back",
         f"{figures.pending_applied} / {figures.pending_not_applied}"),
        ("killed during start-up, before the first write", figures.killed_before_first_write),
        ("kills that left a non-empty write-ahead log to replay on restart", figures.wal_at_kill),
        ("most writes acknowledged in one cycle", figures.most_in_a_cycle),
        ("acknowledged writes lost / half-written rows / integrity_check failures", "0 / 0 / 0"),
        ("run time", f"{figures.seconds:.1f} s"),
    ]
    write_section("kill-test", "Crash safety: SIGKILL during saves (tests/test_kill.py)",
                  f"Seed {seed}; {machine(load)}. More cycles: `LIANGXIN_KILL_CYCLES=2000 bash dev.sh test tests/test_kill.py`."
                  f"\n\n{table(rows)}")
    with capsys.disabled():
        print("\n" + "\n".join(f"  {k}: {v}" for k, v in rows))


if __name__ == "__main__" and sys.argv[1:] == ["zygote"]:
    zygote()
