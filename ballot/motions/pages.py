"""Page contexts shared by the motion views: the motion page (text with line numbers, supporters, amendments,
workflow) and the consultation page. Plain dicts, testable without rendering."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.motions import access, amendments, ballots, drafting, merge, steps, support, workflow
from ballot.motions.drafting import MotionRef, code
from ballot.motions.forms import as_local_input
from ballot.motions.lines import Line, number_lines
from ballot.motions.models import Consultation, MotionKind, State, TargetKind
from ballot.units.models import Unit


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped by paragraph."""
    groups: list[list[Line]] = []
    for line in lines:
        if not groups or groups[-1][0].paragraph != line.paragraph:
            groups.append([])
        groups[-1].append(line)
    return groups


def helpers() -> dict[str, Any]:
    """Functions the motion templates use."""
    return {"state_label": workflow.state_label, "action_label": workflow.action_label, "code": code,
            "decisions": workflow.DECISIONS, "local_input": as_local_input}


async def motion_context(db: AsyncSession, principal: Principal | None, ref: MotionRef,
                         move_errors: dict[Any, dict[str, str]] | None = None,
                         values: dict[str, str] | None = None, error: str = "") -> dict[str, Any]:
    """Everything the motion page shows."""
    motion, consultation, unit = ref.motion, ref.consultation, ref.unit
    current = await drafting.version(db, motion)
    lines = number_lines(current.body, consultation.line_length)
    authors = await drafting.author_ids(db, motion)
    views = await amendments.amendment_views(db, motion, consultation.line_length)
    amendment_rows = []
    for view in views:
        a = view.amendment
        amendment_rows.append({
            "view": view,
            "tally": await support.tally(db, principal, unit, TargetKind.AMENDMENT, a.id),
            "moves": await steps.allowed_moves(db, principal, ref, a),
            "history": await steps.history(db, TargetKind.AMENDMENT, a.id),
            "may_support": access.may_take_part(principal, unit) and a.state == State.SUBMITTED
            and principal is not None and principal.account_id != a.author_id,
        })
    is_manager = access.is_manager(principal, unit)
    plan = await merge.plan(db, ref) if is_manager else None
    return {
        "motion": motion, "consultation": consultation, "unit": unit, "version": current,
        "paragraphs": paragraphs(lines), "authors": await drafting.authors(db, motion),
        "is_author": principal is not None and principal.account_id in authors,
        "tally": await support.tally(db, principal, unit, TargetKind.MOTION, motion.id, motion.kind),
        "supporters": await support.supporter_names(db, TargetKind.MOTION, motion.id),
        "may_support": access.may_take_part(principal, unit) and motion.state == State.SUBMITTED
        and principal is not None and principal.account_id not in authors,
        "moves": await steps.allowed_moves(db, principal, ref),
        "history": await steps.history(db, TargetKind.MOTION, motion.id),
        "amendments": amendment_rows, "is_manager": is_manager,
        "can_edit": principal is not None and principal.account_id in authors and motion.state == State.DRAFT,
        "can_amend": access.may_take_part(principal, unit) and motion.kind == MotionKind.MOTION
        and motion.state in amendments.OPEN_FOR_AMENDMENTS,
        "can_merge": plan is not None and not plan.empty and motion.state in merge.MERGEABLE_MOTION_STATES,
        "ballot": await ballots.linked(db, principal, ref),
        "ballot_choices": await ballots.choices(db, principal, unit)
        if is_manager and motion.state in ballots.LINKABLE else [],
        "move_errors": move_errors or {}, "values": values or {}, "error": error, **helpers(),
    }


async def consultation_context(db: AsyncSession, principal: Principal | None, consultation: Consultation,
                               unit: Unit) -> dict[str, Any]:
    """The consultation page: its motions with state and support, deadlines and the exports."""
    rows = []
    for motion in await drafting.motions_of(db, principal, consultation, unit):
        rows.append({"motion": motion, "tally": await support.tally(db, principal, unit, TargetKind.MOTION,
                                                                     motion.id, motion.kind)})
    return {"consultation": consultation, "unit": unit, "rows": rows,
            "can_submit": access.may_take_part(principal, unit), "is_manager": access.is_manager(principal, unit),
            "workflow_label": workflow.workflow_label(consultation.workflow), **helpers()}
