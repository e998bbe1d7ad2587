"""The Windows build path agrees with itself: spec, installer script, build script, CI workflow, program."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from models.database import APP_NAME

ROOT = Path(__file__).resolve().parents[1]
ISS = ROOT / "packaging" / "windows" / "liangxin.iss"
PS1 = ROOT / "packaging" / "windows" / "build.ps1"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-build.yml"
SPEC = ROOT / "build.spec"


def iss_sections() -> dict[str, list[str]]:
    """The installer script's lines by [Section], preprocessor lines and comments left out."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in ISS.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith((";", "#")):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
            continue
        sections.setdefault(current, []).append(line)
    return sections


def setup_directives() -> dict[str, str]:
    return dict(line.split("=", 1) for line in iss_sections()["Setup"])


def test_files_that_carry_chinese_text_have_a_byte_order_mark():
    # Inno Setup and Windows PowerShell 5.1 read a file without a BOM in the ANSI code page.
    for path in (ISS, PS1):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), f"{path.name} needs UTF-8 with BOM"
        assert b"\r\n" in path.read_bytes(), f"{path.name} should have Windows line ends"


def test_installer_is_per_user_for_64_bit_windows_10_and_keeps_the_data():
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup  # never offers to install for all users
    assert setup["DefaultDirName"].startswith("{autopf}\\")  # %LOCALAPPDATA%\Programs when not admin
    assert setup["ArchitecturesAllowed"] == "x64compatible" and setup["MinVersion"].startswith("10.0")
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])
    icon = (ISS.parent / setup["SetupIconFile"].replace("\\", "/")).resolve()
    assert icon == (ROOT / "resources" / "icons" / "app.ico").resolve() and icon.is_file()
    sections = iss_sections()
    assert any(line.startswith('Name: "{autoprograms}\\') for line in sections["Icons"]), "Start-menu shortcut"
    assert "UninstallDelete" not in sections, "the uninstaller must not delete anything beyond the program files"
    assert f'#define DataFolder "{APP_NAME}"' in ISS.read_text(encoding="utf-8-sig")
    # an upgrade clears the old bundle's libraries, never the data folder
    assert sections["InstallDelete"] == ['Type: filesandordirs; Name: "{app}\\_internal"']


def test_installer_packs_what_the_spec_builds():
    spec = SPEC.read_text(encoding="utf-8")
    names = set(re.findall(r'executable\("([\w-]+)"', spec))
    assert names == {"liangxin", "liangxin-cli"}
    assert 'name="liangxin")' in spec  # COLLECT: dist/liangxin
    iss = ISS.read_text(encoding="utf-8-sig")
    assert '#define AppExe "liangxin.exe"' in iss
    assert '#define BundleDir "..\\..\\dist\\liangxin"' in iss
    ps1 = PS1.read_text(encoding="utf-8-sig")
    assert 'Join-Path $Root "dist\\liangxin"' in ps1 and '"liangxin-cli.exe") @("selftest")' in ps1
    assert '"LiangXin-Setup-$Version.exe"' in ps1 and "OutputBaseFilename=LiangXin-Setup-{#AppVersion}" in iss


def test_build_script_and_test_share_the_size_budget():
    from tests.test_build import BUDGET_BYTES

    assert f"$BudgetBytes = {BUDGET_BYTES / 1e6:.0f}e6" in PS1.read_text(encoding="utf-8-sig")


def test_version_comes_from_pyproject_everywhere():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert re.fullmatch(r"\d+(\.\d+){1,3}", version), "Windows version resources need numeric versions"
    assert "tomllib.load(open('pyproject.toml', 'rb'))['project']['version']" in PS1.read_text(encoding="utf-8-sig")
    assert '["project"]' in SPEC.read_text(encoding="utf-8")


def test_workflow_builds_tests_installs_and_uploads_on_windows():
    flow = WORKFLOW.read_text(encoding="utf-8")
    assert "runs-on: windows-latest" in flow
    assert "run: ./packaging/windows/build.ps1" in flow
    assert '"/CURRENTUSER"' in flow and 'Cli @("selftest")' in flow
    assert "the uninstaller removed the user's data" in flow
    assert re.search(r"uses: actions/upload-artifact@v\d+\n\s+with:\n\s+name: LiangXin-Setup\n"
                     r"\s+path: dist/LiangXin-Setup-\*\.exe", flow)


def test_data_files_are_found_through_resource_path():
    # A frozen bundle has no source tree around it: code that opens a bundled file asks models.resources.
    offenders = []
    for package in ("desktop", "models", "forms", "reports"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "models" / "resources.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                # Qt's own folder (lrelease) and the program's .py sources (translation tools) are no data files.
                allowed = "PySide6.__file__" in code or re.search(r"""glob\(["']\*\.py["']\)""", code)
                if ("__file__" in code and not allowed) or re.search(
                        r"""Path\(\s*["'](resources|forms)\b""", code):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == [], "use models.resources.resource_path():\n" + "\n".join(offenders)
