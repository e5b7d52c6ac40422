"""The frozen electorate: who may vote, by the statute snapshot's eligibility rules (docs/statutes.md section 3,
``[eligibility]``), for a ballot opening on a given day.

A member is eligible when their home unit is the election's unit or (``eligibility.sub_units``) lies below it,
they are a member on the freeze day (``opening - eligibility.freeze``) and still on ``as_of`` (the day of the
freeze run), and ``ballot_crypto.statutes.check_member`` accepts them (member since, freeze, dues, classes).
Everything is computed from explicit dates, so it is deterministic and testable.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.members.models import DuesStatus, Member
from ballot.referendums.models import Election, ElectorateEntry
from ballot.referendums.register import add_unmarked
from ballot.units.models import Unit
from ballot_crypto.statutes import MemberFacts, Rules, check_member, schedule

#: The process whose eligibility dates apply; eligibility is one table for all processes (docs/statutes.md).
PROCESS = "referendum"


def facts_of(member: Member, unit: Unit) -> MemberFacts:
    """What the statute engine needs to know about ``member`` for a ballot of ``unit``."""
    return MemberFacts(
        joined=member.joined_on,
        member_class=member.member_class.value,
        dues_paid=member.dues_status in (DuesStatus.PAID, DuesStatus.EXEMPT),
        in_home_unit=member.home_unit_id == unit.id,
    )


async def eligible_members(session: AsyncSession, election: Election, rules: Rules, opening: date,
                           as_of: date | None = None) -> list[Member]:
    """Members eligible for ``election`` under ``rules`` for a ballot opening on ``opening`` (ordered by id).
    ``as_of`` (default: the freeze day) is the day the electorate is drawn; a member who left by then is out."""
    unit = await session.get(Unit, election.unit_id)
    if unit is None:  # pragma: no cover - foreign key
        raise LookupError(election.unit_id)
    frozen = schedule(rules, PROCESS, opening).electorate_frozen
    query = select(Member).join(Unit, Unit.id == Member.home_unit_id).order_by(Member.id)
    if rules.eligibility.sub_units:
        query = query.where(Unit.path.startswith(unit.path, autoescape=True))
    else:
        query = query.where(Unit.id == unit.id)
    eligible = []
    for member in (await session.scalars(query)).all():
        if not member.is_active_on(frozen) or (as_of is not None and not member.is_active_on(as_of)):
            continue
        if check_member(rules, PROCESS, facts_of(member, unit), opening).result == "eligible":
            eligible.append(member)
    return eligible


async def freeze_electorate(session: AsyncSession, election: Election, rules: Rules, opening: date,
                            as_of: date | None = None) -> list[Member]:
    """Write the ElectorateEntry rows (delivery unset) and the unmarked register rows, and return the members."""
    members = await eligible_members(session, election, rules, opening, as_of)
    session.add_all(ElectorateEntry(election_id=election.id, member_id=m.id) for m in members)
    add_unmarked(session, election.id, (m.id for m in members))
    await session.flush()
    return members
