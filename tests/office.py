"""Re-save and fill workbooks the way people's spreadsheet programs do: LibreOffice headless and openpyxl."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

from forms import get_form
from reports.xlsx_layout import sheet_layout
from tests.conftest import missing_prerequisite


def soffice() -> str | None:
    """Return the LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """Skip without LibreOffice on a developer's machine; in CI the re-save tests must run."""
    program = soffice()
    if program is None:
        missing_prerequisite("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    return program


def resave_with_libreoffice(paths: list[Path], out_dir: Path) -> list[Path]:
    """Open and save each workbook as .xlsx with LibreOffice headless; return the new files (same names)."""
    program = require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    # A private profile: concurrent soffice runs on one profile refuse to start.
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                        "--outdir", str(out_dir), *map(str, paths)], check=True, capture_output=True, timeout=300)
    out = [out_dir / Path(p).with_suffix(".xlsx").name for p in paths]
    missing = [p for p in out if not p.is_file()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return out


def fill_template(path: Path, out: Path, *, tasks: dict[int, dict] = (), events: list[dict] = (),
                  figures: dict[str, dict] = ()) -> Path:
    """Type values into a blank template's input cells with openpyxl, as a person would in Excel or WPS.

    tasks by seq, events in the blank rows from the top, figures by indicator key; values by field key.
    """
    wb = openpyxl.load_workbook(path)
    for form_id, rows in (("tasks", dict(tasks)), ("figures", dict(figures))):
        form = get_form(form_id)
        layout = sheet_layout(form)
        ws = wb[form.sheet_name]
        order = [i.key for i in form.indicators] if form.rows == "indicators" else None
        for key, values in rows.items():
            index = order.index(key) if order else int(key) - 1
            for field_key, value in values.items():
                ws.cell(layout.first_data_row + index + 1, layout.column(field_key).index + 1, _typed(value))
    form = get_form("events")
    layout = sheet_layout(form)
    ws = wb[form.sheet_name]
    for i, values in enumerate(events):
        for field_key, value in values.items():
            ws.cell(layout.first_data_row + i + 1, layout.column(field_key).index + 1, _typed(value))
    wb.save(out)
    return out


def _typed(value):
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return dt.datetime.fromisoformat(value)  # a date typed into a cell is a date, not text
    return value


def edit_cell(path: Path, out: Path, sheet: str, cell: str, value) -> Path:
    """Change one cell with openpyxl and save under a new name (a person editing an exported return)."""
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(out)
    return out
