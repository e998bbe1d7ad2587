"""Start-up stays lean: the desktop program loads no PostgreSQL driver, pydantic or report writers to show its window,
and still reaches a PostgreSQL database when one is chosen."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from desktop.app import create_app, create_main_window
app = create_app()
window = create_main_window(db=sys.argv[1], period="2025-10")
window.show()
app.processEvents()
heavy = ("psycopg2", "pydantic", "xlsxwriter", "python_calamine", "openpyxl", "PySide6.QtCharts", "reports.returns",
         "playhouse.migrate")
print(json.dumps({"loaded": [name for name in heavy if name in sys.modules], "title": window.windowTitle()}))
"""

PG_PROBE = """
import json, sys
import desktop.app  # as the program starts: peewee without the driver
assert "psycopg2" not in sys.modules
from models.database import close_database, open_database
from models.units import get_setting, set_setting
open_database(sys.argv[1])
set_setting("signatory_head", "王局长", user="test")
close_database()
open_database(sys.argv[1])
print(json.dumps({"head": get_setting("signatory_head")}))
close_database()
"""


def _run(code: str, *args: str, tmp_path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LIANGXIN_DATA_DIR": str(tmp_path / "user")}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_main_window_opens_without_the_heavy_libraries(sqlite_db, tmp_path):
    from models.database import close_database

    close_database()
    out = _run(PROBE, str(sqlite_db), tmp_path=tmp_path)
    assert out["loaded"] == []
    assert out["title"].startswith("两新填报 — ")


def test_a_postgresql_database_works_when_the_driver_was_deferred(pg_url, tmp_path):
    out = _run(PG_PROBE, pg_url, tmp_path=tmp_path)
    assert out == {"head": "王局长"}
