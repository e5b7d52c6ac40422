"""Survey questions: the shared question model (:mod:`ballot.questions`) with the survey's limits and wording.

Definitions are stored as JSON in ``Survey.questions``; answers are read with the model's standard wording and a
value sent twice is refused. The model itself (kinds, definitions, branching, labels) lives in ``ballot/questions``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ballot.questions import answers, model
from ballot.questions.model import Answers, Limits, Question
from ballot.questions.wording import STANDARD

LIMITS = Limits(max_options=20)


def check_definitions(questions: Sequence[Question]) -> dict[str, str]:
    """Errors in a survey's question definitions, keyed by question id (or "questions" for the list itself)."""
    return model.check_definitions(questions, LIMITS)


def parse_answers(questions: Sequence[Question], form: Mapping[str, Sequence[str]]
                  ) -> tuple[Answers, dict[str, str], Answers]:
    """Read and check a submitted survey form: (answers of the shown questions, errors by question id, raw values)."""
    return answers.parse_answers(questions, form, STANDARD)
