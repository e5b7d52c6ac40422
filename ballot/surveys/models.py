"""Surveys, who took part, and the answers: three tables that share no key, time or order (docs/surveys.md).

``survey_participations`` says *who* answered (for "once per member", turnout and reminders);
``survey_responses`` holds *what* was answered, under a random id, with no member, account, time or serial number.
Both are written in the same transaction. SQLite stores both ``WITHOUT ROWID``, so neither has an insertion counter;
a response's place in its table follows its random id. PostgreSQL appends rows in the order they are written, so
an anonymous survey's new answers exchange their content with a random response of the survey (on both backends;
fillfactor 10 keeps both versions in their pages; :func:`ballot.unordered.scatter`): the order of the responses
says nothing about the order of the participations. Only pseudonymous and named surveys write
``survey_respondents``, which ties a response to a pseudonym or to a member, as those modes announce.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ballot.db import Base, UTCDateTime, utcnow
from ballot.units.models import Unit
from ballot.unordered import reserve_update_space


class SurveyMode(enum.StrEnum):
    """How answers are tied to members."""

    ANONYMOUS = "anonymous"
    PSEUDONYMOUS = "pseudonymous"
    NAMED = "named"


class Survey(Base):
    """A questionnaire for the members of a unit (and the units below it) or of a group or body."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[SurveyMode] = mapped_column(Enum(SurveyMode, native_enum=False, length=16))
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Results visible while the survey runs (chosen at creation and shown to members); else only after the close.
    results_while_open: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Store the respondent's sub-unit with the answers, for a breakdown by unit (announced before answering).
    breakdown: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(lazy="raise")

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now: datetime) -> bool:
        return now >= self.closes_at


class SurveyParticipation(Base):
    """That a member has answered: nothing else (no time, no serial id, no reference to the answers)."""

    __tablename__ = "survey_participations"
    __table_args__ = ({"sqlite_with_rowid": False},)

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)


class SurveyResponse(Base):
    """One member's answers under a random id: no member, account, time or order."""

    __tablename__ = "survey_responses"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: The respondent's unit one level below the survey's unit (only when the survey announced a breakdown).
    segment_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)


reserve_update_space(SurveyResponse.__table__)


class SurveyRespondent(Base):
    """Pseudonymous and named surveys only: whose response this is (a per-survey pseudonym, or the member)."""

    __tablename__ = "survey_respondents"
    __table_args__ = ({"sqlite_with_rowid": False},)

    response_id: Mapped[str] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True)
    pseudonym: Mapped[str | None] = mapped_column(String(32))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
