"""Fiat-Shamir transcripts and proof verification (docs/crypto.md 3 and 5), on 32-byte encodings.

Every verifier takes canonical scalars (checked when parsed), recomputes the commitments from the verification
equations, hashes them after the statement and compares with the challenge. None of them raises: invalid points
or crafted values make them return False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ballot_audit.primitives import IDENTITY, L, SodiumError, base, g_times, mul, sub

PROTOCOL = b"ballot-crypto/v1"
_PT = b"\x04" + (32).to_bytes(4, "big")


def field(tag: int, payload: bytes) -> bytes:
    """tag || u32be(len) || payload."""
    return bytes([tag]) + len(payload).to_bytes(4, "big") + payload


def header(domain: str, context: bytes) -> bytes:
    """header(domain, context) = bytes(PROTOCOL) || text(domain) || bytes(context)."""
    return field(1, PROTOCOL) + field(2, domain.encode("utf-8")) + field(1, context)


def points(*encodings: bytes) -> bytes:
    """Pt(X) for each X."""
    return b"".join(_PT + e for e in encodings)


def integer(value: int) -> bytes:
    """Int(v) = 03 || u32be(8) || u64be(v)."""
    return field(3, value.to_bytes(8, "big"))


def list_prefix(count: int) -> bytes:
    """List(k) = 06 || u32be(k)."""
    return b"\x06" + count.to_bytes(4, "big")


def hash_to_int(transcript: bytes) -> int:
    """le^-1(SHA-512(T)) mod L."""
    return int.from_bytes(hashlib.sha512(transcript).digest(), "little") % L


def verify_schnorr(context: bytes, public: bytes, c: bytes, z: bytes) -> bool:
    """Knowledge of log_G(public): A = G*z - X*c; c == H(header("schnorr") || G || X || A)."""
    try:
        if public == IDENTITY:
            return False
        commit = sub(base(z), mul(c, public))
        t = header("schnorr", context) + points(g_times(1), public, commit)
        return hash_to_int(t) == int.from_bytes(c, "little")
    except SodiumError:
        return False


def verify_dleq(context: bytes, b1: bytes, p1: bytes, b2: bytes, p2: bytes, c: bytes, z: bytes) -> bool:
    """log_b1(p1) == log_b2(p2): A1 = b1*z - p1*c, A2 = b2*z - p2*c; c == H(header("dleq") || b1 p1 b2 p2 A1 A2)."""
    try:
        if b1 == IDENTITY:
            return False
        a1 = sub(base(z) if b1 == g_times(1) else mul(z, b1), mul(c, p1))
        a2 = sub(mul(z, b2), mul(c, p2))
        t = header("dleq", context) + points(b1, p1, b2, p2, a1, a2)
        return hash_to_int(t) == int.from_bytes(c, "little")
    except SodiumError:
        return False


def verify_range(
    hdr: bytes, h: bytes, alpha: bytes, beta: bytes, lo: int, hi: int, cs: Sequence[bytes], zs: Sequence[bytes]
) -> bool:
    """(alpha, beta) encrypts some m in [lo, hi] under h; `hdr` is header("range", context).

    For each j: A_j = G*z_j - alpha*c_j, B_j = h*z_j - (beta - G*j)*c_j; accept iff sum c_j == H(T) mod L.
    3 variable-base and 1 base multiplication per value.
    """
    n = hi - lo + 1
    if not 0 <= lo <= hi < 2**63 or len(cs) != n or len(zs) != n or h == IDENTITY:
        return False
    try:
        parts = [hdr, points(g_times(1), h, alpha, beta), integer(lo), integer(hi), list_prefix(2 * n)]
        total = 0
        for j, c, z in zip(range(lo, hi + 1), cs, zs, strict=True):
            shifted = beta if j == 0 else sub(beta, g_times(j))
            parts.append(_PT + sub(base(z), mul(c, alpha)))
            parts.append(_PT + sub(mul(z, h), mul(c, shifted)))
            total += int.from_bytes(c, "little")
        return total % L == hash_to_int(b"".join(parts))
    except SodiumError:
        return False
