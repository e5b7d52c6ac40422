"""Branching: which questions are shown, given the answers so far (``show_if`` rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ballot.questions.model import Question


def visible_ids(questions: Sequence[Question], answers: Mapping[str, Any]) -> set[str]:
    """The questions shown for ``answers``: a question with ``show_if`` only when its source question is shown
    and was answered with one of the listed answers."""
    shown: set[str] = set()
    for q in questions:
        rule = q.get("show_if")
        if rule is None:
            shown.add(q["id"])
            continue
        source = rule["question"]
        given = answers.get(source)
        values = given if isinstance(given, list) else [given]
        if source in shown and any(v in rule["answers"] for v in values if v is not None):
            shown.add(q["id"])
    return shown
