"""evaluation.json for a per-candidate election: one decision of the election, recorded on each candidate question
(docs/election-record.md 3.13), beside the ordinary decisions of other questions."""

from __future__ import annotations

import pytest

from ballot_crypto.evaluation import decide, default_statute, evaluation_json
from ballot_crypto.manifest import Question
from ballot_crypto.sample import manifest_with, yes_no_abstain


def candidate(qid: str, seats: int = 1) -> Question:
    base = yes_no_abstain(qid, "yes_no_abstain")
    return Question(qid, "yes_no_abstain", {"de": qid, "en": qid}, base.options, 0, 1, "election", None, seats)


def entry(qid: str, yes: int, no: int, abstain: int, blank: int) -> dict[str, object]:
    return {"question": qid, "counts": {"yes": yes, "no": no, "abstain": abstain}, "blank": blank}


def test_the_candidates_carry_the_decision_of_their_election() -> None:
    manifest = manifest_with((yes_no_abstain("m1"), candidate("a"), candidate("b")))
    result = {"ballots": 10, "questions": [entry("m1", 6, 4, 0, 0), entry("a", 5, 4, 1, 0), entry("b", 7, 2, 0, 1)]}
    doc = evaluation_json(manifest, default_statute().rules, 20, 11, result)
    motion, a, b = (q["decision"] for q in doc["questions"])
    assert motion["process"] == "referendum" and motion["outcome"] == "adopted"
    assert a == b and a["process"] == "election"
    assert (a["outcome"], a["elected"]) == ("elected", ["b"])  # one seat: b has the most yes votes
    assert [c["inputs"]["candidate"] for c in a["trail"] if c["name"] == "candidate"] == ["b", "a"]
    assert [q["question"] for q in doc["questions"]] == ["m1", "a", "b"]


def test_a_candidate_alone_is_not_decided_like_a_motion() -> None:
    with pytest.raises(ValueError, match="use decide_candidates"):
        decide(default_statute().rules, candidate("a"), 10, 4, {"yes": 3, "no": 1, "abstain": 0}, 0)
