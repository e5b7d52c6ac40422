"""t-of-n threshold keys: a Feldman-verifiable DKG, decryption shares with DLEQ proofs, Lagrange combination.

Trustees are numbered 1..n. Trustee i picks f_i(X) = a_i0 + a_i1 X + ... + a_i(t-1) X^(t-1), publishes
C_ik = G*a_ik with a Schnorr proof each, and sends s_ij = f_i(j) to trustee j. Trustee j's key share is
x_j = sum_i s_ij; anyone computes X_j = G*x_j from the commitments; the joint key is sum_i C_i0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import nacl.bindings as sodium
import nacl.exceptions
import nacl.public

from ballot_crypto.elgamal import Ciphertext
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import IDENTITY, Point, Rng, Scalar, random_bytes
from ballot_crypto.proofs import DleqProof, SchnorrProof, prove_dleq, prove_secret_key, verify_dleq, verify_secret_key

_REJECT = (CryptoError, TypeError, AttributeError, ValueError, OverflowError)


def coefficient_context(context: bytes, trustee: int, k: int) -> bytes:
    """Context of the Schnorr proof for C_trustee,k: context || u32be(trustee) || u32be(k)."""
    return context + trustee.to_bytes(4, "big") + k.to_bytes(4, "big")


@dataclass(frozen=True)
class TrusteePolynomial:
    """Trustee `index`'s secret polynomial (coefficients a_0 .. a_(t-1), all nonzero)."""

    index: int
    coefficients: tuple[Scalar, ...]

    @classmethod
    def generate(cls, index: int, threshold: int, *, rng: Rng | None = None) -> TrusteePolynomial:
        """A random polynomial of degree threshold-1 for trustee index (>= 1)."""
        if index < 1 or threshold < 1:
            raise CryptoError("trustee index and threshold must be >= 1")
        return cls(index, tuple(Scalar.random(rng) for _ in range(threshold)))

    def commitments(self) -> list[Point]:
        """Feldman commitments G*a_k."""
        return [Point.base_mul(a) for a in self.coefficients]

    def share_for(self, j: int) -> Scalar:
        """s_index,j = f(j) for trustee j >= 1."""
        if j < 1:
            raise CryptoError("trustee numbers start at 1")
        x, acc = Scalar.from_int(j), Scalar.from_int(0)
        for a in reversed(self.coefficients):
            acc = acc * x + a
        return acc

    def proofs(self, context: bytes, *, rng: Rng | None = None) -> list[SchnorrProof]:
        """One Schnorr proof per coefficient, with context coefficient_context(context, index, k)."""
        return [
            prove_secret_key(coefficient_context(context, self.index, k), a, rng=rng)
            for k, a in enumerate(self.coefficients)
        ]


def verify_commitments(
    context: bytes, trustee: int, commitments: Sequence[Point], proofs: Sequence[SchnorrProof]
) -> bool:
    """Check a trustee's Schnorr proofs for all its commitments."""
    try:
        return len(commitments) == len(proofs) > 0 and all(
            verify_secret_key(coefficient_context(context, trustee, k), c, p)
            for k, (c, p) in enumerate(zip(commitments, proofs, strict=True))
        )
    except _REJECT:
        return False


def _evaluate(commitments: Sequence[Point], j: int) -> Point:
    """sum_k C_k * j^k (Horner)."""
    x, acc = Scalar.from_int(j), IDENTITY
    for c in reversed(commitments):
        acc = acc * x + c
    return acc


def verify_share(commitments: Sequence[Point], j: int, share: Scalar) -> bool:
    """Check G*share == sum_k C_k * j^k (the share trustee j received from the committing trustee)."""
    try:
        return j >= 1 and len(commitments) > 0 and Point.base_mul(share) == _evaluate(commitments, j)
    except _REJECT:
        return False


def _check_shape(all_commitments: Sequence[Sequence[Point]]) -> None:
    if not all_commitments or len({len(c) for c in all_commitments}) != 1 or not all_commitments[0]:
        raise CryptoError("every trustee must publish the same, nonzero number of commitments")


def joint_public_key(all_commitments: Sequence[Sequence[Point]]) -> Point:
    """The election public key: sum over trustees of C_i0."""
    _check_shape(all_commitments)
    return sum((c[0] for c in all_commitments[1:]), all_commitments[0][0])


def verification_key(all_commitments: Sequence[Sequence[Point]], j: int) -> Point:
    """X_j = G*x_j = sum_k (sum_i C_ik) * j^k, computable by anyone."""
    _check_shape(all_commitments)
    if j < 1:
        raise CryptoError("trustee numbers start at 1")
    summed = [sum((c[k] for c in all_commitments[1:]), all_commitments[0][k]) for k in range(len(all_commitments[0]))]
    return _evaluate(summed, j)


def combine_secret_shares(received: Sequence[Scalar]) -> Scalar:
    """x_j = sum of the shares s_ij that trustee j received (including its own s_jj)."""
    return sum(received, Scalar.from_int(0))


def lagrange_coefficient(j: int, indices: Sequence[int]) -> Scalar:
    """lambda_j = prod_{k in indices, k != j} k / (k - j) mod L, for interpolation at 0."""
    if len(set(indices)) != len(indices) or j not in indices or min(indices) < 1:
        raise CryptoError("indices must be distinct trustee numbers >= 1 and contain j")
    num, den = 1, 1
    for k in indices:
        if k != j:
            num, den = num * k, den * (k - j)
    return Scalar.from_int(num) * Scalar.from_int(den).inverse()


@dataclass(frozen=True, slots=True)
class DecryptionShare:
    """Trustee `trustee`'s factor alpha*x_j with a DLEQ proof against its verification key."""

    trustee: int
    factor: Point
    proof: DleqProof

    def to_json(self) -> dict[str, Any]:
        return {"trustee": self.trustee, "factor": self.factor.hex(), "proof": self.proof.to_json()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DecryptionShare:
        if not isinstance(obj, Mapping) or set(obj) != {"trustee", "factor", "proof"}:
            raise InvalidEncoding('a decryption share is {"trustee": int, "factor": hex, "proof": {...}}')
        trustee = obj["trustee"]
        if type(trustee) is not int or trustee < 1:
            raise InvalidEncoding("trustee numbers are integers >= 1")
        return cls(trustee, Point.from_hex(obj["factor"], allow_identity=True), DleqProof.from_json(obj["proof"]))


def decryption_share(
    context: bytes, secret_share: Scalar, trustee: int, ct: Ciphertext, *, rng: Rng | None = None
) -> DecryptionShare:
    """alpha*x_j and a proof that log_G(X_j) == log_alpha(alpha*x_j)."""
    return DecryptionShare(
        trustee, ct.alpha * secret_share, prove_dleq(context, secret_share, Point.G, ct.alpha, rng=rng)
    )


def verify_decryption_share(context: bytes, verification_key: Point, ct: Ciphertext, share: DecryptionShare) -> bool:
    """Check a decryption share against the trustee's verification key X_j."""
    try:
        return verify_dleq(context, Point.G, verification_key, ct.alpha, share.factor, share.proof)
    except _REJECT:
        return False


def combine_decryption(ct: Ciphertext, shares: Sequence[DecryptionShare]) -> Point:
    """G*m = beta - sum_j lambda_j * factor_j over the given (at least t, distinct) trustees' shares."""
    indices = [s.trustee for s in shares]
    if not shares or len(set(indices)) != len(indices):
        raise CryptoError("need decryption shares of distinct trustees")
    combined = IDENTITY
    for s in shares:
        combined = combined + s.factor * lagrange_coefficient(s.trustee, indices)
    return ct.beta - combined


def seal_share(recipient_public: bytes, share: Scalar, *, rng: Rng | None = None) -> bytes:
    """Encrypt a share to a trustee's X25519 public key; the output opens with libsodium's crypto_box_seal_open."""
    esk = random_bytes(32, rng)
    epk = sodium.crypto_scalarmult_base(esk)
    nonce = sodium.crypto_generichash_blake2b_salt_personal(epk + recipient_public, digest_size=24)
    return epk + sodium.crypto_box(share.to_bytes(), nonce, recipient_public, esk)


def open_share(recipient_private: bytes, sealed: bytes) -> Scalar:
    """Open a sealed share with the trustee's X25519 private key; raises CryptoError if it does not open."""
    try:
        plain = nacl.public.SealedBox(nacl.public.PrivateKey(recipient_private)).decrypt(sealed)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as exc:
        raise CryptoError("the sealed share does not open with this key") from exc
    return Scalar.from_bytes(plain)
