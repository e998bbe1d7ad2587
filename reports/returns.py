"""Export a unit's month as a return workbook: revisions, the file name, the ReturnRecord, atomic files.

Each export of the same unit and month gets the next revision, is recorded in ReturnRecord (source
'export', payload = the canonical JSON) and is written to a temporary file that is renamed only once the
record is stored, so a partial .xlsx never appears under its final name.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.exceptions import FileCreateError

from forms import all_forms
from forms.schema import Form
from models import db as m
from models.audit import audit
from models.auth import require
from models.entries import Row, canonical_row, content_hash, month_rows
from models.errors import ConflictError, DataError
from models.periods import check_period
from models.units import get_unit, required_plan
from reports.xlsx_layout import row_identity
from reports.xlsx_meta import FormRef, ReturnMeta, program_version
from reports.xlsx_writer import ReturnHeader, SheetRow, SheetSpec, cannot_write, partial_path, write_workbook

RETURN_PREFIX = "两新月报"
# settings key -> footer item; the signatories printed under every table
SIGNATORY_SETTINGS = {"head": "signatory_head", "stats": "signatory_stats", "filler": "signatory_filler",
                      "phone": "signatory_phone"}
# settings that override a form's top-right lines (制定机关, 批准文号, 有效期至) for this office
OVERRIDE_SETTINGS = {"authority": "report_authority", "approval_no": "report_approval_no",
                     "valid_until": "report_valid_until"}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass(frozen=True)
class ExportResult:
    """What an export produced: the file, its revision and identity, and open findings to mention."""

    path: Path
    revision: int
    return_uuid: str
    content_hash: str
    hard_findings: int
    soft_findings: int


NAME_CHARS = 40  # of a unit name in a file name: the whole name is in the file; 255 bytes is a file name's limit


def safe_name(text: str) -> str:
    """Make a unit name usable in a file name on Windows (no reserved characters, no trailing dots, not too long)."""
    return _UNSAFE.sub("_", text).strip()[:NAME_CHARS].rstrip(". ") or "_"


def return_file_name(unit_code: str, unit_name: str, period: str, revision: int) -> str:
    """Return a self-explanatory file name: 两新月报_371002001_环翠楼街道_2025-10_r1.xlsx."""
    return f"{RETURN_PREFIX}_{safe_name(unit_code)}_{safe_name(unit_name)}_{period}_r{revision}.xlsx"


def return_header(unit: m.OrgUnit, period: str, *, report_date: dt.date | None, created: dt.datetime | None,
                  title_suffix: str = "") -> ReturnHeader:
    """Build the frame of a unit's return from the plan (jurisdiction) and the settings (signatories)."""
    plan = required_plan()
    stored = _settings([*SIGNATORY_SETTINGS.values(), *OVERRIDE_SETTINGS.values()])
    signatories = {key: stored.get(name) or "" for key, name in SIGNATORY_SETTINGS.items()}
    overrides = {key: stored.get(name) or "" for key, name in OVERRIDE_SETTINGS.items()}
    return ReturnHeader(jurisdiction=plan.jurisdiction, unit_name=unit.name, unit_code=unit.code, period=period,
                        signatories=signatories, report_date=report_date, overrides=overrides, created=created,
                        title_suffix=title_suffix)


def _settings(names: list[str]) -> dict[str, str]:
    """Read several settings in one query (an export reads seven; one query each was a tenth of its time)."""
    query = m.Setting.select(m.Setting.key, m.Setting.value).where(m.Setting.key.in_(names))
    return dict(query.tuples())


def sheet_rows(form: Form, rows: list[Row], *, keep: set[str] | None = None) -> list[SheetRow]:
    """Turn the core's rows into sheet rows; keep limits the values written (a template keeps row texts)."""
    out = []
    for r in rows:
        values = r.values if keep is None else {k: v for k, v in r.values.items() if k in keep}
        decimals = form.indicator(r.row_key).decimals if form.rows == "indicators" else None
        out.append(SheetRow(values, r.row_key, decimals))
    return out


def row_keys(form: Form, rows: list[Row]) -> list[tuple[str, str]]:
    """Return the fixed rows' keys with their printed-text fingerprints (none for event-like forms)."""
    if form.rows == "events":
        return []
    return [(r.row_key, row_identity(form, r.values)) for r in rows]


def month_snapshot(unit_code: str, period: str) -> tuple[dict[str, list[Row]], dict[str, list[dict]]]:
    """Return every form's rows and the canonical data built from those same rows."""
    with m.read_snapshot():  # one snapshot of the month, so the file and its hash agree
        rows = month_rows(unit_code=unit_code, period=period)
    data = {form.id: [canonical_row(form, r.row_key, r.values) for r in rows[form.id]
                      if form.rows != "events" or r.version]
            for form in all_forms()}
    return rows, data


def next_revision(unit_code: str, period: str) -> int:
    """Return the revision the next export of this unit and month gets."""
    last = (m.ReturnRecord.select(m.ReturnRecord.revision)
            .where(m.ReturnRecord.unit == unit_code, m.ReturnRecord.period == period)
            .order_by(m.ReturnRecord.revision.desc()).first())
    return (last.revision if last else 0) + 1


def export_return(*, unit_code: str, period: str, out_dir: str | Path, user: str = "",
                  now: dt.datetime | None = None, return_uuid: str | None = None,
                  version: str | None = None) -> ExportResult:
    """Write a unit's return for a month into out_dir, record it as the next revision, return the result.

    now, return_uuid and version are for reproducible files (golden tests); they default to the clock,
    a fresh UUID and this program's version.
    """
    check_period(period)
    unit = get_unit(unit_code)
    # an export records a revision for the unit: the same permission as entering its data
    user = require("edit", user=user, unit_code=unit_code)
    now = (now or m.now()).replace(microsecond=0)
    rows, data = month_snapshot(unit_code, period)
    digest = content_hash(data)
    forms = all_forms()
    header = return_header(unit, period, report_date=now.date(), created=now)
    specs = [SheetSpec(form, sheet_rows(form, rows[form.id])) for form in forms]
    findings = [f for form_list in rows.values() for r in form_list for f in r.findings]
    hard = sum(1 for f in findings if f.level == "hard")
    soft = sum(1 for f in findings if f.level == "soft" and not f.explained)
    flags = (["hard_errors"] if hard else []) + (["soft_failures"] if soft else [])
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(cannot_write(out_dir, exc)) from exc
    for _attempt in range(3):  # another export of the same month may take the revision meanwhile
        revision = next_revision(unit_code, period)
        ident = return_uuid or str(uuid.uuid4())
        meta = ReturnMeta(kind="return", unit_code=unit.code, unit_name=unit.name, parent_code=unit.parent_id,
                          period=period, revision=revision, return_uuid=ident,
                          program_version=version or program_version(), content_hash=digest,
                          created_at=now.isoformat(), forms=[FormRef(f.id, f.version, f.sheet_name) for f in forms],
                          rows={f.id: row_keys(f, rows[f.id]) for f in forms if f.rows != "events"})
        final = out_dir / return_file_name(unit.code, unit.name, period, revision)
        try:
            _write_and_record(final, specs, header, meta, data, flags, user)
        except ConflictError:
            continue
        return ExportResult(final, revision, ident, digest, hard, soft)
    raise ConflictError(f"{unit_code} {period}：同时有其他导出占用了下一个版次；请再试一次")


def _write_and_record(final: Path, specs: list[SheetSpec], header: ReturnHeader, meta: ReturnMeta,
                      data: dict, flags: list[str], user: str) -> None:
    """Write to a temporary file, store the record, and rename inside the transaction."""
    tmp = partial_path(final)
    renamed = False
    try:
        write_workbook(tmp, sheets=specs, header=header, meta=meta, atomic=False)
        with m.database.atomic():
            if next_revision(meta.unit_code, meta.period) != meta.revision:
                raise ConflictError("revision taken")
            (m.ReturnRecord.update(status="superseded")
             .where(m.ReturnRecord.unit == meta.unit_code, m.ReturnRecord.period == meta.period,
                    m.ReturnRecord.source == "export", m.ReturnRecord.status == "current").execute())
            m.ReturnRecord.create(
                uuid=meta.return_uuid, unit=meta.unit_code, period=meta.period,
                form_ids=json.dumps([f"{f.id}@{f.version}" for f in meta.forms]), revision=meta.revision,
                content_hash=meta.content_hash, source="export", status="current", file_name=final.name,
                payload=json.dumps(data, ensure_ascii=False, sort_keys=True), flags=json.dumps(flags))
            audit("export", "return", f"{meta.unit_code}/{meta.period}", new=f"r{meta.revision} {final.name}",
                  user=user)
            os.replace(tmp, final)  # a failed rename rolls the record back
            renamed = True
    except BaseException as exc:
        if renamed:  # the commit failed after the rename: no record, so no file either
            final.unlink(missing_ok=True)
        if isinstance(exc, (OSError, FileCreateError)):
            raise DataError(cannot_write(final, exc)) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)


def return_history(*, unit_code: str, period: str) -> list[m.ReturnRecord]:
    """Return every return recorded for a unit's month (exported or merged), newest revision first."""
    return list(m.ReturnRecord.select()
                .where(m.ReturnRecord.unit == unit_code, m.ReturnRecord.period == period)
                .order_by(m.ReturnRecord.revision.desc(), m.ReturnRecord.created_at.desc()))
