"""Decisions by an online vote: the board starts a non-binding member survey (ballot/surveys, one yes/no/abstain
question about the motion or amendment) or links a binding ballot (ballot/motions/ballots.py, motions only); once
the survey has closed or the ballot is tallied, one click records the decision as a workflow step with the counts
and a link to the result page.

Rules: a survey adopts when more members answered yes than no (abstentions count as taking part, not as votes);
a binding ballot decides as the statute's evaluation of its first question says (``adopted`` or ``rejected``; any
other outcome, e.g. a missed quorum, is refused and must be recorded by hand with a note).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access, steps
from ballot.motions.amend import Change, apply
from ballot.motions.amendments import amendment_code
from ballot.motions.drafting import MotionRef, code, version
from ballot.motions.models import Amendment, MotionVersion, State
from ballot.motions.steps import Votes
from ballot.referendums.box import outcome_of
from ballot.referendums.models import ElectionState
from ballot.referendums.queries import get_election
from ballot.surveys import services as surveys
from ballot.surveys.models import Survey
from ballot.surveys.results import load_responses

#: States in which a vote can be started.
OPEN = frozenset({State.ADMITTED, State.RECOMMENDATION})
QUESTION_ID = "decision"
DESCRIPTION_MAX = 20_000


@dataclass(frozen=True)
class Result:
    """What a finished vote decided, with its counts and the page that proves it."""

    state: State
    votes: Votes
    url: str
    source: str  # "survey" or "ballot"


def _state(ref: MotionRef, amendment: Amendment | None) -> State:
    return amendment.state if amendment is not None else ref.motion.state


def _title(ref: MotionRef, amendment: Amendment | None) -> str:
    if amendment is None:
        return f"{code(ref.motion)}: {ref.motion.title}"
    return f"{amendment_code(ref.motion, amendment)}: {ref.motion.title}"


def _amended_text(base: MotionVersion, amendment: Amendment) -> str:
    return apply(base.body, [Change(c["start"], c["end"], c["new"]) for c in amendment.changes])


async def start_survey(session: AsyncSession, principal: Principal | None, ref: MotionRef,
                       amendment: Amendment | None, *, closes_at: datetime | None,
                       now: datetime | None = None) -> Survey:
    """A member survey with one yes/no/abstain question on the motion (or amendment), open from now until
    ``closes_at``, anonymous; managers, once the motion is admitted. ValidationFailed names the bad field."""
    principal = access.ensure_manager(principal, ref.unit)
    now = now or utcnow()
    if _state(ref, amendment) not in OPEN:
        raise PermissionDenied(_("A vote can be started on an admitted motion or amendment only."))
    target = amendment if amendment is not None else ref.motion
    if target.survey_id is not None:
        raise PermissionDenied(_("A survey has already been started."))
    title = _title(ref, amendment)
    if amendment is None:
        text = (await version(session, ref.motion)).body
        question = _("Should the motion %(code)s be adopted?", code=code(ref.motion))
    else:
        base = await version(session, ref.motion, amendment.base_version)
        text = _amended_text(base, amendment)
        question = _("Should %(code)s be adopted?", code=amendment_code(ref.motion, amendment))
    description = _("The text as it would read:") + "\n\n" + text
    survey = await surveys.create_survey(
        session, principal, ref.unit, title=title[:200], description=description[:DESCRIPTION_MAX],
        mode="anonymous", questions=[{"id": QUESTION_ID, "kind": "yesno", "text": question, "optional": False}],
        opens_at=now, closes_at=closes_at, results_while_open=False, breakdown=False, now=now)
    target.survey_id = survey.id
    record_event(session, "motions:motion:survey", account_id=principal.account_id, unit_id=ref.unit.id,
                 motion=ref.motion.id, amendment=amendment.id if amendment else None, survey=survey.id)
    await session.flush()
    return survey


async def survey_result(session: AsyncSession, survey: Survey, now: datetime) -> Result | None:
    """The decision of a closed survey (None while it runs)."""
    if not survey.is_closed(now):
        return None
    question = next((q for q in survey.questions if q.get("id") == QUESTION_ID), None)
    if question is None:
        return None
    given = [r.answers.get(QUESTION_ID) for r in await load_responses(session, survey)]
    counts = {value: given.count(value) for value in ("yes", "no", "abstain")}
    state = State.ADOPTED if counts["yes"] > counts["no"] else State.REJECTED
    return Result(state, Votes(counts["yes"], counts["no"], counts["abstain"]), f"/surveys/{survey.id}/results",
                  "survey")


async def ballot_result(session: AsyncSession, principal: Principal | None, election_uuid: str) -> Result | None:
    """The decision of a tallied binding ballot (None before the tally); ValidationFailed when it decided
    neither way."""
    try:
        election, _unit = await get_election(session, principal, election_uuid)
    except (NotFound, NotAuthenticated):
        return None
    outcome = await outcome_of(session, election)
    if election.state != ElectionState.TALLIED or outcome is None or not outcome.evaluation_json:
        return None
    questions = json.loads(outcome.evaluation_json).get("questions") or [{}]
    first = questions[0]
    counts = first.get("counts") or {}
    decided = (first.get("decision") or {}).get("outcome")
    states = {"adopted": State.ADOPTED, "rejected": State.REJECTED}
    if decided not in states:
        raise ValidationFailed({"target": _("The ballot decided neither way (%(outcome)s): please record the "
                                            "decision by hand, with a note.", outcome=str(decided))})
    return Result(states[decided], Votes(counts.get("yes"), counts.get("no"), counts.get("abstain")),
                  f"/ballots/{election.uuid}/result", "ballot")


async def result_of(session: AsyncSession, principal: Principal | None, ref: MotionRef, amendment: Amendment | None,
                    now: datetime | None = None) -> Result | None:
    """The finished vote's decision on the motion (or amendment), or None when there is none (yet)."""
    now = now or utcnow()
    target = amendment if amendment is not None else ref.motion
    if target.survey_id is not None:
        survey = await session.get(Survey, target.survey_id)
        if survey is not None:
            return await survey_result(session, survey, now)
    if target.election_uuid:
        return await ballot_result(session, principal, target.election_uuid)
    return None


async def decide_from_result(session: AsyncSession, principal: Principal | None, ref: MotionRef,
                             amendment: Amendment | None = None, now: datetime | None = None) -> steps.WorkflowStep:
    """Record the finished vote's decision as a workflow step (the workflow decides who may)."""
    access.logged_in(principal)
    result = await result_of(session, principal, ref, amendment, now)
    if result is None:
        raise ValidationFailed({"target": _("There is no result yet.")})
    note = _("Decided by the member survey.") if result.source == "survey" else _("Decided by the binding ballot.")
    return await steps.move(session, principal, ref, result.state.value, amendment=amendment, note=note,
                            votes=result.votes, now=now, result_url=result.url)


@dataclass(frozen=True)
class VoteView:
    """The online vote as the motion page shows it."""

    survey_url: str | None
    result: Result | None
    problem: str
    can_start: bool
    can_decide: bool


async def vote_view(session: AsyncSession, principal: Principal | None, ref: MotionRef, amendment: Amendment | None,
                    moves: list[steps.workflow.Transition]) -> VoteView:
    """The survey link, the result when there is one, and what the principal may do about it."""
    target = amendment if amendment is not None else ref.motion
    problem = ""
    try:
        result = await result_of(session, principal, ref, amendment)
    except ValidationFailed as exc:
        result, problem = None, "; ".join(exc.errors.values())
    state = _state(ref, amendment)
    return VoteView(
        survey_url=f"/surveys/{target.survey_id}" if target.survey_id else None, result=result, problem=problem,
        can_start=access.is_manager(principal, ref.unit) and state in OPEN and target.survey_id is None,
        can_decide=result is not None and any(t.target == result.state for t in moves))
