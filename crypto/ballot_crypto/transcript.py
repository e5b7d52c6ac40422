"""Domain-separated Fiat-Shamir challenges: SHA-512 over a length-prefixed, typed transcript, reduced mod L."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ballot_crypto.errors import CryptoError
from ballot_crypto.group import Point, Scalar

PROTOCOL = b"ballot-crypto/v1"

TAG_BYTES, TAG_STR, TAG_INT, TAG_POINT, TAG_SCALAR, TAG_LIST = 1, 2, 3, 4, 5, 6
POINT_PREFIX = bytes([TAG_POINT]) + (32).to_bytes(4, "big")
"""The 5 bytes that precede every point in a transcript (used by the verifiers' fast paths)."""

Item = bytes | str | int | Point | Scalar | Sequence["Item"]


def _field(tag: int, payload: bytes) -> bytes:
    return bytes([tag]) + len(payload).to_bytes(4, "big") + payload


def encode_item(item: Item) -> bytes:
    """Typed, length-prefixed encoding: tag (1 byte) || length (4 bytes, big-endian) || payload."""
    if isinstance(item, Point):
        return POINT_PREFIX + item.to_bytes()
    if isinstance(item, Scalar):
        return _field(TAG_SCALAR, item.to_bytes())
    if isinstance(item, bytes | bytearray):
        return _field(TAG_BYTES, bytes(item))
    if isinstance(item, str):
        return _field(TAG_STR, item.encode("utf-8"))
    if isinstance(item, bool) or not isinstance(item, int | Sequence):
        raise CryptoError(f"cannot put {type(item).__name__} in a transcript")
    if isinstance(item, int):
        if not 0 <= item < 2**64:
            raise CryptoError("transcript integers are in [0, 2^64)")
        return _field(TAG_INT, item.to_bytes(8, "big"))
    # A list: the length field counts elements, then the elements follow.
    return bytes([TAG_LIST]) + len(item).to_bytes(4, "big") + b"".join(encode_item(x) for x in item)


def header(domain: str, context: bytes) -> bytes:
    """PROTOCOL || domain || context, each as a length-prefixed field."""
    return _field(TAG_BYTES, PROTOCOL) + _field(TAG_STR, domain.encode("utf-8")) + _field(TAG_BYTES, context)


def hash_to_scalar(data: bytes) -> Scalar:
    """SHA-512 of data, read as a little-endian integer, reduced mod L."""
    return Scalar.from_int(int.from_bytes(hashlib.sha512(data).digest(), "little"))


def challenge(domain: str, context: bytes, *items: Item) -> Scalar:
    """The Fiat-Shamir challenge of a domain, a context (the election's identity) and a statement + commitments."""
    return hash_to_scalar(header(domain, context) + b"".join(encode_item(x) for x in items))
