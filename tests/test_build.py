"""The frozen bundle: built from build.spec, complete, within its size budget, and passing its own selftest."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUDGET_BYTES = 150 * 1000 * 1000  # 150 MB unpacked, the budget
EXE_NAME = "liangxin.exe" if sys.platform == "win32" else "liangxin"
PROVIDED_BY = {"export": "reports.returns", "read": "reports.xlsx_reader", "merge": "reports.merge"}
# Qt parts that must stay out of the bundle.
FORBIDDEN = re.compile(r"WebEngine|Qt6?Pdf|qpdf|Qt6?Qml|Qt6?Quick|VirtualKeyboard|virtualkeyboard|Qt63D|Multimedia", re.I)


def tree_size(folder: Path) -> int:
    """Bytes of every file under a folder (what the installer unpacks)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """Build the one-folder bundle from build.spec once for this module; return its folder."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: it is in the project's test extras (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                           "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "build.spec")],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"pyinstaller build.spec failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    folder = work / "dist" / "liangxin"
    print(f"bundle built in {time.monotonic() - started:.0f} s: {tree_size(folder) / 1e6:.1f} MB in {folder}")
    return folder


def frozen(bundle: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the frozen program offscreen, with its user data in a temporary folder, away from the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(QT_QPA_PLATFORM="offscreen", LIANGXIN_DATA_DIR=str(tmp_path / "userdata"), PYTHONIOENCODING="utf-8")
    return subprocess.run([str(bundle / EXE_NAME), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


@pytest.mark.slow
def test_bundle_is_within_the_size_budget(bundle):
    size = tree_size(bundle)
    biggest = sorted(((p.stat().st_size, p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file()),
                     reverse=True)[:10]
    listing = "\n".join(f"{s / 1e6:8.1f} MB  {p}" for s, p in biggest)
    assert size <= BUDGET_BYTES, f"bundle is {size / 1e6:.1f} MB, budget {BUDGET_BYTES / 1e6:.0f} MB:\n{listing}"


@pytest.mark.slow
def test_bundle_carries_the_data_files_and_leaves_unused_qt_out(bundle):
    internal = bundle / "_internal"
    for folder, pattern in (("resources/plans", "*.json"), ("forms/defs", "*.json"), ("resources/guide", "*.md")):
        source = {p.name: p.read_bytes() for p in (ROOT / folder).glob(pattern)}
        packed = {p.name: p.read_bytes() for p in (internal / folder).glob(pattern)}
        assert source and packed == source, f"{folder} in the bundle differs from the source tree"
    assert (internal / "resources" / "icons" / "app.ico").read_bytes() == (ROOT / "resources/icons/app.ico").read_bytes()
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):
        assert (internal / "resources" / "i18n" / (ts.stem + ".qm")).stat().st_size > 0, f"{ts.name} not compiled"
    assert not list((internal / "resources").rglob("*.ts")), "translation sources are not shipped"
    files = [p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()]
    assert not [f for f in files if FORBIDDEN.search(f)]
    qt_translations = sorted(f.rsplit("/", 1)[-1] for f in files if "PySide6" in f and "/translations/" in f)
    assert qt_translations == ["qt_zh_CN.qm", "qtbase_zh_CN.qm"]
    plugins = {f.split("/plugins/", 1)[1] for f in files if "PySide6" in f and "/plugins/" in f}
    kinds = {p.split("/")[0] for p in plugins}
    assert {"platforms", "imageformats", "iconengines"} <= kinds
    assert any("offscreen" in p for p in plugins) and any("qxcb" in p or "qwindows" in p for p in plugins)
    assert not [p for p in plugins if re.search(r"wayland|eglfs|vnc|linuxfb|gtk3|tiff|webp", p)]


@pytest.mark.slow
def test_frozen_program_finds_its_plans(bundle, tmp_path):
    out = frozen(bundle, "plans", tmp_path=tmp_path)
    assert out.returncode == 0, out.stderr
    assert [line.split("\t")[0] for line in out.stdout.splitlines()] == [
        "huancui", "anqiu", "wuhai", "liaocheng-jbsc", "taishan"]
    init = frozen(bundle, "--db", str(tmp_path / "t.sqlite3"), "init", "--plan", "anqiu", "--unit-code", "370784001",
                  "--unit-name", "新安街道", "--level", "town", tmp_path=tmp_path)
    assert init.returncode == 0 and "已初始化：方案 anqiu" in init.stdout, init.stderr
    check = frozen(bundle, "--db", str(tmp_path / "t.sqlite3"), "check", tmp_path=tmp_path)
    assert check.returncode == 0 and check.stdout.strip() == "ok", check.stdout + check.stderr


def main_window_in_source() -> bool:
    from desktop.selftest import NotAvailable, find_main_window_factory

    try:
        find_main_window_factory()
    except NotAvailable:
        return False
    return True


@pytest.mark.slow
def test_frozen_selftest(bundle, tmp_path):
    out = frozen(bundle, "selftest", "--json", tmp_path=tmp_path)
    assert out.stdout.startswith("{"), f"the frozen selftest did not report:\n{out.stdout}\n{out.stderr}"
    report = json.loads(out.stdout)
    steps = {s["name"]: s for s in report["steps"]}
    print("\n".join(f"{s['status']:8s}{s['name']:9s}{s['detail']}" for s in report["steps"]))
    assert "frozen bundle" in report["environment"]
    for name in ("database", "plan", "entry", "qt"):
        assert steps[name]["status"] == "pass", steps[name]
    expected_fail = {n for n, m in PROVIDED_BY.items() if importlib.util.find_spec(m) is None}
    if not main_window_in_source():
        expected_fail.add("window")
    for name, step in steps.items():
        if step["status"] == "not run":
            continue
        if name in expected_fail:
            assert step["status"] == "fail" and step["detail"].startswith("not available"), step
        else:
            assert step["status"] == "pass", step
    assert report["ok"] is (not expected_fail)
    assert out.returncode == (0 if not expected_fail else 1)
