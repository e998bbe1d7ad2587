"""`liangxin screenshot --out DIR` renders every main page with sample data, offscreen, in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from desktop.screenshot import DISTRICT_PAGES, TOWN_PAGES

ROOT = Path(__file__).resolve().parents[1]


def test_screenshot_renders_every_page(tmp_path):
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LIANGXIN_DATA_DIR": str(tmp_path / "user")}
    done = subprocess.run([sys.executable, "-m", "desktop.launcher", "screenshot", "--out", str(out), "--size", "1280x800"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {"wizard-plan.png", *(f"town-{k}.png" for k in TOWN_PAGES), *(f"district-{k}.png" for k in DISTRICT_PAGES),
                "town-dashboard-full.png", "district-dashboard-full.png", "district-merge-full.png"}
    assert {p.name for p in out.iterdir()} == expected
    whole_pages = {n for n in expected if n.endswith("-full.png")}
    for name in expected - {"wizard-plan.png", *whole_pages}:
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == (1280, 800), name
        colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
        assert len(colours) > 20, f"{name} looks blank"
    for name in whole_pages:  # the page as long as it is, below the fold too
        assert QImage(str(out / name)).height() > 800, name
    assert not (tmp_path / "user" / "settings.ini").exists()  # the user's own settings were not touched
