"""Tracked changes: application, order independence, collisions, diffs and redlines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot.motions.amend import (
    Change,
    ChangeError,
    apply,
    apply_in_order,
    collide,
    collision_groups,
    collisions,
    diff,
    redline,
)

TEXT = st.text(alphabet="abc xyzäö.\n", min_size=0, max_size=60)
NEW = st.text(alphabet="KLM ", max_size=8)


@st.composite
def separate_changes(draw: st.DrawFn) -> tuple[str, list[Change]]:
    """A text and changes that do not collide (cut points strictly increasing, each change in its own gap)."""
    text = draw(TEXT)
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    changes: list[Change] = []
    index = 0
    while index < len(points):
        start = points[index]
        if draw(st.booleans()) and index + 1 < len(points):
            end = points[index + 1]
            index += 2
        else:
            end = start
            index += 1
        changes.append(Change(start, end, draw(NEW)))
    return text, changes


@settings(max_examples=300, deadline=None)
@given(separate_changes(), st.randoms(use_true_random=False))
def test_any_order_gives_the_same_text(case: tuple[str, list[Change]], rnd: object) -> None:
    text, changes = case
    assert collisions(dict(enumerate([[c] for c in changes]))) == []
    expected = apply(text, changes)
    shuffled = list(changes)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert apply_in_order(text, shuffled) == expected
    assert apply(text, shuffled) == expected


@settings(max_examples=200, deadline=None)
@given(separate_changes(), st.data())
def test_amendments_of_several_changes_merge_in_any_order(case: tuple[str, list[Change]],
                                                         data: st.DataObject) -> None:
    """Changes grouped into amendments (as a merge takes them), the amendments in any order: the same text."""
    text, changes = case
    owners = [data.draw(st.integers(0, 3)) for _ in changes]
    amendments = {i: [c for c, o in zip(changes, owners, strict=True) if o == i] for i in set(owners)}
    assert collisions(amendments) == []
    order = data.draw(st.permutations(sorted(amendments)))
    merged = apply_in_order(text, [c for i in order for c in amendments[i]])
    assert merged == apply(text, changes)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT)
def test_diff_reproduces_the_new_text(old: str, new: str) -> None:
    changes = diff(old, new)
    assert apply(old, changes) == new
    rebuilt = "".join(s.text for s in redline(old, changes) if s.kind != "del")
    assert rebuilt == new
    original = "".join(s.text for s in redline(old, changes) if s.kind != "ins")
    assert original == old


@given(TEXT, st.data())
def test_overlapping_changes_are_flagged_and_refused(text: str, data: st.DataObject) -> None:
    if len(text) < 2:
        text = text + "ab"
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 1, len(text)))
    inside = data.draw(st.integers(start, end - 1))
    a, b = Change(start, end, "X"), Change(inside, data.draw(st.integers(inside, len(text))), "Y")
    assert collide(a, b) and collide(b, a)
    assert collisions({1: [a], 2: [b]}) == [(1, 2)]
    with pytest.raises(ChangeError):
        apply(text, [a, b])


def test_same_point_insertions_collide_but_adjacent_ranges_do_not() -> None:
    assert collide(Change(3, 3, "a"), Change(3, 3, "b"))
    assert collide(Change(3, 3, "a"), Change(3, 6, ""))
    assert not collide(Change(0, 3, ""), Change(3, 5, "x"))
    assert not collide(Change(0, 3, ""), Change(3, 3, "x"))
    assert apply("abcdef", [Change(0, 3, ""), Change(3, 3, "X")]) == "Xdef"


def test_change_outside_the_text_is_refused() -> None:
    with pytest.raises(ChangeError):
        apply("abc", [Change(2, 9, "")])
    with pytest.raises(ChangeError):
        Change.from_json({"start": "1", "end": 2})


def test_collision_groups_chain() -> None:
    assert collision_groups([1, 2, 3, 4], [(1, 2), (2, 3)]) == [[1, 2, 3]]


def test_redline_of_a_word_replacement() -> None:
    old = "Wir fordern ein Tempolimit von 130."
    new = "Wir fordern ein Tempolimit von 120."
    segments = redline(old, diff(old, new))
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "Wir fordern ein Tempolimit von "), ("del", "130"), ("ins", "120"), ("same", ".")]
