"""Tampered tallies and files, and unreadable records (exit code 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ballot_audit.cli import main
from tests.audits.tamper import assert_fails, check, failures, read, reseal, write


def test_wrong_decryption_share(record: Path) -> None:
    doc = read(record, "decryption.json")
    first, second = doc["trustees"][0]["questions"][0]["choices"][:2]
    first["factor"] = second["factor"]
    write(record, "decryption.json", doc)
    reseal(record)
    report = check(record)
    j = doc["trustees"][0]["index"]
    assert_fails(report, 15, f"decryption.json trustee {j}, q1 / yes", "proof does not verify")
    assert_fails(report, 16, "result.json", "could not be compared")


def test_wrong_share_proof(record: Path) -> None:
    doc = read(record, "decryption.json")
    proof = doc["trustees"][-1]["questions"][0]["choices"][2]["proof"]
    proof["response"] = proof["challenge"]
    write(record, "decryption.json", doc)
    reseal(record)
    j = doc["trustees"][-1]["index"]
    assert_fails(check(record), 15, f"decryption.json trustee {j}, q1 / abstain", "proof does not verify")


def test_too_few_trustees(record: Path) -> None:
    doc = read(record, "decryption.json")
    doc["trustees"] = doc["trustees"][:1]
    write(record, "decryption.json", doc)
    reseal(record)
    assert_fails(check(record), 15, "decryption.json", "need at least 2 distinct indices")


@pytest.mark.parametrize("also_evaluation", [False, True])
def test_wrong_result_count(record: Path, also_evaluation: bool) -> None:
    result = read(record, "result.json")
    counts = result["questions"][0]["counts"]
    right = counts["yes"]
    counts["yes"] += 1
    result["questions"][0]["blank"] -= 1
    write(record, "result.json", result)
    if also_evaluation:  # a careful forger keeps evaluation.json consistent: check 16 still fails
        evaluation = read(record, "evaluation.json")
        for mine, theirs in zip(evaluation["questions"], result["questions"], strict=True):
            mine.update(theirs)
        write(record, "evaluation.json", evaluation)
    reseal(record)
    report = check(record)
    assert_fails(report, 16, "result.json questions[0] (q1)", f"yes: result says {right + 1}, the shares decrypt "
                                                              f"to {right}")
    assert bool(failures(report, 17)) != also_evaluation


def test_changed_manifest(record: Path) -> None:
    manifest = read(record, "manifest.json")
    manifest["title"]["en"] = "Another ballot"
    write(record, "manifest.json", manifest)
    report = check(record)
    assert_fails(report, 2, "manifest.json", "differ from index.json")
    reseal(record)
    report = check(record)
    assert_fails(report, 3, "election.json", "but SHA-256 of manifest.json is")
    assert_fails(report, 5, "trustees.json", "Schnorr proof")


def test_non_canonical_file(record: Path) -> None:
    (record / "board.json").write_bytes(json.dumps(read(record, "board.json"), indent=1).encode())
    reseal(record)
    assert_fails(check(record), 1, "board.json", "not in canonical encoding")


def test_missing_file(record: Path) -> None:
    (record / "evaluation.json").unlink()
    report = check(record)
    assert_fails(report, 1, "evaluation.json", "file missing")
    assert_fails(report, 17, "evaluation.json", "not checked")


def test_extra_file(record: Path) -> None:
    (record / "notes.txt").write_text("hello")
    assert_fails(check(record), 1, "notes.txt", "unknown file")


def test_cli_names_every_failure_and_exits_1(record: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (record / "evaluation.json").unlink()
    result = read(record, "result.json")
    result["ballots"] += 1
    write(record, "result.json", result)
    assert main(["verify", str(record), "--processes", "1"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("INVALID")
    assert "FAIL [ 1 files] evaluation.json: file missing" in out
    assert "FAIL [ 2 index] result.json" in out
    assert "FAIL [16 result] result.json: ballots is" in out


@pytest.mark.parametrize("damage", ["garbage-zip", "index-not-json", "no-index", "nothing"])
def test_unreadable_record_exits_2(record: Path, tmp_path: Path, damage: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = record
    if damage == "garbage-zip":
        target = tmp_path / "record.zip"
        target.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    elif damage == "index-not-json":
        (record / "index.json").write_bytes(b"\x00\x01 not json")
    elif damage == "no-index":
        (record / "index.json").unlink()
    else:
        target = tmp_path / "does-not-exist"
    assert main(["verify", str(target)]) == 2
    captured = capsys.readouterr()
    assert "cannot read" in captured.err and "Traceback" not in captured.err + captured.out
    assert main(["verify", str(target), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["unreadable"]


@pytest.mark.parametrize("parallel", [False, True])
def test_bad_credential_list(record: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from ballot_audit import setup
    from ballot_audit.verify import verify

    lines = (record / "credentials.jsonl").read_bytes().splitlines(keepends=True)
    small_order = b'{"credential":"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"}\n'
    (record / "credentials.jsonl").write_bytes(b"".join([lines[0], lines[0], *lines[1:], small_order]))
    reseal(record)
    monkeypatch.setattr(setup, "PARALLEL_CREDENTIALS", 0 if parallel else 10**9)
    report = verify(record, processes=2)
    assert_fails(report, 6, "credentials.jsonl line 2", "duplicate credential")
    assert_fails(report, 6, f"credentials.jsonl credential {len(lines) + 2}", "not a valid Ed25519 public key")
    assert_fails(report, 3, "election.json", "SHA-256 of credentials.jsonl")
    assert_fails(report, 17, "evaluation.json", f"eligible is {len(lines)}, but there are {len(lines) + 2}")
