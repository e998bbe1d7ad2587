"""Simplified Chinese by default; English through Qt's translation files, compiled from resources/i18n/*.ts."""

import ast
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from desktop.i18n import compile_ts, install_language, qm_file, ts_file
from desktop.options import set_option
from tests.gui_support import make_window

ROOT = Path(__file__).resolve().parents[1]
OTHERS = {"crash.py", "logsetup.py", "selftest.py"}  # other people's modules, with their own contexts


def marked_strings() -> dict[str, str]:
    """Every literal passed to tr() or QT_TRANSLATE_NOOP() in the desktop package, with where it is."""
    found = {}
    for path in sorted((ROOT / "desktop").glob("*.py")):
        if path.name in OTHERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = node.args
                if node.func.id == "tr" and args and isinstance(args[0], ast.Constant):
                    found[args[0].value] = f"{path.name}:{node.lineno}"
                elif node.func.id == "QT_TRANSLATE_NOOP" and len(args) == 2 and isinstance(args[1], ast.Constant):
                    found[args[1].value] = f"{path.name}:{node.lineno}"
    return found


def translations() -> dict[str, str]:
    tree = ET.parse(ts_file("en"))
    return {m.findtext("source"): (m.findtext("translation") or "", m.find("translation").get("type"))
            for m in tree.iter("message")}


def test_every_interface_string_has_an_english_translation():
    english = translations()
    missing = {s: where for s, where in marked_strings().items() if s not in english}
    assert missing == {}, "run pyside6-lupdate desktop/*.py -ts resources/i18n/liangxin_en.ts and translate"
    unfinished = [s for s, (text, kind) in english.items() if kind == "unfinished" or not text]
    assert unfinished == []
    for source, (text, _) in english.items():
        for placeholder in ("{n}", "{period}", "{error}", "{label}", "{path}", "{name}", "{code}"):
            assert (placeholder in source) == (placeholder in text), (source, text)


def test_lrelease_compiles_the_sources(tmp_path):
    qm = compile_ts(ts_file("en"), tmp_path / "liangxin_en.qm")
    assert qm.stat().st_size > 1000


@pytest.fixture
def english(sqlite_db):
    set_option("language", "en")
    assert install_language("en")
    yield
    install_language("zh_CN")


def test_the_window_speaks_english_when_chosen(english, qtbot):
    assert qm_file("en") is not None
    window = make_window(qtbot)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["Task progress", "Promotion events", "Recycling & trade-in", "Returns", "Merge", "Dashboard",
                      "Settings"]
    assert window.period_bar.chip.text() == "Open"
    page = window.show_page("returns")
    assert page.submit_button.text() == "Submit and lock the month"
    assert window.windowTitle().startswith("LiangXin Reporter — ")


def test_chinese_is_the_default(sqlite_db, qtbot):
    window = make_window(qtbot)
    assert window.nav.item(0).text() == "任务进展"
    assert window.period_bar.chip.text() == "填报中"


def test_the_cores_verdicts_and_states_are_marked_for_translation():
    from desktop.i18n import CORE_WORDS
    from reports.completeness import STATE_LABELS
    from reports.merge import VERDICT_LABELS

    assert set(VERDICT_LABELS.values()) | set(STATE_LABELS.values()) <= set(CORE_WORDS)


def test_the_merge_page_shows_verdicts_and_states_in_english(tmp_path, qtbot):
    from tests.gui_support import wait_op
    from tests.test_gui_merge import district_database, township_returns

    files = township_returns(tmp_path, count=1)
    bogus = tmp_path / "returned" / "not-a-return.xlsx"
    bogus.write_text("hello", encoding="utf-8")
    district_database(tmp_path / "district.sqlite3")
    set_option("language", "en")
    assert install_language("en")
    try:
        page = make_window(qtbot, user="reviewer").show_page("merge")
        page.add_files([*files, bogus])
        wait_op(qtbot, page.run_merge(dry_run=False))
        verdicts = {page.verdicts.item(r, 0).text(): page.verdicts.item(r, 4).text() for r in range(2)}
        assert verdicts == {files[0].name: "Accepted", bogus.name: "Rejected"}
        assert page.banner.text.text() == "Merged: Accepted 1, Rejected 1."
        grid = page.completeness
        headers = [grid.horizontalHeaderItem(c).text() for c in range(grid.columnCount())]
        states = {grid.item(r, 0).text(): grid.item(r, headers.index("Completeness")).text() for r in range(grid.rowCount())}
        assert set(states.values()) == {"Reported", "Missing"} and len(states) == 3
    finally:
        install_language("zh_CN")


def test_a_dashboard_table_wider_than_the_page_still_shows_its_last_row(english, qtbot):
    from PySide6.QtWidgets import QTableWidget

    window = make_window(qtbot)
    window.resize(1000, 700)  # the narrowest window: English headings make the figures table wider than the page
    page = window.show_page("dashboard")
    table = page.findChild(QTableWidget, "FiguresTable")
    qtbot.waitUntil(lambda: table.horizontalScrollBar().isVisible())
    last = table.rowCount() - 1

    def last_row_shown() -> bool:
        return table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()

    qtbot.waitUntil(last_row_shown)
