"""Context builders shared by the presenter's and the participants' pages, and fragment rendering for live updates."""

from __future__ import annotations

from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.polls import results, services
from ballot.polls.identity import Participant
from ballot.polls.models import PollSession, QuestionState
from ballot.polls.questions import labels_of

Req = Request[Any, Any, Any]


def fragment(request: Req, template: str, context: dict[str, Any]) -> str:
    """Render ``template`` for a live update (``request`` lets it call ``csrf_token()``)."""
    engine = request.app.template_engine
    assert engine is not None
    return str(engine.get_template(template).render(request=request, **context))


async def screen_context(db: AsyncSession, session: PollSession) -> dict[str, Any]:
    """What the big screen shows: the current question, its live counts and the turnout."""
    question = await services.current_question(db, session)
    tally = await results.tally(db, question) if question is not None else None
    return {
        "session": session,
        "question": question,
        "tally": tally,
        "ended": session.ended_at is not None,
        "is_open": question is not None and question.state == QuestionState.OPEN,
    }


async def phone_context(
    db: AsyncSession,
    session: PollSession,
    who: Participant | None,
    errors: dict[str, str] | None = None,
    picked: list[str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """What a participant's phone shows: the open question's form, or a thank-you, or the revealed results."""
    question = await services.current_question(db, session)
    answered = question is not None and await services.has_answered(db, question.id, who)
    is_open = question is not None and question.state == QuestionState.OPEN and session.ended_at is None
    tally = None
    if question is not None and question.revealed:
        tally = await results.tally(db, question)
    return {
        "session": session,
        "question": question,
        "answered": answered,
        "is_open": is_open,
        "tally": tally,
        "labels": labels_of(question) if question is not None else [],
        "errors": errors or {},
        "picked": picked or [],
        "notice": notice,
        "ended": session.ended_at is not None,
    }
