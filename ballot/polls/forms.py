"""Reading the poll forms (they work without JavaScript). Every problem becomes a message beside its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ballot.i18n import gettext as _
from ballot.polls.models import QuestionKind
from ballot.polls.questions import LIMITS
from ballot.questions.model import OptionsProblem, choice_range_ok, options_problem

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
MAX_TITLE = 200
MAX_PROMPT = 300


def clean_line(value: str | None) -> str:
    """One line of text: control characters removed, whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", value or "").split())


@dataclass
class SessionInput:
    title: str
    allow_guests: bool


@dataclass
class QuestionInput:
    kind: QuestionKind
    prompt: str
    options: list[str] = field(default_factory=list)
    max_choices: int = 1


def read_session(values: dict[str, str]) -> tuple[SessionInput | None, dict[str, str]]:
    """The session form: a title and whether guests without an account may answer."""
    title = clean_line(values.get("title"))
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Please enter a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title may have at most %(num)s characters.", num=MAX_TITLE)
    if errors:
        return None, errors
    return SessionInput(title, values.get("allow_guests") in {"1", "on", "yes"}), {}


def _options(raw: str | None) -> list[str]:
    return [line for line in (clean_line(part) for part in (raw or "").splitlines()) if line]


def read_question(values: dict[str, str]) -> tuple[QuestionInput | None, dict[str, str]]:
    """The question form: kind, prompt, options (one per line) and, for multiple choice, the most choices."""
    errors: dict[str, str] = {}
    try:
        kind = QuestionKind(values.get("kind", ""))
    except ValueError:
        kind = None
        errors["kind"] = _("Please choose a question type.")
    prompt = clean_line(values.get("prompt"))
    if not prompt:
        errors["prompt"] = _("Please enter the question.")
    elif len(prompt) > MAX_PROMPT:
        errors["prompt"] = _("The question may have at most %(num)s characters.", num=MAX_PROMPT)
    options = _options(values.get("options"))
    max_choices = 1
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        problem = options_problem(options, LIMITS)
        if problem is not None:
            errors["options"] = _options_message(problem)
    else:
        options = []
    if kind == QuestionKind.MULTIPLE:
        raw = (values.get("max_choices") or "").strip()
        if not raw.isdecimal() or len(raw) > 3 or int(raw) < 1:
            errors["max_choices"] = _("Please enter a whole number of at least 1.")
        elif "options" not in errors and not choice_range_ok(1, int(raw), len(options)):
            errors["max_choices"] = _("At most as many choices as there are options (%(num)s).", num=len(options))
        else:
            max_choices = int(raw)
    if errors or kind is None:
        return None, errors
    return QuestionInput(kind, prompt, options, max_choices), {}


def _options_message(problem: OptionsProblem) -> str:
    if problem == OptionsProblem.TOO_FEW:
        return _("Please enter at least two options, one per line.")
    if problem == OptionsProblem.TOO_MANY:
        return _("At most %(num)s options are possible.", num=LIMITS.max_options)
    if problem == OptionsProblem.TOO_LONG:
        return _("An option may have at most %(num)s characters.", num=LIMITS.option_length)
    return _("Each option may appear only once.")
