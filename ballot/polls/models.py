"""A poll session (one event) with its questions and the answers given to them.

An answer stores who gave it only as ``voter_key``: a keyed hash (HMAC with the app secret) of the account id or
of the device id in the guest cookie, so that "one answer per member/device per question" is a database constraint
without keeping an account id beside an answer. Answers carry no timestamp and no serial number.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ballot.db import Base, UTCDateTime, utcnow
from ballot.unordered import reserve_update_space


class QuestionKind(enum.StrEnum):
    """What a participant answers."""

    SINGLE = "single"  # one of the options
    MULTIPLE = "multiple"  # one up to ``max_choices`` of the options
    YES_NO = "yes_no"  # yes, no or abstain


class QuestionState(enum.StrEnum):
    """A question moves forward only: waiting -> open -> closed."""

    WAITING = "waiting"
    OPEN = "open"
    CLOSED = "closed"


class PollSession(Base):
    """One event's poll: a join code, the unit whose members take part, and whether guests may answer."""

    __tablename__ = "poll_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    allow_guests: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollQuestion(Base):
    """A question of a session. ``options`` is a list of labels (for yes/no/abstain: empty, the labels are fixed)."""

    __tablename__ = "poll_questions"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_poll_questions_session_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("poll_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(Enum(QuestionKind, native_enum=False, length=16))
    prompt: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_choices: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[QuestionState] = mapped_column(
        Enum(QuestionState, native_enum=False, length=16), default=QuestionState.WAITING
    )
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)


class PollAnswer(Base):
    """One participant's answer to one question: the chosen option indexes (yes/no/abstain: 0, 1, 2)."""

    __tablename__ = "poll_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)  # no insertion counter on SQLite either

    # The primary key is the "once per member/device and question" rule (and leaves no serial number).
    question_id: Mapped[int] = mapped_column(ForeignKey("poll_questions.id", ondelete="CASCADE"), primary_key=True)
    voter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    choices: Mapped[list[int]] = mapped_column(JSON)
    guest: Mapped[bool] = mapped_column(Boolean, default=False)


reserve_update_space(PollAnswer.__table__)
