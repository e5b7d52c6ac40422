"""Stable line numbers for a motion text, as parties print them: a fixed number of characters per line.

The body is split into paragraphs at blank lines; a single line break inside a paragraph is kept as a forced break.
Each paragraph is wrapped on word boundaries (a word longer than a line is cut). Numbers run on through the whole
text, so an edit in one paragraph never changes the numbers or breaks of the paragraphs before it. Every line keeps
its character offsets in the body, so a character range (an amendment's change) maps to line numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

MIN_WIDTH = 20
MAX_WIDTH = 200
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Line:
    """One printed line: its ``number`` (from 1), its ``paragraph`` (from 0) and ``body[start:end]``."""

    number: int
    paragraph: int
    start: int
    end: int
    text: str


def normalise(body: str) -> str:
    """Line breaks as ``\\n``, trailing spaces on each line and blank lines at either end removed."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every non-empty paragraph in ``body`` (paragraphs are separated by blank lines)."""
    spans: list[tuple[int, int]] = []
    position = 0
    for separator in [*_PARAGRAPH_BREAK.finditer(body), None]:
        end = separator.start() if separator else len(body)
        if body[position:end].strip():
            spans.append((position, end))
        position = separator.end() if separator else len(body)
    return spans


def _wrap_row(body: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``body[start:end]`` (no line breaks inside) into spans of at most ``width`` chars."""
    rows: list[tuple[int, int]] = []
    line_start = line_end = -1
    for word in _WORD.finditer(body, start, end):
        w_start, w_end = word.start(), word.end()
        if line_start >= 0 and w_end - line_start <= width:
            line_end = w_end
            continue
        if line_start >= 0:
            rows.append((line_start, line_end))
        while w_end - w_start > width:  # a word longer than a line is cut
            rows.append((w_start, w_start + width))
            w_start += width
        line_start, line_end = w_start, w_end
    if line_start >= 0:
        rows.append((line_start, line_end))
    return rows


def number_lines(body: str, width: int, first: int = 1) -> list[Line]:
    """Every line of ``body`` wrapped at ``width`` characters, numbered from ``first``."""
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"line length must lie between {MIN_WIDTH} and {MAX_WIDTH}")
    lines: list[Line] = []
    for index, (p_start, p_end) in enumerate(paragraph_spans(body)):
        row_start = p_start
        for row in body[p_start:p_end].split("\n"):  # a single line break is a forced break
            row_end = row_start + len(row)
            for start, end in _wrap_row(body, row_start, row_end, width):
                lines.append(Line(first + len(lines), index, start, end, body[start:end]))
            row_start = row_end + 1
    return lines


def line_at(lines: list[Line], offset: int) -> Line | None:
    """The line that holds character ``offset`` (whitespace between lines belongs to the line before)."""
    if not lines:
        return None
    index = bisect_right([line.start for line in lines], offset) - 1
    return lines[max(index, 0)]


def line_range(lines: list[Line], start: int, end: int) -> tuple[int, int]:
    """First and last line number touched by the character range ``[start, end)`` (an insertion: ``start == end``)."""
    first = line_at(lines, start)
    last = line_at(lines, max(start, end - 1))
    if first is None or last is None:
        return (0, 0)
    return first.number, last.number


def line_reference(first: int, last: int, prefix: str = "Z.") -> str:
    """``Z. 12`` or ``Z. 12-14`` (the prefix is translated by the caller)."""
    return f"{prefix} {first}" if first == last else f"{prefix} {first}-{last}"
