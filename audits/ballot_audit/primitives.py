"""Group operations on 32-byte encodings, signatures, and parsing of points and scalars (docs/crypto.md 1).

Arithmetic comes from libsodium: the multiplications through `ballot_crypto.group` (identity-safe, and they reject
every invalid point for free), additions, subtractions, validation and Ed25519 through PyNaCl directly.
"""

from __future__ import annotations

from functools import lru_cache

import nacl.bindings as sodium
import nacl.exceptions

from ballot_crypto.errors import CryptoError
from ballot_crypto.group import IDENTITY_BYTES, L, base_mul_bytes, mul_bytes

__all__ = ["IDENTITY", "L", "SodiumError", "add", "base", "g_times", "is_valid", "mul", "point", "scalar", "sub"]

IDENTITY = IDENTITY_BYTES
SodiumError = (CryptoError, nacl.exceptions.CryptoError, ValueError, TypeError)
"""What a primitive raises for invalid input: a verifier turns it into a failed check."""

mul = mul_bytes
"""mul(s, P) = P*s; P*0 = O*s = O; raises for an invalid point."""
base = base_mul_bytes
"""base(s) = G*s."""
add = sodium.crypto_core_ed25519_add
sub = sodium.crypto_core_ed25519_sub
is_valid = sodium.crypto_core_ed25519_is_valid_point
"""True for a canonical point of the prime-order subgroup other than the identity."""
G = sodium.crypto_scalarmult_ed25519_base_noclamp((1).to_bytes(32, "little"))


@lru_cache(maxsize=1024)
def g_times(m: int) -> bytes:
    """G*m for a small integer m >= 0 (G*0 is the identity)."""
    return base((m % L).to_bytes(32, "little"))


def point(text: str, *, identity: bool = False) -> bytes | None:
    """Decode and validate a point (64 lowercase hex digits); None if invalid. `identity` admits O."""
    data = bytes.fromhex(text)
    if data == IDENTITY:
        return data if identity else None
    return data if is_valid(data) else None


def scalar(text: str) -> bytes | None:
    """Decode a canonical scalar (64 lowercase hex digits, value < L); None if non-canonical."""
    data = bytes.fromhex(text)
    return data if int.from_bytes(data, "little") < L else None


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 (RFC 8032 as libsodium checks it: S < L, small-order R and keys rejected)."""
    try:
        sodium.crypto_sign_open(signature + message, public_key)
    except SodiumError:
        return False
    return True


def signed_message(domain: str, payload: bytes) -> bytes:
    """DOMAIN || 0x00 || canonical(payload) (docs/election-record.md 1)."""
    return domain.encode("ascii") + b"\x00" + payload
