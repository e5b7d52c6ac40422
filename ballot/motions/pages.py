"""Page contexts shared by the motion views: the motion page (text with line numbers, supporters, amendments,
workflow) and the consultation page. Plain dicts, testable without rendering."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.motions import (
    access,
    amendments,
    ballots,
    comments,
    decisions,
    drafting,
    merge,
    steps,
    support,
    workflow,
    workflow_editor,
)
from ballot.motions.drafting import MotionRef, code
from ballot.motions.lines import Line, number_lines
from ballot.motions.models import Consultation, MotionKind, State, TargetKind
from ballot.units.models import Unit
from ballot.web.dates import local_input


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
    return {"state_label": workflow.state_label, "role_label": workflow.role_label,
            "action_label": workflow.action_label, "code": code,
            "decisions": workflow.DECISIONS, "local_input": local_input}


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
        a_moves = await steps.allowed_moves(db, principal, ref, a)
        amendment_rows.append({
            "view": view,
            "tally": await support.tally(db, principal, unit, TargetKind.AMENDMENT, a.id),
            "moves": a_moves, "vote": await decisions.vote_view(db, principal, ref, a, a_moves),
            "history": await steps.history(db, TargetKind.AMENDMENT, a.id),
            "may_support": access.may_take_part(principal, unit) and a.state == State.SUBMITTED
            and principal is not None and principal.account_id != a.author_id,
        })
    is_manager = access.is_manager(principal, unit)
    plan = await merge.plan(db, ref) if is_manager else None
    moves = await steps.allowed_moves(db, principal, ref)
    return {
        "motion": motion, "consultation": consultation, "unit": unit, "version": current,
        "paragraphs": paragraphs(lines), "authors": await drafting.authors(db, motion),
        "is_author": principal is not None and principal.account_id in authors,
        "tally": await support.tally(db, principal, unit, TargetKind.MOTION, motion.id, motion.kind),
        "supporters": await support.supporter_names(db, TargetKind.MOTION, motion.id),
        "may_support": access.may_take_part(principal, unit) and motion.state == State.SUBMITTED
        and principal is not None and principal.account_id not in authors,
        "moves": moves, "vote": await decisions.vote_view(db, principal, ref, None, moves),
        "comments": await comments.comments_by_paragraph(db, principal, ref, current, lines),
        "may_comment": await comments.may_comment(db, principal, ref),
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
            "workflow_label": workflow.workflow_label(consultation.workflow),
            "workflow_steps": await workflow_steps(db, consultation, unit), **helpers()}


async def workflow_steps(db: AsyncSession, consultation: Consultation, unit: Unit) -> list[tuple[str, str, str]]:
    """The stored workflow in words: (from, to, who) per step."""
    bodies = await workflow_editor.bodies_of(db, unit)
    rules = workflow.rules_of(consultation.workflow, consultation.workflow_rules)
    order = list(State)
    return [(workflow.state_label(t.source), workflow.state_label(t.target),
             ", ".join(workflow.role_label(r, bodies) for r in sorted(t.roles)))
            for t in sorted(rules.transitions, key=lambda t: (order.index(t.source), order.index(t.target)))]
