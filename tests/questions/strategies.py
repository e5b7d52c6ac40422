"""Hypothesis strategies for valid question definitions and for answers each definition offers."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from ballot.questions.model import SCALES, TEXT_LIMIT, YESNO, Question

_OPTION = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß -", min_size=1, max_size=30).filter(str.strip)


@st.composite
def questions(draw: st.DrawFn, qid: str = "q") -> Question:
    """A valid definition of any kind (no branching)."""
    kind = draw(st.sampled_from(("single", "multiple", "ranking", "scale", "yesno", "text")))
    q: Question = {"id": qid, "kind": kind, "text": "Question?", "optional": draw(st.booleans())}
    if kind in ("single", "multiple", "ranking"):
        q["options"] = draw(st.lists(_OPTION, min_size=2, max_size=20, unique=True))
    if kind == "multiple":
        high = draw(st.integers(1, len(q["options"])))
        q.update(min=draw(st.integers(0, high)), max=high)
    if kind == "scale":
        q["low"], q["high"] = draw(st.sampled_from(SCALES))
    if kind == "text":
        q["max_length"] = draw(st.integers(1, TEXT_LIMIT))
    return q


@st.composite
def answers(draw: st.DrawFn, q: Question) -> Any:
    """An answer ``q`` accepts, in its stored form."""
    kind = q["kind"]
    if kind == "single":
        return draw(st.integers(0, len(q["options"]) - 1))
    if kind == "multiple":
        picked = draw(st.sets(st.integers(0, len(q["options"]) - 1), min_size=max(q["min"], 1), max_size=q["max"]))
        return sorted(picked)
    if kind == "ranking":
        return draw(st.permutations(range(len(q["options"]))))
    if kind == "scale":
        return draw(st.integers(q["low"], q["high"]))
    if kind == "yesno":
        return draw(st.sampled_from(YESNO))
    alphabet = "abcdefghijklmnopqrstuvwxyzÄÖÜäöüß0123456789 .,;:!?-\n\t€"
    # what survives the form unchanged: no surrounding blanks (a form value is stripped)
    text = draw(st.text(alphabet=alphabet, min_size=1, max_size=min(q["max_length"], 200)).map(str.strip)
                .filter(bool))
    return text


def render(q: Question, answer: Any) -> dict[str, list[str]]:
    """The form a browser sends for ``answer`` (fields ``q-<id>``; ranking ``q-<id>-<option>`` = place)."""
    if q["kind"] == "ranking":
        return {f"q-{q['id']}-{option}": [str(place)] for place, option in enumerate(answer, start=1)}
    if q["kind"] == "multiple":
        return {f"q-{q['id']}": [str(i) for i in answer]}
    return {f"q-{q['id']}": [str(answer)]}
