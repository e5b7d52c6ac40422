"""Every question type with good and bad input, optional questions and branching (no database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ballot.i18n import use_locale
from ballot.questions.branching import visible_ids
from ballot.surveys.forms import QuestionSyntaxError, parse_questions, questions_text
from ballot.surveys.questions import check_definitions, parse_answers
from tests.surveys.conftest import QUESTIONS, VALID_FORM

DEFS = parse_questions(QUESTIONS)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


def with_(**changes: list[str]) -> dict[str, list[str]]:
    form = dict(VALID_FORM)
    for key, value in changes.items():
        name = "q-" + key.replace("__", "-")
        if value:
            form[name] = value
        else:
            form.pop(name, None)
    return form


def test_valid_answers_are_read() -> None:
    answers, errors, _raw = parse_answers(DEFS, VALID_FORM)
    assert errors == {}
    assert answers == {"topic": 0, "why": "Because", "events": [0, 2], "order": [1, 0, 2], "happy": 4, "nps": 9,
                       "news": "yes"}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("topic", ["7"], "Please choose one of the options."),
    ("topic", ["x"], "Please choose one of the options."),
    ("topic", ["0", "1"], "Please give only one answer."),
    ("topic", [], "Please answer this question."),
    ("events", ["0", "1", "2"], "Please choose from 1 to 2 options (you chose 3)."),
    ("events", [], "Please answer this question."),
    ("events", ["9"], "Please choose among the options shown."),
    ("events", ["1", "1"], "Please choose among the options shown."),
    ("order__0", ["1"], "Please use each place only once."),
    ("order__0", ["4"], "Please give each option a place from 1 to 3."),
    ("order__0", [], "Please give every option a place (1 to 3)."),
    ("happy", ["6"], "Please choose a value from 1 to 5."),
    ("happy", ["0"], "Please choose a value from 1 to 5."),
    ("happy", ["abc"], "Please choose a value from 1 to 5."),
    ("nps", ["11"], "Please choose a value from 0 to 10."),
    ("news", ["maybe"], "Please choose yes, no or abstain."),
    ("news", [], "Please answer this question."),
    ("why", ["x" * 51], "Please shorten your answer to 50 characters (it has 51)."),
])
def test_bad_input_gives_an_error_beside_its_question(field: str, value: list[str], message: str) -> None:
    answers, errors, _raw = parse_answers(DEFS, with_(**{field: value}))
    qid = field.split("__")[0]
    assert errors == {qid: message}
    assert qid not in answers


def test_optional_questions_may_stay_empty() -> None:
    answers, errors, _raw = parse_answers(DEFS, with_(nps=[], why=[]))
    assert errors == {} and "nps" not in answers and "why" not in answers


def test_ranking_left_empty_is_required() -> None:
    form = with_(order__0=[], order__1=[], order__2=[])
    assert parse_answers(DEFS, form)[1] == {"order": "Please answer this question."}


def test_branching_drops_answers_to_hidden_questions() -> None:
    answers, errors, _raw = parse_answers(DEFS, with_(topic=["2"], why=["x" * 80]))
    assert errors == {}  # "why" is hidden for "Digital": not checked, not stored
    assert "why" not in answers
    assert visible_ids(DEFS, {"topic": 1}) >= {"why"}
    assert "why" not in visible_ids(DEFS, {})


def test_branch_on_a_hidden_question_stays_hidden() -> None:
    defs = parse_questions("a | yesno | A?\nb | yesno | B?\nif a = yes\nc | text 10 | C?\nif b = no")
    assert visible_ids(defs, {"a": "no", "b": "no"}) == {"a"}
    assert visible_ids(defs, {"a": "yes", "b": "no"}) == {"a", "b", "c"}


def test_text_round_trip() -> None:
    assert parse_questions(questions_text(DEFS)) == DEFS


@pytest.mark.parametrize(("text", "message"), [
    ("a | single | A?\n- one", "needs 2 to 20 options"),
    ("a | single | A?\n- one\n- one", "must be distinct"),
    ("a | multiple 3-2 | A?\n- x\n- y", "0 <= min <= max"),
    ("a | scale 1-7 | A?", "1 to 5 or from 0 to 10"),
    ("a | text 99999 | A?", "length limit"),
    ("a | yesno | A?\na | yesno | B?", "used twice"),
    ("A b | yesno | A?", "lower-case"),
    ("a | text 10 | A?\nb | yesno | B?\nif a = x", None),
    ("a | bogus | A?", "Unknown question type bogus"),
    ("- stray", None),
    ("a | yesno", None),
])
def test_bad_definitions_are_named(text: str, message: str | None) -> None:
    try:
        problems = check_definitions(parse_questions(text))
    except QuestionSyntaxError as exc:
        assert message is None, str(exc)
        assert "Line" in str(exc)
        return
    assert message is not None and any(message in p for p in problems.values()), problems


def test_branch_must_name_an_earlier_question() -> None:
    with pytest.raises(QuestionSyntaxError, match="earlier question"):
        parse_questions("b | yesno | B?\nif a = yes\na | yesno | A?")
    assert check_definitions([{"id": "b", "kind": "yesno", "text": "B", "show_if": {"question": "b",
                                                                                    "answers": ["yes"]}}])
