"""Benaloh challenge: a spoiled (audited) ballot reveals its choices and randomness (docs/election-record.md 5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ballot_crypto import canonical
from ballot_crypto.ballots import (
    AnswerSecret,
    Election,
    InvalidBallot,
    check_choices,
    verify_answer,
)
from ballot_crypto.elgamal import Ciphertext, encrypt
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, Scalar
from ballot_crypto.manifest import Manifest, Question

FORMAT = "ballot-spoiled/1"
REVEAL_KEYS = {"question", "choices", "randomness", "blank", "blank_randomness"}


def spoiled_ballot(
    election: dict[str, Any], manifest: Manifest, ballot: dict[str, Any], secrets: Sequence[AnswerSecret]
) -> dict[str, Any]:
    """The audit file for an unsigned ballot; ``election`` is the election.json object."""
    if "signature" in ballot:
        raise InvalidBallot("a signed ballot can be cast; only an unsigned ballot is spoiled")
    reveal = [
        {
            "question": s.question,
            "choices": list(s.choices),
            "randomness": [r.hex() for r in s.randomness],
            "blank": s.blank,
            "blank_randomness": None if s.blank_randomness is None else s.blank_randomness.hex(),
        }
        for s in secrets
    ]
    return {"format": FORMAT, "election": election, "manifest": manifest.to_json(), "ballot": ballot,
            "reveal": reveal}


def _reencrypts(key: Point, obj: Any, value: Any, randomness: Any, where: str) -> None:
    try:
        ct = Ciphertext.from_json(obj)
        expected, _ = encrypt(key, value, Scalar.from_hex(randomness))
    except (CryptoError, TypeError, KeyError) as exc:
        raise InvalidBallot(f"{where}: cannot re-encrypt ({exc})") from exc
    if expected != ct:
        raise InvalidBallot(f"{where}: the revealed value and randomness do not give the published ciphertext")


def _check_reveal(key: Point, question: Question, answer: dict[str, Any], reveal: Any, where: str) -> list[int]:
    if not isinstance(reveal, dict) or set(reveal) != REVEAL_KEYS or reveal["question"] != question.id:
        raise InvalidBallot(f"{where}: malformed reveal for question {question.id!r}")
    votes, rands = reveal["choices"], reveal["randomness"]
    if not isinstance(votes, list) or not isinstance(rands, list) or len(rands) != len(question.options):
        raise InvalidBallot(f"{where}: expected one value and one randomness per option")
    check_choices(question, votes)
    for i, (value, r) in enumerate(zip(votes, rands, strict=True)):
        _reencrypts(key, answer["choices"][i], value, r, f"{where}.choices[{i}]")
    if question.has_blank_ciphertext:
        if reveal["blank"] != (1 if sum(votes) == 0 else 0):
            raise InvalidBallot(f"{where}: the blank flag contradicts the choices")
        _reencrypts(key, answer["blank"], reveal["blank"], reveal["blank_randomness"], f"{where}.blank")
    elif reveal["blank"] is not None or reveal["blank_randomness"] is not None:
        raise InvalidBallot(f"{where}: question {question.id} has no blank flag")
    return votes


def check_spoiled(obj: Any) -> list[list[int]]:
    """Verify a spoiled-ballot file; return the revealed votes per question. Raises InvalidBallot."""
    keys = {"format", "election", "manifest", "ballot", "reveal"}
    if not isinstance(obj, dict) or set(obj) != keys or obj["format"] != FORMAT:
        raise InvalidBallot(f"not a {FORMAT} file")
    try:
        manifest = Manifest.from_json(obj["manifest"])
        public_key = Point.from_hex(obj["election"]["public_key"])
    except (CryptoError, TypeError, KeyError) as exc:
        raise InvalidBallot(f"election or manifest malformed: {exc}") from exc
    if obj["election"].get("manifest") != manifest.hash().hex():
        raise InvalidBallot("the manifest does not belong to the election")
    election = Election(manifest, public_key, canonical.hash_json(obj["election"]))
    ballot = obj["ballot"]
    if not isinstance(ballot, dict) or set(ballot) != {"election", "credential", "answers"}:
        raise InvalidBallot("ballot: expected an unsigned ballot")
    if ballot["election"] != election.fingerprint.hex():
        raise InvalidBallot("ballot: made for another election (fingerprint differs)")
    reveals, answers = obj["reveal"], ballot["answers"]
    n = len(manifest.questions)
    if not isinstance(reveals, list) or not isinstance(answers, list) or len(reveals) != n or len(answers) != n:
        raise InvalidBallot(f"expected {n} answers and {n} reveals")
    try:
        credential = canonical.from_hex(ballot["credential"], 32, "ballot.credential")
    except CryptoError as exc:
        raise InvalidBallot(str(exc)) from exc
    context = election.proof_context(credential)
    result = []
    for i, question in enumerate(manifest.questions):
        verify_answer(election, context, question, answers[i], f"ballot.answers[{i}]")
        result.append(_check_reveal(public_key, question, answers[i], reveals[i], f"reveal[{i}]"))
    return result
