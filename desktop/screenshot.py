"""`liangxin screenshot --out DIR`: render every main page with sample data to PNG, offscreen.

Everything happens in a temporary folder (databases, settings, exported returns); the user's own data
and settings are never touched. Qt is imported only when the command runs, so the command line stays quick.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

TOWN_PAGES = ("tasks", "events", "figures", "returns", "dashboard", "settings")
DISTRICT_PAGES = ("merge", "dashboard")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add `liangxin screenshot` to the command line."""
    p = sub.add_parser("screenshot", help="render every main page with sample data to PNG (offscreen)")
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="interface language")
    p.add_argument("--size", default="1440x900", help="window size in pixels, e.g. 1440x900")
    p.add_argument("--scale", type=float, default=1.0, help="device pixel ratio (2 for a high-DPI rendering)")
    p.add_argument("--period", default="2025-10", help="the reporting month shown")


def run(args: argparse.Namespace) -> int:
    """Render the pages; print each file written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.lower().split("x"))
    from models.database import data_dir_at

    with tempfile.TemporaryDirectory(prefix="liangxin-shots-") as tmp, data_dir_at(Path(tmp) / "userdata"):
        files = render_all(out, Path(tmp), lang=args.lang, size=(width, height), period=args.period)
    for f in files:
        print(f)
    return 0


def render_all(out: Path, work: Path, *, lang: str, size: tuple[int, int], period: str) -> list[Path]:
    """Build the sample databases and render the wizard, the town's pages and the district's pages."""
    from PySide6.QtWidgets import QApplication

    from desktop.app import create_app, create_main_window
    from desktop.i18n import install_language
    from desktop.options import set_option
    from desktop.sample import make_sample_database

    set_option("language", lang)
    set_option("user_name", "张晓燕")
    app = create_app()
    install_language(lang)
    files = [_wizard(out, size)]

    earlier, returned = _township_returns(work / "returned", period)
    make_sample_database(work / "town.sqlite3", level="town", period=period)
    set_option("export_dir", str(work / "两新报表"))
    window = create_main_window(period=period, user="张晓燕")
    files += _pages(window, out, "town", TOWN_PAGES, size, app)
    window.close()

    make_sample_database(work / "district.sqlite3", level="district", period=period, fill_towns=False)
    from reports.merge import merge

    merge(earlier, user="刘审核")  # January to last month arrived earlier; this month's files are dropped below
    window = create_main_window(period=period, user="刘审核")
    merge_page = window.show_page("merge")
    merge_page.add_files([str(p) for p in returned])
    op = merge_page.run_merge(dry_run=False)
    while op is not None and not op.done:
        app.processEvents()
    files += _pages(window, out, "district", DISTRICT_PAGES, size, app)
    window.close()
    QApplication.processEvents()
    return files


def _settle(app, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def _pages(window, out: Path, prefix: str, keys, size, app) -> list[Path]:
    window.resize(*size)
    window.show()
    files = []
    for key in keys:
        page = window.show_page(key)
        _settle(app)
        if key == "tasks" and page.model.findings():
            r, f = page.model.findings()[0]
            page.select_cell(r, f.field or page.model.first_input_key)
        if key == "returns" and prefix == "town":  # show a finished export with its open buttons
            op = page.export()
            while not op.done:
                app.processEvents()
        if key == "events":
            page.start_new_event()
            page.table.closePersistentEditor(page.table.currentIndex())
            page.table.setCurrentIndex(page.model.index(0, 2))
        _settle(app)
        path = out / f"{prefix}-{key}.png"
        window.grab().save(str(path))
        files.append(path)
        if key in ("dashboard", "merge"):  # the whole page, below the fold too
            if key == "merge":  # with the first township that changed since last month opened
                opened = next((u for u in page.changes.report.units if u.changes), None)
                if opened is not None:
                    page.changes.unit_item(opened.unit_code).setExpanded(True)
            page.body.resize(page.body.width(), page.body.sizeHint().height())
            _settle(app)
            full = out / f"{prefix}-{key}-full.png"
            page.body.grab().save(str(full))
            files.append(full)
    return files


def _wizard(out: Path, size) -> Path:
    from PySide6.QtWidgets import QApplication

    from desktop.app import describe_target
    from desktop.wizard import PAGE_PLAN, FirstRunWizard
    from models.database import default_database_path

    wizard = FirstRunWizard(database_label=describe_target(str(default_database_path())))
    wizard.show()
    while wizard.currentId() != PAGE_PLAN:
        wizard.next()
    _settle(QApplication.instance())
    path = out / "wizard-plan.png"
    wizard.grab().save(str(path))
    wizard.close()
    return path


def _township_returns(folder: Path, period: str) -> tuple[list[Path], list[Path]]:
    """Export three townships' returns from their own databases: the months before, and this month's files
    plus one that is not a return."""
    from desktop.sample import DISTRICT, TOWNS, fill_unit
    from models.database import close_database, open_database
    from models.periods import months_to_date
    from models.units import initialise
    from reports.returns import export_return

    folder.mkdir(parents=True, exist_ok=True)
    earlier, files = [], []
    for i, (code, name) in enumerate(TOWNS[:3]):
        open_database(folder.parent / f"{code}.sqlite3")
        initialise(plan_id="huancui", unit_code=code, unit_name=name, level="town", parent_code=DISTRICT[0],
                   parent_name=DISTRICT[1])
        fill_unit(unit_code=code, period=period, seed=i, events=3 + i, scale=0.4 + 0.2 * i, flaws=i == 1)
        for month in months_to_date(period)[:-1]:
            earlier.append(export_return(unit_code=code, period=month, out_dir=folder.parent / "earlier").path)
        files.append(export_return(unit_code=code, period=period, out_dir=folder).path)
        close_database()
    bogus = folder / "竹岛街道10月报表（错误格式）.xlsx"
    bogus.write_text("这不是一个 Excel 文件", encoding="utf-8")
    return earlier, [*files, bogus]
