"""Reading answers with the shared model: every valid answer survives the form, bad values are named, and the two
readings (refuse repeats / merge repeats) differ only where they say (no database)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot.i18n import use_locale
from ballot.questions.answers import Problem, Reading, parse_answers, read_answer
from ballot.questions.model import Question, values_of
from ballot.questions.wording import STANDARD
from tests.questions.strategies import answers, questions, render

SINGLE = {"id": "s", "kind": "single", "text": "S?", "options": ["A", "B", "C"]}
MULTIPLE = {"id": "m", "kind": "multiple", "text": "M?", "options": ["A", "B", "C"], "min": 1, "max": 2}
MERGE = Reading(STANDARD.word, merge_repeats=True)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


@given(st.data())
def test_parse_of_render_is_the_answer(data: st.DataObject) -> None:
    q = data.draw(questions())
    answer = data.draw(answers(q))
    parsed, errors, _raw = parse_answers([q], render(q, answer), STANDARD)
    assert errors == {}
    assert parsed == {q["id"]: answer}


@given(st.data())
def test_every_offered_choice_is_accepted_alone(data: st.DataObject) -> None:
    q = data.draw(questions().filter(lambda q: q["kind"] in ("single", "scale", "yesno")))
    for value in values_of(q):
        assert read_answer(q, [str(value)], STANDARD) == (value, None)
        assert read_answer(q, [str(value)], MERGE) == (value, None)


NOT_OFFERED = st.one_of(st.text(alphabet="abxyz?! ", min_size=1, max_size=5).filter(str.strip),
                        st.integers(21, 999).map(str), st.integers(-999, -1).map(str))


@given(st.data(), NOT_OFFERED)
def test_a_value_not_offered_is_refused(data: st.DataObject, raw: str) -> None:
    q: Question = data.draw(questions().filter(lambda q: q["kind"] in ("single", "multiple", "scale", "yesno")))
    for reading in (STANDARD, MERGE):
        value, problem = read_answer(q, [raw], reading)
        assert value is None and problem


@pytest.mark.parametrize("raw", ["²", "١", "0x1", "-0", " 1 2"])
def test_odd_digits_never_crash(raw: str) -> None:
    for q in (SINGLE, MULTIPLE):
        value, problem = read_answer(q, [raw], STANDARD)
        assert (value, problem) in ((1, None), ([1], None)) or problem
    ranking = {"id": "r", "kind": "ranking", "text": "R?", "options": ["A", "B"]}
    _answers, errors, _raw = parse_answers([ranking], {"q-r-0": [raw], "q-r-1": ["1"]}, STANDARD)
    assert errors["r"]


@pytest.mark.parametrize(("q", "values", "standard", "merged"), [
    (SINGLE, ["1", "1"], (None, "Please give only one answer."), (1, None)),
    (SINGLE, ["9", "1"], (None, "Please give only one answer."), (None, "Please choose one of the options.")),
    (MULTIPLE, ["2", "0", "2"], (None, "Please choose among the options shown."), ([0, 2], None)),
    (MULTIPLE, ["0", "1", "2"], (None, "Please choose from 1 to 2 options (you chose 3)."),
     (None, "Please choose from 1 to 2 options (you chose 3).")),
    (MULTIPLE, [], (None, "Please answer this question."), (None, "Please answer this question.")),
])
def test_repeats_refused_or_merged(q: Question, values: list[str], standard: Any, merged: Any) -> None:
    assert read_answer(q, values, STANDARD) == standard
    assert read_answer(q, values, MERGE) == merged


def test_the_wording_is_the_domain_s() -> None:
    seen: list[tuple[Problem, dict]] = []

    def word(q: Question, problem: Problem, detail: Any) -> str:
        seen.append((problem, dict(detail)))
        return f"{q['id']}:{problem}"

    assert read_answer(MULTIPLE, ["0", "1", "2"], Reading(word)) == (None, "m:count")
    assert seen == [(Problem.COUNT, {"n": 3})]
    assert read_answer({**SINGLE, "optional": True}, [], Reading(word)) == (None, None)
