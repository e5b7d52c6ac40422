"""Voting credentials: format, typo detection, key derivation."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto.credentials import (
    ALPHABET,
    generate_credential,
    parse_credential,
    public_credential,
    signing_key,
)
from ballot_crypto.errors import InvalidEncoding
from ballot_crypto.group import deterministic_rng

FAST = settings(settings.get_profile("ballot-crypto"), max_examples=50)
SALT = bytes(range(16))


@FAST
@given(st.binary(min_size=8, max_size=8))
def test_generate_parse_round_trip(seed: bytes) -> None:
    credential = generate_credential(rng=deterministic_rng(seed))
    assert len(credential) == 23 and credential.count("-") == 3
    assert parse_credential(credential) == credential
    sloppy = " ".join(credential.replace("-", "").lower()).replace("0", "o").replace("1", "l")
    assert parse_credential(sloppy) == credential


@FAST
@given(st.binary(min_size=8, max_size=8), st.integers(0, 19), st.sampled_from(ALPHABET))
def test_every_single_substitution_is_detected(seed: bytes, position: int, char: str) -> None:
    chars = list(generate_credential(rng=deterministic_rng(seed)).replace("-", ""))
    if chars[position] == char:
        return
    chars[position] = char
    with pytest.raises(InvalidEncoding, match="typo"):
        parse_credential("".join(chars))


@FAST
@given(st.binary(min_size=8, max_size=8), st.integers(0, 16))
def test_neighbour_swaps_are_detected(seed: bytes, position: int) -> None:
    chars = list(generate_credential(rng=deterministic_rng(seed)).replace("-", ""))
    if chars[position] == chars[position + 1]:
        return
    chars[position], chars[position + 1] = chars[position + 1], chars[position]
    with pytest.raises(InvalidEncoding, match="typo"):
        parse_credential("".join(chars))


def test_clear_errors() -> None:
    credential = generate_credential()
    with pytest.raises(InvalidEncoding, match="20 characters, this has 19"):
        parse_credential(credential[:-1])
    with pytest.raises(InvalidEncoding, match=r"character 3 \('U'\)"):
        parse_credential("AB" + "U" + credential[3:])
    with pytest.raises(InvalidEncoding, match="character 1"):
        parse_credential("ß" + credential[2:])  # no Unicode case mapping ("ß".upper() == "SS")
    with pytest.raises(InvalidEncoding):
        parse_credential(None)  # type: ignore[arg-type]


def test_key_derivation() -> None:
    credential = generate_credential(rng=deterministic_rng(b"cred"))
    start = time.perf_counter()
    key = signing_key(credential, SALT)
    assert time.perf_counter() - start < 0.1
    assert bytes(key.verify_key) == public_credential(credential.lower(), SALT)
    assert public_credential(credential, SALT + b"x") != bytes(key.verify_key)
    assert public_credential(generate_credential(), SALT) != bytes(key.verify_key)
    signed = key.sign(b"ballot")
    assert key.verify_key.verify(signed) == b"ballot"
