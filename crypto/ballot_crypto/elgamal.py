"""Exponential ElGamal over the Ed25519 prime-order group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import IDENTITY, Point, Rng, Scalar


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """alpha = G*r, beta = H*r + G*m for public key H, randomness r and message m."""

    alpha: Point
    beta: Point

    def __add__(self, other: Ciphertext) -> Ciphertext:
        """Homomorphic addition: the result encrypts the sum of the messages."""
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    @classmethod
    def zero(cls) -> Ciphertext:
        """(identity, identity): the neutral element, an encryption of 0 with r = 0."""
        return cls(IDENTITY, IDENTITY)

    def to_json(self) -> dict[str, str]:
        return {"alpha": self.alpha.hex(), "beta": self.beta.hex()}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], *, lazy: bool = False) -> Ciphertext:
        """Parse {"alpha": hex, "beta": hex}; the identity is allowed (sums may be it).

        With lazy=True the subgroup checks run on first use (a range-proof verification does them for free).
        """
        if not isinstance(obj, Mapping) or set(obj) != {"alpha", "beta"}:
            raise InvalidEncoding('a ciphertext is {"alpha": hex, "beta": hex}')
        return cls(
            Point.from_hex(obj["alpha"], allow_identity=True, lazy=lazy),
            Point.from_hex(obj["beta"], allow_identity=True, lazy=lazy),
        )


def encrypt(
    public_key: Point, message: int, randomness: Scalar | None = None, *, rng: Rng | None = None
) -> tuple[Ciphertext, Scalar]:
    """Encrypt an integer message >= 0; returns the ciphertext and the randomness r (keep it for proofs)."""
    if message < 0:
        raise CryptoError("messages are non-negative integers")
    r = Scalar.random(rng) if randomness is None else randomness
    return Ciphertext(Point.base_mul(r), public_key * r + Point.encode_int(message)), r


def decrypt_to_point(secret: Scalar, ct: Ciphertext) -> Point:
    """beta - alpha*x = G*m; the discrete log (see dlog) gives m."""
    return ct.beta - ct.alpha * secret
