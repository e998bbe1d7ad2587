"""The audit log: every change and every refusal, who, when, what, old → new."""

from __future__ import annotations

from models import db as m


def audit(action: str, entity: str, key: str = "", *, field: str = "", old=None, new=None, reason: str = "",
          user: str = "") -> None:
    """Append one line to the audit log (inside the caller's transaction)."""
    m.AuditLog.create(action=action, entity=entity, entity_key=key, field=field,
                      old=None if old is None else str(old), new=None if new is None else str(new),
                      reason=reason, user=user)


def audit_refusal(action: str, entity: str, key: str, reason: str, *, user: str = "") -> None:
    """Record a refused write in its own transaction, so the refusal survives the rollback."""
    with m.database.atomic():
        audit(f"refused:{action}", entity, key, reason=reason, user=user)


def audit_entries(limit: int = 200) -> list[m.AuditLog]:
    """Return the newest audit lines first."""
    return list(m.AuditLog.select().order_by(m.AuditLog.id.desc()).limit(limit))
