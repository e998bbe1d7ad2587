"""The core (models, forms, reports) never imports Qt."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BLOCK_QT = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6", "desktop")):
            raise ImportError(f"the core imported {name}")
sys.meta_path.insert(0, Block())
import models, forms, reports
import models.database, models.entries, models.loader, models.units, forms.validate, reports.cli
import pkgutil, importlib
for pkg in (models, forms, reports):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(info.name)
print("ok")
"""


def test_core_imports_with_pyside_blocked():
    out = subprocess.run([sys.executable, "-c", BLOCK_QT], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_no_core_module_mentions_pyside():
    hits = [str(p) for d in ("models", "forms", "reports") for p in (ROOT / d).rglob("*.py")
            if "PySide6" in p.read_text(encoding="utf-8")]
    assert hits == []
