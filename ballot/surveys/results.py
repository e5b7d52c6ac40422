"""Survey results: counts and percentages per question, charts, Schulze and Borda for rankings, free texts in a
shuffled order, and a breakdown by unit that never shows a group smaller than the minimum cell size.

Breakdown rule (docs/surveys.md): respondents are grouped by the unit stored with their response; a unit with fewer
respondents than ``min_cell_size`` is merged into "Other units"; if "Other units" is itself smaller than the
minimum, it is suppressed (shown as "fewer than N", without numbers).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.i18n import gettext as _
from ballot.members.models import Member
from ballot.questions.labels import choices_of
from ballot.questions.model import Question
from ballot.surveys.charts import Bar, bar_chart
from ballot.surveys.models import Survey, SurveyRespondent, SurveyResponse
from ballot.surveys.ranking import SchulzeResult, borda, borda_ranking, schulze
from ballot.units.models import Unit

BREAKDOWN_KINDS = ("single", "multiple", "yesno", "scale")


@dataclass(frozen=True)
class StoredResponse:
    answers: dict[str, Any]
    segment: int | None
    respondent: str | None


@dataclass
class Segment:
    """One column of a breakdown: a unit (or "other units") with its respondents and counts per answer."""

    label: str
    respondents: int
    counts: list[int]


@dataclass
class QuestionResult:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    chart: Markup | None = None
    mean: float | None = None
    schulze: SchulzeResult | None = None
    borda: list[int] | None = None
    borda_ranking: list[list[int]] | None = None
    texts: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    suppressed: int = 0


async def load_responses(session: AsyncSession, survey: Survey) -> list[StoredResponse]:
    """Every response of ``survey`` (ordered by its random id, i.e. in no meaningful order)."""
    rows = (await session.execute(
        select(SurveyResponse.answers, SurveyResponse.segment_unit_id, SurveyRespondent.pseudonym,
               Member.number, Member.given_name, Member.family_name)
        .outerjoin(SurveyRespondent, SurveyRespondent.response_id == SurveyResponse.id)
        .outerjoin(Member, Member.id == SurveyRespondent.member_id)
        .where(SurveyResponse.survey_id == survey.id).order_by(SurveyResponse.id))).all()
    return [StoredResponse(answers, segment, pseudonym or (f"{given} {family} ({number})" if number else None))
            for answers, segment, pseudonym, number, given, family in rows]


def _share(count: int, base: int) -> float:
    return count / base if base else 0.0


def tally_question(question: Question, responses: Sequence[StoredResponse]) -> QuestionResult:
    """Counts, shares (of those who answered the question) and the method results for one question."""
    qid, kind = question["id"], question["kind"]
    given = [r.answers[qid] for r in responses if qid in r.answers]
    result = QuestionResult(question=question, answered=len(given))
    if kind == "text":
        result.texts = [str(t) for t in given if str(t).strip()]
        random.SystemRandom().shuffle(result.texts)
        return result
    if kind == "ranking":
        count = len(question["options"])
        result.schulze = schulze(given, count)
        result.borda = borda(given, count)
        result.borda_ranking = borda_ranking(result.borda)
        firsts = Counter(ballot[0] for ballot in given if ballot)
        result.bars = [Bar(label, firsts[i], _share(firsts[i], len(given)))
                       for i, label in enumerate(question["options"])]
        result.chart = bar_chart(_("First places: %(text)s", text=question["text"]), result.bars)
        return result
    counts = Counter(v for value in given for v in (value if isinstance(value, list) else [value]))
    result.bars = [Bar(label, counts[value], _share(counts[value], len(given)))
                   for value, label in choices_of(question)]
    if kind == "scale" and given:
        result.mean = sum(given) / len(given)
    result.chart = bar_chart(question["text"], result.bars)
    return result


def breakdown(question: Question, responses: Sequence[StoredResponse], units: dict[int, Unit],
              min_cell: int) -> tuple[list[Segment], int]:
    """Segments by unit with at least ``min_cell`` respondents (to this question), small ones merged into
    "Other units"; returns (segments, respondents suppressed because even the merged group is too small)."""
    qid = question["id"]
    values = [value for value, _label in choices_of(question)]
    by_segment: dict[int | None, list[Any]] = {}
    for response in responses:
        if qid in response.answers:
            by_segment.setdefault(response.segment, []).append(response.answers[qid])
    segments: list[Segment] = []
    other: list[Any] = []
    for segment_id, given in sorted(by_segment.items(), key=lambda item: _unit_name(units, item[0])):
        if segment_id is not None and len(given) >= min_cell:
            segments.append(_segment(_unit_name(units, segment_id), given, values))
        else:
            other.extend(given)
    if len(other) >= min_cell:
        segments.append(_segment(_("Other units"), other, values))
        return segments, 0
    return segments, len(other)


def _unit_name(units: dict[int, Unit], unit_id: int | None) -> str:
    return units[unit_id].name if unit_id in units else _("Other units")


def _segment(label: str, given: list[Any], values: list[Any]) -> Segment:
    counts = Counter(v for value in given for v in (value if isinstance(value, list) else [value]))
    return Segment(label=label, respondents=len(given), counts=[counts[v] for v in values])


async def survey_results(session: AsyncSession, survey: Survey, min_cell: int) -> tuple[int, list[QuestionResult]]:
    """(number of responses, one result per question)."""
    responses = await load_responses(session, survey)
    units: dict[int, Unit] = {}
    if survey.breakdown:
        ids = {r.segment for r in responses if r.segment is not None}
        units = {u.id: u for u in (await session.scalars(select(Unit).where(Unit.id.in_(ids)))).all()}
    results = []
    for question in survey.questions:
        result = tally_question(question, responses)
        if survey.breakdown and question["kind"] in BREAKDOWN_KINDS:
            result.segments, result.suppressed = breakdown(question, responses, units, min_cell)
        results.append(result)
    return len(responses), results
