"""One-time links sent by email (login, password reset, invitation): random token, stored hashed, single use.

Asking for a login link always gets the same answer, whether or not the address has an account; the mail is
sent after the response (see :func:`ballot.mail.mailer.deliver_in_background`), so timing tells nothing either.
How many links an address receives per hour is counted in the database (multi-worker safe); beyond the limit,
requests are answered the same way but send nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account, OneTimeToken, TokenPurpose
from ballot.accounts.services import find_account, mail_locale
from ballot.accounts.tokens import hash_token, new_token
from ballot.audit.services import record_event
from ballot.db import utcnow
from ballot.exceptions import NotFound
from ballot.i18n import gettext as _
from ballot.i18n import use_locale
from ballot.mail.mailer import OutgoingMail, render_mail
from ballot.settings import Settings
from ballot.validators import safe_next


class LinkInvalid(NotFound):
    """The link is unknown, used or expired (one message for all three)."""


def link_invalid() -> LinkInvalid:
    return LinkInvalid(_("This link is invalid, has expired or has already been used. Please ask for a new one."))


async def issue_token(
    session: AsyncSession,
    purpose: TokenPurpose,
    lifetime: timedelta,
    *,
    account_id: int | None = None,
    member_id: int | None = None,
) -> str:
    """Store a new one-time token and return it (the only time it exists in clear)."""
    token = new_token()
    now = utcnow()
    session.add(
        OneTimeToken(
            token_hash=hash_token(token),
            purpose=purpose,
            account_id=account_id,
            member_id=member_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token


async def find_token(session: AsyncSession, token: str, purpose: TokenPurpose) -> OneTimeToken:
    """The unused, unexpired token (without using it up); :class:`LinkInvalid` otherwise."""
    row = await session.scalar(
        select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(token), OneTimeToken.purpose == purpose)
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise link_invalid()
    return row


async def consume_token(session: AsyncSession, token: str, purpose: TokenPurpose) -> OneTimeToken:
    """Use the token up. A single conditional UPDATE, so two concurrent requests cannot both succeed."""
    now = utcnow()
    result = await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.token_hash == hash_token(token),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise link_invalid()
    row = await session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(token)))
    assert row is not None
    await session.refresh(row)
    return row


async def expire_open_tokens(
    session: AsyncSession, purpose: TokenPurpose, *, account_id: int | None = None, member_id: int | None = None
) -> None:
    """Invalidate every open token of ``purpose`` for the account or member (e.g. after a password reset)."""
    statement = update(OneTimeToken).where(OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
    if account_id is not None:
        statement = statement.where(OneTimeToken.account_id == account_id)
    if member_id is not None:
        statement = statement.where(OneTimeToken.member_id == member_id)
    await session.execute(statement.values(used_at=utcnow()).execution_options(synchronize_session=False))


async def tokens_sent_since(
    session: AsyncSession, account_id: int, purposes: tuple[TokenPurpose, ...], since: datetime
) -> int:
    """How many links of ``purposes`` went to the account since ``since``."""
    count = await session.scalar(
        select(func.count(OneTimeToken.id)).where(
            OneTimeToken.account_id == account_id,
            OneTimeToken.purpose.in_(purposes),
            OneTimeToken.created_at > since,
        )
    )
    return int(count or 0)


async def account_for_mailed_link(
    session: AsyncSession, settings: Settings, email: str, purpose: TokenPurpose, *, ip: str | None
) -> Account | None:
    """The active account that may get another emailed link of ``purpose`` now, or None (answer stays the same)."""
    account = await find_account(session, email) if email else None
    if account is None or not account.is_active:
        return None
    sent = await tokens_sent_since(
        session, account.id, (TokenPurpose.LOGIN, TokenPurpose.PASSWORD_RESET), utcnow() - timedelta(hours=1)
    )
    if sent >= settings.login.links_per_email_per_hour:
        record_event(session, "accounts:link:throttled", account_id=account.id, purpose=str(purpose), ip=ip)
        return None
    return account


async def request_login_link(
    session: AsyncSession, settings: Settings, email: str, *, next_url: str = "/", ip: str | None = None
) -> OutgoingMail | None:
    """Prepare a login link for ``email`` when it belongs to an active account (None otherwise: same answer)."""
    account = await account_for_mailed_link(session, settings, email, TokenPurpose.LOGIN, ip=ip)
    if account is None:
        return None
    minutes = settings.login.link_minutes
    token = await issue_token(session, TokenPurpose.LOGIN, timedelta(minutes=minutes), account_id=account.id)
    link = f"{settings.base_url}/login/link/{token}"
    target = safe_next(next_url)
    if target != "/":
        link += f"?next={quote(target, safe='/')}"
    locale = mail_locale(account, settings)
    with use_locale(locale):
        subject = _("Your login link")
    body = render_mail(settings, "login_link.txt", locale, name=account.display_name, link=link, minutes=minutes)
    record_event(session, "accounts:link:sent", account_id=account.id, ip=ip)
    return OutgoingMail(to=account.email, subject=subject, body=body)


async def login_with_link(session: AsyncSession, token: str) -> Account:
    """Use up a login link and return its active account: the first factor (the caller finishes the log-in with
    :func:`ballot.accounts.two_factor.after_first_factor`)."""
    row = await consume_token(session, token, TokenPurpose.LOGIN)
    account = await session.get(Account, row.account_id) if row.account_id is not None else None
    if account is None or not account.is_active:
        raise link_invalid()
    return account
