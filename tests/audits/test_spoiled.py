"""`ballot-audit spoiled`: an audited ballot re-encrypts to its ciphertexts; a tampered one does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ballot_audit.cli import main
from ballot_crypto.ballots import Election, encrypt_ballot
from ballot_crypto.group import Point
from ballot_crypto.manifest import Manifest
from ballot_crypto.spoil import spoiled_ballot
from tests.audits.tamper import read


@pytest.fixture
def spoiled(revote_record: Path, tmp_path: Path) -> Path:
    election_json = read(revote_record, "election.json")
    manifest = Manifest.from_json(read(revote_record, "manifest.json"))
    fingerprint = bytes.fromhex(read(revote_record, "index.json")["election"])
    election = Election(manifest, Point.from_hex(election_json["public_key"]), fingerprint)
    credential = bytes.fromhex(json.loads((revote_record / "credentials.jsonl").read_bytes().splitlines()[0])
                               ["credential"])
    ballot, secrets = encrypt_ballot(election, credential, [[0, 1, 0]])
    path = tmp_path / "spoiled.json"
    path.write_text(json.dumps(spoiled_ballot(election_json, manifest, ballot, secrets)))
    return path


def test_spoiled_ballot_shows_its_choices(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spoiled", str(spoiled)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("VALID") and "Nein / No" in out and "Ja / Yes" not in out


def test_spoiled_ballot_json(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spoiled", str(spoiled), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["choices"] == [{"question": "q1",
                                                               "votes": {"yes": 0, "no": 1, "abstain": 0}}]


def test_lying_reveal_is_rejected(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(spoiled.read_bytes())
    doc["reveal"][0]["choices"] = [1, 0, 0]  # the device claims "yes" for a ballot that encrypts "no"
    spoiled.write_text(json.dumps(doc))
    assert main(["spoiled", str(spoiled)]) == 1
    out = capsys.readouterr().out
    assert "reveal[0].choices[0]" in out and "option yes: the revealed value and randomness do not give" in out


def test_swapped_ciphertext_is_rejected(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(spoiled.read_bytes())
    choices = doc["ballot"]["answers"][0]["choices"]
    choices[0], choices[1] = choices[1], choices[0]
    spoiled.write_text(json.dumps(doc))
    assert main(["spoiled", str(spoiled)]) == 1
    out = capsys.readouterr().out
    assert "[10 proofs] ballot.answers[0].choice_proofs[0]" in out


def test_spoiled_for_another_election_is_rejected(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(spoiled.read_bytes())
    doc["election"]["board_key"] = "00" * 32
    spoiled.write_text(json.dumps(doc))
    assert main(["spoiled", str(spoiled)]) == 1
    assert "hash(election)" in capsys.readouterr().out


def test_unreadable_spoiled_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    assert main(["spoiled", str(path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_spoiled_with_an_invalid_credential_is_rejected(spoiled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(spoiled.read_text())
    data["ballot"]["credential"] = "ec" + "ff" * 30 + "7f"  # a small-order point
    spoiled.write_text(json.dumps(data))
    assert main(["spoiled", str(spoiled)]) == 1
    assert "ballot.credential" in capsys.readouterr().out
