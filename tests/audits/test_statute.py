"""Checks 17, 19 and 20: statute.json, the evaluation inputs and the re-evaluated decision per question."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_audit.cli import main
from ballot_audit.report import RECORD_CHECKS
from ballot_crypto.evaluation import load_statute
from ballot_crypto.simulate import Options, simulate
from tests.audits.tamper import assert_fails, check, read, reseal, write

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statutes"
Q1 = "evaluation.json questions[0] (q1)"


@pytest.mark.parametrize("statute", ["spd.toml", "gruene.toml", "linke.toml", "linke-berlin.toml", "verein.toml"])
@pytest.mark.parametrize("kind", ["referendum", "election"])
def test_a_record_under_each_example_statute_verifies(tmp_path: Path, statute: str, kind: str) -> None:
    opts = Options(voters=4, questions=4 if kind == "election" else 1, trustees=2, threshold=2, revote_share=0.0,
                   seed=21, kind=kind, processes=1, statute=EXAMPLES / statute)
    simulate(opts, tmp_path / "record")
    report = check(tmp_path / "record")
    assert report.ok, [v.line() for v in report.failures]
    assert {v.check for v in report.items if v.ok} == set(RECORD_CHECKS)
    assert read(tmp_path / "record", "manifest.json")["statute_sha256"] == load_statute(EXAMPLES / statute).sha256
    assert len(report.summary["decisions"]) == opts.questions


def test_summary_shows_outcome_and_paragraph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    low = Options(voters=8, trustees=2, threshold=2, revote_share=0.0, seed=5, processes=1,
                  statute=EXAMPLES / "linke.toml", turnout=0.125)
    simulate(low, tmp_path / "low" / "record")
    assert main(["verify", str(tmp_path / "low" / "record"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "passes all 21 checks" in out
    assert "-> not binding: invalid (§ 8 Abs. 3 Bundessatzung)" in out
    high = Options(voters=8, trustees=2, threshold=2, revote_share=0.0, seed=5, processes=1,
                   statute=EXAMPLES / "linke.toml", turnout=0.5)
    simulate(high, tmp_path / "high" / "record")
    assert main(["verify", str(tmp_path / "high" / "record"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "-> binding: adopted (§ 8 Abs. 3 Bundessatzung)" in out or \
        "-> binding: rejected (§ 8 Abs. 3 Bundessatzung)" in out


def test_tampered_statute_breaks_its_hash(record: Path) -> None:
    statute = read(record, "statute.json")
    statute["rules"]["referendum"]["quorum"]["participation"] = "1/2"
    write(record, "statute.json", statute)
    reseal(record)
    report = check(record)
    assert_fails(report, 19, "statute.json", "differs from manifest.json's statute_sha256")
    assert_fails(report, 20, "evaluation.json", "not checked: the statute is unusable (check 19)")


def test_manifest_pointing_at_another_statute(record: Path) -> None:
    other = load_statute(EXAMPLES / "spd.toml").sha256
    manifest = read(record, "manifest.json")
    manifest["statute_sha256"] = other
    write(record, "manifest.json", manifest)
    reseal(record)
    report = check(record)
    assert_fails(report, 19, "statute.json", f"differs from manifest.json's statute_sha256 {other}")
    assert_fails(report, 17, "evaluation.json", "statute_sha256 differs from the manifest's")
    assert_fails(report, 3, "election.json", "SHA-256 of manifest.json")


def test_statute_not_in_the_engines_canonical_form(record: Path) -> None:
    statute = read(record, "statute.json")
    statute["rules"]["referendum"]["majority"]["fraction"] = "50 %"
    del statute["rules"]["survey"]["lockout"]
    write(record, "statute.json", statute)
    reseal(record)
    report = check(record)
    assert_fails(report, 19, "statute.json", "rules.referendum.majority.fraction: recorded \"50 %\", expected "
                                             "\"1/2\"")
    assert_fails(report, 19, "statute.json", "rules.survey.lockout: missing")


def test_statute_the_engine_refuses(record: Path) -> None:
    statute = read(record, "statute.json")
    statute["rules"]["referendum"]["quorum"]["on_miss"] = "ignore"
    statute["format"] = "ballot-statute/2"
    write(record, "statute.json", statute)
    reseal(record)
    report = check(record)
    assert_fails(report, 19, "statute.json rules.referendum.quorum.on_miss", "the statute engine refuses it")
    assert_fails(report, 19, "statute.json", "format is 'ballot-statute/2'")


@pytest.mark.parametrize(("edit", "words"), [
    (lambda d: d.update(binding=not d["binding"]), "decision.binding: recorded false, expected true"),
    (lambda d: d.update(outcome="rejected" if d["outcome"] == "adopted" else "adopted"), "decision.outcome"),
    (lambda d: d["trail"][2].update(result="missed"),
     "check quorum.participation: decision.trail[2].result: recorded \"missed\", expected \"met\""),
    (lambda d: d["trail"][2].update(paragraph="§ 99"), "decision.trail[2].paragraph: recorded \"§ 99\""),
    (lambda d: d["trail"][4]["inputs"].update(base_votes=1), "check majority: decision.trail[4].inputs.base_votes"),
    (lambda d: d["trail"].pop(), "decision.trail: 6 entries, expected 7"),
    (lambda d: d.update(elected=["c1"]), "decision.elected: unexpected"),
])
def test_changed_decision_is_rejected_with_question_and_check(record: Path, edit: object, words: str) -> None:
    evaluation = read(record, "evaluation.json")
    edit(evaluation["questions"][0]["decision"])  # type: ignore[operator]
    write(record, "evaluation.json", evaluation)
    reseal(record)
    report = check(record)
    assert_fails(report, 20, Q1, words)
    assert {v.check for v in report.failures} == {20}


def test_evaluation_inputs_not_matching_the_result(record: Path) -> None:
    evaluation = read(record, "evaluation.json")
    evaluation["questions"][0]["counts"]["no"] += 1
    evaluation["questions"][0]["blank"] += 1
    evaluation["format"] = "ballot-evaluation/1"
    write(record, "evaluation.json", evaluation)
    reseal(record)
    report = check(record)
    assert_fails(report, 17, Q1, "counts is {\"abstain\"")
    assert_fails(report, 17, Q1, "blank is")
    assert_fails(report, 17, "evaluation.json", "expected 'ballot-evaluation/2'")


def test_evaluation_inputs_the_engine_refuses(record: Path) -> None:
    evaluation = read(record, "evaluation.json")
    evaluation["eligible"] = 1
    write(record, "evaluation.json", evaluation)
    reseal(record)
    report = check(record)
    assert_fails(report, 17, "evaluation.json", "eligible is 1, but there are 6")
    assert_fails(report, 20, Q1, "the statute engine refuses these inputs: more ballots cast")


def test_missing_statute_file(record: Path) -> None:
    (record / "statute.json").unlink()
    report = check(record)
    assert_fails(report, 1, "statute.json", "file missing")
    assert_fails(report, 19, "statute.json", "not checked")
    assert_fails(report, 20, "evaluation.json", "check 19")


def test_statute_with_a_date_and_inheritance_verifies(tmp_path: Path) -> None:
    (tmp_path / "parent.toml").write_text('[referendum.quorum]\nparticipation = "1/2"\non_miss = "advisory"\n',
                                          encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "parent.toml"\n[eligibility]\nmember_since = 2026-01-31\n',
                                         encoding="utf-8")
    opts = Options(voters=4, trustees=2, threshold=2, revote_share=0.0, seed=3, processes=1,
                   statute=tmp_path / "child.toml", turnout=0.25)
    simulate(opts, tmp_path / "record")
    assert read(tmp_path / "record", "statute.json")["rules"]["eligibility"]["member_since"] == "2026-01-31"
    report = check(tmp_path / "record")
    assert report.ok, [v.line() for v in report.failures]
    assert report.summary["decisions"][0]["outcome"] == "advisory"
