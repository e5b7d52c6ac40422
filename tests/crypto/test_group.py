"""The Ed25519 prime-order group: laws, encodings, validation, and the libsodium facts we rely on."""

from __future__ import annotations

import nacl.bindings as sodium
import nacl.exceptions
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot_crypto.errors import CryptoError, InvalidEncoding
from ballot_crypto.group import IDENTITY_BYTES, L, Point, Scalar, deterministic_rng
from ballot_crypto.transcript import challenge, encode_item

FAST = settings(settings.get_profile("ballot-crypto"))
P = 2**255 - 19
ints = st.integers(min_value=0, max_value=L - 1)
nonzero = st.integers(min_value=1, max_value=L - 1)


def _enc(y: int, sign: int = 0) -> bytes:
    return (y | (sign << 255)).to_bytes(32, "little")


# The 8 points of small order (libsodium's blacklist, with canonical encodings) and the order-2 point.
ORDER_2 = _enc(P - 1)
SMALL_ORDER = [
    IDENTITY_BYTES,
    ORDER_2,
    bytes(32),  # order 4
    _enc(0, 1),
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),  # order 8
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),  # order 8
    bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85"),
    bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa"),
]
NON_CANONICAL = [_enc(P + i, s) for i in range(19) for s in (0, 1)] + [_enc(1, 1), _enc(P - 1, 1)]
MIXED_ORDER = [sodium.crypto_core_ed25519_add(Point.G.to_bytes(), t) for t in SMALL_ORDER[1:3]]
BAD = SMALL_ORDER[1:] + NON_CANONICAL + MIXED_ORDER + [_enc(2)]  # y = 2 is not on the curve


@FAST
@given(ints, ints)
def test_scalar_ring_laws(a: int, b: int) -> None:
    sa, sb = Scalar.from_int(a), Scalar.from_int(b)
    assert (sa + sb).value == (a + b) % L
    assert (sa - sb).value == (a - b) % L
    assert (sa * sb).value == (a * b) % L
    assert (-sa).value == (-a) % L
    assert Scalar.from_bytes(sa.to_bytes()) == sa == Scalar.from_hex(sa.hex())
    if a:
        assert (sa * sa.inverse()).value == 1


def test_scalar_rejects_non_canonical_and_bad_lengths() -> None:
    for value in (L, L + 1, 2**255, 2**256 - 1):
        with pytest.raises(InvalidEncoding):
            Scalar.from_bytes(value.to_bytes(32, "little"))
    for data in (b"", bytes(31), bytes(33)):
        with pytest.raises(InvalidEncoding):
            Scalar.from_bytes(data)
    for text in ("00" * 31, "AB" * 32, "zz" * 32, " 0" * 32):
        with pytest.raises(InvalidEncoding):
            Scalar.from_hex(text)
    with pytest.raises(CryptoError):
        Scalar.from_int(0).inverse()
    assert Scalar.from_int(-1).value == L - 1


@FAST
@given(ints, ints)
def test_point_group_laws(a: int, b: int) -> None:
    sa, sb = Scalar.from_int(a), Scalar.from_int(b)
    pa, pb = Point.base_mul(sa), Point.base_mul(sb)
    assert pa + pb == Point.base_mul(sa + sb) == pb + pa
    assert pa - pb == Point.base_mul(sa - sb)
    assert pa * sb == Point.base_mul(sa * sb) == sb * pa
    assert Point.G * sa == pa
    assert pa + Point.IDENTITY == pa and pa - pa == Point.IDENTITY and -pa + pa == Point.IDENTITY
    assert pa * Scalar.from_int(0) == Point.IDENTITY == Point.IDENTITY * sb
    assert Point.from_bytes(pa.to_bytes(), allow_identity=True) == pa == Point.from_hex(pa.hex(), allow_identity=True)


@FAST
@given(st.integers(min_value=0, max_value=5000))
def test_encode_int(m: int) -> None:
    assert Point.encode_int(m) == Point.base_mul(Scalar.from_int(m))
    assert Point.encode_int(m).is_identity() == (m == 0)


@pytest.mark.parametrize("data", BAD, ids=lambda d: d.hex()[:12])
def test_invalid_points_rejected(data: bytes) -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(data)
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(data, allow_identity=True)
    lazy = Point.from_bytes(data, lazy=True)
    with pytest.raises(InvalidEncoding):
        lazy * Scalar.from_int(5)
    with pytest.raises(InvalidEncoding):
        lazy.to_bytes()
    with pytest.raises(InvalidEncoding):
        Point.G + lazy


def test_identity_and_lengths() -> None:
    with pytest.raises(InvalidEncoding):
        Point.from_bytes(IDENTITY_BYTES)
    assert Point.from_bytes(IDENTITY_BYTES, allow_identity=True).is_identity()
    for data in (b"", bytes(31), bytes(33), "00" * 32):
        with pytest.raises(InvalidEncoding):
            Point.from_bytes(data)  # type: ignore[arg-type]
    with pytest.raises(InvalidEncoding):
        Point.from_hex(Point.encode_int(3).hex().upper())


@FAST
@given(st.binary(min_size=32, max_size=32))
def test_random_bytes_parse_or_invalid_encoding(data: bytes) -> None:
    try:
        point = Point.from_bytes(data)
    except InvalidEncoding:
        return
    assert point * Scalar.from_int(L - 1) == -point  # in the prime-order subgroup


@FAST
@given(st.lists(st.binary(min_size=32, max_size=32), max_size=4))
def test_noclamp_multiplication_checks_exactly_what_is_valid_point_checks(encodings: list[bytes]) -> None:
    """Measured fact used by the verifiers: scalarmult_ed25519_noclamp rejects every point is_valid_point rejects.

    So a verifier that multiplies a point needs no separate is_valid_point call (43 us saved per point).
    """
    scalar = Scalar.from_int(7).to_bytes()
    for data in [*BAD, *encodings, Point.G.to_bytes(), Point.encode_int(12345).to_bytes()]:
        try:
            sodium.crypto_scalarmult_ed25519_noclamp(scalar, data)
            multiplied = True
        except nacl.exceptions.RuntimeError:
            multiplied = False
        assert multiplied == sodium.crypto_core_ed25519_is_valid_point(data)


def test_libsodium_identity_facts() -> None:
    g = Point.G.to_bytes()
    assert sodium.crypto_core_ed25519_sub(g, g) == IDENTITY_BYTES
    assert not sodium.crypto_core_ed25519_is_valid_point(IDENTITY_BYTES)
    for scalar, point in (
        (bytes(32), g),
        (Scalar.from_int(1).to_bytes(), IDENTITY_BYTES),
        (L.to_bytes(32, "little"), g),
    ):
        with pytest.raises(nacl.exceptions.RuntimeError):
            sodium.crypto_scalarmult_ed25519_noclamp(scalar, point)


def test_lazy_point_is_checked_by_multiplication() -> None:
    point = Point.from_bytes(Point.encode_int(9).to_bytes(), lazy=True)
    assert point * Scalar.from_int(2) == Point.encode_int(18)
    assert point.to_bytes() == Point.encode_int(9).to_bytes()


def test_deterministic_rng() -> None:
    a, b = deterministic_rng(b"seed"), deterministic_rng(b"seed")
    assert a(10) + a(100) == b(110)
    assert deterministic_rng(b"other")(16) != deterministic_rng(b"seed")(16)
    assert Scalar.random(deterministic_rng(b"s")) == Scalar.random(deterministic_rng(b"s"))


def test_transcript_is_domain_separated_and_injective() -> None:
    base = challenge("d", b"ctx", b"ab", 1, Point.G)
    assert base == challenge("d", b"ctx", b"ab", 1, Point.G)
    assert base != challenge("e", b"ctx", b"ab", 1, Point.G)
    assert base != challenge("d", b"ctx2", b"ab", 1, Point.G)
    assert challenge("d", b"", b"a", b"b") != challenge("d", b"", b"ab")
    assert challenge("d", b"", [b"a", b"b"]) != challenge("d", b"", b"a", b"b")
    assert challenge("d", b"", "ab") != challenge("d", b"", b"ab")
    for bad in (True, -1, 2**64, 1.5, None):
        with pytest.raises(CryptoError):
            encode_item(bad)  # type: ignore[arg-type]


@FAST
@given(nonzero)
def test_mixed_order_points_rejected(a: int) -> None:
    point = Point.base_mul(Scalar.from_int(a)).to_bytes()
    for torsion in SMALL_ORDER[1:]:
        mixed = sodium.crypto_core_ed25519_add(point, torsion)
        with pytest.raises(InvalidEncoding):
            Point.from_bytes(mixed)


def test_points_and_scalars_survive_pickling() -> None:
    """They cross process boundaries in the parallel simulator and verifier."""
    import pickle

    from ballot_crypto.group import Point, Scalar

    scalar = Scalar.from_int(123456789)
    point = Point.base_mul(scalar)
    assert pickle.loads(pickle.dumps(scalar)) == scalar  # noqa: S301 (our own bytes)
    assert pickle.loads(pickle.dumps(point)) == point  # noqa: S301 (our own bytes)
