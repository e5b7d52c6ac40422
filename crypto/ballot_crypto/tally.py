"""Homomorphic aggregation, trustees' decryption shares and the result (docs/election-record.md 3.9 - 3.11)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot_crypto.dlog import DiscreteLog
from ballot_crypto.elgamal import Ciphertext
from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, Rng, Scalar
from ballot_crypto.manifest import Manifest, Question
from ballot_crypto.proofs import DleqProof
from ballot_crypto.threshold import (
    DecryptionShare,
    combine_decryption,
    decryption_share,
    verify_decryption_share,
)


class TallyError(CryptoError):
    """Shares missing, invalid or inconsistent with the aggregates."""


@dataclass
class QuestionAggregate:
    question: str
    choices: list[Ciphertext]
    blank: Ciphertext | None

    def ciphertexts(self) -> list[Ciphertext]:
        """The choice sums, then the blank-flag sum if there is one (the order shares follow)."""
        return self.choices + ([] if self.blank is None else [self.blank])

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "choices": [ct.to_json() for ct in self.choices],
                "blank": None if self.blank is None else self.blank.to_json()}


@dataclass
class Aggregates:
    """The component-wise sums of the counted ballots, per question and option (and blank flag)."""

    ballots: int
    questions: list[QuestionAggregate]

    @classmethod
    def empty(cls, manifest: Manifest) -> Aggregates:
        return cls(0, [
            QuestionAggregate(q.id, [Ciphertext.zero() for _ in q.options],
                              Ciphertext.zero() if q.has_blank_ciphertext else None)
            for q in manifest.questions
        ])

    def add_ballot(self, ballot: Mapping[str, Any]) -> None:
        """Add a (verified) ballot's ciphertexts; its points are checked on the way."""
        for agg, answer in zip(self.questions, ballot["answers"], strict=True):
            agg.choices = [s + Ciphertext.from_json(ct) for s, ct in zip(agg.choices, answer["choices"], strict=True)]
            if agg.blank is not None:
                agg.blank = agg.blank + Ciphertext.from_json(answer["blank"])
        self.ballots += 1

    def merge(self, other: Aggregates) -> None:
        """Add another partial sum (from another worker) into this one."""
        for mine, theirs in zip(self.questions, other.questions, strict=True):
            mine.choices = [a + b for a, b in zip(mine.choices, theirs.choices, strict=True)]
            if mine.blank is not None and theirs.blank is not None:
                mine.blank = mine.blank + theirs.blank
        self.ballots += other.ballots

    def to_json(self) -> dict[str, Any]:
        return {"ballots": self.ballots, "questions": [q.to_json() for q in self.questions]}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Aggregates:
        """Parse aggregates.json (points checked; the identity is allowed)."""
        return cls(obj["ballots"], [
            QuestionAggregate(q["question"], [Ciphertext.from_json(ct) for ct in q["choices"]],
                              None if q["blank"] is None else Ciphertext.from_json(q["blank"]))
            for q in obj["questions"]
        ])


def aggregate(manifest: Manifest, ballots: Iterable[Mapping[str, Any]]) -> Aggregates:
    """Sum the counted ballots."""
    result = Aggregates.empty(manifest)
    for ballot in ballots:
        result.add_ballot(ballot)
    return result


def _share_json(share: DecryptionShare) -> dict[str, Any]:
    return {"factor": share.factor.hex(), "proof": share.proof.to_json()}


def trustee_shares(
    fingerprint: bytes, secret_share: Scalar, trustee: int, aggregates: Aggregates, *, rng: Rng | None = None
) -> dict[str, Any]:
    """A trustee's entry of decryption.json: a share with a proof (context F) per aggregate ciphertext."""
    questions = []
    for agg in aggregates.questions:
        shares = [_share_json(decryption_share(fingerprint, secret_share, trustee, ct, rng=rng))
                  for ct in agg.ciphertexts()]
        blank = shares.pop() if agg.blank is not None else None
        questions.append({"question": agg.question, "choices": shares, "blank": blank})
    return {"index": trustee, "questions": questions}


def _parse_shares(entry: Mapping[str, Any], aggregates: Aggregates) -> list[list[DecryptionShare]]:
    trustee = entry["index"]
    parsed = []
    for agg, question in zip(aggregates.questions, entry["questions"], strict=True):
        if question["question"] != agg.question:
            raise TallyError(f"trustee {trustee}: shares for question {question['question']!r} out of order")
        raw = question["choices"] + ([] if agg.blank is None else [question["blank"]])
        parsed.append([DecryptionShare(trustee, Point.from_hex(s["factor"], allow_identity=True),
                                       DleqProof.from_json(s["proof"])) for s in raw])
    return parsed


def _counts(question: Question, values: Sequence[int], ballots: int) -> dict[str, Any]:
    counts = {option.id: value for option, value in zip(question.options, values, strict=False)}
    if question.has_blank_ciphertext:
        blank = values[-1]
    elif question.min == 0:
        blank = ballots - sum(counts.values())
    else:
        blank = 0
    return {"question": question.id, "counts": counts, "blank": blank}


def combine(
    manifest: Manifest,
    fingerprint: bytes,
    aggregates: Aggregates,
    entries: Sequence[Mapping[str, Any]],
    verification_keys: Mapping[int, Point],
    threshold: int,
) -> dict[str, Any]:
    """Check every share's proof, combine the shares of the trustees present and return result.json."""
    indices = [entry["index"] for entry in entries]
    if len(set(indices)) != len(indices) or len(indices) < threshold:
        raise TallyError(f"need shares of at least {threshold} distinct trustees, got {sorted(indices)}")
    try:
        per_trustee = [_parse_shares(entry, aggregates) for entry in entries]
    except (CryptoError, KeyError, TypeError, ValueError) as exc:
        raise TallyError(f"malformed decryption shares: {exc}") from exc
    questions = []
    for qi, (question, agg) in enumerate(zip(manifest.questions, aggregates.questions, strict=True)):
        maxima = [option.max for option in question.options] + ([1] if agg.blank is not None else [])
        values = []
        for ci, ct in enumerate(agg.ciphertexts()):
            shares = [shares_of[qi][ci] for shares_of in per_trustee]
            for share in shares:
                key = verification_keys.get(share.trustee)
                if key is None or not verify_decryption_share(fingerprint, key, ct, share):
                    raise TallyError(f"trustee {share.trustee}: share for {question.id}[{ci}] does not verify")
            point = combine_decryption(ct, shares)
            values.append(DiscreteLog(aggregates.ballots * maxima[ci]).solve(point))
        questions.append(_counts(question, values, aggregates.ballots))
    return {"ballots": aggregates.ballots, "questions": questions}
