"""Postal voting (Briefwahl) beside online voting: the election committee's services (docs/board.md, "Postal voting").

1. Postal voting certificates (Wahlscheine): the committee enters the member numbers of the received ones. Each
   accepted number becomes a ``voter_register`` row with channel "postal" (no time, no order, no ballot), so the
   booth refuses that member from then on. Which channel wins when a member used both is the statute's
   ``ballot.postal_precedence``: "first" (an online vote first: the certificate is refused and its envelope set
   aside unopened), "online" (certificates only after the online close, within the grace period; an online
   voter's is refused) or "postal" (an online voter's certificate is accepted too: the register row becomes
   channel "postal" but keeps its ``sealed_ref``, which marks it "to open"; after the grace period the trustees
   jointly open exactly these references and the member's online ballot leaves the count, postal/openings.py).
2. Paper ballots (Stimmzettel): after the close and the grace period, the committee enters the opened papers one by
   one, or the counted totals per question; anonymously, in an append-only log (who entered, when; never a
   member). A correction voids an entry by a new entry. No more papers than postal voters.
3. The tally (tally.py) adds these totals to the decrypted online result and records them in postal.json.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.policy import Action, authorize
from ballot.authz.principal import Principal
from ballot.exceptions import Conflict, NotFound, ValidationFailed
from ballot.i18n import gettext as _
from ballot.members.models import Member
from ballot.referendums import register
from ballot.referendums.common import LOCAL_ZONE, frozen_rules, manifest_document, processes_of, unit_of
from ballot.referendums.models import Election, ElectionState, ElectorateEntry, VoterRegister
from ballot.referendums.postal.models import PAPER, TOTALS, VOID, PostalEntry
from ballot_crypto.manifest import Manifest
from ballot_crypto.postal import paper_problem, postal_json, totals_problem

log = logging.getLogger(__name__)

MAX_LINES = 2000
MAX_NUMBER = 32
POSTAL = "postal"


class Line(enum.StrEnum):
    """What happened to one member number of a batch."""

    ACCEPTED = "accepted"
    REPLACES_ONLINE = "replaces_online"
    NOT_ELIGIBLE = "not_eligible"
    VOTED_ONLINE = "voted_online"
    ALREADY_ENTERED = "already_entered"
    UNKNOWN = "unknown"


def line_message(outcome: Line) -> str:
    """The committee's wording of one outcome."""
    return {
        Line.ACCEPTED: _("Accepted: the postal vote counts; keep the ballot envelope for the count."),
        Line.REPLACES_ONLINE: _("Accepted: this member also voted online; under the statute the postal vote counts. "
                                "Keep the ballot envelope for the count; the online ballot is removed at the tally "
                                "by a joint opening of the trustees."),
        Line.NOT_ELIGIBLE: _("Not in the electorate of this ballot: set the envelope aside unopened."),
        Line.VOTED_ONLINE: _("Already voted online: the online vote counts; set the envelope aside unopened."),
        Line.ALREADY_ENTERED: _("Already entered: a second postal voting certificate; set it aside unopened."),
        Line.UNKNOWN: _("Unknown member number: check the certificate."),
    }[outcome]


@dataclass(frozen=True)
class LineResult:
    number: str
    outcome: Line

    @property
    def message(self) -> str:
        return line_message(self.outcome)


@dataclass(frozen=True)
class PostalRules:
    """The frozen statute's postal rules for this ballot."""

    precedence: str
    grace_end: datetime


@dataclass
class PostalState:
    """The paper-ballot log resolved: active papers, the active totals sheet, and the number of postal voters."""

    voters: int
    papers: list[PostalEntry]
    totals: PostalEntry | None
    log: list[PostalEntry]

    @property
    def ballots(self) -> int:
        return int((self.totals.content or {})["ballots"]) if self.totals is not None else len(self.papers)


def grace_end(closes_at: datetime, rules: Any, processes: Sequence[str]) -> datetime:
    """The close plus the statute's longest ``deadlines.grace`` among the processes (calendar days in Germany)."""
    local = closes_at.astimezone(LOCAL_ZONE)
    latest = closes_at
    for process in processes:
        grace = rules.process(process).deadlines.grace
        if grace.amount:
            day = grace.after(local.date())
            latest = max(latest, datetime.combine(day, time(local.hour, local.minute, local.second),
                                                  LOCAL_ZONE).astimezone(closes_at.tzinfo))
    return latest


async def postal_rules(session: AsyncSession, election: Election) -> PostalRules:
    rules = await frozen_rules(session, election)
    processes = processes_of(election.questions)
    precedence = rules.process(processes[0]).ballot.postal_precedence if processes else "first"
    return PostalRules(precedence, grace_end(election.closes_at, rules, processes))


async def authorize_committee(session: AsyncSession, principal: Principal | None, election: Election) -> Principal:
    """The election committee of the ballot's unit (Action.POSTAL_ENTER), for a ballot with postal voting."""
    principal = authorize(principal, Action.POSTAL_ENTER, await unit_of(session, election))
    if not election.postal:
        raise NotFound(_("This ballot offers no postal voting."))
    return principal


def certificate_refusal(election: Election, rules: PostalRules, now: datetime) -> str | None:
    """Why postal voting certificates cannot be entered now (None when they can)."""
    if election.state not in (ElectionState.READY, ElectionState.OPEN, ElectionState.CLOSED):
        return _("Postal voting certificates are entered once the electorate is frozen and until the tally.")
    if now >= rules.grace_end:
        return _("The period for postal votes has ended.")
    if rules.precedence == "online" and now < election.closes_at:
        return _("Under the statute the online vote takes precedence: postal voting certificates are entered "
                 "only after the online close.")
    return None


def paper_refusal(election: Election, rules: PostalRules, now: datetime) -> str | None:
    """Why paper ballots cannot be entered now (None when they can)."""
    if election.state != ElectionState.CLOSED or now < rules.grace_end:
        return _("Paper ballots are entered after the close and the end of the period for postal votes, until the "
                 "tally.")
    return None


async def postal_voters(session: AsyncSession, election: Election) -> int:
    return await session.scalar(select(func.count()).select_from(VoterRegister).where(
        VoterRegister.election_id == election.id, VoterRegister.channel == POSTAL)) or 0


async def enter_certificates(session: AsyncSession, principal: Principal | None, election: Election,
                             numbers: Sequence[str], now: datetime) -> list[LineResult]:
    """Enter the member numbers of received postal voting certificates; one result per non-empty line."""
    principal = await authorize_committee(session, principal, election)
    rules = await postal_rules(session, election)
    refusal = certificate_refusal(election, rules, now)
    if refusal:
        raise Conflict(refusal)
    lines = [n.strip() for n in numbers if n.strip()]
    if not lines:
        raise ValidationFailed({"numbers": _("Enter at least one member number.")})
    if len(lines) > MAX_LINES:
        raise ValidationFailed({"numbers": _("At most %(number)s member numbers at once.", number=MAX_LINES)})
    results = [LineResult(number[:MAX_NUMBER + 8],
                          await _one_certificate(session, election, number, rules.precedence == POSTAL))
               for number in lines]
    accepted = sum(1 for r in results if r.outcome in (Line.ACCEPTED, Line.REPLACES_ONLINE))
    record_event(session, "referendums:postal:certificates", account_id=principal.account_id,
                 unit_id=election.unit_id, election=election.uuid, lines=len(results), accepted=accepted)
    await session.flush()
    return results


async def _one_certificate(session: AsyncSession, election: Election, number: str, postal_wins: bool) -> Line:
    if len(number) > MAX_NUMBER:
        return Line.UNKNOWN
    member_id = await session.scalar(select(Member.id).where(Member.number == number))
    if member_id is None:
        return Line.UNKNOWN
    if await session.get(ElectorateEntry, (election.id, member_id)) is None:
        return Line.NOT_ELIGIBLE
    if await register.mark(session, election.id, member_id, POSTAL, None):
        return Line.ACCEPTED
    existing = await session.get(VoterRegister, (election.id, member_id), populate_existing=True)
    if existing is None:  # after the close the register holds voters only
        try:
            async with session.begin_nested():
                session.add(VoterRegister(election_id=election.id, member_id=member_id, channel=POSTAL,
                                          sealed_ref=None))
            return Line.ACCEPTED
        except IntegrityError:  # an online cast of this member wrote its register row at the same moment
            existing = await session.get(VoterRegister, (election.id, member_id), populate_existing=True)
    if existing is not None and existing.channel == POSTAL:
        return Line.ALREADY_ENTERED
    if postal_wins and existing is not None and existing.sealed_ref is not None:
        existing.channel = POSTAL  # keeps sealed_ref: the reference "to open" (postal/openings.py)
        return Line.REPLACES_ONLINE
    return Line.VOTED_ONLINE


async def postal_state(session: AsyncSession, election: Election) -> PostalState:
    """The log with voided entries resolved."""
    log_rows = list((await session.scalars(select(PostalEntry).where(PostalEntry.election_id == election.id)
                                           .order_by(PostalEntry.id))).all())
    voided = {e.target_id for e in log_rows if e.kind == VOID}
    papers = [e for e in log_rows if e.kind == PAPER and e.id not in voided]
    totals = [e for e in log_rows if e.kind == TOTALS and e.id not in voided]
    return PostalState(await postal_voters(session, election), papers, totals[-1] if totals else None, log_rows)


def _manifest(election: Election) -> Manifest:
    return Manifest.from_json(manifest_document(election))


async def _paper_target(session: AsyncSession, principal: Principal | None, election: Election,
                        now: datetime) -> tuple[Principal, PostalState]:
    principal = await authorize_committee(session, principal, election)
    refusal = paper_refusal(election, await postal_rules(session, election), now)
    if refusal:
        raise Conflict(refusal)
    return principal, await postal_state(session, election)


async def enter_paper(session: AsyncSession, principal: Principal | None, election: Election,
                      answers: Sequence[Mapping[str, Any]], now: datetime) -> PostalEntry:
    """Enter one opened paper ballot (answers in question order, as crypto's ``paper_problem`` wants them)."""
    principal, state = await _paper_target(session, principal, election, now)
    if state.totals is not None:
        raise Conflict(_("Counted totals are entered for the paper ballots; void them first to enter papers "
                         "one by one."))
    if len(state.papers) >= state.voters:
        raise Conflict(_("There are as many paper ballots as postal voters (%(number)s); no more can be entered.",
                         number=state.voters))
    manifest = _manifest(election)
    if len(answers) != len(manifest.questions):
        raise ValidationFailed({"answers": _("Answer every question of the paper ballot.")})
    errors = {}
    for question, answer in zip(manifest.questions, answers, strict=True):
        problem = paper_problem(question, answer)
        if problem:
            errors[f"q-{question.id}"] = problem
    if errors:
        raise ValidationFailed(errors)
    return _append(session, principal, election, PAPER, [dict(a) for a in answers], now)


async def enter_totals(session: AsyncSession, principal: Principal | None, election: Election, ballots: int,
                       totals: Sequence[Mapping[str, Any]], now: datetime) -> PostalEntry:
    """Enter (or replace) the counted totals of all paper ballots: ``ballots`` papers, per question
    ``{"question", "counts", "blank", "invalid"}``."""
    principal, state = await _paper_target(session, principal, election, now)
    if state.papers:
        raise Conflict(_("Paper ballots are entered one by one; void them first to enter counted totals."))
    if isinstance(ballots, bool) or not isinstance(ballots, int) or not 0 <= ballots <= state.voters:
        raise ValidationFailed({"ballots": _("Between 0 and %(number)s paper ballots (the postal voters).",
                                             number=state.voters)})
    manifest = _manifest(election)
    if len(totals) != len(manifest.questions):
        raise ValidationFailed({"answers": _("Enter the totals of every question.")})
    errors = {}
    for question, total in zip(manifest.questions, totals, strict=True):
        problem = totals_problem(question, total, ballots)
        if problem:
            errors[f"q-{question.id}"] = problem
    if errors:
        raise ValidationFailed(errors)
    if state.totals is not None:
        _append(session, principal, election, VOID, None, now, target=state.totals.id)
    return _append(session, principal, election, TOTALS, {"ballots": ballots, "totals": [dict(t) for t in totals]},
                   now)


async def void_entry(session: AsyncSession, principal: Principal | None, election: Election, entry_id: int,
                     now: datetime) -> PostalEntry:
    """Cancel an active paper or totals entry (a correction)."""
    principal, state = await _paper_target(session, principal, election, now)
    active = {e.id for e in state.papers} | ({state.totals.id} if state.totals is not None else set())
    if entry_id not in active:
        raise NotFound(_("This entry does not exist or is already voided."))
    return _append(session, principal, election, VOID, None, now, target=entry_id)


def _append(session: AsyncSession, principal: Principal, election: Election, kind: str, content: Any,
            now: datetime, *, target: int | None = None) -> PostalEntry:
    entry = PostalEntry(election_id=election.id, kind=kind, content=content, target_id=target,
                        entered_by_id=principal.account_id, entered_at=now)
    session.add(entry)
    record_event(session, f"referendums:postal:{kind}", account_id=principal.account_id, unit_id=election.unit_id,
                 election=election.uuid, target=target)
    return entry


async def postal_document(session: AsyncSession, election: Election, manifest: Manifest,
                          precedence: str) -> dict[str, Any]:
    """postal.json (docs/election-record.md 3.14) from the register and the log."""
    if not election.postal:
        return postal_json(manifest, precedence)
    state = await postal_state(session, election)
    if state.ballots > state.voters:
        raise Conflict(_("There are more paper ballots (%(papers)s) than postal voters (%(voters)s); correct the "
                         "entries first.", papers=state.ballots, voters=state.voters))
    if state.totals is not None:
        return postal_json(manifest, precedence, offered=True, voters=state.voters, papers=None,
                           totals=(state.totals.content or {})["totals"], ballots=state.ballots)
    return postal_json(manifest, precedence, offered=True, voters=state.voters,
                       papers=[e.content or [] for e in state.papers])
