"""A poll question as a question of the shared model (:mod:`ballot.questions`), and the reading of its answers.

A poll question is a question of kind single, multiple (``min`` 1, ``max`` = ``max_choices``) or yesno; its
options may number 2 to 12, each at most 120 characters, and may not repeat (upper/lower case aside). The form
sends the field ``choice``, once per chosen option, with the option index (yes/no/abstain: 0, 1, 2); a value sent
twice counts once. The table keeps its own storage: kind ``yes_no`` and answers as sorted option indexes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.polls.models import PollQuestion, QuestionKind
from ballot.questions.answers import Problem, Reading, index_of, read_answer
from ballot.questions.labels import option_labels
from ballot.questions.model import YESNO, Limits, Question
from ballot.questions.wording import standard_wording

LIMITS = Limits(max_options=12, option_length=120, fold_case=True)
MODEL_KINDS = {QuestionKind.SINGLE: "single", QuestionKind.MULTIPLE: "multiple", QuestionKind.YES_NO: "yesno"}
NOT_OFFERED = "-"  # stands for a form value that names no answer (never an index nor a stored answer)


def as_question(question: PollQuestion) -> Question:
    """``question`` in the shared model (id ``choice``, never optional)."""
    kind = MODEL_KINDS[QuestionKind(question.kind)]
    q: Question = {"id": "choice", "kind": kind, "text": question.prompt, "optional": False}
    if kind != "yesno":
        q["options"] = list(question.options)
    if kind == "multiple":
        q.update(min=1, max=question.max_choices)
    return q


def labels_of(question: PollQuestion) -> list[str]:
    """The options as shown (yes/no/abstain in the reader's language)."""
    return option_labels(as_question(question))


def poll_wording(q: Question, problem: Problem, detail: Mapping[str, Any]) -> str:
    """The poll's wording of an answer problem (shown beside the ``choice`` field)."""
    if problem == Problem.UNKNOWN:
        return _("This option does not exist. Please choose from the list.")
    if problem == Problem.MISSING:
        return _("Please choose at least one option.") if q["kind"] == "multiple" else _("Please choose an option.")
    if problem == Problem.COUNT:
        return _("Please choose at most %(num)s options.", num=q["max"])
    if problem == Problem.ONE_ONLY:
        return _("Please choose only one option.")
    return standard_wording(q, problem, detail)  # pragma: no cover - no other problem fits a poll's kinds


READING = Reading(poll_wording, merge_repeats=True)


def _form_value(q: Question, raw: str) -> str:
    text = raw.strip()
    if q["kind"] == "yesno":
        index = index_of(text, len(YESNO))
        return YESNO[index] if index is not None else NOT_OFFERED
    return text or NOT_OFFERED


def parse_choices(question: PollQuestion, raw: Sequence[str]) -> list[int]:
    """The chosen option indexes from the form values, or ValidationFailed with a message for the ``choice`` field."""
    q = as_question(question)
    value, problem = read_answer(q, [_form_value(q, v) for v in raw], READING)
    if problem is not None:
        raise ValidationFailed({"choice": problem})
    if q["kind"] == "yesno":
        return [YESNO.index(value)]
    return list(value) if isinstance(value, list) else [value]
