"""Password reset by emailed link, and changing the password while logged in.

Both end the account's other sessions, and a reset also lifts a lock-out: whoever controls the mailbox may log in
(after the second step, when the account has one). A wrong current password on the change form is rate-limited on
its own and never counts toward the log-in lock-out (``reauth``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.links import (
    account_for_mailed_link,
    consume_token,
    expire_open_tokens,
    find_token,
    issue_token,
    link_invalid,
)
from ballot.accounts.models import Account, OneTimeToken, TokenPurpose
from ballot.accounts.passwords import password_errors
from ballot.accounts.reauth import ensure_attempts_left, note_wrong_entry, password_matches
from ballot.accounts.services import mail_locale, set_password
from ballot.accounts.sessions import end_all_sessions
from ballot.audit.services import record_event
from ballot.exceptions import NotAuthenticated, ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import use_locale
from ballot.mail.mailer import OutgoingMail, render_mail
from ballot.settings import Settings


async def request_password_reset(
    session: AsyncSession, settings: Settings, email: str, *, ip: str | None = None
) -> OutgoingMail | None:
    """Prepare a reset link for an active account with ``email``; None otherwise (the answer is the same)."""
    account = await account_for_mailed_link(session, settings, email, TokenPurpose.PASSWORD_RESET, ip=ip)
    if account is None:
        return None
    minutes = settings.login.reset_minutes
    token = await issue_token(session, TokenPurpose.PASSWORD_RESET, timedelta(minutes=minutes), account_id=account.id)
    locale = mail_locale(account, settings)
    with use_locale(locale):
        subject = _("Reset your password")
    body = render_mail(
        settings,
        "password_reset.txt",
        locale,
        name=account.display_name,
        link=f"{settings.base_url}/password/reset/{token}",
        minutes=minutes,
    )
    record_event(session, "accounts:password:reset_requested", account_id=account.id, ip=ip)
    return OutgoingMail(to=account.email, subject=subject, body=body)


async def check_reset_token(session: AsyncSession, token: str) -> OneTimeToken:
    """The open reset token (for showing the form); LinkInvalid otherwise."""
    return await find_token(session, token, TokenPurpose.PASSWORD_RESET)


async def reset_password(
    session: AsyncSession, settings: Settings, token: str, password: str, confirm: str, *, ip: str | None = None
) -> Account:
    """Set a new password with a reset link: lifts the lock-out, ends every session, uses up the other links.

    The form is checked before the link is used, so a typo does not burn the link."""
    errors = password_errors(settings.password, password, confirm)
    if errors:
        await check_reset_token(session, token)
        raise ValidationFailed(errors)
    row = await consume_token(session, token, TokenPurpose.PASSWORD_RESET)
    account = await session.get(Account, row.account_id) if row.account_id is not None else None
    if account is None or not account.is_active:
        raise link_invalid()
    await set_password(session, settings, account, password)
    await expire_open_tokens(session, TokenPurpose.PASSWORD_RESET, account_id=account.id)
    await expire_open_tokens(session, TokenPurpose.LOGIN, account_id=account.id)
    await end_all_sessions(session, account.id)
    record_event(session, "accounts:password:reset", account_id=account.id, ip=ip)
    return account


async def change_password(
    session: AsyncSession,
    settings: Settings,
    account_id: int,
    current: str,
    password: str,
    confirm: str,
    *,
    keep_session: str | None,
    ip: str | None = None,
) -> Account:
    """Change the password of a logged-in account after checking the current one. Wrong current passwords are
    rate-limited per account (:class:`RateLimited`) but never lock the owner out of logging in. Ends the account's
    other sessions."""
    account = await session.get(Account, account_id)
    if account is None:
        raise NotAuthenticated(_("Please log in first."))
    errors = password_errors(settings.password, password, confirm, field="new_password", confirm_field="confirm")
    if errors:
        raise ValidationFailed(errors)
    await ensure_attempts_left(session, settings, account.id)
    if not await password_matches(settings, account, current):
        await note_wrong_entry(session, account.id, "current_password", ip=ip)
        raise ValidationFailed({"current_password": _("The current password is not correct.")})
    await set_password(session, settings, account, password)
    await end_all_sessions(session, account.id, keep_token=keep_session)
    record_event(session, "accounts:password:changed", account_id=account.id, ip=ip)
    return account
