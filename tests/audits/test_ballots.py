"""Tampered boards are rejected, each with the right check, location and message."""

from __future__ import annotations

from pathlib import Path

import nacl.signing

from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot
from ballot_crypto.group import Point
from ballot_crypto.manifest import Manifest
from tests.audits.tamper import assert_fails, check, entries, read, reseal, write_entries


def _foreign_ballot(record: Path) -> dict:
    """A well-formed ballot with valid proofs and signature from a credential that is not on the list."""
    election_json = read(record, "election.json")
    fingerprint = bytes.fromhex(read(record, "index.json")["election"])
    election = Election(Manifest.from_json(read(record, "manifest.json")), Point.from_hex(election_json["public_key"]),
                        fingerprint)
    key = nacl.signing.SigningKey.generate()
    ballot, _ = encrypt_ballot(election, bytes(key.verify_key), [[1, 0, 0]])
    return sign_ballot(ballot, key)


def test_changed_ciphertext(record: Path) -> None:
    board = entries(record)
    i = next(i for i, e in enumerate(board) if e["superseded_by"] is None)
    answer = board[i]["ballot"]["answers"][0]
    answer["choices"][0], answer["choices"][1] = answer["choices"][1], answer["choices"][0]
    write_entries(record, board)
    reseal(record)
    report = check(record)
    line = f"ballots.jsonl line {i + 1} (position {i + 1})"
    assert_fails(report, 10, f"{line} answers[0].choice_proofs[0]", "option yes: range proof over [0, 1] does not")
    assert_fails(report, 9, line, "signature does not verify")
    assert_fails(report, 11, line, "hash(ballot)")
    assert_fails(report, 14, "aggregates.json", "not the sum")


def test_dropped_ballot(record: Path) -> None:
    board = entries(record)
    write_entries(record, board[:2] + board[3:])
    reseal(record)
    report = check(record)
    assert_fails(report, 11, "ballots.jsonl line 3", "position is 4, expected 3")
    assert_fails(report, 11, "ballots.jsonl line 3", "the chain of line 2")
    assert_fails(report, 13, "board.json", f"the board has {len(board) - 1} entries")


def test_duplicated_ballot(record: Path) -> None:
    board = entries(record)
    write_entries(record, [*board[:3], board[2], *board[3:]], rechain=True)
    reseal(record)
    report = check(record)
    assert_fails(report, 11, "ballots.jsonl line 4", "appears twice")


def test_reordered_ballots(record: Path) -> None:
    board = entries(record)
    board[1], board[2] = board[2], board[1]
    write_entries(record, board)
    reseal(record)
    report = check(record)
    assert_fails(report, 11, "ballots.jsonl line 2", "position is 3, expected 2")
    assert_fails(report, 11, "ballots.jsonl line 3", "position is 2, expected 3")


def test_injected_ballot_with_valid_proofs(record: Path) -> None:
    board = entries(record)
    ballot = _foreign_ballot(record)
    board.append({"ballot": ballot, "chain": "", "position": 0, "previous": "", "superseded_by": None, "tracker": ""})
    write_entries(record, board, rechain=True)
    reseal(record)
    report = check(record)
    assert_fails(report, 8, f"ballots.jsonl line {len(board)}", f"credential {ballot['credential']} is not on")
    assert not [v for v in report.failures if v.check in (9, 10)]  # the proofs and signature are fine
    assert_fails(report, 13, "board.json", "count is")


def test_substituted_ballot_from_unlisted_credential(record: Path) -> None:
    board = entries(record)
    counted = next(i for i, e in enumerate(board) if e["superseded_by"] is None)
    board[counted]["ballot"] = _foreign_ballot(record)
    write_entries(record, board, rechain=True)
    reseal(record)
    report = check(record)
    assert_fails(report, 8, f"ballots.jsonl line {counted + 1}", "is not on the credential list")
    assert_fails(report, 13, "board.json", "head is")


def test_second_counted_ballot_with_revoting(record: Path) -> None:
    board = entries(record)
    earlier = next(i for i, e in enumerate(board) if e["superseded_by"] is not None)
    board[earlier]["superseded_by"] = None
    write_entries(record, board)
    reseal(record)
    report = check(record)
    assert_fails(report, 12, f"ballots.jsonl line {earlier + 1}", "superseded_by is None, expected")
    assert_fails(report, 14, "aggregates.json", "counted entries")


def test_second_ballot_without_revoting(once: Path) -> None:
    board = entries(once)
    copy = dict(board[0], ballot=dict(board[0]["ballot"], signature="00" * 64))
    write_entries(once, [*board, copy], rechain=True)
    reseal(once)
    report = check(once)
    assert_fails(report, 12, f"ballots.jsonl line {len(board) + 1}", "revoting is not allowed")
    assert_fails(report, 9, f"ballots.jsonl line {len(board) + 1}", "signature")


def test_wrong_superseded_mark(record: Path) -> None:
    board = entries(record)
    earlier = next(i for i, e in enumerate(board) if e["superseded_by"] is not None)
    right = board[earlier]["superseded_by"]
    board[earlier]["superseded_by"] = right + 1 if right < len(board) else right - 1
    write_entries(record, board)
    reseal(record)
    report = check(record)
    assert_fails(report, 12, f"ballots.jsonl line {earlier + 1}", f"expected {right}")
    assert {v.check for v in report.failures} == {12}


def test_counted_ballot_marked_superseded(record: Path) -> None:
    board = entries(record)
    last = max(i for i, e in enumerate(board) if e["superseded_by"] is None)
    board[last]["superseded_by"] = 1
    write_entries(record, board)
    reseal(record)
    assert_fails(check(record), 12, f"ballots.jsonl line {last + 1}", "must be null")


def test_truncated_chain(record: Path) -> None:
    board = entries(record)
    write_entries(record, board[:-2])
    reseal(record)
    report = check(record)
    assert_fails(report, 13, "board.json", f"count is {len(board)}, the board has {len(board) - 2} entries")
    assert_fails(report, 13, "board.json", "head is")


def test_line_cut_in_the_middle(record: Path) -> None:
    data = (record / "ballots.jsonl").read_bytes()
    lines = data.count(b"\n")
    (record / "ballots.jsonl").write_bytes(data[: len(data) - 500])
    reseal(record)
    report = check(record)
    assert_fails(report, 1, f"ballots.jsonl line {lines}", "not terminated by LF")
    assert_fails(report, 1, f"ballots.jsonl line {lines}", "not JSON")
