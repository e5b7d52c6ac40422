"""Exports of survey results: the responses as CSV (one row each, shuffled, no unit column), the aggregated
results as JSON (with the same minimum cell size as the page), and a PDF report (WeasyPrint)."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Sequence
from typing import Any

from litestar import Response
from sqlalchemy.ext.asyncio import AsyncSession

from ballot.questions.labels import yesno_label
from ballot.questions.model import Question
from ballot.settings import Settings
from ballot.surveys.models import Survey, SurveyMode
from ballot.surveys.results import QuestionResult, load_responses
from ballot.web.pdf import render_pdf

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def download(data: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(content=data, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


def answer_text(question: Question, value: Any) -> str:
    """A stored answer as readable text."""
    kind = question["kind"]
    if kind == "single":
        return str(question["options"][value])
    if kind == "multiple":
        return " | ".join(question["options"][i] for i in value)
    if kind == "ranking":
        return " > ".join(question["options"][i] for i in value)
    if kind == "yesno":
        return yesno_label(value)
    return str(value)


def _cell(text: str) -> str:
    """Spreadsheet programs run cells starting with = + - @ as formulas; such cells get a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


async def csv_export(session: AsyncSession, survey: Survey) -> bytes:
    """One row per response in random order; a respondent column only in pseudonymous and named surveys."""
    responses = await load_responses(session, survey)
    random.SystemRandom().shuffle(responses)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with_respondent = survey.mode != SurveyMode.ANONYMOUS
    writer.writerow((["respondent"] if with_respondent else []) + [q["id"] for q in survey.questions])
    for response in responses:
        row = [response.respondent or ""] if with_respondent else []
        row += [_cell(answer_text(q, response.answers[q["id"]])) if q["id"] in response.answers else ""
                for q in survey.questions]
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode()


def result_data(results: Sequence[QuestionResult]) -> list[dict[str, Any]]:
    """The aggregated results as plain data (JSON export, PDF report)."""
    out = []
    for r in results:
        q = r.question
        item: dict[str, Any] = {"id": q["id"], "kind": q["kind"], "text": q["text"], "answered": r.answered,
                                "counts": [{"answer": b.label, "count": b.count, "share": round(b.share, 4)}
                                           for b in r.bars]}
        if r.mean is not None:
            item["mean"] = round(r.mean, 3)
        if r.schulze is not None:
            labels = q["options"]
            item["schulze"] = {"ranking": [[labels[i] for i in tier] for tier in r.schulze.ranking],
                               "pairwise": r.schulze.d, "strongest_paths": r.schulze.p}
        if r.borda is not None and r.borda_ranking is not None:
            item["borda"] = {"points": dict(zip(q["options"], r.borda, strict=True)),
                             "ranking": [[q["options"][i] for i in tier] for tier in r.borda_ranking]}
        if q["kind"] == "text":
            item["texts"] = r.texts
        if r.segments or r.suppressed:
            item["breakdown"] = [{"unit": s.label, "respondents": s.respondents, "counts": s.counts}
                                 for s in r.segments]
            item["suppressed_respondents"] = r.suppressed
        out.append(item)
    return out


async def json_export(session: AsyncSession, survey: Survey, results: Sequence[QuestionResult]) -> bytes:
    data = {
        "survey": {"id": survey.id, "title": survey.title, "unit": survey.unit.name, "mode": survey.mode.value,
                   "opens_at": survey.opens_at.isoformat(), "closes_at": survey.closes_at.isoformat()},
        "responses": len(await load_responses(session, survey)),
        "questions": result_data(results),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def pdf_report(settings: Settings, survey: Survey, total: int, results: Sequence[QuestionResult],
               answered: int, eligible: int, mode_label: str) -> bytes:
    context = {"survey": survey, "total": total, "results": results, "answered": answered, "eligible": eligible,
               "mode_label": mode_label, "min_cell": settings.surveys.min_cell_size}
    return render_pdf(settings, "surveys/report_pdf.html", context)
