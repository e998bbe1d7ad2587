"""`liangxin selftest`: every step reported, missing modules fail loudly, exit 0 only when all pass."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import selftest
from desktop.selftest import NotAvailable, call_with, find_function, run_selftest

ROOT = Path(__file__).resolve().parents[1]

# The steps whose code lives in other people's modules: until a module exists its step must fail with
# "not available"; once it exists, the step must pass.
PROVIDED_BY = {"export": "reports.returns", "read": "reports.xlsx_reader", "merge": "reports.merge"}
CORE_STEPS = ("database", "plan", "entry", "export", "read", "merge")

# `liangxin selftest ARGS`, through the program's own entry point.
RUN_CLI = """
import sys
from desktop.launcher import main
sys.exit(main(["selftest", *sys.argv[1:]]))
"""


def module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def main_window_exists() -> bool:
    return any(module_exists(m) and hasattr(importlib.import_module(m), a) for m, a in selftest.WINDOW_FACTORIES)


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN_CLI, *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, **(env or {})}, timeout=300)


def assert_step_as_expected(result: selftest.StepResult, results: dict) -> None:
    """A step passes, or fails saying its module is not available, or was not run because of that."""
    module = PROVIDED_BY.get(result.name)
    if result.status == "pass":
        return
    if result.status == "not run":
        blockers = [n for n in selftest.STEPS if n.name == result.name][0].needs
        assert any(results[b].status != "pass" for b in blockers), result
        return
    if module and not module_exists(module):
        assert result.status == "fail" and result.detail.startswith("not available:") and module in result.detail
        return
    if result.name == "window" and not main_window_exists():
        assert result.status == "fail" and "not available: the main window" in result.detail
        return
    pytest.fail(f"selftest step {result.name} failed although its module is present: {result.detail}")


def test_every_step_runs_and_reports(qapp, tmp_path):
    results = {r.name: r for r in run_selftest(workdir=tmp_path / "work")}
    assert list(results) == [s.name for s in selftest.STEPS]
    for name in ("database", "plan", "entry", "qt"):
        assert results[name].status == "pass", results[name]
    assert "27 tasks" in results["plan"].detail and "submitted" in results["entry"].detail
    for result in results.values():
        assert_step_as_expected(result, results)
    # the user's data folder (the test's own) was left alone, and the variable is back as it was
    assert os.environ["LIANGXIN_DATA_DIR"] == str(tmp_path / "userdata")
    assert not list((tmp_path / "userdata").glob("*.sqlite3")) if (tmp_path / "userdata").exists() else True


def test_command_prints_each_step_and_exits_zero_only_when_all_pass(tmp_path):
    ok = run_cli("--step", "database", "--step", "plan", "--step", "entry")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[0].startswith("liangxin selftest — 两新填报")
    assert [line.split()[0] for line in lines[1:4]] == ["PASS", "PASS", "PASS"]
    assert lines[-1] == "selftest: 3 of 3 steps passed — OK"

    whole = run_cli()
    everything_present = all(module_exists(m) for m in PROVIDED_BY.values()) and main_window_exists()
    assert whole.returncode == (0 if everything_present else 1), whole.stdout + whole.stderr
    if not everything_present:
        assert "not available" in whole.stdout and whole.stdout.splitlines()[-1].endswith("FAILED")


def test_a_missing_plan_file_fails_the_step_and_blocks_the_ones_after(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    for p in (ROOT / "resources" / "plans").glob("*.json"):
        if p.stem != "wuhai":
            (plans / p.name).write_bytes(p.read_bytes())
    script = RUN_CLI.replace("import sys", "import sys\nimport models.plans as mp\n"
                             f"mp.plans_dir = lambda: __import__('pathlib').Path({str(plans)!r})")
    out = subprocess.run([sys.executable, "-c", script, "--step", "database", "--step", "plan", "--step", "entry",
                          "--json"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert out.returncode == 1
    report = json.loads(out.stdout)
    steps = {s["name"]: s for s in report["steps"]}
    assert report["ok"] is False
    assert steps["database"]["status"] == "pass"
    assert steps["plan"]["status"] == "fail" and "missing" in steps["plan"]["detail"] and "wuhai" in steps["plan"]["detail"]
    assert steps["entry"]["status"] == "not run" and "plan" in steps["entry"]["detail"]


def test_core_steps_need_no_qt(tmp_path):
    script = ("import sys\nclass Block:\n    def find_spec(self, name, path=None, target=None):\n"
              "        if name.startswith(('PySide6', 'shiboken6')):\n"
              "            raise ImportError(f'selftest imported {name}')\n"
              "sys.meta_path.insert(0, Block())\n" + RUN_CLI)
    args = [a for s in CORE_STEPS for a in ("--step", s)]
    out = subprocess.run([sys.executable, "-c", script, *args, "--json"], cwd=ROOT, capture_output=True, text=True,
                         encoding="utf-8", timeout=300)
    report = json.loads(out.stdout)
    steps = {s["name"]: s for s in report["steps"]}
    assert list(steps) == list(CORE_STEPS)
    assert all("PySide6" not in s["detail"] for s in steps.values()), steps
    assert [steps[n]["status"] for n in ("database", "plan", "entry")] == ["pass"] * 3


def test_keep_leaves_the_files_for_inspection(tmp_path):
    out = run_cli("--keep", str(tmp_path / "kept"), "--step", "database", "--step", "plan", "--step", "entry")
    assert out.returncode == 0, out.stdout + out.stderr
    [workdir] = (tmp_path / "kept").iterdir()
    assert (workdir / "town.sqlite3").stat().st_size > 0
    assert f"files kept in {workdir}" in out.stdout


def test_modules_not_in_the_build_are_named():
    with pytest.raises(NotAvailable, match=r"not available: reports\.no_such_module \(the writer\) is not in this"):
        find_function("reports.no_such_module", ("export_return",), "the writer")
    with pytest.raises(NotAvailable, match="has none of export_return, write_return"):
        find_function("reports.cli", ("export_return", "write_return"), "the writer")

    def export(*, unit_code, period, signature_image):
        return unit_code

    with pytest.raises(NotAvailable, match="needs 'signature_image'"):
        call_with(export, {"unit_code": "1", "period": "2025-10"})
    assert call_with(lambda path, /, *, dry_run=True: (path, dry_run), {"path": "a", "dry_run": False}) == ("a", False)


class FakeWindows:
    """Stand-ins for the GUI's main window, to test the window step's own checks."""

    @staticmethod
    def good(db=None):
        from PySide6.QtWidgets import QLabel, QMainWindow

        window = QMainWindow()
        window.setWindowTitle("两新填报")
        window.setCentralWidget(QLabel(f"任务进展 — {Path(db).name}"))
        window.setStyleSheet("QLabel { background: #fff; color: #c62828; font-size: 40px; }")
        return window

    @staticmethod
    def blank():
        from PySide6.QtWidgets import QMainWindow

        window = QMainWindow()
        window.setStyleSheet("QMainWindow { background: #ffffff; }")
        return window


@pytest.mark.parametrize("factory, expected", [("good", "pass"), ("blank", "fail")])
def test_window_step_renders_offscreen_and_refuses_a_blank_window(qapp, tmp_path, monkeypatch, factory, expected):
    monkeypatch.setattr(selftest, "find_main_window_factory", lambda: getattr(FakeWindows, factory))
    results = {r.name: r for r in run_selftest(workdir=tmp_path, only=("database", "plan", "qt", "window"))}
    assert results["window"].status == expected, results["window"]
    if expected == "pass":
        assert "“两新填报” rendered offscreen, 1280×800" in results["window"].detail
        assert (tmp_path / "main_window.png").stat().st_size > 1000
    else:
        assert "rendered blank" in results["window"].detail


def test_an_unexpected_error_is_reported_with_its_place(tmp_path, monkeypatch):
    def broken(ctx):
        raise KeyError("tasks")

    steps = tuple(s if s.name != "database" else selftest.Step("database", "temporary database", broken)
                  for s in selftest.STEPS)
    monkeypatch.setattr(selftest, "STEPS", steps)
    results = run_selftest(workdir=tmp_path, only=("database", "plan"))
    assert results[0].status == "fail" and results[0].detail.startswith("KeyError: 'tasks' (at test_selftest.py:")
    assert results[1].status == "not run"


def test_parser_options():
    parser = argparse.ArgumentParser()
    selftest.add_selftest_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["selftest", "--json", "--step", "qt"])
    assert args.json and args.steps == ["qt"]
    with pytest.raises(SystemExit):
        parser.parse_args(["selftest", "--step", "nonsense"])


def test_district_copy_comparison_allows_blank_as_zero_only_where_the_form_says():
    town = {"figures": [{"row_key": "nev_stock", "current": None, "base_2023": None, "explanation": None}],
            "events": [{"row_key": "a", "name": "甲"}, {"row_key": "b", "name": "乙"}]}
    same = {"figures": [{"row_key": "nev_stock", "current": "0", "base_2023": None, "explanation": None}],
            "events": [{"row_key": "x", "name": "乙"}, {"row_key": "y", "name": "甲"}]}
    assert selftest.compare_months(town, same) == []
    changed = {"figures": [{"row_key": "nev_stock", "current": "0", "base_2023": "0", "explanation": None}],
               "events": [{"row_key": "x", "name": "乙"}]}
    assert selftest.compare_months(town, changed) == [
        "events: 2 rows in the town, 1 in the district",
        "figures row nev_stock base_2023: town None, district '0'"]
