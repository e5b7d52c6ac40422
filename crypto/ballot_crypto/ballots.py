"""Encrypted ballots: encrypt + prove + sign a member's choices, and verify a ballot (docs/election-record.md 3.6).

Choices are given per question (manifest order) as the votes per option (option order), e.g. ``[[1, 0, 0]]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.signing

from ballot_crypto import canonical
from ballot_crypto.elgamal import Ciphertext, encrypt
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import Point, Rng, Scalar
from ballot_crypto.manifest import Manifest, Question
from ballot_crypto.proofs import RangeProof, prove_range, verify_range

SIGNATURE_DOMAIN = "ballot-crypto/ballot/1"
ANSWER_KEYS = {"question", "choices", "choice_proofs", "blank", "blank_proof", "total_proof"}
BALLOT_KEYS = {"election", "credential", "answers", "signature"}


class InvalidBallot(CryptoError):
    """A ballot that is malformed, does not match the manifest, or whose proofs or signature fail."""


@dataclass(frozen=True)
class Election:
    """What a voter's device needs to encrypt: the manifest, the joint public key and the fingerprint F."""

    manifest: Manifest
    public_key: Point
    fingerprint: bytes

    def proof_context(self, credential: bytes) -> bytes:
        """C = F || credential public key (ballot independence)."""
        return self.fingerprint + credential


@dataclass(frozen=True)
class AnswerSecret:
    """The plaintexts and randomness of one answer: what a Benaloh audit reveals."""

    question: str
    choices: tuple[int, ...]
    randomness: tuple[Scalar, ...]
    blank: int | None
    blank_randomness: Scalar | None


def signed_message(domain: str, payload: Any) -> bytes:
    """DOMAIN || 0x00 || canonical(payload): the message of every Ed25519 signature in the record."""
    return domain.encode("ascii") + b"\x00" + canonical.dumps(payload)


def check_choices(question: Question, votes: Sequence[int]) -> None:
    """Raise InvalidBallot unless ``votes`` is a valid answer to ``question``."""
    if len(votes) != len(question.options):
        raise InvalidBallot(f"question {question.id}: expected {len(question.options)} option values")
    for option, value in zip(question.options, votes, strict=True):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= option.max:
            raise InvalidBallot(f"question {question.id}, option {option.id}: votes must be in [0, {option.max}]")
    total = sum(votes)
    if not question.min <= total <= question.max:
        raise InvalidBallot(f"question {question.id}: {total} votes, allowed [{question.min}, {question.max}]")


def scale(ct: Ciphertext, k: int) -> Ciphertext:
    """k * C component-wise (k >= 1)."""
    if k == 1:
        return ct
    factor = Scalar.from_int(k)
    return Ciphertext(ct.alpha * factor, ct.beta * factor)


def total_range(question: Question) -> tuple[int, int]:
    """The range proved for the question total (with a blank flag: total + max*blank in [1, max])."""
    return (1, question.max) if question.has_blank_ciphertext else (question.min, question.max)


def _total(question: Question, choices: Sequence[Ciphertext], blank: Ciphertext | None) -> Ciphertext:
    total = choices[0]
    for ct in choices[1:]:
        total = total + ct
    if blank is not None:
        total = total + scale(blank, question.max)
    return total


def _encrypt_answer(
    election: Election, context: bytes, question: Question, votes: Sequence[int], rng: Rng | None
) -> tuple[dict[str, Any], AnswerSecret]:
    key = election.public_key
    cts, rands, proofs = [], [], []
    for option, value in zip(question.options, votes, strict=True):
        ct, r = encrypt(key, value, rng=rng)
        cts.append(ct)
        rands.append(r)
        proofs.append(prove_range(context, key, ct, value, r, 0, option.max, rng=rng).to_json())
    total_m, total_r = sum(votes), rands[0]
    for r in rands[1:]:
        total_r = total_r + r
    blank_ct = blank_proof = blank_r = blank = None
    if question.has_blank_ciphertext:
        blank = 1 if total_m == 0 else 0
        blank_ct, blank_r = encrypt(key, blank, rng=rng)
        blank_proof = prove_range(context, key, blank_ct, blank, blank_r, 0, 1, rng=rng).to_json()
        total_m += question.max * blank
        total_r = total_r + Scalar.from_int(question.max) * blank_r
    lo, hi = total_range(question)
    total_proof = prove_range(context, key, _total(question, cts, blank_ct), total_m, total_r, lo, hi, rng=rng)
    answer = {
        "question": question.id,
        "choices": [ct.to_json() for ct in cts],
        "choice_proofs": proofs,
        "blank": None if blank_ct is None else blank_ct.to_json(),
        "blank_proof": blank_proof,
        "total_proof": total_proof.to_json(),
    }
    return answer, AnswerSecret(question.id, tuple(votes), tuple(rands), blank, blank_r)


def encrypt_ballot(
    election: Election, credential: bytes, choices: Sequence[Sequence[int]], *, rng: Rng | None = None
) -> tuple[dict[str, Any], list[AnswerSecret]]:
    """Encrypt and prove; returns the unsigned ballot and the secrets a Benaloh audit would reveal."""
    questions = election.manifest.questions
    if len(choices) != len(questions):
        raise InvalidBallot(f"expected answers to {len(questions)} questions")
    context = election.proof_context(credential)
    answers, secrets = [], []
    for question, votes in zip(questions, choices, strict=True):
        check_choices(question, votes)
        answer, secret = _encrypt_answer(election, context, question, votes, rng)
        answers.append(answer)
        secrets.append(secret)
    ballot = {"election": election.fingerprint.hex(), "credential": credential.hex(), "answers": answers}
    return ballot, secrets


def sign_ballot(ballot: dict[str, Any], key: nacl.signing.SigningKey) -> dict[str, Any]:
    """Add the credential's signature; the key must belong to ``ballot["credential"]``."""
    if bytes(key.verify_key).hex() != ballot["credential"]:
        raise InvalidBallot("the signing key does not belong to the ballot's credential")
    unsigned = {k: v for k, v in ballot.items() if k != "signature"}
    signature = key.sign(signed_message(SIGNATURE_DOMAIN, unsigned)).signature
    return {**unsigned, "signature": signature.hex()}


def tracker(ballot: dict[str, Any]) -> str:
    """The ballot tracker: SHA-256 of the canonical signed ballot, hex."""
    return canonical.hash_json_hex(ballot)


def _field(obj: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or set(obj) != keys:
        raise InvalidBallot(f"{where}: expected exactly the keys {sorted(keys)}")
    return obj


def _ciphertext(obj: Any, where: str) -> Ciphertext:
    try:
        ct = Ciphertext.from_json(obj, lazy=True)
    except (CryptoError, TypeError, KeyError) as exc:
        raise InvalidBallot(f"{where}: malformed ciphertext") from exc
    if ct.alpha.is_identity() or ct.beta.is_identity():
        raise InvalidBallot(f"{where}: the identity is not allowed in a ballot")
    return ct


def _range(context: bytes, key: Point, ct: Ciphertext, lo: int, hi: int, obj: Any, where: str) -> None:
    try:
        proof = RangeProof.from_json(obj)
    except (CryptoError, TypeError, KeyError) as exc:
        raise InvalidBallot(f"{where}: malformed range proof") from exc
    if not verify_range(context, key, ct, lo, hi, proof):
        raise InvalidBallot(f"{where}: range proof [{lo}, {hi}] does not verify")


def verify_answer(election: Election, context: bytes, question: Question, obj: Any, where: str) -> None:
    answer = _field(obj, ANSWER_KEYS, where)
    if answer["question"] != question.id:
        raise InvalidBallot(f"{where}: expected question {question.id!r}")
    cts, proofs = answer["choices"], answer["choice_proofs"]
    n = len(question.options)
    if not isinstance(cts, list) or not isinstance(proofs, list) or len(cts) != n or len(proofs) != n:
        raise InvalidBallot(f"{where}: expected {n} choices and {n} choice proofs")
    key = election.public_key
    parsed = [_ciphertext(ct, f"{where}.choices[{i}]") for i, ct in enumerate(cts)]
    for i, (option, ct) in enumerate(zip(question.options, parsed, strict=True)):
        _range(context, key, ct, 0, option.max, proofs[i], f"{where}.choice_proofs[{i}]")
    blank = None
    if question.has_blank_ciphertext:
        if answer["blank"] is None or answer["blank_proof"] is None:
            raise InvalidBallot(f"{where}: question {question.id} needs a blank flag")
        blank = _ciphertext(answer["blank"], f"{where}.blank")
        _range(context, key, blank, 0, 1, answer["blank_proof"], f"{where}.blank_proof")
    elif answer["blank"] is not None or answer["blank_proof"] is not None:
        raise InvalidBallot(f"{where}: question {question.id} has no blank flag")
    lo, hi = total_range(question)
    try:
        total = _total(question, parsed, blank)
    except CryptoError as exc:
        raise InvalidBallot(f"{where}: invalid point in a ciphertext") from exc
    _range(context, key, total, lo, hi, answer["total_proof"], f"{where}.total_proof")


def verify_ballot(election: Election, ballot: Any) -> str:
    """Check structure, every proof and the signature; return the tracker. Raises InvalidBallot."""
    ballot = _field(ballot, BALLOT_KEYS, "ballot")
    if ballot["election"] != election.fingerprint.hex():
        raise InvalidBallot("ballot: made for another election (fingerprint differs)")
    try:
        credential = canonical.from_hex(ballot["credential"], 32, "ballot.credential")
        signature = canonical.from_hex(ballot["signature"], 64, "ballot.signature")
    except InvalidEncoding as exc:
        raise InvalidBallot(str(exc)) from exc
    answers, questions = ballot["answers"], election.manifest.questions
    if not isinstance(answers, list) or len(answers) != len(questions):
        raise InvalidBallot(f"ballot.answers: expected {len(questions)} answers")
    context = election.proof_context(credential)
    for i, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        verify_answer(election, context, question, answer, f"ballot.answers[{i}]")
    unsigned = {k: v for k, v in ballot.items() if k != "signature"}
    try:
        nacl.signing.VerifyKey(credential).verify(signed_message(SIGNATURE_DOMAIN, unsigned), signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError) as exc:
        raise InvalidBallot("ballot.signature: does not verify under the credential") from exc
    return tracker(ballot)
