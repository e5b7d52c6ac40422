"""Amendments as tracked changes: replace ``text[start:end]`` by ``new``. Pure functions, no database.

An insertion has ``start == end``, a deletion an empty ``new``. Two changes *collide* when their ranges overlap, when
they start at the same place (their order would be ambiguous) or when one inserts inside the other's range.
Changes that do not collide give the same text whatever order they are applied in (tests/motions/test_amend.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


class ChangeError(ValueError):
    """A change does not fit the text, or changes collide."""


@dataclass(frozen=True)
class Change:
    """Replace ``[start, end)`` of the base text by ``new``."""

    start: int
    end: int
    new: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "new": self.new}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Change:
        start, end, new = data.get("start"), data.get("end"), data.get("new", "")
        if not isinstance(start, int) or not isinstance(end, int) or not isinstance(new, str):
            raise ChangeError("a change needs integer start and end and a text")
        return cls(start, end, new)

    @property
    def delta(self) -> int:
        """How much longer the text gets."""
        return len(self.new) - (self.end - self.start)


@dataclass(frozen=True)
class Segment:
    """A piece of a redline: ``same``, ``del`` (struck text of the base) or ``ins`` (new text)."""

    kind: str
    text: str


def check(text: str, changes: Iterable[Change]) -> None:
    """ChangeError unless every change lies inside ``text`` and no two changes collide."""
    items = list(changes)
    for change in items:
        if not 0 <= change.start <= change.end <= len(text):
            raise ChangeError(f"change {change.start}-{change.end} lies outside the text (length {len(text)})")
    for a, b in combinations(items, 2):
        if collide(a, b):
            raise ChangeError(f"changes at {a.start}-{a.end} and {b.start}-{b.end} collide")


def collide(a: Change, b: Change) -> bool:
    """Whether ``a`` and ``b`` touch the same text (or insert at the same place)."""
    if a.start == b.start:
        return True
    return a.start < b.end and b.start < a.end


def apply(text: str, changes: Iterable[Change]) -> str:
    """``text`` with every change applied; ChangeError when they collide or do not fit."""
    items = sorted(changes, key=lambda c: c.start, reverse=True)
    check(text, items)
    for change in items:
        text = text[: change.start] + change.new + text[change.end :]
    return text


def apply_in_order(text: str, changes: Sequence[Change]) -> str:
    """Apply changes one after the other in the given order, shifting the later ones by the earlier ones' effect
    (as an editor would merge them one at a time). Same result as :func:`apply` for changes that do not collide."""
    check(text, changes)
    pending = list(changes)
    while pending:
        change = pending.pop(0)
        text = text[: change.start] + change.new + text[change.end :]
        pending = [Change(c.start + change.delta, c.end + change.delta, c.new) if c.start >= change.end else c
                   for c in pending]
    return text


def collisions(amendments: Mapping[int, Sequence[Change]]) -> list[tuple[int, int]]:
    """Pairs of amendment ids (lower id first) with at least one colliding change."""
    found: list[tuple[int, int]] = []
    for a, b in combinations(sorted(amendments), 2):
        if any(collide(x, y) for x in amendments[a] for y in amendments[b]):
            found.append((a, b))
    return found


def collision_groups(ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected groups (two or more ids) of amendments that collide with one another, directly or in a chain."""
    parent = {i: i for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in sorted(parent):
        groups.setdefault(root(i), []).append(i)
    return [group for group in groups.values() if len(group) > 1]


def diff(old: str, new: str) -> list[Change]:
    """The changes (word by word) that turn ``old`` into ``new``: ``apply(old, diff(old, new)) == new``."""
    a = [m.group() for m in _TOKEN.finditer(old)]
    b = [m.group() for m in _TOKEN.finditer(new)]
    offsets_a = [0]
    for token in a:
        offsets_a.append(offsets_a[-1] + len(token))
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changes.append(Change(offsets_a[i1], offsets_a[i2], "".join(b[j1:j2])))
    return changes


def redline(text: str, changes: Iterable[Change], start: int = 0, end: int | None = None) -> list[Segment]:
    """The text between ``start`` and ``end`` as segments: unchanged, deleted and inserted text, in reading order.
    Changes must not collide (each amendment's own changes never do)."""
    stop = len(text) if end is None else end
    segments: list[Segment] = []
    position = start
    for change in sorted(changes, key=lambda c: c.start):
        if change.end < start or change.start > stop:
            continue
        if change.start > position:
            segments.append(Segment("same", text[position : change.start]))
        if change.end > change.start:
            segments.append(Segment("del", text[change.start : change.end]))
        if change.new:
            segments.append(Segment("ins", change.new))
        position = max(position, change.end)
    if position < stop:
        segments.append(Segment("same", text[position:stop]))
    return segments


def span(changes: Iterable[Change]) -> tuple[int, int]:
    """The smallest range covering every change."""
    items = list(changes)
    if not items:
        return (0, 0)
    return min(c.start for c in items), max(c.end for c in items)
