"""`ballot-crypto simulate`: the whole protocol in-process; the record's tally equals truth.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from ballot_crypto import canonical
from ballot_crypto.ballots import Election, verify_ballot
from ballot_crypto.board import HEAD_DOMAIN, chain_hash, verify_signed
from ballot_crypto.cli import main
from ballot_crypto.group import Point
from ballot_crypto.record import read_record
from ballot_crypto.simulate import Options, simulate
from ballot_crypto.tally import aggregate


def test_simulated_record_is_consistent_and_tallies_to_truth(tmp_path: Path) -> None:
    opts = Options(voters=12, questions=4, trustees=3, threshold=2, revote_share=0.25, seed=3, kind="election",
                   processes=2)
    record_hash, truth = simulate(opts, tmp_path / "record.zip")
    record, entries = read_record(tmp_path / "record.zip")
    assert record.record_hash == record_hash
    assert canonical.loads((tmp_path / "truth.json").read_bytes()[:-1]) == truth
    docs = record.documents
    assert docs["result.json"]["questions"] == truth["questions"]
    assert docs["result.json"]["ballots"] == truth["ballots"] == 12
    assert len(entries) == truth["cast"] == 15
    assert sum(e["superseded_by"] is not None for e in entries) == 3
    assert docs["evaluation.json"]["eligible"] == len(record.credentials) == 12
    election = Election(record.manifest, Point.from_hex(docs["election.json"]["public_key"]),
                        canonical.hash_json(docs["election.json"]))
    previous = election.fingerprint.hex()
    for entry in entries:
        assert verify_ballot(election, entry["ballot"]) == entry["tracker"]
        assert entry["ballot"]["credential"] in record.credentials
        assert entry["previous"] == previous
        assert entry["chain"] == chain_hash(entry["position"], previous, entry["tracker"])
        previous = entry["chain"]
    board = docs["board.json"]
    payload = {"count": len(entries), "election": election.fingerprint.hex(), "head": previous}
    assert verify_signed(HEAD_DOMAIN, payload, board["signature"], bytes.fromhex(docs["election.json"]["board_key"]))
    assert len(docs["decryption.json"]["trustees"]) == 2
    counted = [e["ballot"] for e in entries if e["superseded_by"] is None]
    assert aggregate(record.manifest, counted).to_json() == docs["aggregates.json"]


def test_seed_makes_it_reproducible_whatever_the_process_count(tmp_path: Path) -> None:
    one = simulate(Options(voters=4, seed=9, processes=1), tmp_path / "a" / "record")
    two = simulate(Options(voters=4, seed=9, processes=2), tmp_path / "b" / "record")
    other = simulate(Options(voters=4, seed=10, processes=2), tmp_path / "c" / "record")
    assert one == two
    assert other[0] != one[0]


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rec"
    argv = ["simulate", "--voters", "3", "--questions", "1", "--trustees", "3", "--threshold", "2",
            "--revote-share", "0.05", "--out", str(out), "--seed", "5", "--zip"]
    assert main(argv) == 0
    assert "record hash" in capsys.readouterr().out
    assert out.is_file() and (tmp_path / "truth.json").is_file()
    read_record(out)
    with pytest.raises(SystemExit, match="exists"):
        main(argv)
    with pytest.raises(SystemExit, match="threshold"):
        main(["simulate", "--voters", "3", "--trustees", "2", "--threshold", "3", "--out", str(tmp_path / "x")])
