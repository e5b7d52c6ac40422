"""Exponential ElGamal and the baby-step giant-step discrete log."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto.dlog import DiscreteLog
from ballot_crypto.elgamal import Ciphertext, decrypt_to_point, encrypt
from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import Point, Scalar

FAST = settings(settings.get_profile("ballot-crypto"))
DLOG = DiscreteLog(10_000)


@FAST
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_encrypt_decrypt_and_add(keypair: tuple[Scalar, Point], m1: int, m2: int) -> None:
    secret, public = keypair
    c1, r1 = encrypt(public, m1)
    c2, _ = encrypt(public, m2)
    assert DLOG.solve(decrypt_to_point(secret, c1)) == m1
    assert decrypt_to_point(secret, c1 + c2) == Point.encode_int(m1 + m2)
    assert c1 + Ciphertext.zero() == c1
    assert encrypt(public, m1, r1)[0] == c1
    assert Ciphertext.from_json(c1.to_json()) == c1 == Ciphertext.from_json(c1.to_json(), lazy=True)


def test_zero_ciphertext_round_trips() -> None:
    zero = Ciphertext.zero()
    assert Ciphertext.from_json(zero.to_json()) == zero
    assert DLOG.solve(zero.beta) == 0


def test_from_json_rejects_malformed(keypair: tuple[Scalar, Point]) -> None:
    good = encrypt(keypair[1], 1)[0].to_json()
    small_order = "00" * 32
    for bad in ({}, {"alpha": good["alpha"]}, {**good, "gamma": good["beta"]}, {**good, "beta": small_order}, []):
        with pytest.raises(InvalidEncoding):
            Ciphertext.from_json(bad)  # type: ignore[arg-type]
    with pytest.raises(CryptoError):
        encrypt(keypair[1], -1)


def test_discrete_log_bounds() -> None:
    small = DiscreteLog(10)
    assert [small.solve(Point.encode_int(m)) for m in range(11)] == list(range(11))
    for m in (11, 12, 16, 10_000):
        with pytest.raises(CryptoError):
            small.solve(Point.encode_int(m))
    assert DiscreteLog(0).solve(Point.IDENTITY) == 0


def test_discrete_log_is_quick_for_large_electorates() -> None:
    start = time.perf_counter()
    solver = DiscreteLog(4_000_000)
    assert solver.solve(Point.encode_int(3_999_999)) == 3_999_999
    assert solver.solve(Point.encode_int(100_000)) == 100_000
    assert time.perf_counter() - start < 2.0
