"""Refresh resources/i18n/*.ts from the source (pyside6-lupdate), keeping the translations already made.

    python -m desktop.update_translations      # then translate the new entries in Qt Linguist

The .ts files are the sources under version control; .qm files are compiled from them at build time
(build.spec) or, in a source checkout, on first use into the user's data folder (desktop.i18n.qm_file).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.i18n import DEFAULT_LANGUAGE, LANGUAGES, ts_file

OTHERS = {"crash.py", "logsetup.py", "selftest.py", "update_translations.py"}


def lupdate_program() -> Path:
    """Qt's lupdate, shipped inside the PySide6-Essentials wheel."""
    import PySide6

    folder = Path(PySide6.__file__).parent
    for name in ("lupdate.exe", "lupdate", "Qt/libexec/lupdate"):
        if (folder / name).exists():
            return folder / name
    raise SystemExit("lupdate not found: install PySide6-Essentials")


def main() -> int:
    """Run lupdate over desktop/*.py for every translated language."""
    sources = [str(p) for p in sorted(Path(__file__).parent.glob("*.py")) if p.name not in OTHERS]
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        subprocess.run([str(lupdate_program()), *sources, "-ts", str(ts_file(lang)), "-no-obsolete",
                        "-locations", "none", "-target-language", lang], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
