"""The due-job runner for announcements: ``ballot maintenance run-due`` and the app's periodic task.

A ballot is due when it is ready (or open), its ``announcement_at`` has come and it is not announced yet, or
when an announcement was made but mails still wait (a run was interrupted, or the mail server refused). Running
twice at once is safe (see :mod:`ballot.referendums.announcements.services`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ballot.db import utcnow
from ballot.exceptions import BallotError
from ballot.referendums.announcements.services import ANNOUNCEABLE, begin_announcement, deliver_announcement
from ballot.referendums.models import Election, ElectorateEntry
from ballot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Done:
    """What one run did for one ballot; ``error`` names why it stopped early."""

    election: str
    mails: int
    letters: int
    unknown: int
    waiting: int
    error: str = ""


async def due_elections(session: AsyncSession, now: datetime) -> list[Election]:
    """Ballots whose announcement is due or unfinished, oldest announcement time first."""
    waiting = exists().where(ElectorateEntry.election_id == Election.id, ElectorateEntry.announcement.is_(None))
    query = (select(Election).where(Election.state.in_(ANNOUNCEABLE), or_(
        (Election.announced_at.is_(None)) & (Election.announcement_at <= now),
        Election.announced_at.is_not(None) & waiting)).order_by(Election.announcement_at, Election.id))
    return list((await session.scalars(query)).all())


async def run_due(session: AsyncSession, settings: Settings, now: datetime) -> list[Done]:
    """Announce every due ballot and send its waiting mails; a refusing mail server stops that ballot only."""
    done = []
    for election in await due_elections(session, now):
        uuid = election.uuid
        try:
            if election.announced_at is None:
                await begin_announcement(session, election, now)
            progress = await deliver_announcement(session, settings, election)
        except BallotError as exc:  # the mail server refused, or the ballot moved on meanwhile
            await session.rollback()
            log.warning("announcement of %s stopped: %s", uuid, type(exc).__name__)
            done.append(Done(uuid, 0, 0, 0, 0, exc.message or str(exc)))
            continue
        done.append(Done(uuid, progress.mails, progress.letters, progress.unknown, progress.waiting))
    return done


async def run_periodically(factory: async_sessionmaker[AsyncSession], settings: Settings, seconds: int) -> None:
    """The app's light periodic task: :func:`run_due` every ``seconds``; errors are logged, never raised."""
    while True:
        try:
            async with factory() as session:
                await run_due(session, settings, utcnow())
                await session.commit()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("due jobs failed (%s)", type(exc).__name__)
        await asyncio.sleep(seconds)
