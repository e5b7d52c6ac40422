"""Recording audit events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.models import AuditEvent


def record_event(
    session: AsyncSession,
    tag: str,
    *,
    account_id: int | None = None,
    unit_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Add an event to the session (committed with the surrounding transaction)."""
    if tag.count(":") != 2:
        raise ValueError(f"audit tags are source:subject:action, got {tag!r}")
    event = AuditEvent(tag=tag, account_id=account_id, unit_id=unit_id, data=data)
    session.add(event)
    return event
