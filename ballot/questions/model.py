"""Question kinds, their limits and the checking of question definitions.

A question is a plain dict (stored as JSON by surveys; built from a table row by polls)::

    {"id": "topic", "kind": "single", "text": "...", "options": ["A", "B"], "optional": False,
     "min": 1, "max": 2,            # multiple choice only
     "low": 1, "high": 5,           # scale only (1-5 or 0-10)
     "max_length": 500,             # free text only
     "show_if": {"question": "q1", "answers": [0, 2]}}   # branching, optional

Stored answers: single = option index, multiple = sorted option indices, ranking = every option index from the
first to the last place, scale = the number, yes/no/abstain = "yes" | "no" | "abstain", text = the text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot.i18n import gettext as _

KINDS = ("single", "multiple", "ranking", "scale", "yesno", "text")
CHOICE_KINDS = ("single", "multiple", "ranking")
BRANCH_SOURCES = ("single", "multiple", "scale", "yesno")
SCALES = ((1, 5), (0, 10))
YESNO = ("yes", "no", "abstain")
TEXT_LIMIT = 2000
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

Question = dict[str, Any]
Answers = dict[str, Any]


@dataclass(frozen=True)
class Limits:
    """How many options a choice question may have and how they must differ; each domain picks its own."""

    max_options: int = 20
    option_length: int | None = None  # None: no limit on an option's length
    fold_case: bool = False  # True: options differing only in upper/lower case count as the same


class OptionsProblem(enum.StrEnum):
    """What is wrong with the options of a choice question (each domain words it in its own form)."""

    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    REPEATED = "repeated"


def options_problem(options: Sequence[str], limits: Limits) -> OptionsProblem | None:
    """The first problem of ``options`` under ``limits`` (2 up to ``max_options`` distinct, non-empty labels)."""
    if len(options) < 2:
        return OptionsProblem.TOO_FEW
    if len(options) > limits.max_options:
        return OptionsProblem.TOO_MANY
    if limits.option_length is not None and any(len(str(o)) > limits.option_length for o in options):
        return OptionsProblem.TOO_LONG
    if not all(str(o).strip() for o in options):
        return OptionsProblem.EMPTY
    keys = [str(o).casefold() if limits.fold_case else o for o in options]
    if len(set(keys)) != len(keys):
        return OptionsProblem.REPEATED
    return None


def choice_range_ok(low: object, high: object, options: int) -> bool:
    """Whether a multiple-choice question may ask for ``low`` to ``high`` of ``options`` options (high >= 1)."""
    return isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= options and high >= 1


def values_of(question: Question) -> list[Any]:
    """The stored value of every possible answer of a closed question, in display order ([] for free text)."""
    kind = question["kind"]
    if kind in CHOICE_KINDS:
        return list(range(len(question["options"])))
    if kind == "scale":
        return list(range(question["low"], question["high"] + 1))
    if kind == "yesno":
        return list(YESNO)
    return []


def check_definitions(questions: Sequence[Question], limits: Limits = Limits()) -> dict[str, str]:
    """Errors in a list of question definitions, keyed by question id (or "questions" for the list itself)."""
    errors: dict[str, str] = {}
    if not questions:
        return {"questions": _("Please add at least one question.")}
    seen: dict[str, Question] = {}
    for question in questions:
        qid = str(question.get("id", ""))
        problem = _definition_problem(question, seen, limits)
        if problem:
            errors[qid or "questions"] = problem
        seen[qid] = question
    return errors


def _definition_problem(q: Question, earlier: Mapping[str, Question], limits: Limits) -> str | None:
    qid, kind = str(q.get("id", "")), q.get("kind")
    if not ID_RE.match(qid):
        return _("A question id is 1-32 lower-case letters, digits or _ and starts with a letter.")
    if qid in earlier:
        return _("The question id %(id)s is used twice.", id=qid)
    if kind not in KINDS:
        return _("Unknown question type %(kind)s.", kind=str(kind))
    if not str(q.get("text", "")).strip():
        return _("Question %(id)s has no text.", id=qid)
    if kind in CHOICE_KINDS:
        problem = options_problem(q.get("options") or [], limits)
        if problem in (OptionsProblem.TOO_FEW, OptionsProblem.TOO_MANY):
            return _("Question %(id)s needs 2 to %(max)s options.", id=qid, max=limits.max_options)
        if problem is not None:
            return _("The options of question %(id)s must be distinct and not empty.", id=qid)
    if kind == "multiple" and not choice_range_ok(q.get("min"), q.get("max"), len(q["options"])):
        return _("Question %(id)s: choose between min and max options, 0 <= min <= max <= options.", id=qid)
    if kind == "scale" and (q.get("low"), q.get("high")) not in SCALES:
        return _("Question %(id)s: a scale runs from 1 to 5 or from 0 to 10.", id=qid)
    if kind == "text":
        limit = q.get("max_length")
        if not isinstance(limit, int) or not 1 <= limit <= TEXT_LIMIT:
            return _("Question %(id)s: the length limit is 1 to %(max)s characters.", id=qid, max=TEXT_LIMIT)
    return _branch_problem(q, earlier)


def _branch_problem(q: Question, earlier: Mapping[str, Question]) -> str | None:
    rule = q.get("show_if")
    if rule is None:
        return None
    source = earlier.get(str(rule.get("question", "")))
    if source is None:
        return _("Question %(id)s can only depend on an earlier question.", id=q["id"])
    if source["kind"] not in BRANCH_SOURCES:
        return _("Question %(id)s can only depend on a choice, scale or yes/no question.", id=q["id"])
    allowed = set(values_of(source))
    answers = rule.get("answers") or []
    if not answers or any(a not in allowed for a in answers):
        return _("Question %(id)s depends on answers that question %(source)s does not offer.",
                 id=q["id"], source=source["id"])
    return None
