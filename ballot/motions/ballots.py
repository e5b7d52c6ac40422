"""Deciding a motion by a binding ballot: the board links one of the unit's ballots (ballot/referendums) to an
admitted motion; the motion page links to it and shows its state. The decision itself is recorded as a workflow
step once the result is published (the ballot's result page and election record prove it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import get_locale
from ballot.i18n import gettext as _
from ballot.motions import access
from ballot.motions.drafting import MotionRef
from ballot.motions.models import State
from ballot.referendums.models import Election
from ballot.referendums.queries import elections_of_unit, get_election
from ballot.units.models import Unit

#: Motion states in which a ballot can be linked.
LINKABLE = frozenset({State.ADMITTED, State.RECOMMENDATION})


@dataclass(frozen=True)
class BallotLink:
    """A ballot as the motion page shows it."""

    uuid: str
    title: str
    state: str
    url: str


def _title(election: Election) -> str:
    return election.title_en if get_locale() == "en" and election.title_en else election.title_de


async def choices(session: AsyncSession, principal: Principal | None, unit: Unit) -> list[BallotLink]:
    """The unit's ballots the principal may see (for the board's choice)."""
    if principal is None:
        return []
    return [BallotLink(e.uuid, _title(e), e.state.value, f"/ballots/{e.uuid}")
            for e in await elections_of_unit(session, principal, unit)]


async def linked(session: AsyncSession, principal: Principal | None, ref: MotionRef) -> BallotLink | None:
    """The linked ballot, when there is one and the principal may see it."""
    if not ref.motion.election_uuid:
        return None
    try:
        election, _unit = await get_election(session, principal, ref.motion.election_uuid)
    except (NotFound, NotAuthenticated):
        return None
    return BallotLink(election.uuid, _title(election), election.state.value, f"/ballots/{election.uuid}")


async def link(session: AsyncSession, principal: Principal | None, ref: MotionRef, election_uuid: str) -> None:
    """Link the ballot (empty: remove the link); managers, while the motion awaits its decision."""
    principal = access.ensure_manager(principal, ref.unit)
    if ref.motion.state not in LINKABLE:
        raise PermissionDenied(_("A ballot can be linked to an admitted motion only."))
    if not election_uuid:
        ref.motion.election_uuid = None
    else:
        try:
            election, unit = await get_election(session, principal, election_uuid)
        except NotFound:
            raise ValidationFailed({"election": _("Please choose a ballot of this unit.")}) from None
        if unit.id != ref.unit.id:
            raise ValidationFailed({"election": _("Please choose a ballot of this unit.")})
        ref.motion.election_uuid = election.uuid
    record_event(session, "motions:motion:ballot", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=ref.motion.id, election=ref.motion.election_uuid)
    await session.flush()
