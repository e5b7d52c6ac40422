"""Threads attached to something else, by a generic reference (subject kind + id). Ballots use it now; motions,
amendments and surveys add a resolver to :data:`RESOLVERS` with their kind."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.discussions import access
from ballot.discussions.models import SubjectKind, Thread
from ballot.exceptions import NotFound
from ballot.i18n import get_locale
from ballot.i18n import gettext as _
from ballot.units.models import Unit


@dataclass(frozen=True)
class Subject:
    """What a thread is about: its kind, id, unit, title and page."""

    kind: str
    id: int
    unit: Unit
    title: str
    url: str


async def _election(session: AsyncSession, principal: Principal | None, ref: str) -> Subject:
    from ballot.referendums.queries import get_election  # the referendums package is optional for discussions

    election, unit = await get_election(session, principal, ref)
    title = election.title_en if get_locale() == "en" and election.title_en else election.title_de
    return Subject(SubjectKind.ELECTION.value, election.id, unit, title, f"/ballots/{election.uuid}")


async def _motion(session: AsyncSession, principal: Principal | None, ref: str) -> Subject:
    from ballot.motions.drafting import code, get_motion  # the motions package is optional for discussions

    if not ref.isdigit() or len(ref) > 12:
        raise NotFound(_("This page does not exist."))
    found = await get_motion(session, principal, int(ref))
    return Subject("motion", found.motion.id, found.unit, f"{code(found.motion)}: {found.motion.title}",
                   f"/motions/{found.motion.id}")


Resolver = Callable[[AsyncSession, Principal | None, str], Awaitable[Subject]]
RESOLVERS: dict[str, Resolver] = {SubjectKind.ELECTION.value: _election, "motion": _motion}


async def resolve(session: AsyncSession, principal: Principal | None, kind: str, ref: str) -> Subject:
    """The subject ``kind``/``ref`` if the principal may see it (NotFound otherwise)."""
    resolver = RESOLVERS.get(kind)
    if resolver is None:
        raise NotFound(_("This page does not exist."))
    return await resolver(session, principal, ref)


async def threads_about(session: AsyncSession, principal: Principal | None, subject: Subject) -> list[Thread]:
    """The threads attached to ``subject`` that the principal may read, oldest first."""
    rows = (await session.scalars(select(Thread).where(
        Thread.subject_kind == subject.kind, Thread.subject_id == subject.id).order_by(Thread.id))).all()
    units = {subject.unit.id: subject.unit}
    for thread in rows:
        if thread.unit_id not in units:
            found = await session.get(Unit, thread.unit_id)
            if found is not None:
                units[found.id] = found
    return [t for t in rows if t.unit_id in units and access.may_read(principal, t, units[t.unit_id])]
