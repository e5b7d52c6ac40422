"""Question types, their definitions and the checking of answers (shared with live polls, ``ballot/polls``).

A question is a plain dict (stored as JSON)::

    {"id": "topic", "kind": "single", "text": "...", "options": ["A", "B"], "optional": False,
     "min": 1, "max": 2,            # multiple choice only
     "low": 1, "high": 5,           # scale only (1-5 or 0-10)
     "max_length": 500,             # free text only
     "show_if": {"question": "q1", "answers": [0, 2]}}   # branching, optional

Stored answers: single = option index, multiple = sorted option indices, ranking = every option index from the
first to the last place, scale = the number, yes/no/abstain = "yes" | "no" | "abstain", text = the text.
Form fields: ``q-<id>`` (a checkbox group sends it several times); ranking sends ``q-<id>-<option index>`` = place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ballot.i18n import gettext as _

KINDS = ("single", "multiple", "ranking", "scale", "yesno", "text")
CHOICE_KINDS = ("single", "multiple", "ranking")
BRANCH_SOURCES = ("single", "multiple", "scale", "yesno")
SCALES = ((1, 5), (0, 10))
YESNO = ("yes", "no", "abstain")
TEXT_LIMIT = 2000
MAX_OPTIONS = 20
ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

Question = dict[str, Any]
Answers = dict[str, Any]


def yesno_label(value: str) -> str:
    """The visible label of a yes/no/abstain answer."""
    return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}[value]


def choices_of(question: Question) -> list[tuple[Any, str]]:
    """(stored value, label) for every possible answer of a closed question, in display order."""
    kind = question["kind"]
    if kind in CHOICE_KINDS:
        return list(enumerate(question["options"]))
    if kind == "scale":
        return [(n, str(n)) for n in range(question["low"], question["high"] + 1)]
    if kind == "yesno":
        return [(v, yesno_label(v)) for v in YESNO]
    return []


# --- definitions --------------------------------------------------------------------------------------------


def check_definitions(questions: Sequence[Question]) -> dict[str, str]:
    """Errors in a list of question definitions, keyed by question id (or "questions" for the list itself)."""
    errors: dict[str, str] = {}
    if not questions:
        return {"questions": _("Please add at least one question.")}
    seen: dict[str, Question] = {}
    for question in questions:
        qid = str(question.get("id", ""))
        problem = _definition_problem(question, seen)
        if problem:
            errors[qid or "questions"] = problem
        seen[qid] = question
    return errors


def _definition_problem(q: Question, earlier: Mapping[str, Question]) -> str | None:
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
        options = q.get("options") or []
        if not 2 <= len(options) <= MAX_OPTIONS:
            return _("Question %(id)s needs 2 to %(max)s options.", id=qid, max=MAX_OPTIONS)
        if len(set(options)) != len(options) or not all(str(o).strip() for o in options):
            return _("The options of question %(id)s must be distinct and not empty.", id=qid)
    if kind == "multiple":
        low, high = q.get("min"), q.get("max")
        if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= len(q["options"]) and high):
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
    allowed = {value for value, _label in choices_of(source)}
    answers = rule.get("answers") or []
    if not answers or any(a not in allowed for a in answers):
        return _("Question %(id)s depends on answers that question %(source)s does not offer.",
                 id=q["id"], source=source["id"])
    return None


# --- branching ----------------------------------------------------------------------------------------------


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


# --- answers ------------------------------------------------------------------------------------------------


def field_name(question: Question, option: int | None = None) -> str:
    return f"q-{question['id']}" + (f"-{option}" if option is not None else "")


def parse_answers(questions: Sequence[Question], form: Mapping[str, Sequence[str]]
                  ) -> tuple[Answers, dict[str, str], Answers]:
    """Read and check a submitted form.

    Returns (answers of the shown questions, errors keyed by question id, raw values for re-rendering).
    Questions hidden by branching are neither required nor stored, whatever the form sent for them.
    """
    parsed: Answers = {}
    errors: dict[str, str] = {}
    raw: Answers = {}
    for q in questions:
        value, problem, raw[q["id"]] = _parse_one(q, form)
        if problem:
            errors[q["id"]] = problem
        elif value is not None:
            parsed[q["id"]] = value
    shown = visible_ids(questions, parsed)
    answers = {qid: value for qid, value in parsed.items() if qid in shown}
    errors = {qid: msg for qid, msg in errors.items() if qid in shown}
    for q in questions:
        if q["id"] in shown and q["id"] not in answers and q["id"] not in errors and not q.get("optional"):
            errors[q["id"]] = _("Please answer this question.")
    return answers, errors, raw


def _values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    got = form.get(name, [])
    items = [got] if isinstance(got, str) else list(got)
    return [str(v).strip() for v in items if str(v).strip()]


def _index(raw: str, count: int) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) <= 3 and int(raw) < count else None


def _parse_one(q: Question, form: Mapping[str, Sequence[str]]) -> tuple[Any, str | None, Any]:
    """(value or None when unanswered, error, raw value)."""
    kind = q["kind"]
    if kind == "ranking":
        return _parse_ranking(q, form)
    values = _values(form, field_name(q))
    if kind == "multiple":
        return _parse_multiple(q, values)
    if not values:
        return None, None, ""
    if len(values) > 1:
        return None, _("Please give only one answer."), values[0]
    raw = values[0]
    if kind == "single":
        index = _index(raw, len(q["options"]))
        return (index, None, raw) if index is not None else (None, _("Please choose one of the options."), raw)
    if kind == "scale":
        ok = re.fullmatch(r"-?\d{1,3}", raw) and q["low"] <= int(raw) <= q["high"]
        if not ok:
            return None, _("Please choose a value from %(low)s to %(high)s.", low=q["low"], high=q["high"]), raw
        return int(raw), None, raw
    if kind == "yesno":
        return (raw, None, raw) if raw in YESNO else (None, _("Please choose yes, no or abstain."), raw)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", raw.replace("\r\n", "\n"))
    if len(text) > q["max_length"]:
        return None, _("Please shorten your answer to %(max)s characters (it has %(n)s).",
                       max=q["max_length"], n=len(text)), text
    return text, None, text


def _parse_multiple(q: Question, values: list[str]) -> tuple[Any, str | None, Any]:
    indices = [_index(v, len(q["options"])) for v in values]
    if any(i is None for i in indices) or len(set(indices)) != len(indices):
        return None, _("Please choose among the options shown."), values
    chosen = sorted(i for i in indices if i is not None)
    if not chosen:  # unanswered; a question whose minimum is 0 reads as "none of these"
        return ([] if q["min"] == 0 and not q.get("optional") else None), None, values
    if not q["min"] <= len(chosen) <= q["max"]:
        return None, _("Please choose from %(min)s to %(max)s options (you chose %(n)s).",
                       min=q["min"], max=q["max"], n=len(chosen)), values
    return chosen, None, values


def _parse_ranking(q: Question, form: Mapping[str, Sequence[str]]) -> tuple[Any, str | None, Any]:
    count = len(q["options"])
    raw = {i: (_values(form, field_name(q, i)) or [""])[0] for i in range(count)}
    given = {i: v for i, v in raw.items() if v}
    if not given:
        return None, None, raw
    places = {i: int(v) for i, v in given.items() if v.isdigit() and 1 <= int(v) <= count}
    if len(places) != len(given):
        return None, _("Please give each option a place from 1 to %(n)s.", n=count), raw
    if len(given) != count:
        return None, _("Please give every option a place (1 to %(n)s).", n=count), raw
    if len(set(places.values())) != count:
        return None, _("Please use each place only once."), raw
    return sorted(places, key=lambda i: places[i]), None, raw
