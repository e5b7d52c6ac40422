"""Accounts: creating and finding them, and setting passwords.

The rest of the domain lives in modules of their own: ``login`` (password log-in and lock-out), ``links``
(emailed one-time login links), ``recovery`` (password reset and change), ``invitations``, ``sessions`` and
``api_tokens``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.accounts.passwords import hasher_for, password_errors
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.members.models import Member
from ballot.settings import Settings
from ballot.validators import is_email


def normalize_email(email: str) -> str:
    """Addresses are compared case-insensitively and without surrounding blanks."""
    return email.strip().lower()


async def find_account(session: AsyncSession, email: str) -> Account | None:
    """The account with ``email`` (any case), or None."""
    return await session.scalar(select(Account).where(Account.email == normalize_email(email)))


async def get_account(session: AsyncSession, email: str) -> Account:
    """The account with ``email``; NotFound otherwise."""
    account = await find_account(session, email)
    if account is None:
        raise NotFound(_("There is no account with this email address."))
    return account


def mail_locale(account: Account | None, settings: Settings) -> str:
    """The language to write to ``account`` in."""
    return (account.locale if account else None) or settings.default_locale


async def set_password(session: AsyncSession, settings: Settings, account: Account, password: str) -> None:
    """Store a new argon2id hash and clear the lock-out (no length check here: callers validate)."""
    account.password_hash = await hasher_for(settings.password).hash_async(password)
    account.password_changed_at = utcnow()
    account.failed_logins = 0
    account.locked_until = None
    await session.flush()


async def create_account(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    display_name: str,
    member: Member | None = None,
    password: str | None = None,
    locale: str | None = None,
) -> Account:
    """Create an account (for operators, invitations and demo data); ``password`` None means link log-in only."""
    email = normalize_email(email)
    errors: dict[str, str] = {}
    if not is_email(email):
        errors["email"] = _("Please enter a valid email address.")
    if not display_name.strip():
        errors["name"] = _("Please enter a name.")
    if password is not None:
        errors.update(password_errors(settings.password, password, password))
    if errors:
        raise ValidationFailed(errors)
    if await find_account(session, email) is not None:
        raise Conflict(_("An account with this email address already exists."))
    if member is not None and await session.scalar(select(Account.id).where(Account.member_id == member.id)):
        raise Conflict(_("This member already has an account."))
    account = Account(
        email=email,
        display_name=display_name.strip(),
        member_id=member.id if member else None,
        locale=locale,
        is_active=True,
        failed_logins=0,
    )
    session.add(account)
    await session.flush()
    if password is not None:
        await set_password(session, settings, account, password)
    record_event(session, "accounts:account:created", account_id=account.id, member_id=account.member_id)
    return account
