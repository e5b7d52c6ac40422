"""The demo organisation comes with a consultation: a motion awaiting support, an admitted motion with amendments
(two of them collide) and a procedural motion."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.demo.data import load_demo
from ballot.motions.amendments import amendment_views
from ballot.motions.models import Consultation, Motion, MotionKind, State
from tests.factories import Factory


async def test_demo_motions(db: AsyncSession, factory: Factory) -> None:
    await load_demo(db, factory.hasher)
    consultation = await db.scalar(select(Consultation))
    assert consultation is not None and consultation.line_length == 80
    motions = (await db.scalars(select(Motion).order_by(Motion.id))).all()
    assert [m.state for m in motions][:2] == [State.SUBMITTED, State.ADMITTED]
    assert any(m.kind == MotionKind.PROCEDURAL for m in motions)
    views = await amendment_views(db, motions[1], consultation.line_length)
    assert len(views) >= 2
    assert any(v.collides_with for v in views) == (len(views) == 3)
