"""Tally: homomorphic aggregates, decryption shares with proofs, any t of n trustees."""

from __future__ import annotations

import itertools
from typing import Any

import nacl.signing
import pytest

from ballot_crypto import threshold
from ballot_crypto.ballots import Election, encrypt_ballot, sign_ballot
from ballot_crypto.group import Point, Scalar, deterministic_rng
from ballot_crypto.sample import approval, cumulative, manifest_with, question_of_kind
from ballot_crypto.tally import Aggregates, TallyError, aggregate, combine, trustee_shares

RNG = deterministic_rng(b"test_tally")
N, T = 4, 3
FINGERPRINT = bytes(32)
CHOICES = [
    [[1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [3, 0, 2, 0, 0]],
    [[0, 1, 0], [1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
    [[0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1], [1, 1, 1, 1, 1]],
    [[1, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0]],
]
EXPECTED = {"ballots": 4, "questions": [
    {"question": "a", "counts": {"yes": 2, "no": 1, "abstain": 0}, "blank": 1},
    {"question": "b", "counts": {f"c{i}": n for i, n in zip(range(1, 11), [1, 1, 1, 0, 0, 0, 0, 0, 0, 1],
                                                            strict=True)}, "blank": 2},
    {"question": "c", "counts": {"c1": 4, "c2": 1, "c3": 3, "c4": 1, "c5": 1}, "blank": 2},
]}


@pytest.fixture(scope="module")
def setup() -> dict[str, Any]:
    manifest = manifest_with((question_of_kind("referendum", "a"), approval("b"), cumulative("c")), RNG)
    polys = [threshold.TrusteePolynomial.generate(i, T, rng=RNG) for i in range(1, N + 1)]
    commitments = [p.commitments() for p in polys]
    secrets = {j: threshold.combine_secret_shares([p.share_for(j) for p in polys]) for j in range(1, N + 1)}
    keys = {j: threshold.verification_key(commitments, j) for j in range(1, N + 1)}
    election = Election(manifest, threshold.joint_public_key(commitments), FINGERPRINT)
    ballots = []
    for choices in CHOICES:
        key = nacl.signing.SigningKey(RNG(32))
        ballot, _ = encrypt_ballot(election, bytes(key.verify_key), choices, rng=RNG)
        ballots.append(sign_ballot(ballot, key))
    aggregates = aggregate(manifest, ballots)
    shares = {j: trustee_shares(FINGERPRINT, secrets[j], j, aggregates, rng=RNG) for j in range(1, N + 1)}
    return {"manifest": manifest, "keys": keys, "aggregates": aggregates, "shares": shares}


def test_every_subset_of_t_trustees_gives_the_result(setup: dict[str, Any]) -> None:
    for subset in itertools.combinations(range(1, N + 1), T):
        entries = [setup["shares"][j] for j in subset]
        assert combine(setup["manifest"], FINGERPRINT, setup["aggregates"], entries, setup["keys"], T) == EXPECTED
    all_shares = list(setup["shares"].values())
    assert combine(setup["manifest"], FINGERPRINT, setup["aggregates"], all_shares, setup["keys"], T) == EXPECTED


def test_aggregates_json_round_trip_and_merge(setup: dict[str, Any]) -> None:
    aggregates: Aggregates = setup["aggregates"]
    assert Aggregates.from_json(aggregates.to_json()).to_json() == aggregates.to_json()
    merged = Aggregates.empty(setup["manifest"])
    merged.merge(aggregates)
    assert merged.to_json() == aggregates.to_json()
    assert aggregates.to_json()["ballots"] == 4


def test_too_few_or_duplicate_trustees(setup: dict[str, Any]) -> None:
    shares = setup["shares"]
    for entries in ([shares[1], shares[2]], [shares[1], shares[1], shares[2]]):
        with pytest.raises(TallyError, match="at least 3 distinct"):
            combine(setup["manifest"], FINGERPRINT, setup["aggregates"], entries, setup["keys"], T)


def test_a_wrong_share_is_named(setup: dict[str, Any]) -> None:
    bad = {**setup["shares"][2], "questions": [dict(q) for q in setup["shares"][2]["questions"]]}
    other = setup["shares"][3]["questions"][1]["choices"][0]
    bad["questions"][1] = {**bad["questions"][1], "choices": [other, *bad["questions"][1]["choices"][1:]]}
    entries = [setup["shares"][1], bad, setup["shares"][4]]
    with pytest.raises(TallyError, match=r"trustee 2: share for b\[0\] does not verify"):
        combine(setup["manifest"], FINGERPRINT, setup["aggregates"], entries, setup["keys"], T)


def test_shares_for_another_election_do_not_verify(setup: dict[str, Any]) -> None:
    entries = [setup["shares"][j] for j in (1, 2, 3)]
    with pytest.raises(TallyError, match="does not verify"):
        combine(setup["manifest"], b"\x01" * 32, setup["aggregates"], entries, setup["keys"], T)


def test_malformed_share(setup: dict[str, Any]) -> None:
    bad = {**setup["shares"][1], "questions": setup["shares"][1]["questions"][:1]}
    with pytest.raises(TallyError, match="malformed"):
        combine(setup["manifest"], FINGERPRINT, setup["aggregates"], [bad, setup["shares"][2], setup["shares"][3]],
                {j: Point.base_mul(Scalar.from_int(j)) for j in range(1, 5)}, T)
