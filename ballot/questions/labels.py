"""The visible labels of the closed answers of a question (translated at call time)."""

from __future__ import annotations

from typing import Any

from ballot.i18n import gettext as _
from ballot.questions.model import Question, values_of


def yesno_label(value: str) -> str:
    """The visible label of a yes/no/abstain answer."""
    return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}[value]


def choices_of(question: Question) -> list[tuple[Any, str]]:
    """(stored value, label) for every possible answer of a closed question, in display order."""
    kind = question["kind"]
    values = values_of(question)
    if kind == "yesno":
        return [(v, yesno_label(v)) for v in values]
    if kind == "scale":
        return [(n, str(n)) for n in values]
    return [(i, question["options"][i]) for i in values]


def option_labels(question: Question) -> list[str]:
    """The labels of a closed question's answers in display order (yes/no/abstain in the reader's language)."""
    return [label for _value, label in choices_of(question)]
