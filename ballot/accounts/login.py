"""Password log-in (the first factor) with per-account lock-out.

Every failure answers with the same message, whether the address is unknown, the account inactive or locked, or
the password wrong, and every path runs one argon2id verification, so neither the text nor the timing tells an
attacker whether an address has an account. Failures are counted per account in the database (atomically, so
several workers share the count); after ``max_failures`` the account is locked for ``lockout_minutes``. Wrong
second-step codes count too (``two_factor``); wrong current passwords on the security page do not (``recovery``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import hasher_for
from ballot.accounts.services import find_account
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import BallotError
from ballot.i18n import gettext as _
from ballot.settings import Settings


class LoginFailed(BallotError):
    """Wrong credentials, unknown address, inactive or locked account: one message for all of them."""

    status_code = 422


def login_failed_message(settings: Settings) -> str:
    return _(
        "The email address or the password is not correct, or the account is locked for %(minutes)d minutes "
        "after %(max)d failed attempts. You can also ask for a login link by email.",
        minutes=settings.login.lockout_minutes,
        max=settings.login.max_failures,
    )


def is_locked(account: Account) -> bool:
    return account.locked_until is not None and account.locked_until > utcnow()


async def record_successful_login(session: AsyncSession, account: Account, method: str, ip: str | None) -> None:
    """Reset the failure counter and the lock, note the time, write the audit event."""
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = utcnow()
    await session.flush()
    record_event(session, "accounts:login:success", account_id=account.id, method=method, ip=ip)


async def count_login_failure(
    session: AsyncSession, settings: Settings, account: Account, ip: str | None, *, reason: str = "password"
) -> None:
    """Add one failure atomically; lock the account when the limit is reached (the counter starts again)."""
    failures = await session.scalar(
        update(Account)
        .where(Account.id == account.id)
        .values(failed_logins=Account.failed_logins + 1)
        .returning(Account.failed_logins)
        .execution_options(synchronize_session=False)
    )
    record_event(session, "accounts:login:failure", account_id=account.id, reason=reason, ip=ip)
    if failures is not None and failures >= settings.login.max_failures:
        until = utcnow() + timedelta(minutes=settings.login.lockout_minutes)
        await session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(failed_logins=0, locked_until=until)
            .execution_options(synchronize_session=False)
        )
        record_event(
            session, "accounts:account:locked", account_id=account.id, minutes=settings.login.lockout_minutes, ip=ip
        )


async def check_password(
    session: AsyncSession, settings: Settings, account: Account | None, password: str, *, ip: str | None = None
) -> Account:
    """Verify ``password`` for ``account`` with lock-out bookkeeping; raises :class:`LoginFailed`.

    The failure bookkeeping is committed before raising, so the request's rollback cannot undo a counted failure.
    """
    hasher = hasher_for(settings.password)
    stored = account.password_hash if account is not None else None
    password_ok = await hasher.verify_async(stored, password)  # runs even for unknown addresses (timing)
    reason = None
    if account is None:
        reason = "unknown"
    elif not account.is_active:
        reason = "inactive"
    elif is_locked(account):
        reason = "locked"
    if reason is not None or account is None:
        account_id = account.id if account is not None else None
        record_event(session, "accounts:login:failure", account_id=account_id, reason=reason, ip=ip)
        await session.commit()
        raise LoginFailed(login_failed_message(settings))
    if not password_ok:
        await count_login_failure(session, settings, account, ip)
        await session.commit()
        raise LoginFailed(login_failed_message(settings))
    if stored is not None and hasher.needs_rehash(stored):
        account.password_hash = await hasher.hash_async(password)
        record_event(session, "accounts:password:rehashed", account_id=account.id)
    return account


async def login_with_password(
    session: AsyncSession, settings: Settings, email: str, password: str, *, ip: str | None = None
) -> Account:
    """The account for ``email`` and ``password``; raises :class:`LoginFailed` otherwise (see module doc).

    This is the first factor only: the caller finishes with :func:`ballot.accounts.two_factor.after_first_factor`,
    which records the successful log-in (and resets the failure counter) once no second step is left."""
    account = await find_account(session, email) if email else None
    return await check_password(session, settings, account, password, ip=ip)
