"""Finding ballots for pages: by uuid, by unit, and the open ones a member may vote in."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.policy import Action, is_allowed
from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated, NotFound
from ballot.i18n import gettext as _
from ballot.referendums.models import Election, ElectionState, ElectionTrustee, ElectorateEntry
from ballot.units.models import Unit

#: States a member sees; drafts and locked ballots in preparation are for the board and the trustees only.
PUBLIC_STATES = (ElectionState.READY, ElectionState.OPEN, ElectionState.CLOSED, ElectionState.TALLIED)


async def get_election(session: AsyncSession, principal: Principal | None, election_uuid: str) -> tuple[Election, Unit]:
    """The ballot with ``election_uuid`` and its unit, if the principal may see it (else NotFound, also for drafts
    of other units: their existence is not revealed)."""
    if principal is None:
        raise NotAuthenticated(_("Please log in first."))
    try:
        canonical = str(uuid_module.UUID(election_uuid))
    except ValueError:
        raise NotFound(_("This ballot does not exist.")) from None
    row = (
        await session.execute(
            select(Election, Unit).join(Unit, Unit.id == Election.unit_id).where(Election.uuid == canonical)
        )
    ).first()
    if row is None or not await may_see(session, principal, row[0], row[1]):
        raise NotFound(_("This ballot does not exist."))
    return row[0], row[1]


async def may_see(session: AsyncSession, principal: Principal, election: Election, unit: Unit) -> bool:
    """Public states: every logged-in account; preparation: the board of the unit and the ballot's trustees."""
    if election.state in PUBLIC_STATES or is_allowed(principal, Action.ELECTION_MANAGE, unit):
        return True
    trustee = await session.scalar(
        select(ElectionTrustee.id).where(
            ElectionTrustee.election_id == election.id, ElectionTrustee.account_id == principal.account_id
        )
    )
    return trustee is not None


async def elections_of_unit(session: AsyncSession, principal: Principal, unit: Unit) -> Sequence[Election]:
    """The unit's ballots the principal may see, newest first."""
    query = select(Election).where(Election.unit_id == unit.id).order_by(Election.opens_at.desc(), Election.id.desc())
    if not is_allowed(principal, Action.ELECTION_MANAGE, unit):
        trustee_of = select(ElectionTrustee.election_id).where(ElectionTrustee.account_id == principal.account_id)
        query = query.where(Election.state.in_(PUBLIC_STATES) | Election.id.in_(trustee_of))
    return (await session.scalars(query)).all()


async def ballots_for_member(session: AsyncSession, principal: Principal) -> Sequence[Election]:
    """Ballots whose frozen electorate contains the principal's registry entry and that are ready or open."""
    if principal.member_id is None:
        return []
    query = (
        select(Election)
        .join(ElectorateEntry, ElectorateEntry.election_id == Election.id)
        .where(
            ElectorateEntry.member_id == principal.member_id,
            Election.state.in_((ElectionState.READY, ElectionState.OPEN)),
        )
        .order_by(Election.closes_at)
    )
    return (await session.scalars(query)).all()


async def trusteeships(session: AsyncSession, principal: Principal) -> Sequence[tuple[Election, ElectionTrustee]]:
    """Ballots where the principal is a trustee and something may be asked of them (not yet tallied)."""
    rows = await session.execute(
        select(Election, ElectionTrustee)
        .join(ElectionTrustee, ElectionTrustee.election_id == Election.id)
        .where(ElectionTrustee.account_id == principal.account_id, Election.state != ElectionState.TALLIED)
        .order_by(Election.opens_at)
    )
    return [(election, trustee) for election, trustee in rows.all()]
