"""Canonical JSON (docs/election-record.md section 2), written from the specification.

`encode` is a small independent encoder; `parse` decodes strictly (no floats, constants or duplicate keys) and
checks that the input bytes are exactly the canonical encoding of the value. The ballot hot path uses `fast_encode`
(the standard library encoder, which section 2 names as equivalent) only on values whose every leaf type the
caller has already checked.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

MAX_INT = 2**53 - 1
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_TABLE = {i: _ESCAPES.get(chr(i), f"\\u{i:04x}") for i in range(0x20)} | {ord(k): v for k, v in _ESCAPES.items()}


class NotCanonical(ValueError):
    """The bytes are not canonical JSON, or the value cannot be encoded canonically."""


def _string(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NotCanonical("a string holds an unpaired surrogate") from None
    return '"' + text.translate(_TABLE) + '"'


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_INT:
            raise NotCanonical(f"integer {value} exceeds 2^53 - 1")
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        for i, key in enumerate(sorted(value)):  # str order is code point order
            if not isinstance(key, str):
                raise NotCanonical("object keys are strings")
            out.append(("," if i else "") + _string(key) + ":")
            _encode(value[key], out)
        out.append("}")
    else:
        raise NotCanonical(f"{type(value).__name__} is not allowed (numbers are integers)")


def encode(value: Any) -> bytes:
    """The canonical encoding of a JSON value (UTF-8, no trailing newline)."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


def fast_encode(value: Any) -> bytes:
    """The same bytes as `encode` for values made of dict, list, str, non-bool int <= 2^53 - 1 and None."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _no_float(text: str) -> Any:
    raise NotCanonical(f"number {text} is not an integer")


def _no_constant(text: str) -> Any:
    raise NotCanonical(f"{text} is not JSON")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise NotCanonical(f"duplicate key {key!r}")
        result[key] = value
    return result


def loads_strict(data: bytes) -> Any:
    """Decode UTF-8 JSON without floats, NaN/Infinity or duplicate keys (any whitespace); raises NotCanonical."""
    try:
        return json.loads(data.decode("utf-8"), parse_float=_no_float, parse_constant=_no_constant,
                          object_pairs_hook=_pairs)
    except UnicodeDecodeError as exc:
        raise NotCanonical(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise NotCanonical(f"not JSON ({exc.msg} at character {exc.pos})") from None


def parse(data: bytes) -> Any:
    """Decode canonical JSON; raises NotCanonical (with the reason) for anything else."""
    value = loads_strict(data)
    if encode(value) != data:
        raise NotCanonical("not in canonical encoding (key order, whitespace, escapes or number form)")
    return value


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_hex(value: Any) -> str:
    """hash(v) = SHA-256(canonical(v)), hex."""
    return sha256_hex(encode(value))
