"""Townships' months for the merge tests: canonical data, ReturnFile objects, and real exported returns."""

from __future__ import annotations

import copy
import shutil
import uuid
from pathlib import Path

from models import db as m
from models.database import close_database, open_database
from models.entries import content_hash, replace_period_data
from reports.returnfile import ReturnFile
from tests.conftest import DISTRICT, TOWN, table_snapshot

P = "2025-10"
TOWNS = {TOWN: "环翠楼街道", "371002002": "鲸园街道", "371002003": "竹岛街道"}
FORMS = {"tasks": 1, "events": 1, "figures": 1}


def month(variant: int = 0) -> dict[str, list[dict]]:
    """Return a township's month as canonical data; variants differ in a few figures."""
    v = variant
    return {
        "tasks": [
            {"row_key": "1", "status": "推进中", "achieved": str(3 + v), "narrative": f"新增入库项目{3 + v}个",
             "problems": None, "next_steps": "对接金融机构", "explanation": None},
            {"row_key": "2", "status": "已完成", "achieved": "6", "narrative": "完成", "problems": None,
             "next_steps": None, "explanation": None},
        ],
        "events": [
            {"row_key": "", "date": "2025-10-05", "type": "汽车促销", "name": "金秋车展", "place": "会展中心",
             "organiser": "区商务局", "enterprises": 12, "visitors": 1200 + v, "deals": 85, "sales": "1234.5",
             "subsidies": "20", "explanation": None},
        ],
        "figures": [
            {"row_key": "appliance_recycling", "current": str(1200 + v), "base_2023": "10000", "explanation": None},
            {"row_key": "equipment_investment", "current": "356.78", "base_2023": "3000", "explanation": None},
        ],
    }


def make_rf(unit_code: str = TOWN, period: str = P, data: dict | None = None, *, kind: str = "return",
            revision: int = 1, return_uuid: str | None = None, edited: bool = False,
            name: str | None = None) -> ReturnFile:
    """Build a ReturnFile as the reader would give it."""
    data = copy.deepcopy(data if data is not None else month())
    digest = content_hash(data)
    template = kind == "template"
    return ReturnFile(
        path=Path(name or f"{unit_code}_{period}_{kind}_r{revision}.xlsx"), kind=kind, unit_code=unit_code,
        unit_name=TOWNS.get(unit_code, unit_code), parent_code=DISTRICT, period=period, revision=revision,
        return_uuid=None if template else (return_uuid or str(uuid.uuid4())), form_versions=dict(FORMS), data=data,
        stated_hash=None if template else ("0" * 64 if edited else digest), computed_hash=digest)


def snapshot_but_audit() -> dict:
    """Every table but the audit log (refusals are audited, as every refused write is)."""
    snap = table_snapshot()
    snap.pop("audit_log")
    return snap


def refusals() -> list[m.AuditLog]:
    """Return the merge refusals in the audit log."""
    return list(m.AuditLog.select().where(m.AuditLog.action == "refused:merge").order_by(m.AuditLog.id))


def current_db_path() -> Path:
    """Return the file of the open SQLite database."""
    return Path(m.database.obj.database)


def export_months(folder: Path, months: list[tuple[str, str, dict]], *, db_path: Path | None = None) -> list[Path]:
    """Export real returns from a township database: a copy of the open district database, then switch back.

    Each (unit, period, data) is loaded and exported in turn; exporting the same unit and month again
    gives the next revision, as in a township's own database.
    """
    from reports.returns import export_return

    district = current_db_path()
    source = db_path or folder / "townships.sqlite3"
    assert source != district, "the townships' database must not be the district's"
    folder.mkdir(parents=True, exist_ok=True)
    close_database()
    if not source.exists():
        shutil.copy(district, source)
    open_database(source)
    paths = []
    try:
        for unit_code, period, data in months:
            replace_period_data(unit_code=unit_code, period=period, data=copy.deepcopy(data))
            paths.append(export_return(unit_code=unit_code, period=period, out_dir=folder).path)
    finally:
        close_database()
        open_database(district)
    return paths
