"""Ballots: encrypt + prove + sign for every question kind; what verification rejects; Benaloh audit."""

from __future__ import annotations

import copy
from typing import Any

import nacl.signing
import pytest

from ballot_crypto import canonical
from ballot_crypto.ballots import Election, InvalidBallot, encrypt_ballot, sign_ballot, tracker, verify_ballot
from ballot_crypto.elgamal import encrypt
from ballot_crypto.group import Point, Scalar, deterministic_rng
from ballot_crypto.manifest import Manifest, Question
from ballot_crypto.sample import approval, cumulative, manifest_with, question_of_kind
from ballot_crypto.spoil import check_spoiled, spoiled_ballot

RNG = deterministic_rng(b"test_ballots")
SECRET = Scalar.random(RNG)
KEY = nacl.signing.SigningKey(RNG(32))
OTHER_KEY = nacl.signing.SigningKey(RNG(32))


def election_for(*questions: Question) -> Election:
    manifest = manifest_with(questions, RNG)
    return Election(manifest, Point.base_mul(SECRET), canonical.hash_json({"manifest": manifest.hash().hex()}))


def cast(election: Election, choices: list[list[int]], key: nacl.signing.SigningKey = KEY) -> dict[str, Any]:
    ballot, _ = encrypt_ballot(election, bytes(key.verify_key), choices, rng=RNG)
    return sign_ballot(ballot, key)


ANSWERS = {
    "referendum": [[1, 0, 0], [0, 0, 1], [0, 0, 0]],
    "yes_no_abstain": [[0, 1, 0], [0, 0, 0]],
    "single": [[0, 0, 1, 0], [0, 0, 0, 0]],
    "approval": [[1, 0, 1, 0, 0, 0, 0, 0, 0, 1], [0] * 10, [0, 1] + [0] * 8],
    "cumulative": [[3, 0, 2, 0, 0], [0] * 5, [1, 1, 1, 1, 1], [0, 0, 0, 0, 2]],
}


@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_ballots_of_every_kind_verify(kind: str) -> None:
    election = election_for(question_of_kind(kind, "q1"))
    for answer in ANSWERS[kind]:
        ballot = cast(election, [answer])
        assert verify_ballot(election, ballot) == tracker(ballot)
        flag = ballot["answers"][0]["blank"]
        assert (flag is not None) == election.manifest.questions[0].has_blank_ciphertext


def test_multi_question_ballot_and_tracker() -> None:
    election = election_for(question_of_kind("referendum", "a"), approval("b"), cumulative("c"))
    ballot = cast(election, [[0, 1, 0], [1, 1, 1] + [0] * 7, [0, 0, 0, 0, 0]])
    assert verify_ballot(election, ballot) == canonical.hash_json_hex(ballot)
    assert [a["question"] for a in ballot["answers"]] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        ("referendum", [1, 1, 0], "allowed"),
        ("referendum", [1, 0], "3 option values"),
        ("single", [2, 0, 0, 0], r"\[0, 1\]"),
        ("approval", [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "allowed"),
        ("cumulative", [4, 0, 0, 0, 0], r"\[0, 3\]"),
        ("cumulative", [3, 3, 0, 0, 0], "allowed"),
        ("cumulative", [-1, 0, 0, 0, 0], r"\[0, 3\]"),
    ],
)
def test_wrong_choices_are_refused_when_encrypting(kind: str, answer: list[int], message: str) -> None:
    election = election_for(question_of_kind(kind, "q1"))
    with pytest.raises(InvalidBallot, match=message):
        encrypt_ballot(election, bytes(KEY.verify_key), [answer], rng=RNG)


def _loose(question: Question, **changes: Any) -> Manifest:
    obj = question.to_json() | changes
    return Manifest.from_json(manifest_with((Question.from_json(obj),)).to_json())


def test_over_limit_totals_do_not_verify() -> None:
    strict = election_for(cumulative("q1", total=5))
    loose_manifest = _loose(strict.manifest.questions[0], max=7)
    loose = Election(loose_manifest, strict.public_key, strict.fingerprint)
    ballot = cast(loose, [[3, 3, 1, 0, 0]])
    with pytest.raises(InvalidBallot, match="total_proof"):
        verify_ballot(strict, ballot)


def test_changed_ciphertext_does_not_verify() -> None:
    election = election_for(cumulative("q1"))
    ballot = cast(election, [[3, 0, 0, 0, 0]])
    bumped = copy.deepcopy(ballot)
    ct = bumped["answers"][0]["choices"][0]
    extra, _ = encrypt(election.public_key, 1, rng=RNG)
    ct["beta"] = (Point.from_hex(ct["beta"]) + extra.beta).hex()
    ct["alpha"] = (Point.from_hex(ct["alpha"]) + extra.alpha).hex()
    with pytest.raises(InvalidBallot, match=r"choice_proofs\[0\]"):
        verify_ballot(election, sign_ballot(bumped, KEY))


def test_proofs_do_not_verify_under_another_credential() -> None:
    election = election_for(question_of_kind("referendum", "q1"))
    ballot = cast(election, [[1, 0, 0]])
    copied = {k: v for k, v in ballot.items() if k != "signature"} | {"credential": bytes(OTHER_KEY.verify_key).hex()}
    with pytest.raises(InvalidBallot, match="does not verify"):
        verify_ballot(election, sign_ballot(copied, OTHER_KEY))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.update(signature="00" * 64), "signature"),
        (lambda b: b.update(election="11" * 32), "another election"),
        (lambda b: b.update(extra=1), "exactly the keys"),
        (lambda b: b["answers"].pop(), "answers"),
        (lambda b: b["answers"][0].update(question="q9"), "expected question"),
        (lambda b: b["answers"][0]["choices"].pop(), "3 choices"),
        (lambda b: b["answers"][0]["choices"][0].update(alpha="zz"), "malformed ciphertext"),
        (lambda b: b["answers"][0]["choices"][0].update(alpha="01" + "00" * 31), "identity"),
        (lambda b: b["answers"][0]["total_proof"].update(challenges=[]), "total_proof"),
        (lambda b: b["answers"][0].update(blank={"alpha": "00", "beta": "00"}), "no blank flag"),
        (lambda b: b.update(credential="xyz"), "credential"),
    ],
)
def test_malformed_or_tampered_ballots_are_rejected(change: Any, message: str) -> None:
    election = election_for(question_of_kind("referendum", "q1"))
    ballot = copy.deepcopy(cast(election, [[0, 0, 1]]))
    change(ballot)
    with pytest.raises(InvalidBallot, match=message):
        verify_ballot(election, ballot)


def test_sign_refuses_a_foreign_key() -> None:
    election = election_for(question_of_kind("referendum", "q1"))
    ballot, _ = encrypt_ballot(election, bytes(KEY.verify_key), [[1, 0, 0]], rng=RNG)
    with pytest.raises(InvalidBallot, match="does not belong"):
        sign_ballot(ballot, OTHER_KEY)


def _spoiled(choices: list[list[int]]) -> dict[str, Any]:
    manifest = manifest_with((question_of_kind("referendum", "a"), approval("b")), RNG)
    public_key = Point.base_mul(SECRET)
    election_json = {"format": "ballot-election/1", "manifest": manifest.hash().hex(), "public_key": public_key.hex()}
    election = Election(manifest, public_key, canonical.hash_json(election_json))
    ballot, secrets = encrypt_ballot(election, bytes(KEY.verify_key), choices, rng=RNG)
    return canonical.loads(canonical.dumps(spoiled_ballot(election_json, manifest, ballot, secrets)))


def test_spoiled_ballot_reveals_the_choices() -> None:
    choices = [[0, 1, 0], [0] * 10]
    assert check_spoiled(_spoiled(choices)) == choices


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["reveal"][0].update(choices=[1, 0, 0]), "do not give the published ciphertext"),
        (lambda s: s["reveal"][1].update(blank=0), "blank flag contradicts"),
        (lambda s: s["reveal"][0]["randomness"].reverse(), "do not give the published ciphertext"),
        (lambda s: s["manifest"]["title"].update(en="Other"), "does not belong"),
        (lambda s: s["ballot"].update(signature="00" * 64), "unsigned"),
        (lambda s: s.update(format="x"), "ballot-spoiled/1"),
    ],
)
def test_tampered_spoiled_ballots_fail(change: Any, message: str) -> None:
    spoiled = _spoiled([[0, 1, 0], [0] * 10])
    change(spoiled)
    with pytest.raises(InvalidBallot, match=message):
        check_spoiled(spoiled)


def test_a_signed_ballot_cannot_be_spoiled() -> None:
    election = election_for(question_of_kind("referendum", "q1"))
    with pytest.raises(InvalidBallot, match="only an unsigned"):
        spoiled_ballot({}, election.manifest, cast(election, [[1, 0, 0]]), [])
