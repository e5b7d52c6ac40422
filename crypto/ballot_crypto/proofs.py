"""Non-interactive zero-knowledge proofs: Schnorr, disjunctive Chaum-Pedersen range, Chaum-Pedersen DLEQ.

Proofs are stored compactly as challenges and responses; verifiers recompute the commitments and compare the
challenges with the Fiat-Shamir hash (see docs/crypto.md). The verifiers work on encodings to keep Python overhead
small, return False for every malformed or crafted input and never raise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions

from ballot_crypto.elgamal import Ciphertext
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import (
    IDENTITY_BYTES,
    L,
    Point,
    Rng,
    Scalar,
    base_mul_bytes,
    encode_int_bytes,
    mark_checked,
    mul_bytes,
)
from ballot_crypto.transcript import POINT_PREFIX, TAG_LIST, encode_item, hash_to_scalar, header

DOMAIN_SCHNORR = "schnorr"
DOMAIN_RANGE = "range"
DOMAIN_DLEQ = "dleq"

_REJECT = (CryptoError, nacl.exceptions.CryptoError, ValueError, TypeError, AttributeError, OverflowError)
_G = Point.G.to_bytes()
_sub = sodium.crypto_core_ed25519_sub


def _points(*encodings: bytes) -> bytes:
    return b"".join(POINT_PREFIX + e for e in encodings)


def _point_list(encodings: Sequence[bytes]) -> bytes:
    return bytes([TAG_LIST]) + len(encodings).to_bytes(4, "big") + _points(*encodings)


def _scalar_pair(obj: Mapping[str, Any]) -> tuple[Scalar, Scalar]:
    if not isinstance(obj, Mapping) or set(obj) != {"challenge", "response"}:
        raise InvalidEncoding('a proof is {"challenge": hex, "response": hex}')
    return Scalar.from_hex(obj["challenge"]), Scalar.from_hex(obj["response"])


@dataclass(frozen=True, slots=True)
class SchnorrProof:
    """Proof of knowledge of x with P = G*x."""

    challenge: Scalar
    response: Scalar

    def to_json(self) -> dict[str, str]:
        return {"challenge": self.challenge.hex(), "response": self.response.hex()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> SchnorrProof:
        return cls(*_scalar_pair(obj))


@dataclass(frozen=True, slots=True)
class DleqProof:
    """Proof that log_base1(public1) == log_base2(public2)."""

    challenge: Scalar
    response: Scalar

    def to_json(self) -> dict[str, str]:
        return {"challenge": self.challenge.hex(), "response": self.response.hex()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DleqProof:
        return cls(*_scalar_pair(obj))


@dataclass(frozen=True, slots=True)
class RangeProof:
    """Proof that a ciphertext encrypts some m in [lo, hi]: one challenge and one response per value."""

    challenges: tuple[Scalar, ...]
    responses: tuple[Scalar, ...]

    def to_json(self) -> dict[str, list[str]]:
        return {"challenges": [c.hex() for c in self.challenges], "responses": [z.hex() for z in self.responses]}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> RangeProof:
        if not isinstance(obj, Mapping) or set(obj) != {"challenges", "responses"}:
            raise InvalidEncoding('a range proof is {"challenges": [hex], "responses": [hex]}')
        cs, zs = obj["challenges"], obj["responses"]
        if not isinstance(cs, list) or not isinstance(zs, list) or len(cs) != len(zs) or not cs:
            raise InvalidEncoding("a range proof has equally many (at least one) challenges and responses")
        return cls(tuple(Scalar.from_hex(c) for c in cs), tuple(Scalar.from_hex(z) for z in zs))


# -- Schnorr ---------------------------------------------------------------------------------------------


def _schnorr_hash(context: bytes, public: bytes, commit: bytes) -> Scalar:
    return hash_to_scalar(header(DOMAIN_SCHNORR, context) + _points(_G, public, commit))


def prove_secret_key(context: bytes, secret: Scalar, *, rng: Rng | None = None) -> SchnorrProof:
    """Prove knowledge of secret for the public key G*secret."""
    w = Scalar.random(rng)
    c = _schnorr_hash(context, Point.base_mul(secret).to_bytes(), Point.base_mul(w).to_bytes())
    return SchnorrProof(c, w + c * secret)


def verify_secret_key(context: bytes, public: Point, proof: SchnorrProof) -> bool:
    """Check a SchnorrProof; False for the identity as public key and for anything malformed."""
    try:
        c, z, p = proof.challenge, proof.response, public._b
        if p == IDENTITY_BYTES:
            return False
        commit = _sub(base_mul_bytes(z._b), mul_bytes(c._b, p))
        mark_checked(public)
        return _schnorr_hash(context, p, commit) == c
    except _REJECT:
        return False


# -- DLEQ (Chaum-Pedersen) -------------------------------------------------------------------------------


def _dleq_hash(context: bytes, b1: bytes, p1: bytes, b2: bytes, p2: bytes, a1: bytes, a2: bytes) -> Scalar:
    return hash_to_scalar(header(DOMAIN_DLEQ, context) + _points(b1, p1, b2, p2, a1, a2))


def prove_dleq(context: bytes, secret: Scalar, base1: Point, base2: Point, *, rng: Rng | None = None) -> DleqProof:
    """Prove that base1*secret and base2*secret have the same discrete log (secret)."""
    w = Scalar.random(rng)
    enc = [p.to_bytes() for p in (base1, base1 * secret, base2, base2 * secret, base1 * w, base2 * w)]
    c = _dleq_hash(context, *enc)
    return DleqProof(c, w + c * secret)


def verify_dleq(context: bytes, base1: Point, public1: Point, base2: Point, public2: Point, proof: DleqProof) -> bool:
    """Check that log_base1(public1) == log_base2(public2); base1 must not be the identity."""
    try:
        c, z = proof.challenge._b, proof.response._b
        b1, p1, b2, p2 = base1._b, public1._b, base2._b, public2._b
        if b1 == IDENTITY_BYTES:
            return False
        zb1 = base_mul_bytes(z) if b1 == _G else mul_bytes(z, b1)
        a1 = _sub(zb1, mul_bytes(c, p1))
        a2 = _sub(mul_bytes(z, b2), mul_bytes(c, p2))
        mark_checked(base1, public1, base2, public2)
        return _dleq_hash(context, b1, p1, b2, p2, a1, a2) == proof.challenge
    except _REJECT:
        return False


# -- Range (disjunctive Chaum-Pedersen) ------------------------------------------------------------------


def _range_hash(context: bytes, h: bytes, a: bytes, b: bytes, lo: int, hi: int, commits: Sequence[bytes]) -> int:
    data = header(DOMAIN_RANGE, context) + _points(_G, h, a, b) + encode_item(lo) + encode_item(hi)
    return hash_to_scalar(data + _point_list(commits)).value


def prove_range(
    context: bytes,
    public_key: Point,
    ct: Ciphertext,
    message: int,
    randomness: Scalar,
    lo: int,
    hi: int,
    *,
    rng: Rng | None = None,
) -> RangeProof:
    """Prove that ct = (G*r, H*r + G*message) encrypts a value in [lo, hi] without revealing which."""
    if not 0 <= lo <= message <= hi:
        raise CryptoError("message outside [lo, hi]")
    alpha, beta = ct.alpha, ct.beta
    w = Scalar.random(rng)
    cs: list[Scalar] = []
    zs: list[Scalar] = []
    commits: list[bytes] = []
    for j in range(lo, hi + 1):
        if j == message:
            c = z = Scalar.from_int(0)  # filled in below
            a, b = Point.base_mul(w), public_key * w
        else:
            c, z = Scalar.random(rng), Scalar.random(rng)
            a = Point.base_mul(z) - alpha * c
            b = public_key * z - (beta - Point.encode_int(j)) * c
        cs.append(c)
        zs.append(z)
        commits += [a.to_bytes(), b.to_bytes()]
    total = Scalar.from_int(
        _range_hash(context, public_key.to_bytes(), alpha.to_bytes(), beta.to_bytes(), lo, hi, commits)
    )
    k = message - lo
    cs[k] = total - sum(cs, Scalar.from_int(0))
    zs[k] = w + cs[k] * randomness
    return RangeProof(tuple(cs), tuple(zs))


def verify_range(context: bytes, public_key: Point, ct: Ciphertext, lo: int, hi: int, proof: RangeProof) -> bool:
    """Check that ct encrypts a value in [lo, hi] under public_key (3 variable-base mults per value)."""
    try:
        return _verify_range(context, public_key, ct, lo, hi, proof)
    except _REJECT:
        return False


def _verify_range(context: bytes, public_key: Point, ct: Ciphertext, lo: int, hi: int, proof: RangeProof) -> bool:
    if type(lo) is not int or type(hi) is not int or not 0 <= lo <= hi < 2**63:
        return False
    cs, zs = proof.challenges, proof.responses
    if len(cs) != hi - lo + 1 or len(zs) != len(cs):
        return False
    h, a, b = public_key._b, ct.alpha._b, ct.beta._b
    if h == IDENTITY_BYTES:
        return False
    if lo != 0:
        ct.beta.validate()  # beta is only subtracted from, never multiplied directly
    sub, mul, base = _sub, mul_bytes, base_mul_bytes
    commits: list[bytes] = []
    total = 0
    j = lo
    for c, z in zip(cs, zs, strict=True):
        cb, zb = c._b, z._b
        bj = b if j == 0 else sub(b, encode_int_bytes(j))
        commits.append(sub(base(zb), mul(cb, a)))  # A_j = G*z_j - alpha*c_j
        commits.append(sub(mul(zb, h), mul(cb, bj)))  # B_j = H*z_j - (beta - G*j)*c_j
        total += int.from_bytes(cb, "little")
        j += 1
    mark_checked(public_key, ct.alpha, ct.beta)
    return total % L == _range_hash(context, h, a, b, lo, hi, commits)
