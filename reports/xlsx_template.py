"""Blank templates for townships without the program: the return's layout, protected, with validation.

Input cells are unlocked (and tinted), everything else is protected without a password; every input
cell carries Excel data validation (whole numbers ≥ 0, decimals, dropdowns, dates inside the period);
the metadata is the return's, marked as a template, so the reader knows the unit, period and rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from pathlib import Path

from forms import all_forms
from models import db as m
from models.entries import form_rows
from models.periods import check_period
from models.units import get_unit, own_unit
from reports.returns import RETURN_PREFIX, return_header, row_keys, safe_name, sheet_rows
from reports.xlsx_meta import FormRef, ReturnMeta, program_version
from reports.xlsx_writer import SheetSpec, write_workbook

TEMPLATE_PREFIX = RETURN_PREFIX + "空白模板"
BLANK_EVENT_ROWS = 30  # rows offered for forms with a variable number of rows; more can be inserted


def template_file_name(unit_code: str, unit_name: str, period: str) -> str:
    """Return the template's file name: 两新月报空白模板_371002001_环翠楼街道_2025-10.xlsx."""
    return f"{TEMPLATE_PREFIX}_{safe_name(unit_code)}_{safe_name(unit_name)}_{period}.xlsx"


def template_sheets(unit_code: str, period: str, *, blank_rows: int = BLANK_EVENT_ROWS) -> tuple[list[SheetSpec], dict]:
    """Return the sheets of a blank template (row texts only) and the fixed rows' keys per form."""
    specs, keys = [], {}
    for form in all_forms():
        rows = form_rows(unit_code=unit_code, period=period, form_id=form.id) if form.rows != "events" else []
        row_texts = {f.key for f in form.fields if f.source == "row"}
        specs.append(SheetSpec(form, sheet_rows(form, rows, keep=row_texts),
                               blank_rows=blank_rows if form.rows == "events" else 0))
        if form.rows != "events":
            keys[form.id] = row_keys(form, rows)
    return specs, keys


def export_template(*, unit_code: str, period: str, out_dir: str | Path, now: dt.datetime | None = None,
                    template_uuid: str | None = None, version: str | None = None,
                    blank_rows: int = BLANK_EVENT_ROWS) -> Path:
    """Write a blank template for a unit and month into out_dir and return its path."""
    check_period(period)
    unit = get_unit(unit_code)
    now = (now or m.now()).replace(microsecond=0)
    specs, keys = template_sheets(unit_code, period, blank_rows=blank_rows)
    forms = [s.form for s in specs]
    meta = ReturnMeta(kind="template", unit_code=unit.code, unit_name=unit.name, parent_code=unit.parent_id,
                      period=period, revision=0, return_uuid=template_uuid or str(uuid.uuid4()),
                      program_version=version or program_version(), content_hash=None, created_at=now.isoformat(),
                      forms=[FormRef(f.id, f.version, f.sheet_name) for f in forms], rows=keys)
    header = return_header(unit, period, report_date=None, created=now)
    own = own_unit()
    if own is None or own.code != unit.code:  # this office's signatories are not the township's
        header = replace(header, signatories={})
    path = Path(out_dir) / template_file_name(unit.code, unit.name, period)
    write_workbook(path, sheets=specs, header=header, meta=meta, template=True)
    return path
