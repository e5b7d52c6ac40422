"""Line numbering: wrapping at the line length, offsets into the body, and numbers that stay put when a later
paragraph changes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot.motions.lines import line_at, line_range, line_reference, normalise, number_lines, paragraph_spans

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß,.-", min_size=1, max_size=30)
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=40).map(" ".join)
PARAGRAPHS = st.lists(PARAGRAPH, min_size=1, max_size=6)
WIDTHS = st.integers(min_value=20, max_value=120)


def test_wraps_on_word_boundaries_and_numbers_through() -> None:
    body = "Die Partei fordert ein Tempolimit auf allen Autobahnen.\n\nZweiter Absatz hier."
    lines = number_lines(body, 24)
    assert [line.text for line in lines] == [
        "Die Partei fordert ein", "Tempolimit auf allen", "Autobahnen.", "Zweiter Absatz hier."]
    assert [line.number for line in lines] == [1, 2, 3, 4]
    assert [line.paragraph for line in lines] == [0, 0, 0, 1]


def test_long_word_is_cut_and_forced_breaks_kept() -> None:
    lines = number_lines("x" * 45 + "\nkurz", 20)
    assert [line.text for line in lines] == ["x" * 20, "x" * 20, "x" * 5, "kurz"]


def test_width_bounds() -> None:
    with pytest.raises(ValueError):
        number_lines("text", 5)


def test_line_reference_of_a_range() -> None:
    body = "eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn"
    lines = number_lines(body, 20)
    start = body.index("vier")
    end = body.index("elf") + 3
    first, last = line_range(lines, start, end)
    assert (first, last) == (1, 3)
    assert line_reference(first, last) == "Z. 1-3"
    assert line_reference(2, 2) == "Z. 2"


@settings(max_examples=150, deadline=None)
@given(PARAGRAPHS, WIDTHS)
def test_lines_fit_and_point_into_the_body(paragraphs: list[str], width: int) -> None:
    body = "\n\n".join(paragraphs)
    lines = number_lines(body, width)
    assert [line.number for line in lines] == list(range(1, len(lines) + 1))
    for line in lines:
        assert 0 < len(line.text) <= width
        assert body[line.start:line.end] == line.text
    # no word is lost: the lines hold every non-space character in order
    assert "".join(line.text for line in lines).replace(" ", "") == body.replace(" ", "").replace("\n", "")
    assert len(paragraph_spans(body)) == len(paragraphs)


@settings(max_examples=150, deadline=None)
@given(PARAGRAPHS, PARAGRAPH, WIDTHS, st.data())
def test_editing_a_paragraph_keeps_the_numbers_before_it(paragraphs: list[str], replacement: str, width: int,
                                                        data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(paragraphs) - 1))
    before = number_lines("\n\n".join(paragraphs), width)
    edited = [*paragraphs[:index], replacement, *paragraphs[index + 1:]]
    after = number_lines("\n\n".join(edited), width)
    keep = [(line.number, line.text, line.start) for line in before if line.paragraph < index]
    assert [(line.number, line.text, line.start) for line in after if line.paragraph < index] == keep
    # and the edited paragraph starts right after the last kept line
    first_new = next(line for line in after if line.paragraph == index)
    assert first_new.number == len(keep) + 1


@given(PARAGRAPHS, WIDTHS, st.data())
def test_every_offset_maps_to_a_line_holding_or_preceding_it(paragraphs: list[str], width: int,
                                                             data: st.DataObject) -> None:
    body = "\n\n".join(paragraphs)
    lines = number_lines(body, width)
    offset = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    line = line_at(lines, offset)
    assert (line is not None and line.start <= offset) or line is lines[0]


def test_normalise() -> None:
    assert normalise("\r\na  \r\nb\n\n") == "a\nb"
