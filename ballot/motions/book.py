"""The motion book of a consultation (WeasyPrint): a table of contents, then each motion with its line numbers in
the margin, status, authors, supporters, reason and its amendments as redlines with line references.
Drafts are left out. Redlines print as ``[-deleted-]`` and ``{+inserted+}`` besides strike-through and underline,
so they survive black-and-white printing and text extraction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.motions import amendments, drafting, steps, support, workflow
from ballot.motions.amendments import AmendmentView
from ballot.motions.lines import Line, number_lines
from ballot.motions.models import Consultation, Motion, MotionVersion, State, TargetKind, WorkflowStep
from ballot.motions.pages import paragraphs


@dataclass
class BookAmendment:
    """An amendment in the book."""

    view: AmendmentView
    supporters: list[str]


@dataclass
class BookMotion:
    """A motion in the book."""

    motion: Motion
    code: str
    version: MotionVersion
    lines: list[Line]
    authors: list[str]
    supporters: list[str]
    decision: WorkflowStep | None
    amendments: list[BookAmendment]

    @property
    def paragraphs(self) -> list[list[Line]]:
        return paragraphs(self.lines)


async def book_motions(session: AsyncSession, consultation: Consultation, only: int | None = None
                       ) -> list[BookMotion]:
    """Every motion except drafts (``only``: just the motion with this id), in order, with what the book prints."""
    query = select(Motion).where(Motion.consultation_id == consultation.id, Motion.state != State.DRAFT)
    if only is not None:
        query = query.where(Motion.id == only)
    rows = (await session.scalars(query.order_by(Motion.kind, Motion.number))).all()
    result: list[BookMotion] = []
    for motion in rows:
        current = await drafting.version(session, motion)
        views = await amendments.amendment_views(session, motion, consultation.line_length)
        history = await steps.history(session, TargetKind.MOTION, motion.id)
        decision = next((step for step, _n in reversed(history) if step.to_state in workflow.DECISIONS), None)
        result.append(BookMotion(
            motion, drafting.code(motion), current, number_lines(current.body, consultation.line_length),
            [name for name, _i in await drafting.authors(session, motion)],
            await support.supporter_names(session, TargetKind.MOTION, motion.id), decision,
            [BookAmendment(v, await support.supporter_names(session, TargetKind.AMENDMENT, v.amendment.id))
             for v in views if v.amendment.state != State.WITHDRAWN]))
    return result
