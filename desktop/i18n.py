"""Translations through Qt: Simplified Chinese is the source language, English comes from resources/i18n/*.ts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from models.database import data_dir
from models.resources import resource_path

LANGUAGES = {"zh_CN": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
_installed: list[QTranslator] = []


def tr(text: str) -> str:
    """Translate a source string (Chinese) into the interface language; lupdate extracts every tr("…")."""
    return QCoreApplication.translate("", text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802  (the name lupdate looks for)
    """Mark a string for translation where it is declared; tr() translates it where it is shown."""
    return text


LEVEL_NAMES = {"town": QT_TRANSLATE_NOOP("", "镇街"), "district": QT_TRANSLATE_NOOP("", "区县"),
               "city": QT_TRANSLATE_NOOP("", "市")}


# The merge's verdicts and the completeness states (reports.merge.VERDICT_LABELS, reports.completeness.STATE_LABELS)
# stay Chinese for the command line and the Excel sheets; the screens show them through tr(). Listed here for lupdate;
# tests/test_gui_i18n.py checks that every one of them is.
CORE_WORDS = (QT_TRANSLATE_NOOP("", "已接收"), QT_TRANSLATE_NOOP("", "已替换旧版"), QT_TRANSLATE_NOOP("", "重复（已忽略）"),
              QT_TRANSLATE_NOOP("", "冲突（待审核员决定）"), QT_TRANSLATE_NOOP("", "拒收"), QT_TRANSLATE_NOOP("", "已报"),
              QT_TRANSLATE_NOOP("", "已退回"), QT_TRANSLATE_NOOP("", "冲突待定"), QT_TRANSLATE_NOOP("", "被拒收"),
              QT_TRANSLATE_NOOP("", "未报"))


def level_name(level: str) -> str:
    """A unit level (town, district, city) in the interface language."""
    return tr(LEVEL_NAMES.get(level, level))


def ts_file(lang: str) -> Path:
    """Return the translation source of a language."""
    return resource_path("resources", "i18n", f"liangxin_{lang}.ts")


def lrelease_program() -> Path | None:
    """Return Qt's lrelease, which ships inside the PySide6-Essentials wheel."""
    import PySide6

    folder = Path(PySide6.__file__).parent
    for name in ("lrelease.exe", "lrelease", "Qt/libexec/lrelease"):
        if (folder / name).exists():
            return folder / name
    wrapper = Path(sys.executable).parent / ("pyside6-lrelease.exe" if os.name == "nt" else "pyside6-lrelease")
    return wrapper if wrapper.exists() else None


def compile_ts(ts: Path, qm: Path) -> Path:
    """Compile one .ts source into a .qm file with lrelease; raise RuntimeError saying why not."""
    import subprocess  # only when a translation must be compiled, not at every start

    program = lrelease_program()
    if program is None:
        raise RuntimeError("lrelease not found: install PySide6-Essentials")
    qm.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([str(program), "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True)
    if done.returncode != 0 or not qm.exists():
        raise RuntimeError(f"lrelease failed on {ts}: {done.stderr.strip() or done.stdout.strip()}")
    return qm


def qm_file(lang: str) -> Path | None:
    """Return the compiled translation of a language: built beside the .ts, else compiled into the data folder."""
    ts = ts_file(lang)
    built = ts.with_suffix(".qm")
    if built.exists() and (not ts.exists() or built.stat().st_mtime >= ts.stat().st_mtime):
        return built
    if not ts.exists():
        return None
    cached = data_dir() / "i18n" / built.name
    if cached.exists() and cached.stat().st_mtime >= ts.stat().st_mtime:
        return cached
    try:
        return compile_ts(ts, cached)
    except (RuntimeError, OSError):
        return None


def install_language(lang: str) -> bool:
    """Install the program's and Qt's own translators for a language; Chinese needs only Qt's."""
    app = QCoreApplication.instance()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_base = QTranslator(app)
    if qt_base.load(QLocale(lang), "qtbase", "_", qt_dir):
        app.installTranslator(qt_base)
        _installed.append(qt_base)
    if lang == DEFAULT_LANGUAGE:
        return True
    qm = qm_file(lang)
    ours = QTranslator(app)
    if qm is None or not ours.load(str(qm)):
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    return True
