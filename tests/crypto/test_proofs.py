"""Schnorr, range (disjunctive Chaum-Pedersen) and DLEQ proofs: completeness, soundness checks, robustness."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto import proofs
from ballot_crypto.elgamal import Ciphertext, encrypt
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import IDENTITY_BYTES, Point, Scalar
from ballot_crypto.proofs import (
    DleqProof,
    RangeProof,
    SchnorrProof,
    prove_dleq,
    prove_range,
    prove_secret_key,
    verify_dleq,
    verify_range,
    verify_secret_key,
)
from ballot_crypto.transcript import challenge

FAST = settings(settings.get_profile("ballot-crypto"))
CTX = b"election-fingerprint"
ZERO, ONE = Scalar.from_int(0), Scalar.from_int(1)
scalars = st.integers(min_value=1, max_value=2**252).map(Scalar.from_int)


def _tweak(s: Scalar) -> Scalar:
    return s + ONE


@FAST
@given(scalars, scalars)
def test_schnorr(secret: Scalar, other: Scalar) -> None:
    public = Point.base_mul(secret)
    proof = prove_secret_key(CTX, secret)
    assert verify_secret_key(CTX, public, proof)
    assert SchnorrProof.from_json(proof.to_json()) == proof
    assert not verify_secret_key(CTX + b"x", public, proof)
    assert not verify_secret_key(CTX, Point.base_mul(secret + other), proof)
    assert not verify_secret_key(CTX, public, replace(proof, challenge=_tweak(proof.challenge)))
    assert not verify_secret_key(CTX, public, replace(proof, response=_tweak(proof.response)))
    assert not verify_secret_key(CTX, public, SchnorrProof(ZERO, ZERO))
    assert not verify_secret_key(CTX, Point.IDENTITY, proof)


@FAST
@given(scalars, st.integers(min_value=0, max_value=50), st.booleans())
def test_dleq(secret: Scalar, m: int, identity_alpha: bool) -> None:
    base2 = Point.IDENTITY if identity_alpha else Point.base_mul(secret + Scalar.from_int(m))
    p1, p2 = Point.G * secret, base2 * secret
    proof = prove_dleq(CTX, secret, Point.G, base2)
    assert verify_dleq(CTX, Point.G, p1, base2, p2, proof)
    assert DleqProof.from_json(proof.to_json()) == proof
    assert not verify_dleq(CTX[:-1], Point.G, p1, base2, p2, proof)
    assert not verify_dleq(CTX, Point.G, p1, base2, p2 + Point.G, proof)
    assert not verify_dleq(CTX, Point.G, p1 + Point.G, base2, p2, proof)
    assert not verify_dleq(CTX, Point.G, p1, base2, p2, replace(proof, challenge=_tweak(proof.challenge)))
    assert not verify_dleq(CTX, Point.G, p1, base2, p2, replace(proof, response=_tweak(proof.response)))
    assert not verify_dleq(CTX, Point.IDENTITY, Point.IDENTITY, base2, p2, proof)
    assert not verify_dleq(CTX, Point.G, p1, base2, p2, DleqProof(ZERO, ZERO))


ranges = (
    st.tuples(st.integers(0, 3), st.integers(0, 3))
    .map(sorted)
    .flatmap(lambda b: st.tuples(st.just(b[0]), st.just(b[1]), st.integers(b[0], b[1])))
)


@FAST
@given(ranges)
def test_range_proof(keypair: tuple[Scalar, Point], bounds: tuple[int, int, int]) -> None:
    lo, hi, m = bounds
    public = keypair[1]
    ct, r = encrypt(public, m)
    proof = prove_range(CTX, public, ct, m, r, lo, hi)
    assert verify_range(CTX, public, ct, lo, hi, proof)
    assert RangeProof.from_json(proof.to_json()) == proof
    lazy = Ciphertext.from_json(ct.to_json(), lazy=True)
    assert verify_range(CTX, public, lazy, lo, hi, proof)
    assert not verify_range(CTX + b"!", public, ct, lo, hi, proof)  # another election / credential
    assert not verify_range(CTX, public, ct, lo, hi + 1, proof)  # another statement: bounds
    assert not verify_range(CTX, public, ct, lo + 1, hi + 1, proof)
    assert not verify_range(CTX, Point.base_mul(keypair[0] + ONE), ct, lo, hi, proof)  # another key
    other, _ = encrypt(public, m)
    assert not verify_range(CTX, public, other, lo, hi, proof)  # another ciphertext
    assert not verify_range(CTX, public, ct + Ciphertext(Point.IDENTITY, Point.G), lo, hi, proof)
    for k in range(hi - lo + 1):
        cs, zs = list(proof.challenges), list(proof.responses)
        cs[k] = _tweak(cs[k])
        assert not verify_range(CTX, public, ct, lo, hi, RangeProof(tuple(cs), proof.responses))
        zs[k] = _tweak(zs[k])
        assert not verify_range(CTX, public, ct, lo, hi, RangeProof(proof.challenges, tuple(zs)))
    n = hi - lo + 1
    assert not verify_range(CTX, public, ct, lo, hi, RangeProof((ZERO,) * n, (ZERO,) * n))


def test_range_proof_rejects_values_outside(keypair: tuple[Scalar, Point]) -> None:
    public = keypair[1]
    ct, r = encrypt(public, 2)
    with pytest.raises(CryptoError):
        prove_range(CTX, public, ct, 2, r, 0, 1)
    # A valid proof for [0, 2] with one branch dropped does not prove [0, 1].
    proof = prove_range(CTX, public, ct, 2, r, 0, 2)
    assert not verify_range(CTX, public, ct, 0, 1, RangeProof(proof.challenges[:2], proof.responses[:2]))
    assert not verify_range(CTX, public, ct, 1, 2, RangeProof(proof.challenges[1:], proof.responses[1:]))


def test_range_verifier_never_raises_on_crafted_input(keypair: tuple[Scalar, Point]) -> None:
    public = keypair[1]
    ct, r = encrypt(public, 1)
    proof = prove_range(CTX, public, ct, 1, r, 0, 1)
    identity = Ciphertext(Point.IDENTITY, Point.IDENTITY)
    small_order = Point.from_bytes(bytes(32), lazy=True)
    non_canonical = Point.from_bytes((2**255 - 19 + 1).to_bytes(32, "little"), lazy=True)
    crafted = [
        (public, identity, 0, 1, proof),
        (public, identity, 0, 0, RangeProof((ZERO,), (ZERO,))),
        (Point.IDENTITY, ct, 0, 1, proof),
        (public, Ciphertext(small_order, ct.beta), 0, 1, proof),
        (public, Ciphertext(ct.alpha, small_order), 0, 1, proof),
        (public, Ciphertext(ct.alpha, non_canonical), 1, 2, proof),
        (public, ct, 1, 0, proof),
        (public, ct, -1, 0, proof),
        (public, ct, True, 1, proof),
        (public, ct, 0, 1, RangeProof(proof.challenges, proof.responses[:1])),
        (public, ct, 0, 1, RangeProof((), ())),
        (public, ct, 0, 1, None),
    ]
    for statement in crafted:
        assert verify_range(CTX, *statement) is False  # type: ignore[arg-type]
    # A ciphertext with r = 0 (alpha = identity) still proves correctly: the identity is handled, not an error.
    zero_r = Ciphertext(Point.IDENTITY, Point.G)
    assert verify_range(CTX, public, zero_r, 0, 1, prove_range(CTX, public, zero_r, 1, ZERO, 0, 1))


def test_proof_json_rejects_malformed() -> None:
    bad_scalar = (2**252 + 27742317777372353535851937790883648493).to_bytes(32, "little").hex()
    good = "00" * 32
    for obj in (
        {},
        {"challenge": good},
        {"challenge": bad_scalar, "response": good},
        {"challenge": 1, "response": good},
    ):
        with pytest.raises(InvalidEncoding):
            SchnorrProof.from_json(obj)
    for obj in ({"challenges": [good], "responses": []}, {"challenges": [], "responses": []}, {"challenges": good}):
        with pytest.raises(InvalidEncoding):
            RangeProof.from_json(obj)


def test_verify_range_cost_is_three_variable_mults_per_value(
    keypair: tuple[Scalar, Point], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 0/1 proof costs 6 variable-base mults, 2 base mults and 5 additions (see docs/crypto.md)."""
    counts = {"mul": 0, "base": 0}
    mul, base = proofs.mul_bytes, proofs.base_mul_bytes

    def counting_mul(s: bytes, p: bytes) -> bytes:
        counts["mul"] += 1
        return mul(s, p)

    def counting_base(s: bytes) -> bytes:
        counts["base"] += 1
        return base(s)

    public = keypair[1]
    ct, r = encrypt(public, 0)
    proof = prove_range(CTX, public, ct, 0, r, 0, 1)
    monkeypatch.setattr(proofs, "mul_bytes", counting_mul)
    monkeypatch.setattr(proofs, "base_mul_bytes", counting_base)
    assert verify_range(CTX, public, Ciphertext.from_json(ct.to_json(), lazy=True), 0, 1, proof)
    assert counts == {"mul": 6, "base": 2}
    assert IDENTITY_BYTES not in (ct.alpha.to_bytes(), ct.beta.to_bytes())


@FAST
@given(scalars)
def test_challenge_over_a_changed_commitment_fails(secret: Scalar) -> None:
    """Challenges recomputed for a changed commitment, with the old responses, do not verify."""
    public = Point.base_mul(secret)
    proof = prove_secret_key(CTX, secret)
    commit = Point.base_mul(proof.response) - public * proof.challenge
    changed = challenge(proofs.DOMAIN_SCHNORR, CTX, Point.G, public, commit + Point.G)
    assert not verify_secret_key(CTX, public, replace(proof, challenge=changed))

    ct, r = encrypt(public, 1)
    rp = prove_range(CTX, public, ct, 1, r, 0, 1)
    commits = []
    for j, c, z in zip((0, 1), rp.challenges, rp.responses, strict=True):
        commits += [Point.base_mul(z) - ct.alpha * c, public * z - (ct.beta - Point.encode_int(j)) * c]
    assert challenge(proofs.DOMAIN_RANGE, CTX, Point.G, public, ct.alpha, ct.beta, 0, 1, commits) == (
        rp.challenges[0] + rp.challenges[1]
    )
    commits[0] = commits[0] + Point.G
    total = challenge(proofs.DOMAIN_RANGE, CTX, Point.G, public, ct.alpha, ct.beta, 0, 1, commits)
    adjusted = (rp.challenges[0], total - rp.challenges[0])
    assert not verify_range(CTX, public, ct, 0, 1, RangeProof(adjusted, rp.responses))
