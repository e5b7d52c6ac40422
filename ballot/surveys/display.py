"""What the survey templates need beyond the stored definitions: numbers, branching notes, labels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ballot.i18n import gettext as _
from ballot.questions.labels import choices_of, yesno_label
from ballot.questions.model import YESNO, Question
from ballot.surveys.models import SurveyMode


def question_views(questions: Sequence[Question]) -> list[dict[str, Any]]:
    """Each question with ``number``, ``branch_note`` (for branching) and ``yesno_labels``, defaults filled in."""
    numbers = {q["id"]: n for n, q in enumerate(questions, start=1)}
    by_id = {q["id"]: q for q in questions}
    views = []
    for q in questions:
        view: dict[str, Any] = {"show_if": None, "optional": False, **q, "number": numbers[q["id"]],
                                "yesno_labels": {v: yesno_label(v) for v in YESNO}, "branch_note": ""}
        rule = q.get("show_if")
        if rule:
            labels = dict(choices_of(by_id[rule["question"]]))
            view["branch_note"] = _("Only if you answered question %(n)s with: %(answers)s.",
                                    n=numbers[rule["question"]],
                                    answers=", ".join(str(labels.get(a, a)) for a in rule["answers"]))
        views.append(view)
    return views


def mode_label(mode: SurveyMode) -> str:
    return {SurveyMode.ANONYMOUS: _("Anonymous"), SurveyMode.PSEUDONYMOUS: _("Pseudonymous"),
            SurveyMode.NAMED: _("Named")}[mode]


def mode_explanation(mode: SurveyMode) -> str:
    """What members are told before they answer."""
    return {
        SurveyMode.ANONYMOUS: _("Anonymous: your answers are stored without your name, account or time. "
                                "Only the fact that you took part is recorded, so that you can answer once."),
        SurveyMode.PSEUDONYMOUS: _("Pseudonymous: your answers are stored under a code that is the same for all "
                                   "your answers in this survey. The board sees the code, not your name."),
        SurveyMode.NAMED: _("Named: the board sees your name with your answers."),
    }[mode]
