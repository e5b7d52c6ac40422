"""Canonical JSON (the record's only encoding) and SHA-256 helpers.

Canonical form: objects with keys sorted by code point, no insignificant whitespace, UTF-8, strings escaped
as in docs/election-record.md, integers only (|n| <= 2**53 - 1), no floats, no NaN, no duplicate keys.
Bytes are carried as lowercase hex strings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ballot_crypto.errors import InvalidEncoding

MAX_INT = 2**53 - 1
_HEX = frozenset("0123456789abcdef")

JSON = Any
"""A value built from dict (str keys), list, str, int, bool and None."""


def _check(value: JSON) -> None:
    """Reject what json.dumps would accept but canonical JSON does not (floats, big integers, non-str keys)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is int:
            if not -MAX_INT <= item <= MAX_INT:
                raise InvalidEncoding(f"integer {item} out of range")
        elif kind is dict:
            if any(type(key) is not str for key in item):
                raise InvalidEncoding("object keys must be strings")
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            raise InvalidEncoding(f"{kind.__name__} is not allowed in canonical JSON")


def dumps(value: JSON) -> bytes:
    """Encode a JSON value canonically (UTF-8 bytes, no trailing newline)."""
    _check(value)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidEncoding("a string is not valid Unicode (unpaired surrogate)") from exc


def _reject_float(text: str) -> None:
    raise InvalidEncoding(f"number {text} is not an integer")


def _reject_constant(text: str) -> None:
    raise InvalidEncoding(f"{text} is not allowed")


def _no_duplicates(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
    result: dict[str, JSON] = {}
    for key, item in pairs:
        if key in result:
            raise InvalidEncoding(f"duplicate key {key!r}")
        result[key] = item
    return result


def loads(data: bytes | str) -> JSON:
    """Decode JSON that must be exactly the canonical encoding of its value."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = raw.decode("utf-8")
        value = json.loads(
            text,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
            object_pairs_hook=_no_duplicates,
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidEncoding(f"not valid UTF-8 JSON: {exc}") from exc
    if dumps(value) != raw:
        raise InvalidEncoding("not in canonical encoding")
    return value


def dumps_lines(values: Iterable[JSON]) -> Iterator[bytes]:
    """JSON Lines: each value canonically encoded and terminated by one LF."""
    for value in values:
        yield dumps(value) + b"\n"


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_json(value: JSON) -> bytes:
    """SHA-256 of the canonical encoding."""
    return sha256(dumps(value))


def hash_json_hex(value: JSON) -> str:
    return hash_json(value).hex()


def from_hex(text: JSON, length: int, what: str = "value") -> bytes:
    """Parse lowercase hex of exactly ``length`` bytes."""
    if not isinstance(text, str) or len(text) != 2 * length or not _HEX.issuperset(text):
        raise InvalidEncoding(f"{what}: expected {length} bytes as lowercase hex")
    return bytes.fromhex(text)
