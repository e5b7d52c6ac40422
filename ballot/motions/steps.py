"""Moving motions and amendments through their workflow, with an append-only history. Admission checks the
statute's supporter rules; a recommendation needs its text; a decision may carry the counts of a live vote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.accounts.models import Account
from ballot.audit.services import record_event
from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import PermissionDenied, ValidationFailed
from ballot.i18n import gettext as _
from ballot.motions import access, workflow
from ballot.motions.drafting import MotionRef, author_ids, before_deadline
from ballot.motions.models import Amendment, MotionKind, State, TargetKind, WorkflowStep
from ballot.motions.support import tally

MAX_NOTE = 5_000
MAX_VOTES = 10_000_000


@dataclass(frozen=True)
class Votes:
    """Counts of a vote at a convention (each may be unknown)."""

    yes: int | None = None
    no: int | None = None
    abstain: int | None = None


def parse_votes(raw: dict[str, str]) -> tuple[Votes, dict[str, str]]:
    """Counts from form fields ``yes``/``no``/``abstain`` (empty: unknown) and errors per field."""
    values: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name in ("yes", "no", "abstain"):
        text = (raw.get(name) or "").strip()
        if not text:
            values[name] = None
        elif text.isdigit() and int(text) <= MAX_VOTES:
            values[name] = int(text)
        else:
            errors[name] = _("Please enter a whole number of votes (0 or more), or leave it empty.")
    return Votes(values.get("yes"), values.get("no"), values.get("abstain")), errors


def _target(ref: MotionRef, amendment: Amendment | None) -> tuple[TargetKind, int, State]:
    if amendment is not None:
        return TargetKind.AMENDMENT, amendment.id, amendment.state
    return TargetKind.MOTION, ref.motion.id, ref.motion.state


async def allowed_moves(session: AsyncSession, principal: Principal | None, ref: MotionRef,
                        amendment: Amendment | None = None) -> list[workflow.Transition]:
    """The moves the principal may offer on this motion (or amendment)."""
    authors = {amendment.author_id} if amendment is not None and amendment.author_id else (
        set() if amendment is not None else await author_ids(session, ref.motion))
    _kind, _id, state = _target(ref, amendment)
    rules = workflow.rules_of(ref.consultation.workflow, ref.consultation.workflow_rules)
    return workflow.transitions(rules, state, access.movers(principal, ref.unit, authors))


async def move(session: AsyncSession, principal: Principal | None, ref: MotionRef, target: str, *,
               amendment: Amendment | None = None, note: str = "", votes: Votes = Votes(),
               now: datetime | None = None, result_url: str | None = None) -> WorkflowStep:
    """Move the motion (or ``amendment``) to ``target`` as the consultation's stored workflow allows (``result_url``:
    the survey or ballot result a decision was taken from); PermissionDenied when the principal may not make the move,
    ValidationFailed (field ``target``, ``note`` or a count) when a precondition fails."""
    principal = access.logged_in(principal)
    now = now or utcnow()
    kind, target_id, state = _target(ref, amendment)
    to = next((s for s in State if s.value == target), None)
    moves = await allowed_moves(session, principal, ref, amendment)
    chosen = next((t for t in moves if t.target == to), None)
    if chosen is None or to is None:
        raise PermissionDenied(_("This step is not possible now, or not for you."))
    errors: dict[str, str] = {}
    if len(note) > MAX_NOTE:
        errors["note"] = _("The note has at most %(number)s characters.", number=MAX_NOTE)
    if to == State.RECOMMENDATION and not note.strip():
        errors["note"] = _("Please write the recommendation.")
    if to == State.SUBMITTED and ref.motion.kind != MotionKind.PROCEDURAL and not before_deadline(
            ref.consultation.deadline, now):
        errors["target"] = _("The deadline for motions has passed.")
    if to == State.ADMITTED:
        motion_kind = ref.motion.kind if amendment is None else MotionKind.MOTION
        support = await tally(session, principal, ref.unit, kind, target_id, motion_kind)
        if not support.statute_ok:
            errors["target"] = _("The statute of this unit cannot be applied: please ask an administrator.")
        elif not support.met:
            errors["target"] = _("Not enough supporters yet: %(count)s of %(needed)s (women: %(women)s of "
                                 "%(women_needed)s).", count=support.count, needed=support.needed,
                                 women=support.women, women_needed=support.women_needed)
    if to not in workflow.DECISIONS and any(v is not None for v in (votes.yes, votes.no, votes.abstain)):
        errors["yes"] = _("Counts belong to a decision only.")
    if errors:
        raise ValidationFailed(errors)
    step = WorkflowStep(target_kind=kind, target_id=target_id, from_state=state, to_state=to,
                        account_id=principal.account_id, note=note.strip(), votes_yes=votes.yes, votes_no=votes.no,
                        votes_abstain=votes.abstain, result_url=result_url, created_at=now)
    session.add(step)
    if amendment is not None:
        amendment.state = to
    else:
        ref.motion.state = to
    record_event(session, f"motions:{kind.value}:move", account_id=principal.account_id, unit_id=ref.unit.id,
                 target=target_id, to=to.value)
    await session.flush()
    return step


async def history(session: AsyncSession, kind: TargetKind, target_id: int) -> list[tuple[WorkflowStep, str]]:
    """Every step, oldest first, with who made it."""
    rows = (await session.execute(
        select(WorkflowStep, Account.display_name).outerjoin(Account, Account.id == WorkflowStep.account_id)
        .where(WorkflowStep.target_kind == kind, WorkflowStep.target_id == target_id)
        .order_by(WorkflowStep.id))).all()
    return [(step, name or _("Former member")) for step, name in rows]


async def record_merge_step(session: AsyncSession, principal: Principal, amendment: Amendment, note: str) -> None:
    """The system move of a merged amendment (adopted -> merged)."""
    if amendment.state != State.ADOPTED:
        raise PermissionDenied(_("Only adopted amendments can be merged."))
    session.add(WorkflowStep(target_kind=TargetKind.AMENDMENT, target_id=amendment.id, from_state=amendment.state,
                             to_state=State.MERGED, account_id=principal.account_id, note=note, created_at=utcnow()))
    amendment.state = State.MERGED
