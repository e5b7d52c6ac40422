"""Data retention (GDPR Art. 5(1)(e)): expired sessions and links are deleted, client addresses in the audit log
are removed once they are older than the configured number of days. The events themselves stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import AuthSession, OneTimeToken
from ballot.audit.models import AuditEvent

_BATCH = 500


@dataclass(frozen=True)
class PurgeReport:
    """What one purge removed."""

    sessions: int
    tokens: int
    addresses: int


async def purge(session: AsyncSession, now: datetime, ip_retention_days: int) -> PurgeReport:
    """Delete expired sessions and one-time tokens (a day after expiry), and strip ``ip`` from old audit events."""
    sessions = cast(CursorResult[Any], await session.execute(delete(AuthSession).where(AuthSession.expires_at <= now)))
    tokens = cast(
        CursorResult[Any],
        await session.execute(delete(OneTimeToken).where(OneTimeToken.expires_at <= now - timedelta(days=1))),
    )
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
    return PurgeReport(sessions=sessions.rowcount or 0, tokens=tokens.rowcount or 0, addresses=addresses)
