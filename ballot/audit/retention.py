"""Retention of the audit log (GDPR Art. 5(1)(e)): client addresses are removed from events older than the
configured number of days; the events themselves stay. The whole purge, with expired sessions and links, is
:func:`ballot.accounts.retention.purge`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.models import AuditEvent

_BATCH = 500


async def strip_old_addresses(session: AsyncSession, now: datetime, ip_retention_days: int) -> int:
    """Remove ``ip`` from the data of audit events older than ``ip_retention_days``; the number of events changed."""
    cutoff = now - timedelta(days=ip_retention_days)
    addresses = 0
    last_id = 0
    while True:
        events = (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.created_at < cutoff, AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(_BATCH)
            )
        ).all()
        if not events:
            break
        for event in events:
            if event.data and "ip" in event.data:
                event.data = {key: value for key, value in event.data.items() if key != "ip"}
                addresses += 1
        last_id = events[-1].id
        await session.flush()
    return addresses
