"""Two-factor log-in: the second step after the password or a login link, enrolment, recovery codes, turning it off.

After the first factor, an account with TOTP (or one that must have it, see :func:`is_required`) gets a pending
log-in instead of a session: a random token in a cookie, its SHA-256 in ``pending_logins``, valid for
``PENDING_MINUTES`` and good for nothing but the second-step pages. Wrong codes count toward the account lock-out;
``PENDING_MAX_FAILURES`` of them end the pending log-in. Accepting a TOTP code stores its time step, so the same
code is never accepted twice (docs/operations.md, "Two-factor log-in").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.login import count_login_failure, is_locked, record_successful_login
from ballot.accounts.models import Account, PendingLogin, RecoveryCode, TotpSecret
from ballot.accounts.reauth import ensure_attempts_left, note_wrong_entry, password_matches
from ballot.accounts.tokens import hash_token, new_token
from ballot.accounts.totp import (
    SecretUnreadable,
    looks_like_recovery_code,
    matching_step,
    new_recovery_codes,
    new_secret,
    open_secret,
    recovery_code_hash,
    seal_secret,
)
from ballot.audit.services import record_event
from ballot.authz.models import Role, RoleGrant
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import BallotError, Conflict, ValidationFailed
from ballot.i18n import gettext as _
from ballot.settings import Settings

PRIVILEGED_ROLES = frozenset({Role.BOARD, Role.ELECTION_COMMITTEE, Role.ADMIN})
PENDING_MINUTES = 10
PENDING_MAX_FAILURES = 5
NEXT_URL_MAX = 500  # the column's length; a longer target falls back to the start page


class NextStep(enum.StrEnum):
    """What follows a passed first factor."""

    DONE = "done"  # no second step: start the session
    VERIFY = "verify"  # ask for a TOTP or recovery code
    ENROL = "enrol"  # the account must set up TOTP before it gets a session


class SecondStepFailed(BallotError):
    """A wrong, reused or malformed code in the second step."""

    status_code = 422


class PendingExpired(BallotError):
    """The pending log-in is unknown, expired, used up, or its account cannot log in any more."""

    status_code = 404


@dataclass(frozen=True)
class FirstFactorResult:
    """``pending_token`` is set unless ``step`` is DONE (then the log-in is recorded and a session may start)."""

    account: Account
    step: NextStep
    pending_token: str | None = None


def issuer(settings: Settings) -> str:
    """The name authenticator apps show beside the code."""
    host = urlsplit(settings.base_url).netloc
    return f"Mitgliederportal {host}" if host else "Mitgliederportal"


async def holds_privileged_role(session: AsyncSession, account_id: int) -> bool:
    """Whether the account holds a board, election committee or admin grant anywhere."""
    found = await session.scalar(
        select(RoleGrant.id).where(RoleGrant.account_id == account_id, RoleGrant.role.in_(PRIVILEGED_ROLES)).limit(1)
    )
    return found is not None


async def is_required(session: AsyncSession, settings: Settings, account_id: int) -> bool:
    """Whether the account must log in with TOTP (the setting is on and it holds a privileged grant)."""
    return settings.login.require_two_factor and await holds_privileged_role(session, account_id)


async def lacks_required_second_factor(session: AsyncSession, settings: Settings, principal: Principal) -> bool:
    """Whether a session's principal must have TOTP (setting on, privileged role) and has none confirmed."""
    if not settings.login.require_two_factor or not principal.roles() & PRIVILEGED_ROLES:
        return False
    return await confirmed_totp(session, principal.account_id) is None


async def confirmed_totp(session: AsyncSession, account_id: int) -> TotpSecret | None:
    """The account's confirmed TOTP secret, or None (none, or enrolment not finished)."""
    row = await session.get(TotpSecret, account_id)
    return row if row is not None and row.confirmed_at is not None else None


async def unused_recovery_codes(session: AsyncSession, account_id: int) -> int:
    """How many recovery codes the account has left."""
    count = await session.scalar(
        select(func.count()).where(RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None))
    )
    return count or 0


async def after_first_factor(
    session: AsyncSession, settings: Settings, account: Account, method: str, next_url: str, *, ip: str | None
) -> FirstFactorResult:
    """Decide the next step after a password, login link, reset link or invitation; record the log-in when done."""
    if await confirmed_totp(session, account.id) is not None:
        step = NextStep.VERIFY
    elif await is_required(session, settings, account.id):
        step = NextStep.ENROL
    else:
        await record_successful_login(session, account, method, ip)
        return FirstFactorResult(account, NextStep.DONE)
    now = utcnow()
    await session.execute(
        delete(PendingLogin).where(or_(PendingLogin.expires_at <= now, PendingLogin.account_id == account.id))
    )
    token = new_token()
    session.add(
        PendingLogin(
            token_hash=hash_token(token),
            account_id=account.id,
            method=method,
            next_url=next_url if len(next_url) <= NEXT_URL_MAX else "/",
            failures=0,
            created_at=now,
            expires_at=now + timedelta(minutes=PENDING_MINUTES),
        )
    )
    await session.flush()
    record_event(session, "accounts:login:second_step", account_id=account.id, step=str(step), ip=ip)
    return FirstFactorResult(account, step, token)


async def find_pending(session: AsyncSession, token: str | None) -> tuple[PendingLogin, Account]:
    """The open pending log-in of cookie ``token`` and its account; :class:`PendingExpired` otherwise."""
    if not token:
        raise _expired()
    pending = await session.scalar(select(PendingLogin).where(PendingLogin.token_hash == hash_token(token)))
    if pending is None or pending.expires_at <= utcnow():
        raise _expired()
    account = await session.get(Account, pending.account_id)
    if account is None or not account.is_active or is_locked(account):
        await session.delete(pending)
        await session.commit()
        raise _expired()
    return pending, account


def _expired() -> PendingExpired:
    return PendingExpired(_("Your log-in has expired or was ended. Please log in again."))


def wrong_code_message(settings: Settings) -> str:
    return _(
        "This code is not correct or has already been used. After %(max)d failed attempts the account is locked "
        "for %(minutes)d minutes.",
        max=settings.login.max_failures,
        minutes=settings.login.lockout_minutes,
    )


async def _accept_totp(session: AsyncSession, settings: Settings, row: TotpSecret, code: str) -> bool:
    """Accept ``code`` for ``row`` once: the step is stored with a conditional UPDATE (no replay, even racing).

    A secret that no longer opens (BALLOT_SECRET_KEY changed) accepts nothing; the event says so for the operator."""
    try:
        secret = open_secret(settings.secret_key, row.secret_box)
    except SecretUnreadable:
        record_event(session, "accounts:totp:unreadable", account_id=row.account_id)
        return False
    step = matching_step(secret, code, after=row.last_step)
    if step is None:
        return False
    result = await session.execute(
        update(TotpSecret)
        .where(
            TotpSecret.account_id == row.account_id,
            or_(TotpSecret.last_step.is_(None), TotpSecret.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    accepted: bool = result.rowcount == 1  # type: ignore[attr-defined]
    if accepted:
        row.last_step = step
    return accepted


async def _use_recovery_code(session: AsyncSession, account_id: int, code: str) -> bool:
    if not looks_like_recovery_code(code):
        return False
    result = await session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.account_id == account_id,
            RecoveryCode.code_hash == recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def check_code(session: AsyncSession, settings: Settings, account_id: int, code: str) -> str | None:
    """Accept a TOTP code or an unused recovery code of the account; returns "totp", "recovery" or None."""
    row = await confirmed_totp(session, account_id)
    if row is None:
        return None
    if await _accept_totp(session, settings, row, code):
        return "totp"
    if await _use_recovery_code(session, account_id, code):
        record_event(session, "accounts:recovery_code:used", account_id=account_id)
        return "recovery"
    return None


async def complete_second_step(
    session: AsyncSession, settings: Settings, pending_token: str | None, code: str, *, ip: str | None
) -> tuple[Account, str]:
    """Check the code of a pending log-in; returns the account and the page to go to.

    A wrong code counts toward the lock-out and is committed before :class:`SecondStepFailed` is raised."""
    pending, account = await find_pending(session, pending_token)
    used = await check_code(session, settings, account.id, code) if code else None
    if used is None:
        pending.failures += 1
        await count_login_failure(session, settings, account, ip, reason="second_factor")
        if pending.failures >= PENDING_MAX_FAILURES:
            await session.delete(pending)
        await session.commit()
        raise SecondStepFailed(wrong_code_message(settings))
    next_url = pending.next_url
    await session.delete(pending)
    await record_successful_login(session, account, f"{pending.method}+{used}", ip)
    return account, next_url


async def enrolment_secret(session: AsyncSession, settings: Settings, account_id: int) -> str:
    """The secret to set up (created on first call, the same until confirmed); Conflict when TOTP is on already."""
    row = await session.get(TotpSecret, account_id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict(_("Two-factor log-in is already set up."))
    if row is not None:
        try:
            return open_secret(settings.secret_key, row.secret_box)
        except SecretUnreadable:  # BALLOT_SECRET_KEY changed during the set-up: start with a new secret
            await session.delete(row)
            await session.flush()
    secret = new_secret()
    session.add(
        TotpSecret(account_id=account_id, secret_box=seal_secret(settings.secret_key, secret), created_at=utcnow())
    )
    await session.flush()
    return secret


async def _replace_recovery_codes(session: AsyncSession, account_id: int) -> list[str]:
    await session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    codes = new_recovery_codes()
    session.add_all(RecoveryCode(account_id=account_id, code_hash=recovery_code_hash(code)) for code in codes)
    await session.flush()
    return codes


async def confirm_enrolment(
    session: AsyncSession, settings: Settings, account_id: int, code: str, *, ip: str | None
) -> list[str]:
    """Switch TOTP on with a current code; returns the new recovery codes (shown once, stored hashed)."""
    row = await session.get(TotpSecret, account_id)
    if row is None or row.confirmed_at is not None:
        raise Conflict(_("Please start the set-up again."))
    try:
        step = matching_step(open_secret(settings.secret_key, row.secret_box), code, after=None)
    except SecretUnreadable:
        raise Conflict(_("Please start the set-up again.")) from None
    if step is None:
        raise ValidationFailed({"code": _("This code is not correct. Check the time on your phone and try again.")})
    row.confirmed_at = utcnow()
    row.last_step = step
    codes = await _replace_recovery_codes(session, account_id)
    record_event(session, "accounts:totp:enrolled", account_id=account_id, ip=ip)
    return codes


async def regenerate_recovery_codes(
    session: AsyncSession, settings: Settings, account_id: int, code: str, *, ip: str | None
) -> list[str]:
    """New recovery codes (the old ones stop working), after a current TOTP code (a wrong one counts as a wrong
    entry on the security page, see ``reauth``)."""
    row = await confirmed_totp(session, account_id)
    if row is None:
        raise Conflict(_("Two-factor log-in is not set up."))
    await ensure_attempts_left(session, settings, account_id)
    if not await _accept_totp(session, settings, row, code):
        await note_wrong_entry(session, account_id, "regenerate_code", ip=ip)
        raise ValidationFailed({"regenerate_code": wrong_code_message(settings)})
    codes = await _replace_recovery_codes(session, account_id)
    record_event(session, "accounts:recovery_codes:regenerated", account_id=account_id, ip=ip)
    return codes


async def turn_off(
    session: AsyncSession, settings: Settings, account: Account, password: str, code: str, *, ip: str | None
) -> None:
    """Remove TOTP and the recovery codes after the password and a code (wrong entries count as on the security
    page, see ``reauth``). Refused while a role requires two-factor log-in."""
    if await is_required(session, settings, account.id):
        raise Conflict(_("Your role requires two-factor log-in, so it cannot be turned off."))
    await ensure_attempts_left(session, settings, account.id)
    if not await password_matches(settings, account, password):
        await note_wrong_entry(session, account.id, "disable_password", ip=ip)
        raise ValidationFailed({"disable_password": _("The current password is not correct.")})
    if await check_code(session, settings, account.id, code) is None:
        await note_wrong_entry(session, account.id, "disable_code", ip=ip)
        raise ValidationFailed({"disable_code": wrong_code_message(settings)})
    await session.execute(delete(TotpSecret).where(TotpSecret.account_id == account.id))
    await session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account.id))
    record_event(session, "accounts:totp:disabled", account_id=account.id, ip=ip)


async def complete_enrolment(
    session: AsyncSession, settings: Settings, pending_token: str | None, code: str, *, ip: str | None
) -> tuple[Account, str, list[str]]:
    """Finish a pending log-in by setting up TOTP (an account the requirement covers); returns the account, the
    page to go to and the recovery codes. A wrong code counts against the pending log-in like a wrong second step."""
    pending, account = await find_pending(session, pending_token)
    try:
        codes = await confirm_enrolment(session, settings, account.id, code, ip=ip)
    except ValidationFailed:
        pending.failures += 1
        if pending.failures >= PENDING_MAX_FAILURES:
            await session.delete(pending)
        await session.commit()
        raise
    next_url = pending.next_url
    await session.delete(pending)
    await record_successful_login(session, account, f"{pending.method}+enrol", ip)
    return account, next_url, codes
