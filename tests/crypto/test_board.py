"""The bulletin board: hash chain, revoting, refusals, signed head and receipts."""

from __future__ import annotations

from typing import Any

import nacl.signing
import pytest

from ballot_crypto import canonical
from ballot_crypto.board import HEAD_DOMAIN, RECEIPT_DOMAIN, BallotRejected, BulletinBoard, chain_hash, verify_signed

F = bytes(range(32))
CREDENTIALS = [f"{i:02x}" * 32 for i in range(1, 4)]
BOARD_KEY = nacl.signing.SigningKey(b"\x07" * 32)


def ballot(credential: str, nonce: int) -> dict[str, Any]:
    """Stands in for a verified ballot: the board reads only election and credential, and hashes the rest."""
    return {"election": F.hex(), "credential": credential, "answers": [nonce], "signature": "00" * 64}


def test_chain_links_every_entry() -> None:
    board = BulletinBoard(F, CREDENTIALS, revoting=False)
    assert board.head == F.hex()
    entries = [board.append(ballot(c, 0)) for c in CREDENTIALS]
    previous = F.hex()
    for position, entry in enumerate(entries, start=1):
        assert entry.position == position
        assert entry.previous == previous
        assert entry.tracker == canonical.hash_json_hex(entry.ballot)
        assert entry.chain == canonical.hash_json_hex(
            {"chain": "ballot-board/1", "position": position, "previous": previous, "tracker": entry.tracker})
        assert entry.chain == chain_hash(position, previous, entry.tracker)
        previous = entry.chain
    assert board.head == previous
    assert [e.counted for e in board.entries] == [True] * 3


def test_revote_supersedes_the_earlier_ballot() -> None:
    board = BulletinBoard(F, CREDENTIALS, revoting=True)
    first = board.append(ballot(CREDENTIALS[0], 1))
    board.append(ballot(CREDENTIALS[1], 1))
    second = board.append(ballot(CREDENTIALS[0], 2))
    third = board.append(ballot(CREDENTIALS[0], 3))
    assert first.superseded_by == second.position == 3
    assert second.superseded_by == third.position == 4
    assert third.counted
    assert [e.position for e in board.counted()] == [2, 4]
    assert first.to_json()["superseded_by"] == 3


def test_second_ballot_rejected_without_revoting() -> None:
    board = BulletinBoard(F, CREDENTIALS, revoting=False)
    board.append(ballot(CREDENTIALS[0], 1))
    with pytest.raises(BallotRejected, match="revoting is not allowed"):
        board.append(ballot(CREDENTIALS[0], 2))
    assert len(board.entries) == 1


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"election": "ff" * 32, "credential": CREDENTIALS[0]}, "another election"),
        ({"election": F.hex(), "credential": "ab" * 32}, "not on the list"),
    ],
)
def test_foreign_ballots_rejected(item: dict[str, Any], message: str) -> None:
    with pytest.raises(BallotRejected, match=message):
        BulletinBoard(F, CREDENTIALS, revoting=True).append(item)


def test_replay_rejected() -> None:
    board = BulletinBoard(F, CREDENTIALS, revoting=True)
    board.append(ballot(CREDENTIALS[0], 1))
    with pytest.raises(BallotRejected, match="already on the board"):
        board.append(ballot(CREDENTIALS[0], 1))


def test_signed_head_and_receipt() -> None:
    board = BulletinBoard(F, CREDENTIALS, revoting=True)
    entry = board.append(ballot(CREDENTIALS[2], 1))
    board_key = bytes(BOARD_KEY.verify_key)
    head = board.close(BOARD_KEY)
    assert head["count"] == 1 and head["head"] == entry.chain
    payload = {"count": 1, "election": F.hex(), "head": entry.chain}
    assert verify_signed(HEAD_DOMAIN, payload, head["signature"], board_key)
    assert not verify_signed(HEAD_DOMAIN, payload | {"count": 2}, head["signature"], board_key)
    receipt = board.receipt(entry, BOARD_KEY)
    fields = {k: v for k, v in receipt.items() if k != "signature"}
    assert fields == {"election": F.hex(), "position": 1, "tracker": entry.tracker, "chain": entry.chain}
    assert verify_signed(RECEIPT_DOMAIN, fields, receipt["signature"], board_key)
    assert not verify_signed(HEAD_DOMAIN, fields, receipt["signature"], board_key)
    assert not verify_signed(RECEIPT_DOMAIN, fields, "zz", board_key)
