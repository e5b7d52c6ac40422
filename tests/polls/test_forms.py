"""Bad input per question type: every problem is named beside its field (unit tests of the form readers and of
``parse_choices``)."""

from __future__ import annotations

import pytest

from ballot.exceptions import ValidationFailed
from ballot.polls import codes, qr
from ballot.polls.forms import read_question, read_session
from ballot.polls.models import PollQuestion, QuestionKind
from ballot.polls.services import parse_choices


def test_session_needs_a_title() -> None:
    data, errors = read_session({"title": "  \x00 "})
    assert data is None and errors == {"title": "Please enter a title."}
    data, errors = read_session({"title": "x" * 201})
    assert data is None and "at most 200" in errors["title"]
    data, errors = read_session({"title": "Parteitag", "allow_guests": "1"})
    assert errors == {} and data is not None and data.allow_guests and data.title == "Parteitag"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"kind": "ranking", "prompt": "Q"}, "kind", "Please choose a question type."),
        ({"kind": "single", "prompt": "", "options": "a\nb"}, "prompt", "Please enter the question."),
        ({"kind": "single", "prompt": "Q", "options": "only one"}, "options", "at least two options"),
        ({"kind": "single", "prompt": "Q", "options": "a\nA"}, "options", "only once"),
        ({"kind": "single", "prompt": "Q", "options": "\n".join(str(n) for n in range(13))}, "options", "At most 12"),
        ({"kind": "multiple", "prompt": "Q", "options": "a\nb\n" + "c" * 121, "max_choices": "1"}, "options", "120"),
        ({"kind": "multiple", "prompt": "Q", "options": "a\nb", "max_choices": "zwei"}, "max_choices", "whole number"),
        ({"kind": "multiple", "prompt": "Q", "options": "a\nb", "max_choices": "0"}, "max_choices", "whole number"),
        ({"kind": "multiple", "prompt": "Q", "options": "a\nb", "max_choices": "3"}, "max_choices", "(2)"),
    ],
)
def test_question_errors(values: dict[str, str], field: str, message: str) -> None:
    data, errors = read_question(values)
    assert data is None
    assert message in errors[field]


def test_question_ok_per_kind() -> None:
    data, _ = read_question({"kind": "yes_no", "prompt": "Pause?", "options": "ignored"})
    assert data is not None and data.kind == QuestionKind.YES_NO and data.options == []
    data, _ = read_question(
        {"kind": "multiple", "prompt": "Themen?", "options": " A \r\n\r\nB\nC ", "max_choices": "2"}
    )
    assert data is not None and data.options == ["A", "B", "C"] and data.max_choices == 2


def _q(kind: QuestionKind, options: list[str] | None = None, max_choices: int = 1) -> PollQuestion:
    return PollQuestion(
        id=1, session_id=1, position=1, kind=kind, prompt="Q", options=options or [], max_choices=max_choices
    )


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        (QuestionKind.SINGLE, [], "Please choose an option."),
        (QuestionKind.SINGLE, ["3"], "does not exist"),
        (QuestionKind.SINGLE, ["-1"], "does not exist"),
        (QuestionKind.SINGLE, ["eins"], "does not exist"),
        (QuestionKind.SINGLE, ["0", "1"], "only one"),
        (QuestionKind.YES_NO, ["3"], "does not exist"),
        (QuestionKind.YES_NO, [], "Please choose an option."),
        (QuestionKind.YES_NO, ["0", "2"], "only one"),
        (QuestionKind.MULTIPLE, [], "at least one"),
        (QuestionKind.MULTIPLE, ["0", "1", "2"], "at most 2"),
        (QuestionKind.MULTIPLE, ["0", "9"], "does not exist"),
    ],
)
def test_bad_choices(kind: QuestionKind, raw: list[str], message: str) -> None:
    question = _q(kind, ["a", "b", "c"], max_choices=2)
    with pytest.raises(ValidationFailed) as caught:
        parse_choices(question, raw)
    assert message in caught.value.errors["choice"]


def test_good_choices() -> None:
    assert parse_choices(_q(QuestionKind.MULTIPLE, ["a", "b", "c"], 2), ["2", "0", "2"]) == [0, 2]
    assert parse_choices(_q(QuestionKind.YES_NO), ["2"]) == [2]
    assert parse_choices(_q(QuestionKind.SINGLE, ["a", "b"]), [" 1 "]) == [1]


def test_join_codes() -> None:
    code = codes.new_code()
    assert len(code) == 6 and set(code) <= set(codes.ALPHABET)
    assert not set("01ILO") & set(codes.ALPHABET)
    assert codes.normalize(" ab-c d2 3 ") == "ABCD23"
    assert codes.normalize("ABCDE") is None
    assert codes.normalize("ABCDE0") is None  # 0 is never used
    assert codes.normalize(None) is None


def test_qr_code_svg() -> None:
    url = qr.join_url("https://portal.example/", "ABC234")
    assert url == "https://portal.example/p/ABC234"
    svg = str(qr.qr_svg(url, "QR <code> & link"))
    assert svg.startswith('<svg role="img" ') and "<title>QR &lt;code&gt; &amp; link</title>" in svg
    assert "style=" not in svg and "<script" not in svg  # nothing the CSP would block
