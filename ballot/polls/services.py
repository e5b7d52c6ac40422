"""Poll sessions: create, add questions, open/close/reveal them one at a time, and accept answers.

Presenter actions call :func:`ballot.polls.access.require_manager`; answers are checked against the question that
is open at that moment, and the database (primary key question + voter key) refuses a second answer, also when two
arrive at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.authz.principal import Principal
from ballot.db import utcnow
from ballot.exceptions import Conflict, NotFound
from ballot.i18n import gettext as _
from ballot.polls import codes
from ballot.polls.access import require_manager
from ballot.polls.forms import QuestionInput, SessionInput
from ballot.polls.identity import Participant
from ballot.polls.models import PollAnswer, PollQuestion, PollSession, QuestionState
from ballot.polls.questions import parse_choices
from ballot.polls.writer import AnswerWriter, Outcome
from ballot.units.models import Unit


async def create_session(db: AsyncSession, principal: Principal | None, unit: Unit, data: SessionInput) -> PollSession:
    """A new session for ``unit`` with a fresh join code."""
    manager = require_manager(principal, unit)
    for _attempt in range(20):
        code = codes.new_code()
        if await db.scalar(select(PollSession.id).where(PollSession.code == code)) is None:
            break
    else:  # pragma: no cover - 890 million codes
        raise Conflict(_("No free join code was found. Please try again."))
    session = PollSession(
        unit_id=unit.id, code=code, title=data.title, allow_guests=data.allow_guests, created_by=manager.account_id
    )
    db.add(session)
    await db.flush()
    return session


async def get_session(db: AsyncSession, session_id: int) -> tuple[PollSession, Unit]:
    session = await db.get(PollSession, session_id)
    unit = await db.get(Unit, session.unit_id) if session is not None else None
    if session is None or unit is None:
        raise NotFound(_("This poll does not exist."))
    return session, unit


async def session_by_code(db: AsyncSession, raw_code: str | None) -> tuple[PollSession, Unit]:
    """The session with join code ``raw_code`` (typed by hand: case and dashes do not matter)."""
    code = codes.normalize(raw_code)
    row = (
        (
            await db.execute(
                select(PollSession, Unit).join(Unit, Unit.id == PollSession.unit_id).where(PollSession.code == code)
            )
        ).first()
        if code
        else None
    )
    if row is None:
        raise NotFound(_("There is no poll with this code. Please check the code on the screen."))
    return row[0], row[1]


async def list_sessions(db: AsyncSession, principal: Principal | None, unit: Unit) -> Sequence[PollSession]:
    require_manager(principal, unit)
    return (
        await db.scalars(
            select(PollSession)
            .where(PollSession.unit_id == unit.id)
            .order_by(PollSession.created_at.desc(), PollSession.id.desc())
        )
    ).all()


async def questions_of(db: AsyncSession, session: PollSession) -> Sequence[PollQuestion]:
    return (
        await db.scalars(
            select(PollQuestion).where(PollQuestion.session_id == session.id).order_by(PollQuestion.position)
        )
    ).all()


async def add_question(
    db: AsyncSession, principal: Principal | None, session: PollSession, unit: Unit, data: QuestionInput
) -> PollQuestion:
    require_manager(principal, unit)
    if session.ended_at is not None:
        raise Conflict(_("This poll has ended."))
    last = await db.scalar(select(func.max(PollQuestion.position)).where(PollQuestion.session_id == session.id))
    question = PollQuestion(
        session_id=session.id,
        position=(last or 0) + 1,
        kind=data.kind,
        prompt=data.prompt,
        options=data.options,
        max_choices=data.max_choices,
    )
    db.add(question)
    await db.flush()
    return question


async def _question(db: AsyncSession, session: PollSession, question_id: int) -> PollQuestion:
    question = await db.get(PollQuestion, question_id)
    if question is None or question.session_id != session.id:
        raise NotFound(_("This question does not exist."))
    return question


async def open_question(
    db: AsyncSession, principal: Principal | None, session: PollSession, unit: Unit, question_id: int
) -> PollQuestion:
    """Open a waiting question; the question open until now closes (one at a time)."""
    require_manager(principal, unit)
    question = await _question(db, session, question_id)
    if session.ended_at is not None:
        raise Conflict(_("This poll has ended."))
    if question.state != QuestionState.WAITING:
        raise Conflict(_("This question was already asked."))
    await db.execute(
        update(PollQuestion)
        .where(PollQuestion.session_id == session.id, PollQuestion.state == QuestionState.OPEN)
        .values(state=QuestionState.CLOSED)
    )
    question.state = QuestionState.OPEN
    await db.flush()
    return question


async def close_question(
    db: AsyncSession, principal: Principal | None, session: PollSession, unit: Unit, question_id: int
) -> PollQuestion:
    require_manager(principal, unit)
    question = await _question(db, session, question_id)
    if question.state != QuestionState.OPEN:
        raise Conflict(_("This question is not open."))
    question.state = QuestionState.CLOSED
    await db.flush()
    return question


async def set_revealed(
    db: AsyncSession, principal: Principal | None, session: PollSession, unit: Unit, question_id: int, revealed: bool
) -> PollQuestion:
    """Show (or hide again) a question's results on the participants' phones."""
    require_manager(principal, unit)
    question = await _question(db, session, question_id)
    question.revealed = revealed
    await db.flush()
    return question


async def end_session(db: AsyncSession, principal: Principal | None, session: PollSession, unit: Unit) -> None:
    """Close every question; nobody can answer any more."""
    require_manager(principal, unit)
    await db.execute(
        update(PollQuestion)
        .where(PollQuestion.session_id == session.id, PollQuestion.state == QuestionState.OPEN)
        .values(state=QuestionState.CLOSED)
    )
    session.ended_at = session.ended_at or utcnow()
    await db.flush()


async def current_question(db: AsyncSession, session: PollSession) -> PollQuestion | None:
    """The open question, else the one asked last (to show its results), else None."""
    return await db.scalar(
        select(PollQuestion)
        .where(PollQuestion.session_id == session.id, PollQuestion.state != QuestionState.WAITING)
        .order_by((PollQuestion.state == QuestionState.OPEN).desc(), PollQuestion.position.desc())
        .limit(1)
    )


async def has_answered(db: AsyncSession, question_id: int, who: Participant | None) -> bool:
    if who is None:
        return False
    return (
        await db.scalar(
            select(PollAnswer.question_id).where(PollAnswer.question_id == question_id, PollAnswer.voter_key == who.key)
        )
        is not None
    )


async def answer_target(db: AsyncSession, code: str, question_id: int) -> tuple[PollSession, Unit, PollQuestion | None]:
    """The session with join code ``code``, its unit and its question ``question_id`` (None if not in the session),
    in one query: the answer path is the hot path of a room full of phones."""
    row = (
        await db.execute(
            select(PollSession, Unit, PollQuestion)
            .join(Unit, Unit.id == PollSession.unit_id)
            .outerjoin(PollQuestion, (PollQuestion.session_id == PollSession.id) & (PollQuestion.id == question_id))
            .where(PollSession.code == code)
        )
    ).first()
    if row is None:
        raise NotFound(_("There is no poll with this code. Please check the code on the screen."))
    return row[0], row[1], row[2]


async def submit_answer(
    session: PollSession,
    question: PollQuestion | None,
    who: Participant,
    raw: Sequence[str],
    writer: AnswerWriter,
) -> PollQuestion:
    """Store the answer of ``who`` to ``question`` (which must be open); returns once it is committed.

    Conflict when the question is no longer open or ``who`` has answered it already. The primary key (question,
    voter key) decides, also when two submits race (in one worker or several): see :mod:`ballot.polls.writer`."""
    if question is None or question.session_id != session.id:
        raise NotFound(_("This question does not exist."))
    if question.state != QuestionState.OPEN or session.ended_at is not None:
        raise Conflict(_("This question is closed: your answer was not counted."))
    choices = parse_choices(question, raw)
    outcome = await writer.store(question.id, who, choices)
    if outcome == Outcome.CLOSED:
        raise Conflict(_("This question is closed: your answer was not counted."))
    if outcome == Outcome.DUPLICATE:
        raise Conflict(_("You have already answered this question. Each person can answer once."))
    return question
