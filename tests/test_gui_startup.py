"""Start-up stays lean: the desktop program loads no validation library, report writers or charts to show its window."""

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop.style import CJK_FAMILIES

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from PySide6.QtGui import QFontInfo
from desktop.app import create_app, create_main_window
app = create_app()
window = create_main_window(db=sys.argv[1], period="2025-10")
window.show()
app.processEvents()
heavy = ("pydantic", "xlsxwriter", "python_calamine", "openpyxl", "PySide6.QtCharts", "reports.returns",
         "playhouse.migrate")
print(json.dumps({"loaded": [name for name in heavy if name in sys.modules], "title": window.windowTitle(),
                  "font": QFontInfo(app.font()).family(), "painted": not window.grab().isNull()}))
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
    assert out["painted"]
    assert out["font"] in CJK_FAMILIES  # the first preferred Chinese font that is installed (font matching picks it)


def test_a_districts_window_shows_its_townships_sums_without_the_excel_writer(district_db, tmp_path):
    from models.database import close_database
    from models.entries import replace_period_data
    from tests.conftest import TOWN

    replace_period_data(unit_code=TOWN, period="2025-10", data={"figures": [{"row_key": "used_car_trades", "current": "7"}]})
    close_database()
    out = _run(PROBE, str(district_db), tmp_path=tmp_path)  # its 任务进展 page adds up the townships (reports.district)
    assert out["loaded"] == [] and out["painted"]
