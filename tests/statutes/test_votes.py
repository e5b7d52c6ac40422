"""Yes/no evaluation: every majority base, abstentions, ties, quorums, subjects, and the trail."""

from __future__ import annotations

import pytest

from ballot_crypto.statutes import Counts, evaluate
from tests.statutes.helpers import rules


def majority(base: str, fraction: str = "1/2", strict: bool = True, abstentions: str = "turnout_only",
             ties: str = "rejected") -> str:
    return (f'[referendum.majority]\nbase = "{base}"\nfraction = "{fraction}"\nstrict = {str(strict).lower()}\n'
            f'abstentions = "{abstentions}"\nties = "{ties}"\nparagraph = "§ 5"\n')


# (base, yes, no, abstain, invalid, present, eligible, expected majority), fraction 1/2 strict
BASES = [
    ("yes_no", 51, 49, 100, 0, None, 1000, "adopted"),
    ("yes_no", 50, 50, 0, 0, None, 1000, "rejected"),
    ("valid", 51, 49, 100, 0, None, 1000, "rejected"),     # 51 of 200
    ("valid", 101, 49, 50, 0, None, 1000, "adopted"),      # 101 of 200
    ("cast", 101, 49, 40, 10, None, 1000, "adopted"),      # 101 of 200
    ("cast", 100, 40, 40, 20, None, 1000, "rejected"),     # 100 of 200 is a tie: rejected
    ("present", 101, 40, 0, 0, 300, 1000, "rejected"),     # 101 of 300
    ("present", 151, 40, 0, 0, 300, 1000, "adopted"),
    ("eligible", 400, 0, 0, 0, None, 1000, "rejected"),
    ("eligible", 501, 0, 0, 0, None, 1000, "adopted"),
]


@pytest.mark.parametrize(("base", "yes", "no", "abstain", "invalid", "present", "eligible", "expected"), BASES)
def test_every_majority_base(base: str, yes: int, no: int, abstain: int, invalid: int, present: int | None,
                             eligible: int, expected: str) -> None:
    decision = evaluate(rules(majority(base)), "referendum", eligible, Counts(yes, no, abstain, invalid, present))
    assert decision.majority == expected
    check = decision.check("majority")
    assert check.inputs["base"] == base and check.paragraph == "§ 5"


def test_base_votes_in_trail() -> None:
    decision = evaluate(rules(majority("cast")), "referendum", 1000, Counts(101, 49, 40, 10))
    assert decision.check("majority").inputs["base_votes"] == 200


def test_strict_and_non_strict() -> None:
    counts = Counts(75, 25, 50)
    assert evaluate(rules(majority("yes_no", "3/4", strict=False)), "referendum", 200, counts).outcome == "adopted"
    strict = evaluate(rules(majority("yes_no", "3/4", strict=True)), "referendum", 200, counts)
    assert strict.outcome == "rejected" and strict.check("majority").result == "tie"


@pytest.mark.parametrize(("abstentions", "yes", "no", "abstain", "expected"), [
    ("turnout_only", 10, 9, 100, "adopted"),
    ("as_no", 10, 9, 100, "rejected"),
    ("as_no", 60, 9, 50, "adopted"),
    ("ignored", 10, 9, 100, "adopted"),
])
def test_abstentions(abstentions: str, yes: int, no: int, abstain: int, expected: str) -> None:
    decision = evaluate(rules(majority("yes_no", abstentions=abstentions)), "referendum", 1000,
                        Counts(yes, no, abstain))
    assert decision.outcome == expected


def test_abstentions_count_for_turnout_unless_ignored() -> None:
    quorum = '[referendum.quorum]\nparticipation = "1/10"\n'
    counts = Counts(50, 40, 10)  # 100 of 1000 with abstentions, 90 without
    assert evaluate(rules(quorum), "referendum", 1000, counts).outcome == "adopted"
    ignored = evaluate(rules(quorum + majority("yes_no", abstentions="ignored")), "referendum", 1000, counts)
    assert ignored.outcome == "invalid"
    assert ignored.check("quorum.participation").inputs["participants"] == 90


def test_ignored_abstentions_leave_valid_base() -> None:
    decision = evaluate(rules(majority("valid", abstentions="ignored")), "referendum", 1000, Counts(51, 49, 100))
    assert decision.outcome == "adopted" and decision.check("majority").inputs["base_votes"] == 100


@pytest.mark.parametrize(("ties", "lot", "outcome", "binding"), [
    ("rejected", None, "rejected", True),
    ("runoff", None, "tie", False),
    ("lot", None, "tie", False),
    ("lot", True, "adopted", True),
    ("lot", False, "rejected", True),
])
def test_ties(ties: str, lot: bool | None, outcome: str, binding: bool) -> None:
    decision = evaluate(rules(majority("yes_no", ties=ties)), "referendum", 100, Counts(20, 20, 5), lot=lot)
    assert (decision.outcome, decision.binding) == (outcome, binding)
    assert decision.check("majority").result == "tie"
    assert decision.check("majority.tie").inputs == {"ties": ties, "lot": lot}


def test_no_votes_at_all_is_rejected_not_a_tie() -> None:
    decision = evaluate(rules(""), "referendum", 10, Counts(0, 0, 3))
    assert decision.outcome == "rejected"


@pytest.mark.parametrize(("on_miss", "outcome"), [("invalid", "invalid"), ("advisory", "advisory")])
def test_missed_participation_quorum(on_miss: str, outcome: str) -> None:
    text = f'[referendum.quorum]\nparticipation = "20 %"\non_miss = "{on_miss}"\nparagraph = "§ 13 Abs. 6"\n'
    decision = evaluate(rules(text), "referendum", 1000, Counts(150, 40, 9))
    assert (decision.outcome, decision.binding, decision.majority) == (outcome, False, "adopted")
    check = decision.check("quorum.participation")
    assert (check.result, check.inputs["needed"], check.inputs["participants"]) == ("missed", 200, 199)
    assert decision.check("decision").paragraph == "§ 13 Abs. 6"
    met = evaluate(rules(text), "referendum", 1000, Counts(150, 40, 10))
    assert (met.outcome, met.binding) == ("adopted", True)


def test_approval_quorum_demotes_to_advisory() -> None:
    text = '[referendum.quorum]\napproval = "1/4"\non_miss = "advisory"\n'
    low = evaluate(rules(text), "referendum", 1000, Counts(249, 10))
    assert (low.outcome, low.check("quorum.approval").result) == ("advisory", "missed")
    assert evaluate(rules(text), "referendum", 1000, Counts(250, 10)).outcome == "adopted"


def test_subjects() -> None:
    text = """
[referendum.subjects]
advisory = ["programme"]
confirmatory = ["merger"]
excluded = ["expulsion"]
paragraph = "§ 9 PartG"
"""
    parsed = rules(text)
    counts = Counts(60, 40)
    advisory = evaluate(parsed, "referendum", 1000, counts, subject="programme")
    assert (advisory.outcome, advisory.binding, advisory.majority) == ("advisory", False, "adopted")
    assert advisory.check("decision").paragraph == "§ 9 PartG"
    confirmed = evaluate(parsed, "referendum", 1000, counts, subject="merger")
    assert (confirmed.outcome, confirmed.binding, confirmed.check("subject").result) == ("adopted", True,
                                                                                         "confirmatory")
    excluded = evaluate(parsed, "referendum", 1000, counts, subject="expulsion")
    assert (excluded.outcome, excluded.binding) == ("invalid", False)
    assert [c.name for c in excluded.trail] == ["subject", "decision"]
    other = evaluate(parsed, "referendum", 1000, counts, subject="budget")
    assert (other.outcome, other.binding) == ("adopted", True)


def test_subject_majority_falls_back_to_general_keys() -> None:
    text = majority("valid") + '[referendum.majorities.statute]\nfraction = "2/3"\nstrict = false\n'
    parsed = rules(text)
    assert parsed.referendum.majorities["statute"].base == "valid"
    counts = Counts(120, 40, 20)  # 120 of 180 valid = 2/3
    assert evaluate(parsed, "referendum", 1000, counts, subject="statute").outcome == "adopted"
    assert evaluate(parsed, "referendum", 1000, Counts(119, 41, 20), subject="statute").outcome == "rejected"


def test_survey_is_advisory_by_default() -> None:
    decision = evaluate(rules(""), "survey", 100, Counts(60, 40))
    assert (decision.outcome, decision.binding, decision.majority) == ("advisory", False, "adopted")


def test_trail_shape_and_json() -> None:
    decision = evaluate(rules(""), "referendum", 100, Counts(3, 2, 1, 1), subject="x")
    assert [c.name for c in decision.trail] == ["subject", "process", "quorum.participation", "quorum.approval",
                                                "majority", "decision"]
    data = decision.to_json()
    assert set(data) == {"process", "subject", "binding", "outcome", "majority", "trail"}
    assert data["trail"][2]["inputs"]["share"] == "0/1"
    assert set(data["trail"][0]) == {"name", "inputs", "result", "paragraph"}


@pytest.mark.parametrize(("eligible", "counts", "words"), [
    (10, Counts(6, 5), "more ballots cast"),
    (10, Counts(-1, 5), "yes is negative"),
    (10, Counts(1, 1, present=1), "present"),
    (10, Counts(1, 1, present=11), "present"),
    (-1, Counts(0, 0), "negative"),
])
def test_impossible_counts(eligible: int, counts: Counts, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        evaluate(rules(""), "referendum", eligible, counts)


def test_unknown_process_and_election() -> None:
    with pytest.raises(ValueError, match="unknown process"):
        evaluate(rules(""), "poll", 10, Counts(1, 1))
    with pytest.raises(ValueError, match="evaluate_election"):
        evaluate(rules(""), "election", 10, Counts(1, 1))
