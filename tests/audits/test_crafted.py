"""Crafted values (zero scalars, small-order and non-canonical points, bad hex) fail checks, never crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ballot_audit.primitives import L
from tests.audits.tamper import assert_fails, check, entries, reseal, write_entries

SMALL_ORDER = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"  # a point of order 8
NON_CANONICAL_SCALAR = L.to_bytes(32, "little").hex()


def _edit(record: Path, change: Callable[[dict[str, Any]], object]) -> int:
    board = entries(record)
    i = next(i for i, e in enumerate(board) if e["superseded_by"] is None)
    change(board[i]["ballot"]["answers"][0])
    write_entries(record, board)
    reseal(record)
    return i + 1


def test_zero_proof(record: Path) -> None:
    def zero(answer: dict) -> None:
        proof = answer["choice_proofs"][1]
        proof["challenges"] = proof["responses"] = ["00" * 32] * 2

    line = _edit(record, zero)
    assert_fails(check(record), 10, f"line {line} (position {line}) answers[0].choice_proofs[1]", "does not verify")


def test_small_order_point(record: Path) -> None:
    line = _edit(record, lambda answer: answer["choices"][2].update(alpha=SMALL_ORDER))
    report = check(record)
    assert_fails(report, 10, f"line {line} (position {line}) answers[0].choice_proofs[2]", "invalid point")
    assert_fails(report, 14, "aggregates.json", "not recomputed: 1 counted ballots hold unusable ciphertexts")


def test_identity_in_ballot(record: Path) -> None:
    line = _edit(record, lambda answer: answer["choices"][0].update(beta="01" + "00" * 31))
    assert_fails(check(record), 7, f"line {line} (position {line}) answers[0].choices[0]", "identity")


def test_non_canonical_scalar(record: Path) -> None:
    line = _edit(record, lambda answer: answer["total_proof"]["responses"].__setitem__(0, NON_CANONICAL_SCALAR))
    assert_fails(check(record), 7, f"line {line} (position {line}) answers[0].total_proof", "not canonical")


@pytest.mark.parametrize("value", ["AB" * 32, "ab" * 31, 17])
def test_bad_hex(record: Path, value: object) -> None:
    line = _edit(record, lambda answer: answer["choices"][0].update(alpha=value))
    assert_fails(check(record), 1, f"line {line} (position {line}) answers[0].choices[0]", "lowercase hex")


def test_wrong_question_id(record: Path) -> None:
    line = _edit(record, lambda answer: answer.update(question="q9"))
    assert_fails(check(record), 7, f"line {line} (position {line}) answers[0].question", "'q9'")


def test_not_an_object_line(record: Path) -> None:
    (record / "ballots.jsonl").write_bytes((record / "ballots.jsonl").read_bytes() + b"[1,2]\n")
    reseal(record)
    report = check(record)
    assert_fails(report, 1, f"ballots.jsonl line {len(entries(record))}", "expected an object")
