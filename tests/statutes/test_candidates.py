"""Per-candidate elections (yes / no / abstain on each candidate): every majority base, abstentions, quorums,
seats, ties at the last seat, fewer qualified than seats, refused inputs and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot_crypto.statutes import Counts, Rules, evaluate_candidates
from tests.statutes.helpers import rules


def c(yes: int, no: int, abstain: int = 0, blank: int = 0) -> Counts:
    return Counts(yes=yes, no=no, abstain=abstain, invalid=blank)


def candidate_check(decision: object, name: str) -> dict[str, object]:
    for check in decision.trail:  # type: ignore[attr-defined]
        if check.name == "candidate" and check.inputs["candidate"] == name:
            return {"result": check.result, **check.inputs}
    raise KeyError(name)


def test_default_rules_elect_the_qualified_with_most_yes_and_name_every_rule() -> None:
    parsed = rules('[election]\nparagraph = "§ 9"\nseats = 2\n[election.majority]\nparagraph = "§ 9 Abs. 2"\n')
    decision = evaluate_candidates(parsed, 100, {"c1": c(6, 4), "c2": c(8, 2), "c3": c(5, 5), "c4": c(7, 1, 2)},
                                   ballots=10)
    assert (decision.outcome, decision.binding, decision.elected) == ("elected", True, ("c2", "c4"))
    assert [check.name for check in decision.trail] == ["process", "quorum.participation", "candidate", "candidate",
                                                        "candidate", "candidate", "seats", "decision"]
    assert [check.inputs["candidate"] for check in decision.trail if check.name == "candidate"] == \
        ["c2", "c4", "c1", "c3"]
    tied = candidate_check(decision, "c3")  # 5 of 10 is not more than half: not qualified
    assert (tied["result"], tied["majority"], tied["base"], tied["base_votes"]) == \
        ("not qualified", "tie", "yes_no", 10)
    seats = decision.check("seats")
    assert seats.inputs["qualified"] == [["c2", 8], ["c4", 7], ["c1", 6]] and seats.result == "filled"
    assert decision.check("decision").paragraph == "§ 9 Abs. 2"
    assert decision.check("process").paragraph == "§ 9"
    assert decision.to_json()["elected"] == ["c2", "c4"]


@pytest.mark.parametrize(("base", "abstentions", "base_votes", "qualified"), [
    # one candidate: 5 yes, 4 no, 2 abstain, 1 blank of 12 ballots, 20 eligible; at least half of the base
    ("yes_no", "turnout_only", 9, True),
    ("yes_no", "as_no", 11, False),
    ("valid", "turnout_only", 11, False),
    ("valid", "ignored", 9, True),
    ("cast", "ignored", 10, True),
    ("cast", "turnout_only", 12, False),
    ("present", "turnout_only", 12, False),
    ("eligible", "turnout_only", 20, False),
])
def test_every_majority_base(base: str, abstentions: str, base_votes: int, qualified: bool) -> None:
    parsed = rules(f'[election.majority]\nbase = "{base}"\nabstentions = "{abstentions}"\nstrict = false\n')
    decision = evaluate_candidates(parsed, 20, {"c1": c(5, 4, 2, 1)}, ballots=12)
    check = candidate_check(decision, "c1")
    assert check["base_votes"] == base_votes and check["abstentions"] == abstentions
    assert check["result"] == ("qualified" if qualified else "not qualified")
    assert decision.elected == (("c1",) if qualified else ())


def test_two_thirds_of_the_valid_votes() -> None:
    parsed = rules('[election]\nseats = 1\n[election.majority]\nfraction = "2/3"\nbase = "valid"\nstrict = false\n')
    assert evaluate_candidates(parsed, 50, {"a": c(20, 10)}, ballots=30).elected == ("a",)
    assert evaluate_candidates(parsed, 50, {"a": c(19, 10, 1)}, ballots=30).elected == ()


def test_fewer_qualified_than_seats_leaves_seats_open() -> None:
    parsed = rules("[election]\nseats = 3\n")
    decision = evaluate_candidates(parsed, 100, {"a": c(7, 3), "b": c(2, 8), "c": c(6, 4)}, ballots=10)
    assert (decision.outcome, decision.binding, decision.majority) == ("runoff", True, "open")
    assert decision.elected == ("a", "c")


def test_nobody_qualifies() -> None:
    decision = evaluate_candidates(rules(""), 10, {"a": c(0, 0, 0, 4), "b": c(1, 3)}, ballots=4)
    assert (decision.outcome, decision.elected) == ("runoff", ())
    assert candidate_check(decision, "a")["result"] == "not qualified"  # no yes vote at all


@pytest.mark.parametrize(("ties", "lot", "outcome", "elected"), [
    ("lot", ["b", "a"], "elected", ("c", "b")),
    ("lot", None, "tie", ()),
    ("runoff", None, "tie", ()),
    ("rejected", None, "runoff", ("c",)),
])
def test_tie_at_the_last_seat(ties: str, lot: list[str] | None, outcome: str, elected: tuple[str, ...]) -> None:
    parsed = rules(f'[election]\nseats = 2\n[election.majority]\nties = "{ties}"\n')
    decision = evaluate_candidates(parsed, 100, {"a": c(6, 4), "b": c(6, 3, 1), "c": c(9, 1)}, ballots=10, lot=lot)
    assert (decision.outcome, decision.elected) == (outcome, elected)
    assert decision.check("seats").inputs["lot"] == lot


def test_participation_quorum_counts_ballots_and_approval_quorum_each_candidate() -> None:
    missed = rules('[election.quorum]\nparticipation = "1/4"\non_miss = "advisory"\nparagraph = "§ 3"\n')
    decision = evaluate_candidates(missed, 100, {"a": c(20, 4)}, ballots=24)
    assert (decision.outcome, decision.binding, decision.elected, decision.majority) == \
        ("advisory", False, (), "filled")
    assert decision.check("quorum.participation").inputs == {"participants": 24, "eligible": 100, "share":
                                                               missed.election.quorum.participation, "needed": 25}
    assert decision.check("decision").paragraph == "§ 3"
    approval = rules('[election]\nseats = 2\n[election.quorum]\napproval = "1/5"\n')
    decision = evaluate_candidates(approval, 100, {"a": c(20, 5), "b": c(19, 1, 5)}, ballots=25)
    assert decision.elected == ("a",) and decision.outcome == "runoff"
    assert candidate_check(decision, "b")["approval_needed"] == 20


def test_plurality_needs_no_majority_over_no() -> None:
    parsed = rules('[election]\nseats = 1\nmethod = "plurality"\n')
    assert evaluate_candidates(parsed, 100, {"a": c(3, 7), "b": c(2, 8)}, ballots=10).elected == ("a",)


def test_advisory_process() -> None:
    parsed = rules("[election]\nbinding = false\n")
    decision = evaluate_candidates(parsed, 10, {"a": c(3, 1)}, ballots=4)
    assert (decision.outcome, decision.binding, decision.elected) == ("advisory", False, ())


@pytest.mark.parametrize(("eligible", "candidates", "ballots", "words"), [
    (10, {}, 0, "at least one candidate"),
    (10, {"a": c(5, 6)}, 11, "between 0 and the eligible"),
    (10, {"a": c(2, 1)}, 4, "differs from the ballots"),
    (10, {"a": c(-1, 2, 0, 3)}, 4, "negative"),
])
def test_refused_inputs(eligible: int, candidates: dict[str, Counts], ballots: int, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        evaluate_candidates(rules(""), eligible, candidates, ballots=ballots)


_SPLITS = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
_RULES: list[Rules] = [
    rules("[election]\nseats = 2\n"),
    rules('[election]\nseats = 2\n[election.majority]\nbase = "valid"\nabstentions = "as_no"\n'),
    rules('[election]\nseats = 1\n[election.majority]\nbase = "cast"\nties = "lot"\nstrict = false\n'),
    rules('[election]\nseats = 3\n[election.quorum]\napproval = "1/10"\n'),
]


@given(st.lists(_SPLITS, min_size=1, max_size=5), st.integers(0, 3), st.data())
def test_properties(splits: list[tuple[int, int, int, int]], which: int, data: st.DataObject) -> None:
    """Deterministic; never more elected than seats; the elected qualified; moving one of a candidate's no votes
    to yes never unseats that candidate."""
    ballots = max(sum(s) for s in splits)
    candidates = {f"c{i}": c(y, n, a, ballots - y - n - a) for i, (y, n, a, _b) in enumerate(splits)}
    parsed, eligible = _RULES[which], ballots + 5
    decision = evaluate_candidates(parsed, eligible, candidates, ballots=ballots)
    assert decision == evaluate_candidates(parsed, eligible, candidates, ballots=ballots)
    assert len(decision.elected) <= parsed.election.seats
    assert all(candidate_check(decision, e)["result"] == "qualified" for e in decision.elected)
    name = data.draw(st.sampled_from(sorted(candidates)))
    before = candidates[name]
    if before.no and name in decision.elected:
        better = {**candidates, name: c(before.yes + 1, before.no - 1, before.abstain, before.invalid)}
        assert name in evaluate_candidates(parsed, eligible, better, ballots=ballots).elected
