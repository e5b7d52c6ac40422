"""The append-only, hash-chained bulletin board with revoting (docs/election-record.md 3.7, 3.8).

The board checks eligibility and the revoting rule; the caller verifies the ballot (ballots.verify_ballot) first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing

from ballot_crypto import canonical
from ballot_crypto.ballots import signed_message, tracker
from ballot_crypto.errors import CryptoError

CHAIN_LABEL = "ballot-board/1"
HEAD_DOMAIN = "ballot-crypto/board-head/1"
RECEIPT_DOMAIN = "ballot-crypto/receipt/1"


class BallotRejected(CryptoError):
    """The board refuses a ballot (foreign credential, second ballot without revoting, replay)."""


def chain_hash(position: int, previous: str, tracker_hex: str) -> str:
    """chain = hash({"chain": "ballot-board/1", "position", "previous", "tracker"})."""
    return canonical.hash_json_hex(
        {"chain": CHAIN_LABEL, "position": position, "previous": previous, "tracker": tracker_hex}
    )


@dataclass
class Entry:
    """One board entry; ``superseded_by`` is set when a later ballot of the same credential replaces it."""

    position: int
    ballot: dict[str, Any]
    tracker: str
    previous: str
    chain: str
    superseded_by: int | None = None

    @property
    def counted(self) -> bool:
        return self.superseded_by is None

    @property
    def credential(self) -> str:
        return str(self.ballot["credential"])

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "ballot": self.ballot,
            "tracker": self.tracker,
            "previous": self.previous,
            "chain": self.chain,
            "superseded_by": self.superseded_by,
        }


class BulletinBoard:
    """Accepted ballots in order; only the last ballot of a credential counts."""

    def __init__(self, fingerprint: bytes, credentials: Iterable[str], *, revoting: bool) -> None:
        self.fingerprint = fingerprint.hex()
        self.revoting = revoting
        self.entries: list[Entry] = []
        self._eligible = frozenset(credentials)
        self._latest: dict[str, Entry] = {}
        self._trackers: set[str] = set()

    @property
    def head(self) -> str:
        return self.entries[-1].chain if self.entries else self.fingerprint

    def append(self, ballot: dict[str, Any], ballot_tracker: str | None = None) -> Entry:
        """Append a verified ballot; raises BallotRejected. ``ballot_tracker`` may pass a precomputed tracker."""
        if ballot.get("election") != self.fingerprint:
            raise BallotRejected("the ballot belongs to another election")
        credential = ballot.get("credential")
        if credential not in self._eligible:
            raise BallotRejected("the credential is not on the list of eligible credentials")
        earlier = self._latest.get(credential)
        if earlier is not None and not self.revoting:
            raise BallotRejected("this credential has already voted and revoting is not allowed")
        ballot_tracker = ballot_tracker or tracker(ballot)
        if ballot_tracker in self._trackers:
            raise BallotRejected("this ballot is already on the board")
        position = len(self.entries) + 1
        previous = self.head
        entry = Entry(position, ballot, ballot_tracker, previous, chain_hash(position, previous, ballot_tracker))
        if earlier is not None:
            earlier.superseded_by = position
        self.entries.append(entry)
        self._latest[credential] = entry
        self._trackers.add(ballot_tracker)
        return entry

    def counted(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.counted]

    def head_payload(self) -> dict[str, Any]:
        return {"count": len(self.entries), "election": self.fingerprint, "head": self.head}

    def close(self, board_key: nacl.signing.SigningKey) -> dict[str, Any]:
        """board.json: the count and chain head, signed by the board key."""
        signature = board_key.sign(signed_message(HEAD_DOMAIN, self.head_payload())).signature
        return {"count": len(self.entries), "head": self.head, "signature": signature.hex()}

    def receipt(self, entry: Entry, board_key: nacl.signing.SigningKey) -> dict[str, Any]:
        """The voter's receipt: tracker, position and chain hash, signed by the board key."""
        payload = {"election": self.fingerprint, "position": entry.position, "tracker": entry.tracker,
                   "chain": entry.chain}
        signature = board_key.sign(signed_message(RECEIPT_DOMAIN, payload)).signature
        return {**payload, "signature": signature.hex()}


def verify_signed(domain: str, payload: dict[str, Any], signature_hex: str, board_key: bytes) -> bool:
    """Check a board signature (board head or receipt) without raising."""
    try:
        signature = canonical.from_hex(signature_hex, 64, "signature")
        nacl.signing.VerifyKey(board_key).verify(signed_message(domain, payload), signature)
    except (CryptoError, nacl.exceptions.CryptoError, ValueError, TypeError):
        return False
    return True
