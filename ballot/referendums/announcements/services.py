"""The announcement (Bekanntmachung) of a binding ballot: a mail to every eligible member, letters for the rest.

The announcement is made once the electorate is frozen (state ready, or late while open): by the board's formal
act "send the announcement now" (:func:`announce`) or, from ``announcement_at`` on, by the due-job runner
(:mod:`ballot.referendums.announcements.runner`). Sending is idempotent and crash-safe, at most once per member:

- ``Election.announced_at`` is set by a conditional update and committed before any mail (one announcement).
- Members without an email address are marked ``letter`` in the same step; their letters PDF can be produced
  again at any time (the announcement is public).
- Every mail is claimed first (entry ``NULL -> pending``, a conditional update, committed), then sent, then marked
  ``email`` (committed). Two runners never claim the same entry. A crash between claim and mark leaves the entry
  ``pending``: it is not sent again; the board page counts it as "delivery unknown".
- A mail the server refuses puts its entry back (``pending -> NULL``) and stops the run; the next run resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict
from ballot.i18n import gettext as _
from ballot.mail.mailer import MailDeliveryFailed, render_mail, send_mail
from ballot.members.models import Member
from ballot.referendums.announcements.content import (
    Facts,
    announcement_context,
    announcement_subject,
    load_facts,
)
from ballot.referendums.common import unit_of
from ballot.referendums.models import Election, ElectionState, ElectorateEntry
from ballot.settings import Settings

PENDING, EMAIL, LETTER = "pending", "email", "letter"
ANNOUNCEABLE = (ElectionState.READY, ElectionState.OPEN)
BATCH = 200


@dataclass(frozen=True)
class Progress:
    """How far the announcement of one ballot has gone."""

    announced_at: datetime | None
    mails: int
    letters: int
    unknown: int
    waiting: int

    @property
    def complete(self) -> bool:
        return self.announced_at is not None and self.waiting == 0


async def progress_of(session: AsyncSession, election: Election) -> Progress:
    """Counts of the electorate by announcement channel."""
    rows = (await session.execute(
        select(ElectorateEntry.announcement, func.count()).where(ElectorateEntry.election_id == election.id)
        .group_by(ElectorateEntry.announcement))).all()
    counts: dict[str | None, int] = {channel: int(number) for channel, number in rows}
    return Progress(election.announced_at, counts.get(EMAIL, 0), counts.get(LETTER, 0), counts.get(PENDING, 0),
                    counts.get(None, 0))


def refusal(election: Election) -> str | None:
    """Why the ballot cannot be announced now (None when it can)."""
    if election.announced_at is not None:
        return _("The announcement was made on %(when)s.", when=election.announced_at.isoformat(timespec="minutes"))
    if election.state not in ANNOUNCEABLE:
        if election.state in (ElectionState.DRAFT, ElectionState.CEREMONY):
            return _("The announcement goes out once the key ceremony is finished and the electorate is frozen.")
        return _("The ballot is closed; it can no longer be announced.")
    return None


async def begin_announcement(session: AsyncSession, election: Election, now: datetime,
                             account_id: int | None = None) -> bool:
    """Make the announcement (committed): ``announced_at`` and the letter entries. False when another run made
    it first; Conflict when the ballot cannot be announced."""
    reason = refusal(election)
    if reason is not None:
        raise Conflict(reason)
    made = await session.execute(
        update(Election).where(Election.id == election.id, Election.announced_at.is_(None),
                               Election.state.in_(ANNOUNCEABLE))
        .values(announced_at=now).execution_options(synchronize_session=False))
    if made.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        await session.refresh(election)
        return False
    without_email = select(Member.id).where((Member.email.is_(None)) | (Member.email == ""))
    await session.execute(
        update(ElectorateEntry).where(ElectorateEntry.election_id == election.id,
                                      ElectorateEntry.announcement.is_(None),
                                      ElectorateEntry.member_id.in_(without_email))
        .values(announcement=LETTER).execution_options(synchronize_session=False))
    record_event(session, "referendums:election:announce", account_id=account_id, unit_id=election.unit_id,
                 election=election.uuid, automatic=account_id is None)
    await session.commit()
    await session.refresh(election)
    return True


async def _claim(session: AsyncSession, election: Election, member_id: int, target: str | None,
                 expected: str | None) -> bool:
    condition = (ElectorateEntry.announcement.is_(None) if expected is None
                 else ElectorateEntry.announcement == expected)
    result = await session.execute(
        update(ElectorateEntry).where(ElectorateEntry.election_id == election.id,
                                      ElectorateEntry.member_id == member_id, condition)
        .values(announcement=target).execution_options(synchronize_session=False))
    await session.commit()
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class _Renderer:
    """The announcement per language, rendered once per run; the addressee is added per mail."""

    def __init__(self, settings: Settings, facts: Facts) -> None:
        self.settings, self.facts = settings, facts
        self._contexts: dict[str, dict[str, Any]] = {}

    def mail(self, locale: str, name: str, delivery: str | None) -> tuple[str, str]:
        context = self._contexts.get(locale)
        if context is None:
            context = self._contexts[locale] = announcement_context(self.settings, self.facts, locale)
        body = render_mail(self.settings, "announcement.txt", locale, name=name, delivery=delivery, **context)
        return announcement_subject(context, locale), body


async def deliver_announcement(session: AsyncSession, settings: Settings, election: Election) -> Progress:
    """Send the waiting announcement mails (one claim, send and mark each, committed one by one).
    MailDeliveryFailed when the mail server refuses: the entry is released and the run stops there."""
    if election.announced_at is None:
        raise Conflict(_("This ballot has not been announced yet."))
    renderer = _Renderer(settings, await load_facts(session, election))
    while True:
        rows = (await session.execute(
            select(Member.id, Member.email, Member.given_name, Member.family_name, ElectorateEntry.delivery,
                   Account.locale)
            .join(ElectorateEntry, ElectorateEntry.member_id == Member.id)
            .outerjoin(Account, Account.member_id == Member.id)
            .where(ElectorateEntry.election_id == election.id, ElectorateEntry.announcement.is_(None))
            .order_by(Member.id).limit(BATCH))).all()
        if not rows:
            break
        for member_id, email, given, family, delivery, locale in rows:
            if not email:
                await _claim(session, election, member_id, LETTER, None)
                continue
            if not await _claim(session, election, member_id, PENDING, None):
                continue  # another run has it
            subject, body = renderer.mail(locale or settings.default_locale, f"{given} {family}", delivery)
            try:
                await send_mail(session, settings, email, subject, body)
            except MailDeliveryFailed:
                await session.rollback()
                await _claim(session, election, member_id, None, PENDING)
                raise
            await _claim(session, election, member_id, EMAIL, PENDING)
    return await progress_of(session, election)


async def announce(session: AsyncSession, principal: Principal | None, election: Election,
                   now: datetime) -> bool:
    """The board's formal act "send the announcement now" (ELECTION_MANAGE): make the announcement (committed).
    The mails go out with :func:`deliver_announcement` (after the response, or by the due-job runner)."""
    principal = authorize(principal, Action.ELECTION_MANAGE, await unit_of(session, election))
    made = await begin_announcement(session, election, now, principal.account_id)
    if not made:
        raise Conflict(refusal(election) or _("The announcement was made already."))
    return made
