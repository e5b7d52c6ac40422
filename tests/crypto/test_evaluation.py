"""statute.json and evaluation.json (ballot-evaluation/2): the writer, `simulate --statute`, quorums by turnout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ballot_crypto import canonical
from ballot_crypto.cli import main
from ballot_crypto.evaluation import decide, default_statute, load_statute
from ballot_crypto.record import read_record
from ballot_crypto.simulate import Options, simulate
from ballot_crypto.statutes import rules_sha256

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statutes"


def _run(tmp_path: Path, name: str, **kwargs: Any) -> dict[str, Any]:
    opts = Options(trustees=2, threshold=2, revote_share=0.0, seed=4, processes=1, **kwargs)
    simulate(opts, tmp_path / name / "record")
    record, _ = read_record(tmp_path / name / "record")
    return record.documents


def test_default_statute_is_bound_by_its_engine_hash(tmp_path: Path) -> None:
    docs = _run(tmp_path, "default", voters=4, questions=4, kind="election")
    statute = default_statute()
    statute_bytes = (tmp_path / "default" / "record" / "statute.json").read_bytes()
    assert canonical.sha256_hex(statute_bytes) == statute.sha256 == rules_sha256(statute.rules)
    assert docs["manifest.json"]["statute_sha256"] == statute.sha256 == docs["evaluation.json"]["statute_sha256"]
    assert docs["statute.json"] == statute.to_json()
    assert "DEFAULT_STATUTE" in docs["statute.json"]["rules"]["statute"]["source"]
    evaluation, result = docs["evaluation.json"], docs["result.json"]
    assert evaluation["format"] == "ballot-evaluation/2"
    assert (evaluation["eligible"], evaluation["counted"]) == (4, result["ballots"])
    for question, entry, counts in zip(docs["manifest.json"]["questions"], evaluation["questions"],
                                       result["questions"], strict=True):
        assert {k: v for k, v in entry.items() if k != "decision"} == counts
        assert entry["decision"]["process"] == question["process"]
    kinds = [q["process"] for q in docs["manifest.json"]["questions"]]
    assert kinds == ["election", "election", "referendum", "election"]  # single, approval, yes_no_abstain, cumul.


def test_decide_maps_blank_ballots_to_invalid_and_seats_from_the_manifest() -> None:
    from ballot_crypto.sample import approval, yes_no_abstain

    rules = load_statute(EXAMPLES / "spd.toml").rules
    # SPD: base "valid" = yes + no + abstain; a blank ballot counts for turnout only (as invalid).
    decision = decide(rules, yes_no_abstain("q1"), 10, 4, {"yes": 2, "no": 1, "abstain": 0}, 1)
    majority = decision.check("majority")
    assert majority.inputs["invalid"] == 1 and majority.inputs["base_votes"] == 3
    assert decision.check("quorum.participation").inputs["participants"] == 4
    assert (decision.binding, decision.outcome) == (True, "adopted")
    votes = {f"c{i}": v for i, v in enumerate([5, 4, 3, 0, 0, 0, 0, 0, 0, 0], start=1)}
    election = decide(load_statute(EXAMPLES / "verein.toml").rules, approval("q2"), 10, 6, votes, 0)
    assert election.check("seats").inputs["seats"] == 3


@pytest.mark.parametrize(("statute", "voters", "turnout", "binding", "outcomes"), [
    ("linke.toml", 8, 0.125, False, {"invalid"}),    # 1 of 8 took part; a quarter (2) is needed
    ("linke.toml", 8, 0.25, True, {"adopted", "rejected"}),
    ("spd.toml", 10, 0.1, False, {"invalid"}),       # 1 of 10; a fifth (2) is needed
    ("spd.toml", 10, 0.2, True, {"adopted", "rejected"}),
])
def test_participation_quorum_by_turnout(tmp_path: Path, statute: str, voters: int, turnout: float,
                                          binding: bool, outcomes: set[str]) -> None:
    docs = _run(tmp_path, "run", voters=voters, questions=2, statute=EXAMPLES / statute, turnout=turnout)
    assert docs["manifest.json"]["statute_sha256"] == load_statute(EXAMPLES / statute).sha256
    for entry in docs["evaluation.json"]["questions"]:
        decision = entry["decision"]
        quorum = next(c for c in decision["trail"] if c["name"] == "quorum.participation")
        assert quorum["result"] == ("met" if binding else "missed")
        assert quorum["paragraph"] in {"§ 8 Abs. 3 Bundessatzung", "§ 13 Abs. 6 OrgStatut"}
        assert decision["binding"] is binding and decision["outcome"] in outcomes
        assert decision["trail"][-1]["name"] == "decision"


def test_cli_simulate_with_a_statute_and_extends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rec"
    assert main(["simulate", "--voters", "4", "--trustees", "2", "--threshold", "2", "--seed", "2", "--quiet",
                 "--statute", str(EXAMPLES / "linke-berlin.toml"), "--turnout", "0.5", "--out", str(out)]) == 0
    record, _ = read_record(out)
    assert record.manifest is not None
    assert record.manifest.statute_sha256 == load_statute(EXAMPLES / "linke-berlin.toml").sha256
    assert record.documents["evaluation.json"]["counted"] == 2
    bad = tmp_path / "bad.toml"
    bad.write_text('[referendum.quorum]\nparticipation = 0.2\n', encoding="utf-8")
    assert main(["simulate", "--voters", "2", "--out", str(tmp_path / "x"), "--statute", str(bad)]) == 1
    assert "referendum.quorum.participation" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="not found"):
        main(["simulate", "--voters", "2", "--out", str(tmp_path / "y"), "--statute", str(tmp_path / "no.toml")])
    with pytest.raises(SystemExit, match="turnout"):
        main(["simulate", "--voters", "2", "--out", str(tmp_path / "z"), "--turnout", "0"])

