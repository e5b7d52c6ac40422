"""The shared question model: definition checks, limits per domain and labels (no database).

Branching is tested in tests/surveys/test_questions.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given

from ballot.i18n import use_locale
from ballot.questions.labels import choices_of, option_labels
from ballot.questions.model import (
    Limits,
    OptionsProblem,
    check_definitions,
    choice_range_ok,
    options_problem,
    values_of,
)
from tests.questions.strategies import questions

POLL_LIKE = Limits(max_options=12, option_length=120, fold_case=True)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with use_locale("en"):
        yield


@given(questions())
def test_any_generated_definition_is_valid(q: dict) -> None:
    assert check_definitions([q]) == {}


@pytest.mark.parametrize(("options", "limits", "problem"), [
    (["a"], Limits(), OptionsProblem.TOO_FEW),
    ([str(n) for n in range(21)], Limits(), OptionsProblem.TOO_MANY),
    ([str(n) for n in range(20)], Limits(), None),
    ([str(n) for n in range(13)], POLL_LIKE, OptionsProblem.TOO_MANY),
    (["a", "b" * 121], POLL_LIKE, OptionsProblem.TOO_LONG),
    (["a", "b" * 121], Limits(), None),
    (["a", " "], Limits(), OptionsProblem.EMPTY),
    (["a", "a"], Limits(), OptionsProblem.REPEATED),
    (["a", "A"], Limits(), None),
    (["a", "A"], POLL_LIKE, OptionsProblem.REPEATED),
])
def test_options_follow_the_domain_limits(options: list[str], limits: Limits, problem: OptionsProblem | None) -> None:
    assert options_problem(options, limits) == problem


def test_definition_checks_use_the_limits() -> None:
    q = {"id": "q", "kind": "single", "text": "Q?", "options": [str(n) for n in range(13)]}
    assert check_definitions([q]) == {}
    assert check_definitions([q], POLL_LIKE) == {"q": "Question q needs 2 to 12 options."}
    q["options"] = ["a", "A"]
    assert check_definitions([q], POLL_LIKE) == {"q": "The options of question q must be distinct and not empty."}


@pytest.mark.parametrize(("low", "high", "ok"), [
    (0, 1, True), (1, 3, True), (0, 0, False), (2, 1, False), (1, 4, False), (-1, 2, False), ("1", 2, False),
    (None, 2, False),
])
def test_choice_range(low: object, high: object, ok: bool) -> None:
    assert choice_range_ok(low, high, 3) is ok


def test_values_and_labels_per_kind() -> None:
    assert values_of({"kind": "scale", "low": 0, "high": 10}) == list(range(11))
    assert values_of({"kind": "text", "max_length": 5}) == []
    assert choices_of({"kind": "ranking", "options": ["A", "B"]}) == [(0, "A"), (1, "B")]
    assert option_labels({"kind": "yesno"}) == ["Yes", "No", "Abstain"]
    with use_locale("de"):
        assert option_labels({"kind": "yesno"}) == ["Ja", "Nein", "Enthaltung"]

