"""Canonical JSON: the one encoding of every record file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot_crypto import canonical
from ballot_crypto.errors import InvalidEncoding

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-canonical.MAX_INT, canonical.MAX_INT) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def test_sorted_keys_no_whitespace_utf8() -> None:
    assert canonical.dumps({"b": [1, 2], "a": "ä€\n\"\\/\x01"}) == (
        '{"a":"ä€\\n\\"\\\\/\\u0001","b":[1,2]}'.encode()
    )


def test_keys_sorted_by_code_point() -> None:
    assert canonical.dumps({"é": 1, "z": 2, "Z": 3, "𝔸": 4}) == '{"Z":3,"z":2,"é":1,"𝔸":4}'.encode()


@pytest.mark.parametrize("value", [1.5, float("nan"), 2**53, -(2**53), {1: "x"}, b"bytes", {"a": {3.0}}, "\ud800"])
def test_rejects_what_is_not_canonical_json(value: object) -> None:
    with pytest.raises(InvalidEncoding):
        canonical.dumps(value)


@pytest.mark.parametrize(
    "text",
    ['{"b":1,"a":2}', '{"a": 1}', '{"a":1.0}', '{"a":1e3}', '{"a":-0}', '{"a":1,"a":2}', "NaN", '"\\u00e4"', "[1,]",
     '{"a":1}\n', '"\\/"'],
)
def test_loads_rejects_non_canonical_input(text: str) -> None:
    with pytest.raises(InvalidEncoding):
        canonical.loads(text)


def test_loads_rejects_invalid_utf8() -> None:
    with pytest.raises(InvalidEncoding):
        canonical.loads(b'"\xff"')


@given(json_values)
def test_round_trip(value: object) -> None:
    data = canonical.dumps(value)
    assert canonical.loads(data) == value
    assert canonical.dumps(canonical.loads(data)) == data


def test_json_lines_and_hashes() -> None:
    assert b"".join(canonical.dumps_lines([{"a": 1}, [2]])) == b'{"a":1}\n[2]\n'
    assert canonical.hash_json_hex({}) == canonical.sha256_hex(b"{}")
    assert canonical.hash_json({}) == bytes.fromhex(canonical.sha256_hex(b"{}"))


def test_from_hex() -> None:
    assert canonical.from_hex("00ff", 2) == b"\x00\xff"
    for bad in ("00FF", "00f", "00 f", "0g00", 7):
        with pytest.raises(InvalidEncoding):
            canonical.from_hex(bad, 2)
