"""Re-checking the password or a code on the security page of a logged-in account.

A wrong entry here never counts toward the log-in lock-out (so whoever holds a session cannot lock the owner out),
but it is rate-limited per account on its own: each wrong entry is an ``accounts:security:check_failed`` audit event,
and after ``max_failures`` of them within ``lockout_minutes`` the page refuses further checks until the window has
passed. The count lives in the database, so several workers share it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import hasher_for
from ballot.audit.models import AuditEvent
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import RateLimited
from ballot.i18n import gettext as _
from ballot.settings import Settings

CHECK_FAILED = "accounts:security:check_failed"


async def ensure_attempts_left(session: AsyncSession, settings: Settings, account_id: int) -> None:
    """Raise :class:`RateLimited` when the account has used up its wrong entries in the current window."""
    window = timedelta(minutes=settings.login.lockout_minutes)
    failures = await session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.tag == CHECK_FAILED,
            AuditEvent.account_id == account_id,
            AuditEvent.created_at > utcnow() - window,
        )
    )
    if int(failures or 0) >= settings.login.max_failures:
        raise RateLimited(
            _(
                "Too many wrong entries on this page. Please wait %(minutes)d minutes and try again. "
                "Logging in is not affected.",
                minutes=settings.login.lockout_minutes,
            ),
            retry_after=settings.login.lockout_minutes * 60,
        )


async def note_wrong_entry(session: AsyncSession, account_id: int, field: str, *, ip: str | None) -> None:
    """Count one wrong entry (committed at once, so the request's rollback cannot undo it)."""
    record_event(session, CHECK_FAILED, account_id=account_id, field=field, ip=ip)
    await session.commit()


async def password_matches(settings: Settings, account: Account, password: str) -> bool:
    """Whether ``password`` is the account's current password (no lock-out bookkeeping)."""
    return await hasher_for(settings.password).verify_async(account.password_hash, password)
