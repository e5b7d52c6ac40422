"""Elections: seats, methods, majorities, ties at the last seat, quorums, and list quotas."""

from __future__ import annotations

import pytest

from ballot_crypto.statutes import check_list, evaluate_election
from tests.statutes.helpers import rules


def test_single_seat_absolute_majority() -> None:
    parsed = rules('[election.majority]\nbase = "valid"\n')
    won = evaluate_election(parsed, 1000, {"Anna": 51, "Ben": 40}, abstain=9)
    assert (won.outcome, won.elected, won.binding) == ("elected", ("Anna",), True)
    runoff = evaluate_election(parsed, 1000, {"Anna": 45, "Ben": 40}, abstain=15)
    assert (runoff.outcome, runoff.elected) == ("runoff", ())


def test_plurality_multi_seat_and_order() -> None:
    parsed = rules('[election]\nseats = 2\nmethod = "plurality"\n')
    decision = evaluate_election(parsed, 100, {"C": 10, "A": 30, "B": 20}, ballots=40)
    assert decision.elected == ("A", "B")
    assert [c.inputs["candidate"] for c in decision.trail if c.name == "candidate"] == ["A", "B", "C"]


@pytest.mark.parametrize(("ties", "lot", "outcome", "elected"), [
    ("lot", ["Ben", "Anna"], "elected", ("Cem", "Ben")),
    ("lot", None, "tie", ()),
    ("runoff", None, "tie", ()),
    ("rejected", None, "runoff", ("Cem",)),
])
def test_tie_at_the_last_seat(ties: str, lot: list[str] | None, outcome: str, elected: tuple[str, ...]) -> None:
    parsed = rules(f'[election]\nseats = 2\nmethod = "plurality"\n[election.majority]\nties = "{ties}"\n')
    decision = evaluate_election(parsed, 100, {"Anna": 20, "Ben": 20, "Cem": 30}, ballots=50, lot=lot)
    assert (decision.outcome, decision.elected) == (outcome, elected)


def test_tie_that_fits_fills_all_seats() -> None:
    parsed = rules('[election]\nseats = 2\nmethod = "plurality"\n')
    assert evaluate_election(parsed, 100, {"A": 5, "B": 5}, ballots=10).elected == ("A", "B")


def test_quorum_and_advisory() -> None:
    parsed = rules('[election.quorum]\nparticipation = "1/2"\non_miss = "advisory"\n')
    decision = evaluate_election(parsed, 100, {"A": 30, "B": 10})
    assert (decision.outcome, decision.binding, decision.elected) == ("advisory", False, ())
    approval = rules('[election.quorum]\napproval = "1/5"\n')
    assert evaluate_election(approval, 100, {"A": 19}).outcome == "runoff"
    assert evaluate_election(approval, 100, {"A": 20}).outcome == "elected"


def test_bad_election_counts() -> None:
    with pytest.raises(ValueError, match="more ballots"):
        evaluate_election(rules(""), 10, {"A": 11})
    with pytest.raises(ValueError, match="at least one candidate"):
        evaluate_election(rules(""), 10, {})
    with pytest.raises(ValueError, match="fewer than"):
        evaluate_election(rules(""), 10, {"A": 1}, abstain=3, ballots=2)


QUOTA = '[election.quota]\nodd_places_women = true\nwomen_min_share = "1/2"\nparagraph = "Frauenstatut § 1"\n'


def test_list_quota_odd_places() -> None:
    parsed = rules(QUOTA)
    ok = check_list(parsed, ["female", "male", "female", "male"])
    assert ok.outcome == "valid" and ok.binding
    bad = check_list(parsed, ["male", "female", "female", "male"])
    assert bad.outcome == "invalid"
    assert bad.check("quota.odd_places").inputs["violations"] == [1]
    assert bad.check("quota.odd_places").paragraph == "Frauenstatut § 1"
    opened = check_list(parsed, ["female", "male", "male", "female"], opened={3})
    assert opened.outcome == "valid"


def test_list_quota_share() -> None:
    parsed = rules('[election.quota]\nwomen_min_share = "40 %"\n')
    assert check_list(parsed, ["female", "male", "female", "male", "male"]).outcome == "valid"
    assert check_list(parsed, ["female", "male", "male", "male", "male"]).outcome == "invalid"
