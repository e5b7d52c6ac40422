"""Reading submitted answers against the question model.

Form fields: ``q-<id>`` (a checkbox group sends it several times); ranking sends ``q-<id>-<option index>`` = place.
A domain reads answers with a :class:`Reading`: its wording of each :class:`Problem` and whether a value sent
twice counts once. Free text loses control characters; closed answers are checked against
:func:`ballot.questions.model.values_of`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot.questions.branching import visible_ids
from ballot.questions.model import YESNO, Answers, Question


class Problem(enum.StrEnum):
    """Why an answer was refused; ``detail`` in :class:`Reading.word` carries the numbers named in the message."""

    UNKNOWN = "unknown"  # a value that is not one of the answers offered
    ONE_ONLY = "one_only"  # several values for a question that takes one
    COUNT = "count"  # multiple choice: fewer than min or more than max options (detail: n)
    MISSING = "missing"  # a required, shown question left unanswered
    TOO_LONG = "too_long"  # free text longer than max_length (detail: n)
    PLACE = "place"  # ranking: a place outside 1..options (detail: n = options)
    PLACES_MISSING = "places_missing"  # ranking: some options without a place (detail: n = options)
    PLACE_TWICE = "place_twice"  # ranking: a place given to two options


Wording = Callable[[Question, Problem, Mapping[str, Any]], str]


@dataclass(frozen=True)
class Reading:
    """How a domain reads answers.

    ``merge_repeats`` False: a value sent twice is refused (UNKNOWN) and the number of values is checked first;
    True: every value is checked first, then repeats count once (a double tap on a phone is one choice).
    """

    word: Wording
    merge_repeats: bool = False


def field_name(question: Question, option: int | None = None) -> str:
    """The form field of ``question`` (of one ranking option when ``option`` is given)."""
    return f"q-{question['id']}" + (f"-{option}" if option is not None else "")


def parse_answers(questions: Sequence[Question], form: Mapping[str, Sequence[str]], reading: Reading
                  ) -> tuple[Answers, dict[str, str], Answers]:
    """Read and check a submitted form.

    Returns (answers of the shown questions, errors keyed by question id, raw values for re-rendering).
    Questions hidden by branching are neither required nor stored, whatever the form sent for them.
    """
    parsed: Answers = {}
    errors: dict[str, str] = {}
    raw: Answers = {}
    for q in questions:
        if q["kind"] == "ranking":
            value, problem, raw[q["id"]] = _parse_ranking(q, form, reading)
        else:
            value, problem, raw[q["id"]] = _parse_one(q, form_values(form, field_name(q)), reading)
        if problem:
            errors[q["id"]] = problem
        elif value is not None:
            parsed[q["id"]] = value
    shown = visible_ids(questions, parsed)
    answers = {qid: value for qid, value in parsed.items() if qid in shown}
    errors = {qid: msg for qid, msg in errors.items() if qid in shown}
    for q in questions:
        if q["id"] in shown and q["id"] not in answers and q["id"] not in errors and not q.get("optional"):
            errors[q["id"]] = reading.word(q, Problem.MISSING, {})
    return answers, errors, raw


def read_answer(question: Question, values: Sequence[str], reading: Reading) -> tuple[Any, str | None]:
    """(stored answer, None) or (None, message) for one question that is not a ranking, from its field's values.

    An unanswered required question gives the MISSING message; an unanswered optional one gives (None, None).
    """
    value, problem, _raw = _parse_one(question, form_values({"v": values}, "v"), reading)
    if problem is None and value is None and not question.get("optional"):
        problem = reading.word(question, Problem.MISSING, {})
    return value, problem


def form_values(form: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """The stripped, non-empty values of field ``name`` (a single string counts as one value)."""
    got = form.get(name, [])
    items = [got] if isinstance(got, str) else list(got)
    return [str(v).strip() for v in items if str(v).strip()]


def index_of(raw: str, count: int) -> int | None:
    """The option index written as ``raw`` (at most 3 decimal digits), or None when it is not below ``count``."""
    return int(raw) if raw.isdecimal() and len(raw) <= 3 and int(raw) < count else None


def closed_value(question: Question, raw: str) -> Any:
    """The stored value that ``raw`` stands for in a single, multiple, scale or yes/no question, or None."""
    kind = question["kind"]
    if kind in ("single", "multiple"):
        return index_of(raw, len(question["options"]))
    if kind == "scale":
        ok = re.fullmatch(r"-?\d{1,3}", raw) and question["low"] <= int(raw) <= question["high"]
        return int(raw) if ok else None
    if kind == "yesno":
        return raw if raw in YESNO else None
    return None


def _parse_one(q: Question, values: list[str], reading: Reading) -> tuple[Any, str | None, Any]:
    """(value or None when unanswered, error, raw value)."""
    kind = q["kind"]
    if reading.merge_repeats and kind != "text":
        first: dict[Any, str] = {}
        for v in values:
            value = closed_value(q, v)
            if value is None:
                return None, reading.word(q, Problem.UNKNOWN, {}), values if kind == "multiple" else values[0]
            first.setdefault(value, v)
        values = list(first.values())
    if kind == "multiple":
        return _parse_multiple(q, values, reading)
    if not values:
        return None, None, ""
    if len(values) > 1:
        return None, reading.word(q, Problem.ONE_ONLY, {}), values[0]
    raw = values[0]
    if kind == "text":
        text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", raw.replace("\r\n", "\n"))
        if len(text) > q["max_length"]:
            return None, reading.word(q, Problem.TOO_LONG, {"n": len(text)}), text
        return text, None, text
    value = closed_value(q, raw)
    return (value, None, raw) if value is not None else (None, reading.word(q, Problem.UNKNOWN, {}), raw)


def _parse_multiple(q: Question, values: list[str], reading: Reading) -> tuple[Any, str | None, Any]:
    indices = [index_of(v, len(q["options"])) for v in values]
    if any(i is None for i in indices) or len(set(indices)) != len(indices):
        return None, reading.word(q, Problem.UNKNOWN, {}), values
    chosen = sorted(i for i in indices if i is not None)
    if not chosen:  # unanswered; a question whose minimum is 0 reads as "none of these"
        return ([] if q["min"] == 0 and not q.get("optional") else None), None, values
    if not q["min"] <= len(chosen) <= q["max"]:
        return None, reading.word(q, Problem.COUNT, {"n": len(chosen)}), values
    return chosen, None, values


def _parse_ranking(q: Question, form: Mapping[str, Sequence[str]], reading: Reading) -> tuple[Any, str | None, Any]:
    count = len(q["options"])
    raw = {i: (form_values(form, field_name(q, i)) or [""])[0] for i in range(count)}
    given = {i: v for i, v in raw.items() if v}
    if not given:
        return None, None, raw
    places = {i: int(v) for i, v in given.items() if v.isdecimal() and 1 <= int(v) <= count}
    if len(places) != len(given):
        return None, reading.word(q, Problem.PLACE, {"n": count}), raw
    if len(given) != count:
        return None, reading.word(q, Problem.PLACES_MISSING, {"n": count}), raw
    if len(set(places.values())) != count:
        return None, reading.word(q, Problem.PLACE_TWICE, {}), raw
    return sorted(places, key=lambda i: places[i]), None, raw
