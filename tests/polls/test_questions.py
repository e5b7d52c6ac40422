"""A poll question is a question of the shared model (ballot/questions): what the form accepts is a valid
definition under the poll's limits, and the answers it offers are read back unchanged (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot.exceptions import ValidationFailed
from ballot.i18n import use_locale
from ballot.polls.forms import read_question
from ballot.polls.models import PollQuestion, QuestionKind
from ballot.polls.questions import LIMITS, as_question, labels_of, parse_choices
from ballot.questions.model import check_definitions

_LINE = st.text(alphabet="abcdefgABCDEFG äöü-", min_size=1, max_size=10)


def _poll_question(kind: QuestionKind, options: list[str], max_choices: int) -> PollQuestion:
    return PollQuestion(id=1, session_id=1, position=1, kind=kind, prompt="Q?", options=options,
                        max_choices=max_choices)


@given(st.sampled_from(list(QuestionKind)), st.lists(_LINE, min_size=0, max_size=14), st.integers(0, 15))
def test_an_accepted_form_is_a_valid_shared_question(kind: QuestionKind, lines: list[str], most: int) -> None:
    data, errors = read_question({"kind": kind.value, "prompt": "Q?", "options": "\n".join(lines),
                                  "max_choices": str(most)})
    if data is None:
        assert errors
        return
    question = _poll_question(data.kind, data.options, data.max_choices)
    assert check_definitions([as_question(question)], LIMITS) == {}
    size = len(labels_of(question))
    for index in range(size):
        assert parse_choices(question, [str(index)]) == [index]
    if kind == QuestionKind.MULTIPLE:
        picked = list(range(min(data.max_choices, size)))
        assert parse_choices(question, [str(i) for i in reversed(picked)]) == picked


def test_kinds_map_onto_the_shared_model() -> None:
    assert as_question(_poll_question(QuestionKind.YES_NO, [], 1))["kind"] == "yesno"
    multiple = as_question(_poll_question(QuestionKind.MULTIPLE, ["A", "B", "C"], 2))
    assert (multiple["kind"], multiple["min"], multiple["max"]) == ("multiple", 1, 2)
    with use_locale("de"):
        assert labels_of(_poll_question(QuestionKind.YES_NO, [], 1)) == ["Ja", "Nein", "Enthaltung"]


@pytest.mark.parametrize("raw", ["²", "", "yes", "-1", "0x1"])
def test_odd_values_are_refused_not_crashing(raw: str) -> None:
    for kind, options in ((QuestionKind.SINGLE, ["A", "B"]), (QuestionKind.YES_NO, [])):
        with pytest.raises(ValidationFailed) as caught:
            parse_choices(_poll_question(kind, options, 1), [raw])
        assert "does not exist" in caught.value.errors["choice"]
    _data, errors = read_question({"kind": "multiple", "prompt": "Q", "options": "a\nb", "max_choices": "²"})
    assert "whole number" in errors["max_choices"]
