"""The model's standard wording of answer problems (surveys read answers with it; polls word their own)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ballot.i18n import gettext as _
from ballot.questions.answers import Problem, Reading
from ballot.questions.model import Question


def standard_wording(q: Question, problem: Problem, detail: Mapping[str, Any]) -> str:
    """The message shown beside question ``q`` for ``problem``."""
    if problem == Problem.UNKNOWN:
        return _unknown(q)
    if problem == Problem.ONE_ONLY:
        return _("Please give only one answer.")
    if problem == Problem.COUNT:
        return _("Please choose from %(min)s to %(max)s options (you chose %(n)s).",
                 min=q["min"], max=q["max"], n=detail["n"])
    if problem == Problem.TOO_LONG:
        return _("Please shorten your answer to %(max)s characters (it has %(n)s).",
                 max=q["max_length"], n=detail["n"])
    if problem == Problem.PLACE:
        return _("Please give each option a place from 1 to %(n)s.", n=detail["n"])
    if problem == Problem.PLACES_MISSING:
        return _("Please give every option a place (1 to %(n)s).", n=detail["n"])
    if problem == Problem.PLACE_TWICE:
        return _("Please use each place only once.")
    return _("Please answer this question.")


def _unknown(q: Question) -> str:
    kind = q["kind"]
    if kind == "single":
        return _("Please choose one of the options.")
    if kind == "scale":
        return _("Please choose a value from %(low)s to %(high)s.", low=q["low"], high=q["high"])
    if kind == "yesno":
        return _("Please choose yes, no or abstain.")
    return _("Please choose among the options shown.")


STANDARD = Reading(standard_wording)
