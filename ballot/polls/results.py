"""Counting a question's answers and laying them out as bars (the template draws the SVG and the table)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.polls.models import PollAnswer, PollQuestion
from ballot.polls.questions import labels_of

BAR_AREA = 100.0  # the bars' width in percent of the chart; labels sit above each bar


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    share: float  # of the participants who answered (multiple choice: can add up to more than 1)
    width: float  # bar length in percent of the longest possible bar


@dataclass(frozen=True)
class Tally:
    """The counts of one question: ``answered`` is the number of participants (the turnout counter)."""

    question_id: int
    answered: int
    rows: tuple[Row, ...]


def tally_of(question: PollQuestion, answers: Sequence[tuple[Sequence[int], int]]) -> Tally:
    """Count ``answers`` for ``question``: pairs of (chosen option indexes, how many gave exactly that answer)."""
    labels = labels_of(question)
    counts: Counter[int] = Counter()
    answered = 0
    for choices, times in answers:
        answered += times
        for index in set(choices):
            if 0 <= index < len(labels):
                counts[index] += times
    rows = tuple(
        Row(
            label,
            counts[i],
            counts[i] / answered if answered else 0.0,
            round(BAR_AREA * counts[i] / answered, 2) if answered else 0.0,
        )
        for i, label in enumerate(labels)
    )
    return Tally(question.id, answered, rows)


async def tally(db: AsyncSession, question: PollQuestion) -> Tally:
    """The current counts of ``question``, grouped in the database by answer (a few rows, however many answered)."""
    text = cast(PollAnswer.choices, String)
    grouped = await db.execute(select(text, func.count()).where(PollAnswer.question_id == question.id).group_by(text))
    return tally_of(question, [(json.loads(choices), int(times)) for choices, times in grouped])


async def turnout(db: AsyncSession, question_id: int) -> int:
    """How many answered ``question_id`` (shown live to everyone; the counts only when revealed)."""
    return int(
        await db.scalar(select(func.count()).select_from(PollAnswer).where(PollAnswer.question_id == question_id)) or 0
    )
