"""`liangxin selftest`: prove an installed (or frozen) program works end to end, step by step.

Every step runs on temporary databases and files, never on the user's own data. The core steps
(database … merge) need no Qt; only the `qt` and `window` steps import PySide6. A step whose module is
not in this build fails with "not available" — it never passes silently.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("liangxin.selftest")

PERIOD = "2025-10"
PLAN_ID = "huancui"
TOWN, TOWN_NAME = "371002001", "环翠楼街道"
DISTRICT, DISTRICT_NAME = "371002", "环翠区"
USER = "selftest"


class NotAvailable(Exception):
    """A step's module is not part of this build (yet)."""


class StepFailed(Exception):
    """A step ran and found something wrong."""


@dataclass
class Context:
    """What the steps hand to each other: the working folder and what earlier steps made."""

    workdir: Path
    town_db: Path = field(init=False)
    district_db: Path = field(init=False)
    town_hash: str = ""
    town_data: dict = field(default_factory=dict)
    return_path: Path | None = None
    return_file: object = None

    def __post_init__(self) -> None:
        self.town_db = self.workdir / "town.sqlite3"
        self.district_db = self.workdir / "district.sqlite3"


@dataclass
class StepResult:
    """One step's outcome: passed, failed, or not run because a step it needs did not pass."""

    name: str
    status: str  # "pass" | "fail" | "not run"
    detail: str
    seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    """A named check, the steps it needs, and whether it needs Qt."""

    name: str
    title: str
    run: Callable[[Context], str]
    needs: tuple[str, ...] = ()
    qt: bool = False


# ---- finding other people's modules ------------------------------------------------------------


def find_function(module_name: str, names: tuple[str, ...], what: str) -> Callable:
    """Return the first of names defined in a module; NotAvailable says what is missing."""
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise NotAvailable(f"not available: {module_name} ({what}) is not in this build") from None
        raise
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    raise NotAvailable(f"not available: {module_name} ({what}) has none of {', '.join(names)}")


def call_with(fn: Callable, values: dict):
    """Call fn passing, by name, those of values its signature asks for; refuse a required one we lack."""
    args, kwargs = [], {}
    for p in inspect.signature(fn).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in values:
            if p.kind == p.POSITIONAL_ONLY:
                args.append(values[p.name])
            else:
                kwargs[p.name] = values[p.name]
        elif p.default is p.empty:
            raise NotAvailable(f"not available: {fn.__module__}.{fn.__qualname__} needs {p.name!r}, "
                               "which the selftest does not know how to give")
    return fn(*args, **kwargs)


# ---- the steps ---------------------------------------------------------------------------------


def _open(path: Path) -> None:
    from models.database import open_database

    open_database(path)


def step_database(ctx: Context) -> str:
    """Create a temporary SQLite database and check it."""
    from models.database import SCHEMA_VERSION, integrity_problems, schema_version

    _open(ctx.town_db)
    problems = integrity_problems()
    if problems:
        raise StepFailed("integrity check: " + "; ".join(problems))
    if schema_version() != SCHEMA_VERSION:
        raise StepFailed(f"schema version {schema_version()}, expected {SCHEMA_VERSION}")
    return f"temporary SQLite database, schema v{SCHEMA_VERSION}, integrity ok"


def step_plan(ctx: Context) -> str:
    """Load every built-in plan and form declaration, and make the town database use one plan."""
    from forms import all_forms
    from models.plans import BUILTIN_PLAN_IDS, builtin_plans, plans_dir
    from models.units import initialise, stored_plan

    plans = builtin_plans()
    missing = [p for p in BUILTIN_PLAN_IDS if p not in {plan.id for plan in plans}]
    if missing:
        raise StepFailed(f"built-in plan file(s) missing from {plans_dir()}: {', '.join(missing)}")
    forms = all_forms()
    _open(ctx.town_db)
    initialise(plan_id=PLAN_ID, unit_code=TOWN, unit_name=TOWN_NAME, level="town",
               parent_code=DISTRICT, parent_name=DISTRICT_NAME, user=USER)
    plan = stored_plan()
    if plan is None or plan.id != PLAN_ID or not plan.tasks:
        raise StepFailed(f"plan {PLAN_ID} was not stored")
    return (f"{len(plans)} built-in plans and {len(forms)} forms load; "
            f"plan {plan.id} ({len(plan.tasks)} tasks) installed for {TOWN} {TOWN_NAME}")


SAMPLE = {
    "tasks": [
        {"row_key": "1", "status": "推进中", "narrative": "已开展设备更新诊断服务 12 家"},
        {"row_key": "2", "status": "推进中", "achieved": 3, "narrative": "新增智能工厂 3 个",
         "next_steps": "年底前再建 3 个"},
    ],
    "events": [
        {"date": "2025-10-05", "type": "汽车下乡展销", "name": "=1+1 金秋车展", "place": "环翠楼广场",
         "organiser": "环翠楼街道", "enterprises": 12, "visitors": 1200, "deals": 85, "sales": 1234.5,
         "subsidies": 20},
    ],
    "figures": [
        {"row_key": "appliance_recycling", "current": 1200, "base_2023": 10000},
        {"row_key": "used_car_trades", "current": 86},
    ],
}


def step_entry(ctx: Context) -> str:
    """Enter a month of sample data row by row, read it back, validate and submit it."""
    from forms.validate import blocking
    from models.entries import canonical_data, content_hash, form_rows, save_row, submit_period, validate_period

    _open(ctx.town_db)
    for form_id, rows in SAMPLE.items():
        for row in rows:
            values = {k: v for k, v in row.items() if k != "row_key"}
            save_row(unit_code=TOWN, period=PERIOD, form_id=form_id, row_key=row.get("row_key"),
                     values=values, user=USER)
    task2 = next(r for r in form_rows(unit_code=TOWN, period=PERIOD, form_id="tasks") if r.row_key == "2")
    if float(task2.values["achieved"]) != 3 or not task2.values["narrative"].startswith("新增智能工厂"):
        raise StepFailed(f"task 2 read back as {task2.values}")
    events = form_rows(unit_code=TOWN, period=PERIOD, form_id="events")
    if [e.values["name"] for e in events] != ["=1+1 金秋车展"]:
        raise StepFailed(f"events read back as {[e.values for e in events]}")
    hard = blocking(validate_period(unit_code=TOWN, period=PERIOD))
    if hard:
        raise StepFailed("validation: " + "; ".join(str(f) for f in hard[:3]))
    submit_period(unit_code=TOWN, period=PERIOD, user=USER)
    ctx.town_data = canonical_data(unit_code=TOWN, period=PERIOD)
    ctx.town_hash = content_hash(ctx.town_data)
    count = sum(len(rows) for rows in SAMPLE.values())
    return f"{count} rows in {len(SAMPLE)} forms saved, read back, validated and submitted (hash {ctx.town_hash[:12]})"


def step_export(ctx: Context) -> str:
    """Export the town's return for the month with the program's own writer."""
    export = find_function("reports.returns", ("export_return", "write_return"), "the Excel return writer")
    _open(ctx.town_db)
    out_dir = ctx.workdir / "returns"
    out_dir.mkdir(exist_ok=True)
    result = call_with(export, {"unit_code": TOWN, "period": PERIOD, "out_dir": out_dir, "out": out_dir,
                                "folder": out_dir, "directory": out_dir, "user": USER})
    path = Path(getattr(result, "path", result)) if result is not None else None
    if path is None or not path.is_file():
        found = sorted(out_dir.glob("*.xlsx"))
        if len(found) != 1:
            raise StepFailed(f"the writer returned {result!r} and {out_dir} holds {len(found)} .xlsx files")
        path = found[0]
    stated = getattr(result, "content_hash", None)
    if stated is not None and stated != ctx.town_hash:
        raise StepFailed(f"the writer hashed the month as {stated[:12]}, the database as {ctx.town_hash[:12]}")
    with path.open("rb") as f:
        if f.read(4) != b"PK\x03\x04":
            raise StepFailed(f"{path.name} is not an .xlsx (zip) file")
    ctx.return_path = path
    return f"{path.name} ({path.stat().st_size:,} bytes)"


def step_read(ctx: Context) -> str:
    """Read the exported return back and compare it with the database."""
    read = find_function("reports.xlsx_reader", ("read_return", "read_workbook", "read_file"),
                         "the Excel return reader")
    rf = call_with(read, {"path": ctx.return_path, "file": ctx.return_path, "filename": ctx.return_path})
    for attr in ("unit_code", "period", "computed_hash"):
        if not hasattr(rf, attr):
            raise StepFailed(f"the reader returned {type(rf).__name__}, not a ReturnFile (no {attr})")
    if (rf.unit_code, rf.period) != (TOWN, PERIOD):
        raise StepFailed(f"read unit {rf.unit_code} period {rf.period}, expected {TOWN} {PERIOD}")
    if rf.computed_hash != ctx.town_hash:
        raise StepFailed(f"the data read back differs from the database (hash {rf.computed_hash[:12]} "
                         f"≠ {ctx.town_hash[:12]})")
    if getattr(rf, "edited_after_export", False):
        raise StepFailed("the reader thinks the file was edited after export")
    ctx.return_file = rf
    rows = sum(len(v) for v in rf.data.values())
    return f"{rf.unit_code} {rf.period}: {rows} rows, same content hash as the database"


def step_merge(ctx: Context) -> str:
    """Merge the return into a temporary district database and compare the district's copy."""
    from models.entries import canonical_data
    from models.units import add_unit, initialise

    merge = find_function("reports.merge", ("merge_files", "merge_returns", "merge"), "the district merge")
    _open(ctx.district_db)
    initialise(plan_id=PLAN_ID, unit_code=DISTRICT, unit_name=DISTRICT_NAME, level="district", user=USER)
    add_unit(code=TOWN, name=TOWN_NAME, level="town", parent_code=DISTRICT, user=USER)
    paths = [ctx.return_path]
    result = call_with(merge, {"paths": paths, "files": paths, "dry_run": False, "user": USER})
    verdicts = _verdicts(result)
    if verdicts != ["accepted"]:
        raise StepFailed(f"merge verdicts {verdicts}, expected ['accepted']")
    differences = compare_months(ctx.town_data, canonical_data(unit_code=TOWN, period=PERIOD))
    if differences:
        raise StepFailed(f"the district's copy of {TOWN} {PERIOD} differs from the town's: " + "; ".join(differences[:5]))
    return f"accepted into the district database {DISTRICT}; the district's copy matches the town's"


def compare_months(town: dict[str, list[dict]], district: dict[str, list[dict]]) -> list[str]:
    """Say where two copies of a month differ; a blank equals 0 in fields the form declares blank_is_zero."""
    from forms import get_form

    def normal(form_id: str, rows: list[dict]) -> list[dict]:
        form = get_form(form_id)
        zero = {f.key for f in form.fields if f.blank_is_zero}
        out = [{k: ("0" if v is None and k in zero else v) for k, v in r.items()} for r in rows]
        if form.rows == "events":  # events have no stable key across databases
            out = sorted(({k: v for k, v in r.items() if k != "row_key"} for r in out), key=lambda r: json.dumps(
                r, sort_keys=True, ensure_ascii=False))
        return out

    problems = []
    for form_id in sorted(set(town) | set(district)):
        a, b = normal(form_id, town.get(form_id, [])), normal(form_id, district.get(form_id, []))
        if len(a) != len(b):
            problems.append(f"{form_id}: {len(a)} rows in the town, {len(b)} in the district")
            continue
        for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
            for key in sorted(set(ra) | set(rb)):
                if ra.get(key) != rb.get(key):
                    problems.append(f"{form_id} row {ra.get('row_key') or i + 1} {key}: "
                                    f"town {ra.get(key)!r}, district {rb.get(key)!r}")
    return problems


def _verdicts(result) -> list[str]:
    """Pull the per-file verdicts out of a merge report, whatever its exact shape."""
    items = getattr(result, "files", None) or getattr(result, "results", None) or result
    if isinstance(items, dict):
        items = [items]
    out = []
    for item in items if isinstance(items, list | tuple) else []:
        verdict = item.get("verdict") if isinstance(item, dict) else getattr(item, "verdict", None)
        if verdict is not None:
            out.append(str(getattr(verdict, "value", verdict)))
    return out


def _qt_app():
    """Return the QApplication, creating one on the offscreen platform when there is none."""
    if "QT_QPA_PLATFORM" not in os.environ and not _qt_running():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # render without showing anything on the desktop
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "liangxin"])


def _qt_running() -> bool:
    qt = sys.modules.get("PySide6.QtWidgets")
    return bool(qt and qt.QApplication.instance())


def expected_platform_plugins() -> tuple[str, ...]:
    """The platform plugins a bundle must carry on this system (the offscreen one is for the selftest)."""
    if sys.platform == "win32":
        return ("windows", "offscreen")
    if sys.platform == "darwin":
        return ("cocoa", "offscreen")
    return ("xcb", "offscreen")


def step_qt(ctx: Context) -> str:
    """Check the Qt parts the program needs: platform, image and style plugins, QtCharts, translations."""
    app = _qt_app()
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QStyleFactory

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    problems = []
    files = {p.name.lower() for p in (plugins / "platforms").glob("*")} if (plugins / "platforms").is_dir() else set()
    for name in expected_platform_plugins():
        if not any(name in f for f in files):
            problems.append(f"platform plugin {name!r} missing from {plugins / 'platforms'}")
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    problems += [f"image format {f} cannot be read (imageformats plugin missing)"
                 for f in ("png", "jpg", "ico", "svg") if f not in formats]
    styles = QStyleFactory.keys()
    if sys.platform == "win32" and not {"windows11", "windowsvista"} & {s.lower() for s in styles}:
        problems.append(f"no native Windows style (styles plugin missing); styles: {', '.join(styles)}")
    try:
        from PySide6.QtCharts import QChart, QChartView, QLineSeries

        chart = QChart()
        chart.addSeries(QLineSeries())
        QChartView(chart).deleteLater()
    except ImportError as exc:
        problems.append(f"QtCharts cannot be loaded: {exc}")
    translations = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if not QTranslator().load(QLocale("zh_CN"), "qtbase", "_", str(translations)):
        problems.append(f"Qt's own Chinese translation (qtbase_zh_CN.qm) missing from {translations}")
    ours = sorted(_program_translations())
    for qm in ours:
        if not QTranslator().load(str(qm)):
            problems.append(f"translation {qm.name} cannot be loaded")
    if problems:
        raise StepFailed("; ".join(problems))
    return (f"Qt {_qt_version()} on {app.platformName()}; image formats ok; styles {', '.join(styles)}; "
            f"QtCharts ok; {len(ours)} program translation(s)")


def _program_translations() -> list[Path]:
    from models.resources import resource_path

    folder = resource_path("resources", "i18n")
    return list(folder.glob("*.qm")) if folder.is_dir() else []


def _qt_version() -> str:
    from PySide6 import __version__

    return __version__


WINDOW_FACTORIES = (
    ("desktop.app", "create_main_window"),
    ("desktop.main_window", "create_main_window"),
    ("desktop.app", "MainWindow"),
    ("desktop.main_window", "MainWindow"),
    ("desktop.mainwindow", "MainWindow"),
    ("desktop.window", "MainWindow"),
)


def find_main_window_factory() -> Callable:
    """Return the GUI's main-window factory (or class); NotAvailable names where it was looked for."""
    for module_name, attr in WINDOW_FACTORIES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        factory = getattr(module, attr, None)
        if callable(factory):
            return factory
    looked = ", ".join(f"{m}.{a}" for m, a in WINDOW_FACTORIES)
    raise NotAvailable(f"not available: the main window is not in this build (looked for {looked})")


def step_window(ctx: Context) -> str:
    """Open the town database in the main window and render it offscreen to a picture."""
    factory = find_main_window_factory()
    app = _qt_app()
    from PySide6.QtGui import QColor

    _open(ctx.town_db)
    window = call_with(factory, {"db": str(ctx.town_db), "database": str(ctx.town_db), "target": str(ctx.town_db),
                                 "period": PERIOD, "user": USER, "parent": None})
    try:
        window.resize(1280, 800)
        window.show()
        for _ in range(5):
            app.processEvents()
        image = window.grab().toImage()
        if image.isNull() or image.width() < 200 or image.height() < 200:
            raise StepFailed(f"the main window rendered as a {image.width()}×{image.height()} picture")
        colours = {image.pixelColor(x, y).rgb() for x in range(0, image.width(), 7)
                   for y in range(0, image.height(), 7)}
        if len(colours) < 3:
            raise StepFailed(f"the main window rendered blank ({QColor(next(iter(colours))).name()})")
        out = ctx.workdir / "main_window.png"
        if not image.save(str(out)):
            raise StepFailed(f"cannot save {out}")
        title = window.windowTitle()
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return f"“{title}” rendered offscreen, {image.width()}×{image.height()}, {len(colours)} colours"


STEPS: tuple[Step, ...] = (
    Step("database", "temporary database", step_database),
    Step("plan", "load a plan", step_plan, needs=("database",)),
    Step("entry", "enter sample data", step_entry, needs=("plan",)),
    Step("export", "export a return", step_export, needs=("entry",)),
    Step("read", "read it back", step_read, needs=("export",)),
    Step("merge", "merge into a district", step_merge, needs=("read",)),
    Step("qt", "Qt plugins and translations", step_qt, qt=True),
    Step("window", "main window offscreen", step_window, needs=("plan", "qt"), qt=True),
)


# ---- running -----------------------------------------------------------------------------------


def run_selftest(*, workdir: Path, only: tuple[str, ...] | None = None,
                 report: Callable[[StepResult], None] | None = None) -> list[StepResult]:
    """Run the steps (all, or only the named ones) in workdir; every step is reported, none is skipped."""
    from models.database import data_dir_at

    ctx = Context(workdir)
    results: dict[str, StepResult] = {}
    # Backups, caches and the like that the core writes go to the temporary folder, not the user's.
    with data_dir_at(workdir / "userdata"):
        for step in STEPS:
            if only is not None and step.name not in only:
                continue
            result = _run_step(step, ctx, results)
            results[step.name] = result
            log.info("selftest %s: %s: %s", step.name, result.status, result.detail)
            if report:
                report(result)
    return list(results.values())


def _run_step(step: Step, ctx: Context, results: dict[str, StepResult]) -> StepResult:
    blocked = [n for n in step.needs if n in results and results[n].status != "pass"]
    missing = [n for n in step.needs if n not in results]
    if blocked or missing:
        why = ", ".join(blocked + missing)
        return StepResult(step.name, "not run", f"needs {why}, which did not pass" if blocked else f"needs {why}")
    started = time.perf_counter()
    try:
        detail, status = step.run(ctx), "pass"
    except NotAvailable as exc:
        detail, status = str(exc), "fail"
    except StepFailed as exc:
        detail, status = str(exc), "fail"
    except Exception as exc:  # report any error as this step's failure, with where it happened
        log.exception("selftest step %s failed", step.name)
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        detail = f"{type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})"
        status = "fail"
    return StepResult(step.name, status, detail, time.perf_counter() - started)


def _environment() -> str:
    from desktop.logsetup import program_version

    kind = "frozen bundle" if getattr(sys, "frozen", False) else "source"
    return f"两新填报 {program_version()} ({kind}, Python {platform.python_version()}, {platform.system()})"


def _print_result(result: StepResult) -> None:
    mark = {"pass": "PASS", "fail": "FAIL", "not run": "NOT RUN"}[result.status]
    title = next(s.title for s in STEPS if s.name == result.name)
    print(f"  {mark:8s}{result.name:9s}{title:30s}{result.seconds:6.2f} s  {result.detail}", flush=True)


def add_selftest_parser(sub: argparse._SubParsersAction) -> None:
    """Add `liangxin selftest` to the command line."""
    p = sub.add_parser("selftest", help="check that this installation works, step by step, on temporary data")
    p.add_argument("--keep", metavar="DIR", help="keep the temporary databases, return and picture in DIR")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--step", action="append", choices=[s.name for s in STEPS], dest="steps",
                   help="run only this step (repeatable); the steps it needs must be named too")


def selftest_handler(args: argparse.Namespace) -> int:
    """Run the selftest and print each step; exit status 0 only when every step passed."""
    keep = Path(args.keep) if getattr(args, "keep", None) else None
    as_json = getattr(args, "json", False)
    only = tuple(args.steps) if getattr(args, "steps", None) else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="selftest-", dir=keep))
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liangxin-selftest-"))
    if not as_json:
        print(f"liangxin selftest — {_environment()}", flush=True)
    try:
        results = run_selftest(workdir=workdir, only=only, report=None if as_json else _print_result)
    finally:
        if keep is None:
            from models.database import close_database

            close_database()
            shutil.rmtree(workdir, ignore_errors=True)
    passed = sum(r.status == "pass" for r in results)
    ok = passed == len(results) and bool(results)
    if as_json:
        print(json.dumps({"ok": ok, "environment": _environment(), "workdir": str(workdir) if keep else None,
                          "steps": [r.__dict__ for r in results]}, ensure_ascii=False, indent=2))
    else:
        print(f"selftest: {passed} of {len(results)} steps passed — {'OK' if ok else 'FAILED'}"
              + (f"; files kept in {workdir}" if keep else ""), flush=True)
    return 0 if ok else 1
