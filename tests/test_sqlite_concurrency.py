"""Two programs on one SQLite file (the GUI and `liangxin load`, or the GUI's worker threads) save at once without failing.

Each client is its own process that opens the file with open_database, as a second program would, and saves
rows through the core (save_row). SQLite lets one writer in at a time; the others must wait for it (busy_timeout),
not fail with "database is locked".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
P = "2025-10"
CLIENTS, SAVES = 2, 200


def client(path: str, c: int, saves: int) -> None:
    """Save events one by one, each in its own transaction; print the failures as one JSON line."""
    from models.database import open_database
    from models.entries import save_row

    open_database(path)
    print("ready", flush=True)
    sys.stdin.readline()  # "go": all clients start together
    failures = []
    for i in range(saves):
        try:
            save_row(unit_code="371002001", period=P, form_id="events", row_key=f"c{c}-{i}",
                     values={"date": "2025-10-08", "type": "其他", "name": f"活动{c}-{i}", "visitors": i})
        except Exception as exc:  # every failure is reported to the test, whatever it is
            failures.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"client": c, "failures": failures}, ensure_ascii=False), flush=True)


def test_two_programs_save_into_one_sqlite_file_at_once(sqlite_db):
    from models import db as m
    from models.database import close_database, open_database

    close_database()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, __file__, "client", str(sqlite_db), str(c), str(SAVES)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                              env=env, text=True) for c in range(CLIENTS)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    failures = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        failures += json.loads(out.strip().splitlines()[-1])["failures"]
    assert failures == [], f"{len(failures)} saves failed, e.g. {failures[:3]}"

    open_database(sqlite_db)
    try:
        stored = {e.row_key: json.loads(e.data) for e in m.Entry.select().where(
            m.Entry.form_id == "events", m.Entry.period == P)}
        for c in range(CLIENTS):
            for i in range(SAVES):
                assert stored.get(f"c{c}-{i}", {}).get("name") == f"活动{c}-{i}", f"save c{c}-{i} is missing"
    finally:
        close_database()


def test_reading_a_month_does_not_wait_for_another_programs_write(sqlite_db):
    """Read-only snapshots stay deferred: a writer elsewhere (holding the write lock) does not hold up an export's read."""
    import sqlite3

    from models.entries import save_row
    from reports.returns import month_snapshot

    save_row(unit_code="371002001", period=P, form_id="figures", row_key="appliance_recycling", values={"current": 7})
    other = sqlite3.connect(sqlite_db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another program in the middle of a save
        other.execute("UPDATE setting SET value = value WHERE key = 'own_unit'")
        rows, _ = month_snapshot("371002001", P)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert {r.row_key: r.values["current"] for r in rows["figures"]}["appliance_recycling"] == 7


if __name__ == "__main__" and sys.argv[1:2] == ["client"]:
    client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
