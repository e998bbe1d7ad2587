"""PostgreSQL's driver is loaded when a PostgreSQL database is opened, not at every start, and then works as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What peewee holds of psycopg2, whichever way it got it.
DRIVER_STATE = """
import json, peewee
a = peewee.Psycopg2Adapter
print(json.dumps({"driver": getattr(peewee.psycopg2, "__name__", None),
                  "extensions": getattr(peewee.pg_extensions, "__name__", None),
                  "json": getattr(peewee.Json_pg2, "__qualname__", None),
                  "txn": [getattr(a, n, None) for n in ("txn_idle", "txn_inerror", "txn_unknown")]}))
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_starting_the_program_on_sqlite_does_not_load_the_postgres_driver(tmp_path):
    out = _run(
        "import sys\n"
        "from desktop.app import create_app, create_main_window\n"
        "from models.database import open_database\n"
        "from desktop.sample import make_sample_database\n"
        "import reports.merge, reports.returns, models.entries\n"
        "make_sample_database(sys.argv[1], level='town', period='2025-10')\n"
        "import peewee\n"
        "print(sorted(n for n in ('psycopg2', 'psycopg', 'ssl') if n in sys.modules), peewee.psycopg2)",
        str(tmp_path / "town.sqlite3"),
    )
    assert out == "[] None"


def test_opening_postgres_gives_peewee_the_driver_as_its_own_import_would(pg_url):
    normal = json.loads(_run("import psycopg2\n" + DRIVER_STATE))
    assert normal["driver"] == "psycopg2" and None not in normal["txn"]  # the reference really has the driver
    lazy = json.loads(_run(
        "import sys\n"
        "import models\n"
        "import peewee\n"
        "assert peewee.psycopg2 is None and 'psycopg2' not in sys.modules\n"
        "from models.database import open_database, close_database\n"
        "from models.units import initialise, get_setting, set_setting\n"
        "open_database(sys.argv[1])\n"
        "initialise(plan_id='huancui', unit_code='371002001', unit_name='环翠楼街道', level='town',\n"
        "           parent_code='371002', parent_name='环翠区')\n"
        "set_setting('probe', '写入')\n"
        "close_database(); open_database(sys.argv[1])\n"
        "assert get_setting('probe') == '写入'\n"
        "close_database()\n" + DRIVER_STATE,
        pg_url,
    ))
    assert lazy == normal


def test_the_driver_is_not_hidden_once_loaded():
    out = _run("import psycopg2, models, peewee; print(peewee.psycopg2 is psycopg2)")
    assert out == "True"
