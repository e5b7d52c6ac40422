"""A per-candidate yes/no/abstain election in a record: the manifest rules (check 4), the joint decision in
evaluation.json (3.13) and its re-evaluation by the verifier (check 20), also after tampering."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ballot_crypto import simulate as simulation
from ballot_crypto.manifest import Manifest, ManifestError, Question
from ballot_crypto.sample import manifest_with, single, yes_no_abstain
from tests.audits.tamper import assert_fails, check, read, reseal, write

STATUTE = '[election]\nparagraph = "§ 20"\n[election.majority]\nparagraph = "§ 20 Abs. 3"\n'


def candidate(qid: str, seats: int) -> Question:
    base = yes_no_abstain(qid, "yes_no_abstain")
    return Question(qid, "yes_no_abstain", {"de": f"Kandidat/in {qid}", "en": f"Candidate {qid}"}, base.options,
                    0, 1, "election", None, seats)


def candidates_manifest(count: int = 3, seats: int = 2, rng: Any = None) -> Manifest:
    return manifest_with(tuple(candidate(f"c{i}", seats) for i in range(1, count + 1)), rng)


@pytest.fixture(scope="module")
def candidate_record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """7 voters, 3 candidates for 2 seats plus a motion, simulated under a small statute."""
    root = tmp_path_factory.mktemp("candidates")
    (root / "statute.toml").write_text(STATUTE, encoding="utf-8")

    def manifest(kind: str, count: int, rng: Any, *, revoting: bool) -> Manifest:
        questions = (*(candidate(f"c{i}", 2) for i in range(1, 4)), yes_no_abstain("m1"))
        return manifest_with(questions, rng, revoting=revoting)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(simulation, "sample_manifest", manifest)
        opts = simulation.Options(voters=7, trustees=2, threshold=2, revote_share=0.0, seed=4, processes=1,
                                  statute=root / "statute.toml")
        simulation.simulate(opts, root / "record")
    yield root / "record"


@pytest.fixture
def record(candidate_record: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(candidate_record, tmp_path / "record"))


def test_the_candidates_share_one_decision_that_verifies(record: Path) -> None:
    evaluation = read(record, "evaluation.json")
    decisions = [q["decision"] for q in evaluation["questions"]]
    assert decisions[0] == decisions[1] == decisions[2] and decisions[3]["process"] == "referendum"
    joint = decisions[0]
    assert joint["process"] == "election" and joint["trail"][-1]["paragraph"] == "§ 20 Abs. 3"
    assert [c["inputs"]["candidate"] for c in joint["trail"] if c["name"] == "candidate"] == \
        sorted(["c1", "c2", "c3"], key=lambda q: (-evaluation["questions"][int(q[1]) - 1]["counts"]["yes"], q))
    assert set(joint["elected"]) <= {"c1", "c2", "c3"} and len(joint["elected"]) <= 2
    report = check(record)
    assert report.ok, [v.line() for v in report.failures]
    assert [s["outcome"] for s in report.summary["decisions"]][:3] == [joint["outcome"]] * 3


def test_a_changed_candidate_decision_is_rejected(record: Path) -> None:
    evaluation = read(record, "evaluation.json")
    decision = evaluation["questions"][1]["decision"]
    decision["elected"] = ["c3", "c1"] if decision["elected"] != ["c3", "c1"] else ["c2"]
    index = next(i for i, c in enumerate(decision["trail"]) if c["name"] == "candidate")
    decision["trail"][index]["inputs"]["yes"] += 1
    write(record, "evaluation.json", evaluation)
    reseal(record)
    report = check(record)
    assert_fails(report, 20, "evaluation.json questions[1] (c2)", "decision.elected")
    assert_fails(report, 20, "evaluation.json questions[1] (c2)", f"check candidate: decision.trail[{index}]"
                                                                  ".inputs.yes")
    assert {v.check for v in report.failures} == {20}
    assert not [v for v in report.failures if "questions[0]" in v.location or "questions[2]" in v.location]


def test_a_referendum_style_decision_for_a_candidate_is_rejected(record: Path) -> None:
    """The old (wrong) evaluation, each candidate as a motion, no longer passes for an election's candidate."""
    evaluation = read(record, "evaluation.json")
    evaluation["questions"][0]["decision"] = evaluation["questions"][3]["decision"]
    write(record, "evaluation.json", evaluation)
    reseal(record)
    assert_fails(check(record), 20, "evaluation.json questions[0] (c1)", "decision.process: recorded \"referendum\"")


def test_inconsistent_seats_fail_check_4(record: Path) -> None:
    manifest = read(record, "manifest.json")
    manifest["questions"][2]["seats"] = 1
    write(record, "manifest.json", manifest)
    reseal(record)
    assert_fails(check(record), 4, "manifest.json", "name different seats [1, 2]")


def test_more_seats_than_candidates_fail_check_4(record: Path) -> None:
    manifest = read(record, "manifest.json")
    for q in manifest["questions"][:3]:
        q["seats"] = 4
    write(record, "manifest.json", manifest)
    reseal(record)
    assert_fails(check(record), 4, "manifest.json", "4 seats for a per-candidate election of 3 candidates")


def test_core_manifest_rules_for_candidates() -> None:
    assert [q.is_candidate for q in candidates_manifest().questions] == [True, True, True]
    assert candidates_manifest(3, 3).candidates[0].seats == 3
    obj = candidates_manifest().to_json()
    obj["questions"][0]["seats"] = 1
    with pytest.raises(ManifestError, match="the same seats"):
        Manifest.from_json(obj)
    obj = candidates_manifest(2, 2).to_json()
    obj["questions"][0]["seats"] = obj["questions"][1]["seats"] = 3
    with pytest.raises(ManifestError, match="has 1 to 2 seats, not 3"):
        Manifest.from_json(obj)
    obj = candidates_manifest().to_json()
    obj["questions"][0]["seats"] = None
    with pytest.raises(ManifestError, match="names the seats of its election"):
        Manifest.from_json(obj)
    obj = candidates_manifest().to_json()
    obj["questions"][0]["subject"] = "board"
    with pytest.raises(ManifestError, match="must be null for an election"):
        Manifest.from_json(obj)
    old = manifest_with((yes_no_abstain("c1", "yes_no_abstain"), single("q2")))  # a referendum-process candidate
    assert old.candidates == () and old.questions[0].process == "referendum"
