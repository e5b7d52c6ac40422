"""Data retention (GDPR Art. 5(1)(e)): expired sessions and links are deleted, client addresses in the audit log
are removed once they are older than the configured number of days. The events themselves stay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import AuthSession, OneTimeToken
from ballot.audit.retention import strip_old_addresses


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
    addresses = await strip_old_addresses(session, now, ip_retention_days)
    return PurgeReport(sessions=sessions.rowcount or 0, tokens=tokens.rowcount or 0, addresses=addresses)
