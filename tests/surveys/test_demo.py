"""The demo organisation comes with one open survey (for members to answer) and one closed survey with results."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.db import utcnow
from ballot.demo.data import load_demo
from ballot.demo.surveys import CLOSED_TITLE, OPEN_TITLE
from ballot.surveys.models import Survey, SurveyParticipation, SurveyResponse
from ballot.surveys.results import survey_results
from tests.factories import Factory


async def test_demo_surveys(db: AsyncSession, factory: Factory) -> None:
    await load_demo(db, factory.hasher)
    surveys = {s.title: s for s in (await db.scalars(select(Survey))).all()}
    now = utcnow()
    assert surveys[OPEN_TITLE].is_open(now) and surveys[CLOSED_TITLE].is_closed(now)
    assert await db.scalar(select(func.count()).select_from(SurveyResponse)) == 40
    assert await db.scalar(select(func.count()).select_from(SurveyParticipation)) == 40
    closed = surveys[CLOSED_TITLE]
    await db.refresh(closed, ["unit"])
    total, results = await survey_results(db, closed, min_cell=5)
    assert total == 40 and sum(b.count for b in results[0].bars) == 40
    assert results[1].schulze is not None
