"""Data protection: consents (an append-only log) and the export of everything stored about an account
(GDPR Art. 15 right of access, Art. 20 data portability). Secrets are never exported: no password hash,
no token hash."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account, ApiToken, AuthSession, OneTimeToken
from ballot.audit.models import AuditEvent
from ballot.audit.services import record_event
from ballot.authz.models import RoleGrant
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import NotAuthenticated, NotFound
from ballot.i18n import gettext as _
from ballot.mail.models import DevMail
from ballot.members.models import ConsentEvent, ConsentKind, GroupMembership, Member
from ballot.units.models import Unit

EXPORT_FORMAT = "ballot.personal-data"
EXPORT_FORMAT_VERSION = 1


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def consent_history(session: AsyncSession, member_id: int) -> list[ConsentEvent]:
    """Every consent event of a member, oldest first."""
    return list(
        (
            await session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.member_id == member_id)
                .order_by(ConsentEvent.created_at, ConsentEvent.id)
            )
        ).all()
    )


async def consents_of(session: AsyncSession, member_id: int) -> dict[ConsentKind, bool]:
    """The current state per kind: the latest event wins; no event means no consent."""
    state = dict.fromkeys(ConsentKind, False)
    for event in await consent_history(session, member_id):
        state[event.kind] = event.granted
    return state


async def update_consents(
    session: AsyncSession, principal: Principal | None, wanted: Mapping[ConsentKind, bool], *, source: str = "profile"
) -> list[ConsentEvent]:
    """Append an event for each consent of the principal's registry entry whose state changes; return them."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    if principal.member_id is None:
        raise NotFound(_("Your account is not linked to a registry entry."))
    current = await consents_of(session, principal.member_id)
    events: list[ConsentEvent] = []
    now = utcnow()
    for kind, granted in wanted.items():
        if current.get(kind, False) == granted:
            continue
        event = ConsentEvent(member_id=principal.member_id, kind=kind, granted=granted, source=source, created_at=now)
        session.add(event)
        events.append(event)
        record_event(
            session,
            "members:consent:" + ("grant" if granted else "withdraw"),
            account_id=principal.account_id,
            kind=kind.value,
            source=source,
        )
    await session.flush()
    return events


async def personal_data_export(session: AsyncSession, principal: Principal | None) -> dict[str, Any]:
    """Everything stored about the principal's account and its registry entry, as JSON-ready data."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    account = await session.get(Account, principal.account_id)
    if account is None:
        raise NotFound()
    member = await session.get(Member, account.member_id) if account.member_id is not None else None

    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generated_at": utcnow().isoformat(),
        "legal_basis": "GDPR Art. 15 (right of access) and Art. 20 (data portability)",
        "account": {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "locale": account.locale,
            "is_active": account.is_active,
            "has_password": account.password_hash is not None,
            "failed_logins": account.failed_logins,
            "locked_until": _iso(account.locked_until),
            "last_login_at": _iso(account.last_login_at),
            "password_changed_at": _iso(account.password_changed_at),
            "created_at": _iso(account.created_at),
        },
        "registry_entry": None,
        "group_memberships": [],
        "consents": {"current": {}, "history": []},
    }

    if member is not None:
        data["registry_entry"] = await _registry_entry(session, member)
        data["group_memberships"] = await _group_memberships(session, member.id)
        data["consents"] = {
            "current": {kind.value: granted for kind, granted in (await consents_of(session, member.id)).items()},
            "history": [
                {"kind": e.kind.value, "granted": e.granted, "source": e.source, "at": _iso(e.created_at)}
                for e in await consent_history(session, member.id)
            ],
        }

    grants = (
        await session.execute(
            select(RoleGrant, Unit)
            .join(Unit, Unit.id == RoleGrant.unit_id)
            .where(RoleGrant.account_id == account.id)
            .order_by(RoleGrant.id)
        )
    ).all()
    data["role_grants"] = [
        {"role": g.role.value, "unit": u.name, "unit_slug": u.slug, "granted_at": _iso(g.granted_at)} for g, u in grants
    ]

    sessions = (
        await session.scalars(select(AuthSession).where(AuthSession.account_id == account.id).order_by(AuthSession.id))
    ).all()
    data["sessions"] = [
        {"created_at": _iso(s.created_at), "last_seen_at": _iso(s.last_seen_at), "expires_at": _iso(s.expires_at)}
        for s in sessions
    ]

    token_owner = OneTimeToken.account_id == account.id
    if member is not None:
        token_owner = or_(token_owner, OneTimeToken.member_id == member.id)
    one_time = (await session.scalars(select(OneTimeToken).where(token_owner).order_by(OneTimeToken.id))).all()
    data["one_time_tokens"] = [
        {
            "purpose": t.purpose.value,
            "created_at": _iso(t.created_at),
            "expires_at": _iso(t.expires_at),
            "used_at": _iso(t.used_at),
        }
        for t in one_time
    ]

    api_tokens = (
        await session.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id))
    ).all()
    data["api_tokens"] = [
        {
            "name": t.name,
            "created_at": _iso(t.created_at),
            "last_used_at": _iso(t.last_used_at),
            "revoked_at": _iso(t.revoked_at),
        }
        for t in api_tokens
    ]

    events = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.account_id == account.id).order_by(AuditEvent.created_at, AuditEvent.id)
        )
    ).all()
    data["audit_events"] = [{"tag": e.tag, "at": _iso(e.created_at), "data": e.data} for e in events]

    addresses = {account.email.lower()}
    if member is not None and member.email:
        addresses.add(member.email.lower())
    mails = (
        await session.scalars(select(DevMail).where(DevMail.recipient.in_(sorted(addresses))).order_by(DevMail.id))
    ).all()
    data["mails"] = [
        {"to": m.recipient, "subject": m.subject, "body": m.body, "created_at": _iso(m.created_at)} for m in mails
    ]
    return data


async def _registry_entry(session: AsyncSession, member: Member) -> dict[str, Any]:
    home = await session.get(Unit, member.home_unit_id)
    path_names: list[str] = []
    if home is not None:
        ids = home.ancestor_ids()
        found = {u.id: u.name for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
        path_names = [found[i] for i in ids if i in found]
    return {
        "number": member.number,
        "given_name": member.given_name,
        "family_name": member.family_name,
        "email": member.email,
        "phone": member.phone,
        "street": member.street,
        "postal_code": member.postal_code,
        "city": member.city,
        "gender": member.gender.value,
        "home_unit": home.name if home else None,
        "home_unit_path": path_names,
        "joined_on": _iso(member.joined_on),
        "left_on": _iso(member.left_on),
        "dues_status": member.dues_status.value,
        "member_class": member.member_class.value,
        "created_at": _iso(member.created_at),
        "updated_at": _iso(member.updated_at),
    }


async def _group_memberships(session: AsyncSession, member_id: int) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(GroupMembership, Unit)
            .join(Unit, Unit.id == GroupMembership.unit_id)
            .where(GroupMembership.member_id == member_id)
            .order_by(Unit.name)
        )
    ).all()
    return [
        {
            "unit": unit.name,
            "unit_slug": unit.slug,
            "kind": unit.kind.value,
            "body_type": unit.body_type.value if unit.body_type else None,
            "function": gm.function,
            "since": _iso(gm.since),
        }
        for gm, unit in rows
    ]
