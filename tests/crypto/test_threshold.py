"""Threshold keys: DKG with Feldman commitments, decryption with every subset of t trustees, sealed shares."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import nacl.public
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto.dlog import DiscreteLog
from ballot_crypto.elgamal import encrypt
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import Point, Scalar, deterministic_rng
from ballot_crypto.threshold import (
    DecryptionShare,
    TrusteePolynomial,
    combine_decryption,
    combine_secret_shares,
    decryption_share,
    joint_public_key,
    lagrange_coefficient,
    open_share,
    seal_share,
    verification_key,
    verify_commitments,
    verify_decryption_share,
    verify_share,
)

FAST = settings(settings.get_profile("ballot-crypto"), max_examples=15)
CTX = b"manifest-hash"


def _ceremony(n: int, t: int, seed: bytes) -> tuple[list[TrusteePolynomial], dict[int, Scalar]]:
    rng = deterministic_rng(seed)
    polys = [TrusteePolynomial.generate(i, t, rng=rng) for i in range(1, n + 1)]
    secrets = {j: combine_secret_shares([p.share_for(j) for p in polys]) for j in range(1, n + 1)}
    return polys, secrets


@FAST
@given(st.sampled_from([(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)]), st.integers(0, 500), st.binary(max_size=8))
def test_every_subset_of_t_trustees_decrypts(shape: tuple[int, int], m: int, seed: bytes) -> None:
    n, t = shape
    polys, secrets = _ceremony(n, t, seed)
    commitments = [p.commitments() for p in polys]
    key = joint_public_key(commitments)
    assert key == Point.base_mul(sum((p.coefficients[0] for p in polys), Scalar.from_int(0)))
    ct, _ = encrypt(key, m)
    shares = {}
    for j, x in secrets.items():
        vk = verification_key(commitments, j)
        assert vk == Point.base_mul(x)
        shares[j] = decryption_share(CTX, x, j, ct)
        assert verify_decryption_share(CTX, vk, ct, shares[j])
        assert DecryptionShare.from_json(shares[j].to_json()) == shares[j]
    dlog = DiscreteLog(500)
    for subset in combinations(range(1, n + 1), t):
        assert dlog.solve(combine_decryption(ct, [shares[j] for j in subset])) == m
    if t > 1:  # fewer than t shares give a wrong (useless) point
        assert combine_decryption(ct, [shares[j] for j in range(1, t)]) != Point.encode_int(m)


def test_commitments_shares_and_proofs() -> None:
    polys, _ = _ceremony(3, 2, b"dkg")
    for p in polys:
        commitments, proofs = p.commitments(), p.proofs(CTX)
        assert verify_commitments(CTX, p.index, commitments, proofs)
        assert not verify_commitments(CTX + b"x", p.index, commitments, proofs)
        assert not verify_commitments(CTX, p.index % 3 + 1, commitments, proofs)  # bound to the trustee index
        assert not verify_commitments(CTX, p.index, commitments[::-1], proofs)  # and to the coefficient index
        assert not verify_commitments(CTX, p.index, commitments[:1], proofs[:1] + proofs)
        assert not verify_commitments(CTX, p.index, [], [])
        for j in (1, 2, 3):
            assert verify_share(commitments, j, p.share_for(j))
            assert not verify_share(commitments, j, p.share_for(j) + Scalar.from_int(1))
            assert not verify_share(commitments, j % 3 + 1, p.share_for(j))
        assert not verify_share(commitments, 0, p.share_for(1))
        assert not verify_share([], 1, p.share_for(1))
        assert not verify_share(commitments, "1", p.share_for(1))  # type: ignore[arg-type]
        assert not verify_commitments(CTX, 2**32, commitments, proofs)
        assert not verify_commitments(CTX, p.index, None, proofs)  # type: ignore[arg-type]


def test_decryption_share_tampering(keypair: tuple[Scalar, Point]) -> None:
    polys, secrets = _ceremony(3, 2, b"tamper")
    commitments = [p.commitments() for p in polys]
    ct, _ = encrypt(joint_public_key(commitments), 3)
    share = decryption_share(CTX, secrets[1], 1, ct)
    vk1, vk2 = verification_key(commitments, 1), verification_key(commitments, 2)
    assert verify_decryption_share(CTX, vk1, ct, share)
    assert not verify_decryption_share(CTX, vk2, ct, share)
    assert not verify_decryption_share(CTX + b"x", vk1, ct, share)
    assert not verify_decryption_share(CTX, vk1, ct, replace(share, factor=share.factor + Point.G))
    other, _ = encrypt(joint_public_key(commitments), 3)
    assert not verify_decryption_share(CTX, vk1, other, share)
    forged = replace(share, factor=Point.IDENTITY, proof=replace(share.proof, response=Scalar.from_int(0)))
    assert not verify_decryption_share(CTX, vk1, ct, forged)
    assert not verify_decryption_share(CTX, vk1, ct, None)  # type: ignore[arg-type]


def test_lagrange_and_errors() -> None:
    # Interpolating f(X) = 5 + 7X at 0 from f(2), f(5).
    f = {2: 19, 5: 40}
    total = sum(lagrange_coefficient(j, [2, 5]).value * v for j, v in f.items())
    assert total % (2**252 + 27742317777372353535851937790883648493) == 5
    for j, indices in ((1, [2, 3]), (1, [1, 1]), (0, [0, 1])):
        with pytest.raises(CryptoError):
            lagrange_coefficient(j, indices)
    with pytest.raises(CryptoError):
        TrusteePolynomial.generate(0, 2)
    with pytest.raises(CryptoError):
        joint_public_key([[Point.G], [Point.G, Point.G]])
    polys, secrets = _ceremony(2, 2, b"dup")
    ct, _ = encrypt(joint_public_key([p.commitments() for p in polys]), 1)
    share = decryption_share(CTX, secrets[1], 1, ct)
    with pytest.raises(CryptoError):
        combine_decryption(ct, [share, share])
    with pytest.raises(InvalidEncoding):
        DecryptionShare.from_json({**share.to_json(), "trustee": 0})


def test_sealed_shares() -> None:
    recipient = nacl.public.PrivateKey.generate()
    share = Scalar.random()
    sealed = seal_share(bytes(recipient.public_key), share)
    assert open_share(bytes(recipient), sealed) == share
    # Interoperable with libsodium's sealed boxes in both directions, and reproducible with an rng.
    box = nacl.public.SealedBox(recipient.public_key).encrypt(share.to_bytes())
    assert open_share(bytes(recipient), box) == share
    rng_a, rng_b = deterministic_rng(b"seal"), deterministic_rng(b"seal")
    assert seal_share(bytes(recipient.public_key), share, rng=rng_a) == seal_share(
        bytes(recipient.public_key), share, rng=rng_b
    )
    with pytest.raises(CryptoError):
        open_share(bytes(nacl.public.PrivateKey.generate()), sealed)
    with pytest.raises(CryptoError):
        open_share(bytes(recipient), sealed[:-1] + bytes([sealed[-1] ^ 1]))
