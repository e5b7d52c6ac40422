"""Checks 1, 7, 9, 10 and the per-line part of 11 for one board entry (docs/election-record.md 3.6, 3.7).

This runs in worker processes over chunks of raw lines. Hex is decoded once, proofs are verified on encodings,
and the canonical bytes of the ballot are cut out of the (verified canonical) line instead of re-encoded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ballot_audit import primitives
from ballot_audit.answers import Problem, QSpec, parse_answer
from ballot_audit.canonical import fast_encode
from ballot_audit.proofs import header, verify_range
from ballot_audit.report import Verification
from ballot_audit.structure import HEX, is_int

BALLOT_DOMAIN = b"ballot-crypto/ballot/1\x00"
ENTRY_KEYS = frozenset(("ballot", "chain", "position", "previous", "superseded_by", "tracker"))
BALLOT_KEYS = frozenset(("answers", "credential", "election", "signature"))
SIGNATURE_TAIL = len(',"signature":"') + 128 + 2
Summary = tuple[int, int, str | None, str, str, str, int | None]
"""line, position, credential (None if unusable), tracker, previous, chain, superseded_by (as written)."""


@dataclass(frozen=True)
class BallotSpec:
    """What a worker needs: the fingerprint F, the public key H and the questions."""

    fingerprint: str
    public_key: bytes
    questions: tuple[QSpec, ...]


@dataclass
class Sums:
    """Partial component-wise sums of counted ballots (flat: per question its options, then its blank flag)."""

    points: list[bytes]
    ballots: int = 0
    unsummable: int = 0

    def add(self, values: list[bytes]) -> None:
        self.points = [primitives.add(a, b) for a, b in zip(self.points, values, strict=True)]
        self.ballots += 1


def chain_hash(position: int, previous: str, tracker: str) -> str:
    """hash({"chain":"ballot-board/1","position":p,"previous":previous,"tracker":tracker})."""
    text = f'{{"chain":"ballot-board/1","position":{position},"previous":"{previous}","tracker":"{tracker}"}}'
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _is_hex(value: Any, digits: int) -> bool:
    return type(value) is str and len(value) == digits and HEX.issuperset(value)


def _entry_problems(entry: Any) -> list[str]:
    if type(entry) is not dict or entry.keys() != ENTRY_KEYS:
        keys = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        return [f"expected an object with exactly the keys {sorted(ENTRY_KEYS)}, got {keys}"]
    problems = [f"{k}: expected 32 bytes as lowercase hex" for k in ("chain", "previous", "tracker")
                if not _is_hex(entry[k], 64)]
    if not is_int(entry["position"]) or entry["position"] < 1:
        problems.append("position: expected an integer >= 1")
    if entry["superseded_by"] is not None and not is_int(entry["superseded_by"]):
        problems.append("superseded_by: expected null or an integer")
    ballot = entry["ballot"]
    if type(ballot) is not dict or ballot.keys() != BALLOT_KEYS:
        problems.append(f"ballot: expected an object with exactly the keys {sorted(BALLOT_KEYS)}")
    elif not (_is_hex(ballot["credential"], 64) and _is_hex(ballot["election"], 64)
              and _is_hex(ballot["signature"], 128) and type(ballot["answers"]) is list):
        problems.append("ballot: credential and election must be 32 bytes, signature 64 bytes, as lowercase hex; "
                        "answers a list")
    return problems


def verify_entry(spec: BallotSpec, number: int, raw: bytes, fails: list[Verification],
                 sums: Sums) -> Summary | None:
    """Check one line; append failures; add a counted ballot to `sums`. Returns the entry's chain summary."""
    where = f"ballots.jsonl line {number}"
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    else:
        fails.append(Verification(False, 1, where, "the last line is not terminated by LF"))
    try:
        entry = json.loads(raw)
    except ValueError as exc:
        fails.append(Verification(False, 1, where, f"not JSON ({exc})"))
        return None
    problems = _entry_problems(entry)
    if problems:
        fails.extend(Verification(False, 1, where, p) for p in problems)
        if not isinstance(entry, dict) or any("ballot" not in p for p in problems):
            return None
        return (number, entry["position"], None, entry["tracker"], entry["previous"], entry["chain"],
                entry["superseded_by"])
    where = f"{where} (position {entry['position']})"
    ballot = entry["ballot"]
    canonical = fast_encode(entry) == raw
    if canonical:
        ballot_bytes = raw[10 : raw.rindex(b',"chain":"')]
    else:
        fails.append(Verification(False, 1, where, "not in canonical encoding"))
        ballot_bytes = fast_encode(ballot)
    tracker = hashlib.sha256(ballot_bytes).hexdigest()
    if tracker != entry["tracker"]:
        fails.append(Verification(False, 11, where, f"tracker is {entry['tracker']}, but hash(ballot) is {tracker}"))
    chain = chain_hash(entry["position"], entry["previous"], entry["tracker"])
    if chain != entry["chain"]:
        fails.append(Verification(False, 11, where, f"chain is {entry['chain']}, but hash of position, previous and "
                                                    f"tracker is {chain}"))
    if ballot["election"] != spec.fingerprint:
        fails.append(Verification(False, 7, where, f"ballot.election is {ballot['election']}, not F"))
    credential = bytes.fromhex(ballot["credential"])
    unsigned = ballot_bytes[:-SIGNATURE_TAIL] + b"}"
    message = BALLOT_DOMAIN + unsigned
    if not primitives.verify_signature(credential, message, bytes.fromhex(ballot["signature"])):
        fails.append(Verification(False, 9, where, "the signature does not verify under the ballot's credential"))
    values = _check_answers(spec, ballot["answers"], credential, where, fails)
    if entry["superseded_by"] is None:
        if values is None:
            sums.unsummable += 1
        else:
            sums.add(values)
    return (number, entry["position"], ballot["credential"], entry["tracker"], entry["previous"], entry["chain"],
            entry["superseded_by"])


def _check_answers(spec: BallotSpec, answers: list[Any], credential: bytes, where: str,
                   fails: list[Verification]) -> list[bytes] | None:
    """Checks 7 and 10 for every answer; the ciphertext points to sum (None if any is unusable)."""
    if len(answers) != len(spec.questions):
        fails.append(Verification(False, 7, where, f"{len(answers)} answers, the manifest has "
                                                   f"{len(spec.questions)} questions"))
        return None
    hdr = header("range", bytes.fromhex(spec.fingerprint) + credential)
    h, values, usable = spec.public_key, [], True
    for qi, (question, answer) in enumerate(zip(spec.questions, answers, strict=True)):
        at = f"{where} answers[{qi}]"
        try:
            parsed = parse_answer(question, answer)
        except Problem as problem:
            fails.append(Verification(False, problem.check, f"{at}{problem.path}", problem.message))
            usable = False
            continue
        for path, (alpha, beta), lo, hi, (cs, zs) in parsed.proofs(question):
            if not verify_range(hdr, h, alpha, beta, lo, hi, cs, zs):
                fails.append(Verification(False, 10, f"{at}.{path}", parsed.explain(question, path, lo, hi)))
                usable = usable and parsed.points_valid()
        values += parsed.points()
    return values if usable else None
