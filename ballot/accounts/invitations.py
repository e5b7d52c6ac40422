"""Invitations: a board member (or admin) of a member's home unit invites a member without an account.

The invitation is a one-time link to the member's registry address; accepting it sets a password and creates the
account, linked to the registry entry and using the registry's email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.links import consume_token, expire_open_tokens, find_token, issue_token, link_invalid
from ballot.accounts.login import record_successful_login
from ballot.accounts.models import Account, OneTimeToken, TokenPurpose
from ballot.accounts.passwords import password_errors
from ballot.accounts.services import create_account, find_account
from ballot.accounts.tokens import hash_token
from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import use_locale
from ballot.mail.mailer import render_mail, send_mail
from ballot.members.models import Member
from ballot.settings import Settings
from ballot.units.models import Unit


@dataclass(frozen=True)
class Invitation:
    """An open invitation as the accept page shows it."""

    member: Member
    expires_at: datetime


async def _member_and_unit(session: AsyncSession, member_id: int) -> tuple[Member, Unit]:
    row = (
        await session.execute(
            select(Member, Unit).join(Unit, Unit.id == Member.home_unit_id).where(Member.id == member_id)
        )
    ).first()
    if row is None:
        raise NotFound(_("This member does not exist."))
    return row[0], row[1]


async def open_invitation(session: AsyncSession, member_id: int) -> OneTimeToken | None:
    """The member's newest unused, unexpired invitation (for showing "invited on ..." beside a member)."""
    return await session.scalar(
        select(OneTimeToken)
        .where(
            OneTimeToken.member_id == member_id,
            OneTimeToken.purpose == TokenPurpose.INVITE,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > utcnow(),
        )
        .order_by(OneTimeToken.created_at.desc())
        .limit(1)
    )


async def invite_member(
    session: AsyncSession, settings: Settings, principal: Principal | None, member_id: int
) -> OneTimeToken:
    """Send ``member_id`` an invitation; only board members and admins of the member's home unit may.

    An earlier open invitation is replaced. A mail failure raises (and the invitation is rolled back)."""
    member, unit = await _member_and_unit(session, member_id)
    principal = authorize(principal, Action.MEMBER_INVITE, unit)
    if await session.scalar(select(Account.id).where(Account.member_id == member.id)) is not None:
        raise Conflict(_("This member already has an account."))
    if not member.email:
        raise Conflict(_("The registry has no email address for this member."))
    if await find_account(session, member.email) is not None:
        raise Conflict(_("Another account already uses this member's email address."))
    if member.left_on is not None and member.left_on <= utcnow().date():
        raise Conflict(_("This person is no longer a member."))
    await expire_open_tokens(session, TokenPurpose.INVITE, member_id=member.id)
    days = settings.login.invite_days
    token = await issue_token(session, TokenPurpose.INVITE, timedelta(days=days), member_id=member.id)
    locale = settings.default_locale
    with use_locale(locale):
        subject = _("Invitation to the member portal")
    body = render_mail(
        settings,
        "invite.txt",
        locale,
        name=member.full_name,
        inviter=principal.display_name,
        unit=unit.name,
        link=f"{settings.base_url}/invite/{token}",
        days=days,
    )
    await send_mail(session, settings, member.email, subject, body)
    record_event(session, "accounts:invite:sent", account_id=principal.account_id, unit_id=unit.id, member_id=member.id)
    row = await session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == hash_token(token)))
    assert row is not None
    return row


async def check_invitation(session: AsyncSession, token: str) -> Invitation:
    """The open invitation behind ``token``; LinkInvalid otherwise."""
    row = await find_token(session, token, TokenPurpose.INVITE)
    if row.member_id is None:
        raise link_invalid()
    member = await session.get(Member, row.member_id)
    if member is None:
        raise link_invalid()
    return Invitation(member=member, expires_at=row.expires_at)


async def accept_invitation(
    session: AsyncSession, settings: Settings, token: str, password: str, confirm: str, *, ip: str | None = None
) -> Account:
    """Create the member's account with ``password`` (checked before the link is used up)."""
    invitation = await check_invitation(session, token)
    errors = password_errors(settings.password, password, confirm)
    if errors:
        raise ValidationFailed(errors)
    member = invitation.member
    if not member.email:
        raise Conflict(_("The registry has no email address for this member."))
    await consume_token(session, token, TokenPurpose.INVITE)
    account = await create_account(
        session, settings, email=member.email, display_name=member.full_name, member=member, password=password
    )
    record_event(session, "accounts:invite:accepted", account_id=account.id, unit_id=member.home_unit_id)
    await record_successful_login(session, account, "invite", ip)
    return account
