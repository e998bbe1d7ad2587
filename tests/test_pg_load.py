"""Shared PostgreSQL database: 10 client processes × 2,000 mixed writes at once lose no update.

Each client is its own process that opens the database with open_database(url), as a township's
program would. Its writes, all through the core (save_row, delete_row):

* 60% increments of counters it owns (its own unit's rows), 10% increments of two counters every
  client shares (the same records, deliberately), each a read-modify-write of the version last
  shown, guarded by expected_version: a ConflictError (someone saved first) or a serialization
  failure means re-read and try again, as the GUI does after showing the conflict;
* 20% inserts and 10% deletes of its own events.

Every fifth client runs its transactions at SERIALIZABLE (as on a server configured with
default_transaction_isolation = serializable), the others at PostgreSQL's default READ COMMITTED, so
both the optimistic version check and serialization-failure retries are exercised. After an error a
client first re-reads whether its write committed anyway (an error can come after the commit, while
save_row re-reads the row it returns) and retries only when it did not. At the end every
counter must equal the increments its clients had acknowledged, every row version must match, the
audit log must hold one line per acknowledged change, and every acknowledged event must be there.
LIANGXIN_PG_CLIENTS / LIANGXIN_PG_WRITES change the size (LIANGXIN_PG_SERIALIZABLE_EVERY=0: none
at SERIALIZABLE). Figures go to docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
P = "2025-10"
EVENT_PERIODS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 13) if f"{y}-{m:02d}" != P]  # few rows each
SHARED_UNIT, SHARED_KEYS = "371002001", ("shared0", "shared1")
OWN_KEYS = tuple(f"own{k}" for k in range(5))
CLIENTS = int(os.environ.get("LIANGXIN_PG_CLIENTS", "10"))
WRITES = int(os.environ.get("LIANGXIN_PG_WRITES", "2000"))
SERIALIZABLE_EVERY = int(os.environ.get("LIANGXIN_PG_SERIALIZABLE_EVERY", "5"))  # 0: none at SERIALIZABLE


def client_unit(c: int) -> str:
    return f"3710029{c:02d}"


def counter_values(name: str) -> dict:
    """A counter is an event row whose visitors figure counts acknowledged increments."""
    return {"date": "2025-10-08", "type": "其他", "name": name, "visitors": 0}


# ---- one client process ---------------------------------------------------------------------------


def _pg_code(exc: BaseException) -> str | None:
    for candidate in (getattr(exc, "orig", None), exc.__cause__, exc.__context__):  # peewee keeps the driver's error
        code = getattr(candidate, "pgcode", None)
        if code:
            return code
    return None


def client(url: str, c: int, writes: int, seed: int) -> None:
    """Run one township's writes and print its tallies as one JSON line."""
    from peewee import IntegrityError, OperationalError

    from models import db as m
    from models.database import open_database
    from models.entries import delete_row, save_row, stored_entries
    from models.errors import ConflictError

    open_database(url)
    serializable = c % SERIALIZABLE_EVERY == 0 if SERIALIZABLE_EVERY else False
    if serializable:
        m.database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE")
    rng = random.Random(seed)
    unit = client_unit(c)
    tally = {"client": c, "serializable": serializable, "own": Counter(), "shared": Counter(), "inserted": [],
             "deleted": [], "conflicts": 0, "serialization_failures": 0, "deadlocks": 0, "other_retries": 0, "raised_after_commit": 0,
             "most_attempts": 1, "latencies": []}
    print("ready", flush=True)
    sys.stdin.readline()  # start together, for the most contention

    def until_answered(query):
        """Run a read, retrying the serialization failures a read can meet at SERIALIZABLE."""
        while True:
            try:
                return query()
            except OperationalError:
                tally["serialization_failures"] += 1

    def retrying(write, landed) -> None:
        """Write until it gets through; after an error, first look whether the write committed anyway."""
        began = time.perf_counter()
        for attempt in range(1, 10_000):
            try:
                write()
                break
            except ConflictError:
                tally["conflicts"] += 1  # refused before anything was written: re-read and retry
            except (OperationalError, IntegrityError) as exc:
                code = _pg_code(exc)
                key = {"40001": "serialization_failures", "40P01": "deadlocks"}.get(code, "other_retries")
                tally[key] += 1
                if key == "other_retries" and tally[key] > 100:
                    raise
                if until_answered(landed):
                    tally["raised_after_commit"] += 1  # the error came after the commit: the write stands
                    break
            time.sleep(rng.uniform(0, 0.002 * min(attempt, 10)))  # back off a little, then re-read
        else:
            raise AssertionError("a write never got through")
        tally["most_attempts"] = max(tally["most_attempts"], attempt)
        tally["latencies"].append(time.perf_counter() - began)

    shown: dict[tuple[str, str], tuple[int, int]] = {}  # what this client's screen shows: (version, value)

    def increment(unit_code: str, key: str) -> None:
        read: dict = {}

        def write():
            if (unit_code, key) not in shown:  # (re-)read only when the shown row may be stale
                entry = stored_entries(unit_code, P, "events")[key]
                shown[(unit_code, key)] = (entry.version, json.loads(entry.data)["visitors"])
            version, read["value"] = shown.pop((unit_code, key))
            row = save_row(unit_code=unit_code, period=P, form_id="events", row_key=key,  # write if unchanged since
                           values={"visitors": read["value"] + 1}, user=f"client{c}", expected_version=version)
            shown[(unit_code, key)] = (row.version, row.values["visitors"])

        def landed():
            # Each value is reached once per counter, so the audit line (same transaction) names the writer.
            return "value" in read and m.AuditLog.select().where(
                m.AuditLog.entity_key == f"{unit_code}/{P}/{key}", m.AuditLog.field == "visitors",
                m.AuditLog.new == str(read["value"] + 1), m.AuditLog.user == f"client{c}").exists()

        retrying(write, landed)

    def stored(period: str, key: str) -> bool:
        return m.Entry.select().where(m.Entry.unit == unit, m.Entry.period == period, m.Entry.form_id == "events",
                                      m.Entry.row_key == key).exists()

    def insert(period: str, key: str, values: dict) -> None:
        retrying(lambda: save_row(unit_code=unit, period=period, form_id="events", row_key=key, values=values,
                                  user=f"client{c}", expected_version=0),
                 lambda: stored(period, key))

    def delete(period: str, key: str) -> None:
        retrying(lambda: delete_row(unit_code=unit, period=period, form_id="events", row_key=key, user=f"client{c}"),
                 lambda: not stored(period, key))

    own_events: list[tuple[str, str]] = []
    for i in range(writes):
        r = rng.random()
        if r < 0.10:
            key = rng.choice(SHARED_KEYS)
            increment(SHARED_UNIT, key)
            tally["shared"][key] += 1
        elif r < 0.70:
            key = rng.choice(OWN_KEYS)
            increment(unit, key)
            tally["own"][key] += 1
        elif r < 0.90 or not own_events:
            period, key = rng.choice(EVENT_PERIODS), f"c{c}e{i}"
            values = {"date": f"{period}-{1 + i % 28:02d}", "type": "家电以旧换新", "name": f"活动{c}-{i}",
                      "visitors": i, "deals": i % 50}
            insert(period, key, values)
            own_events.append((period, key))
            tally["inserted"].append([period, key])
        else:
            period, key = own_events.pop(rng.randrange(len(own_events)))
            delete(period, key)
            tally["deleted"].append([period, key])
    print(json.dumps(tally), flush=True)


# ---- the test -------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


@pytest.mark.slow
@pytest.mark.postgres
def test_concurrent_clients_lose_no_update(pg_url, capsys):
    from models import db as m
    from models.database import close_database, integrity_problems, open_database
    from models.entries import save_row
    from models.units import add_unit
    from tests.conftest import DISTRICT, _seed_town_database
    from tests.reliability_report import machine, table, write_section

    open_database(pg_url)
    _seed_town_database()
    for key in SHARED_KEYS:
        save_row(unit_code=SHARED_UNIT, period=P, form_id="events", row_key=key, values=counter_values(key))
    for c in range(CLIENTS):
        add_unit(code=client_unit(c), name=f"测试街道{c}", level="town", parent_code=DISTRICT)
        for key in OWN_KEYS:
            save_row(unit_code=client_unit(c), period=P, form_id="events", row_key=key, values=counter_values(key))
    close_database()

    seed = int(os.environ.get("LIANGXIN_PG_SEED", random.randrange(1 << 30)))
    load = os.getloadavg()[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, __file__, "client", pg_url, str(c), str(WRITES), str(seed + c)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                              env=env, text=True) for c in range(CLIENTS)]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    began, cpu_before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    tallies = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        tallies.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.perf_counter() - began
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)

    open_database(pg_url)
    try:
        assert integrity_problems() == []
        stored = {(e.unit_id, e.period, e.row_key): e for e in m.Entry.select().where(m.Entry.form_id == "events")}
        edits = Counter((a.entity_key, a.field) for a in m.AuditLog.select().where(
            m.AuditLog.action == "edit", m.AuditLog.entity == "events"))
        deletes = Counter(a.entity_key for a in m.AuditLog.select().where(m.AuditLog.action == "delete"))

        def check_counter(unit_code: str, key: str, acknowledged: int) -> None:
            entry = stored[(unit_code, P, key)]
            value = json.loads(entry.data)["visitors"]
            assert value == acknowledged, f"{unit_code}/{key}: {value} stored, {acknowledged} acknowledged"
            assert entry.version == 1 + acknowledged, f"{unit_code}/{key}: version {entry.version}"
            assert edits[(f"{unit_code}/{P}/{key}", "visitors")] == acknowledged + 1  # one line per change

        for key in SHARED_KEYS:
            check_counter(SHARED_UNIT, key, sum(t["shared"].get(key, 0) for t in tallies))
        for t in tallies:
            unit = client_unit(t["client"])
            for key in OWN_KEYS:
                check_counter(unit, key, t["own"].get(key, 0))
            deleted = {tuple(d) for d in t["deleted"]}
            for period, key in map(tuple, t["inserted"]):
                assert ((unit, period, key) in stored) != ((period, key) in deleted), f"event {unit}/{period}/{key}"
                assert edits[(f"{unit}/{period}/{key}", "name")] == 1
            for period, key in deleted:
                assert deletes[f"{unit}/{period}/{key}"] == 1
            extra = {k for k in stored if k[0] == unit and k[2] not in OWN_KEYS} - {
                (unit, p, k) for p, k in map(tuple, t["inserted"])}
            assert not extra, f"events nobody acknowledged: {sorted(extra)[:3]}"
    finally:
        close_database()

    total = sum(len(t["latencies"]) for t in tallies)
    shared = sum(sum(t["shared"].values()) for t in tallies)
    latencies = [x for t in tallies for x in t["latencies"]]
    rows = [
        ("clients (processes) × writes each", f"{CLIENTS} × {WRITES}"),
        ("writes acknowledged", total),
        ("… on the two shared records (read-modify-write with expected_version)", f"{shared} ({shared / total:.0%})"),
        ("… own counters / event inserts / event deletes",
         " / ".join(str(sum(len(t[k]) if isinstance(t[k], list) else sum(t[k].values()) for t in tallies))
                    for k in ("own", "inserted", "deleted"))),
        ("version conflicts (ConflictError), re-read and retried", sum(t["conflicts"] for t in tallies)),
        ("serialization failures (SQLSTATE 40001), retried", sum(t["serialization_failures"] for t in tallies)),
        ("deadlocks (40P01) / other errors retried",
         f"{sum(t['deadlocks'] for t in tallies)} / {sum(t['other_retries'] for t in tallies)}"),
        ("most attempts for one write", max(t["most_attempts"] for t in tallies)),
        ("errors raised after the write had committed (found by re-reading, not retried): "
         "at SERIALIZABLE / READ COMMITTED",
         " / ".join(str(sum(t["raised_after_commit"] for t in tallies if t["serializable"] is s)) for s in (True, False))),
        ("lost updates / missing or extra rows / audit lines missing", "0 / 0 / 0"),
        ("write latency incl. retries: median / 95th percentile / max",
         f"{_percentile(latencies, 0.5) * 1000:.0f} / {_percentile(latencies, 0.95) * 1000:.0f} / "
         f"{max(latencies) * 1000:.0f} ms"),
        ("throughput", f"{total / seconds:.0f} writes/s over {seconds:.1f} s"),
        ("CPU time of the client processes, start-up included (the server's not counted)",
         f"{client_cpu:.0f} s, {client_cpu / total * 1000:.1f} ms per write"),
    ]
    write_section("pg-load", "Shared PostgreSQL: concurrent clients (tests/test_pg_load.py)",
                  f"PostgreSQL server on 127.0.0.1 (same machine); seed {seed}; {machine(load)}; "
                  f"{sum(t['serializable'] for t in tallies)} of the clients at SERIALIZABLE, the others at "
                  f"READ COMMITTED.\n\n{table(rows)}")
    with capsys.disabled():
        print("\n" + "\n".join(f"  {k}: {v}" for k, v in rows))


if __name__ == "__main__" and sys.argv[1:2] == ["client"]:
    client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
