"""The audit log: every change and every refusal, who, when, what, old → new."""

from __future__ import annotations

from collections.abc import Iterable

from models import db as m
from models import rawsql


def audit_line(action: str, entity: str, key: str = "", *, field: str = "", old=None, new=None, reason: str = "",
               user: str = "") -> dict:
    """Return one audit-log line, to write with others in one statement (write_audit)."""
    return {"action": action, "entity": entity, "entity_key": key, "field": field,
            "old": None if old is None else str(old), "new": None if new is None else str(new),
            "reason": reason, "user": user, "at": m.now()}


def write_audit(lines: Iterable[dict]) -> None:
    """Append audit lines (from audit_line) inside the caller's transaction."""
    rows = list(lines)
    if rows:
        rawsql.insert_rows(m.AuditLog, rows)


def audit(action: str, entity: str, key: str = "", *, field: str = "", old=None, new=None, reason: str = "",
          user: str = "") -> None:
    """Append one line to the audit log (inside the caller's transaction)."""
    write_audit([audit_line(action, entity, key, field=field, old=old, new=new, reason=reason, user=user)])


def audit_refusal(action: str, entity: str, key: str, reason: str, *, user: str = "") -> None:
    """Record a refused write in its own transaction, so the refusal survives the rollback."""
    with m.database.atomic():
        audit(f"refused:{action}", entity, key, reason=reason, user=user)


def audit_entries(limit: int = 200) -> list[m.AuditLog]:
    """Return the newest audit lines first."""
    return list(m.AuditLog.select().order_by(m.AuditLog.id.desc()).limit(limit))
