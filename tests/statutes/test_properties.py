"""Hypothesis: evaluation is deterministic and monotone where it must be."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto.statutes import Counts, evaluate
from ballot_crypto.statutes.model import Majority, Process, Quorum, Rules

FAST = settings(max_examples=150, deadline=None)

fractions = st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(1, 5), Fraction(1)])
majorities = st.builds(
    Majority,
    fraction=fractions,
    base=st.sampled_from(["yes_no", "valid", "cast", "present", "eligible"]),
    strict=st.booleans(),
    abstentions=st.sampled_from(["turnout_only", "as_no", "ignored"]),
    ties=st.sampled_from(["rejected", "runoff", "lot"]),
).filter(lambda m: not (m.fraction == 1 and m.strict))
quorums = st.builds(Quorum, participation=st.sampled_from([Fraction(0), Fraction(1, 5), Fraction(1, 4)]),
                    approval=st.sampled_from([Fraction(0), Fraction(1, 10)]),
                    on_miss=st.sampled_from(["invalid", "advisory"]))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Rules, int, Counts, bool | None]:
    process = Process(majority=draw(majorities), quorum=draw(quorums), binding=draw(st.booleans()))
    rules = dataclasses.replace(Rules(), referendum=process)
    counts = Counts(*(draw(st.integers(0, 60)) for _ in range(4)))
    eligible = counts.cast + 1 + draw(st.integers(0, 200))
    return rules, eligible, counts, draw(st.sampled_from([None, True, False]))


def plus(counts: Counts, **more: int) -> Counts:
    return dataclasses.replace(counts, **{k: getattr(counts, k) + v for k, v in more.items()})


@FAST
@given(cases())
def test_deterministic(case: tuple[Rules, int, Counts, bool | None]) -> None:
    rules, eligible, counts, lot = case
    first = evaluate(rules, "referendum", eligible, counts, "x", lot)
    again = evaluate(dataclasses.replace(rules), "referendum", eligible, Counts(**dataclasses.asdict(counts)), "x", lot)
    assert first == again and first.to_json() == again.to_json()


@FAST
@given(cases())
def test_one_more_yes_never_turns_adopted_into_rejected(case: tuple[Rules, int, Counts, bool | None]) -> None:
    rules, eligible, counts, lot = case
    before = evaluate(rules, "referendum", eligible, counts, None, lot)
    after = evaluate(rules, "referendum", eligible, plus(counts, yes=1), None, lot)
    if before.outcome == "adopted":
        assert after.outcome == "adopted"
    if before.majority == "adopted":
        assert after.majority == "adopted"
    if before.outcome == "rejected":
        assert after.outcome in ("rejected", "adopted", "tie")


@FAST
@given(cases())
def test_one_more_no_never_turns_rejected_into_adopted(case: tuple[Rules, int, Counts, bool | None]) -> None:
    rules, eligible, counts, lot = case
    before = evaluate(rules, "referendum", eligible, counts, None, lot)
    after = evaluate(rules, "referendum", eligible, plus(counts, no=1), None, lot)
    if before.outcome == "rejected":
        assert after.outcome == "rejected"
    if before.majority == "rejected":
        assert after.majority == "rejected"


@FAST
@given(cases(), st.sampled_from(["yes", "no", "abstain", "invalid"]))
def test_more_participation_keeps_a_met_quorum(case: tuple[Rules, int, Counts, bool | None], kind: str) -> None:
    rules, eligible, counts, lot = case
    before = evaluate(rules, "referendum", eligible, counts, None, lot)
    after = evaluate(rules, "referendum", eligible, plus(counts, **{kind: 1}), None, lot)
    if before.check("quorum.participation").result == "met":
        assert after.check("quorum.participation").result == "met"
