"""Voting credentials: a human-typable secret and the Ed25519 key derived from it.

A credential is 18 random Crockford base32 characters (90 bits) and 2 check characters, shown in four groups
of five: ``7KQ2M-XR4TB-9HNWE-03ZCA``. The check value sum_i (i+1)*v_i mod 1021 catches every single wrong
character and every swap of neighbours in the random part. The signing key seed is argon2id(credential, salt).
"""

from __future__ import annotations

import hashlib

import nacl.pwhash
import nacl.signing

from ballot_crypto.errors import InvalidEncoding
from ballot_crypto.group import Rng, random_bytes

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: no I, L, O, U; when typing, case does not matter and O/I/L read as 0/1/1."""
PAYLOAD_CHARS, CHECK_CHARS, GROUP = 18, 2, 5
CHECK_MODULUS = 1021
KDF_OPSLIMIT = 3
KDF_MEMLIMIT = 256 * 1024
SALT_DOMAIN = b"ballot-crypto/v1/credential-salt"

_VALUE = {ch: i for i, ch in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}


def _check(values: list[int]) -> str:
    total = sum((i + 1) * v for i, v in enumerate(values)) % CHECK_MODULUS
    return ALPHABET[total >> 5] + ALPHABET[total & 31]


def _group(chars: str) -> str:
    return "-".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))


def generate_credential(*, rng: Rng | None = None) -> str:
    """A fresh credential in its display form (four groups of five characters)."""
    number = int.from_bytes(random_bytes(12, rng), "big") >> 6  # 90 uniform bits
    values = [(number >> (5 * (PAYLOAD_CHARS - 1 - i))) & 31 for i in range(PAYLOAD_CHARS)]
    return _group("".join(ALPHABET[v] for v in values) + _check(values))


def parse_credential(text: str) -> str:
    """Normalise typed input (case, spaces, dashes, O/I/L) to the display form; InvalidEncoding says what is wrong."""
    if not isinstance(text, str):
        raise InvalidEncoding("a credential is text")
    chars = "".join(ch.upper() if ch.isascii() else ch for ch in text if not ch.isspace() and ch not in "-_.")
    for position, ch in enumerate(chars, start=1):
        if ch not in _VALUE:
            raise InvalidEncoding(f"character {position} ({ch!r}) does not occur in credentials")
    expected = PAYLOAD_CHARS + CHECK_CHARS
    if len(chars) != expected:
        raise InvalidEncoding(f"a credential has {expected} characters, this has {len(chars)}")
    values = [_VALUE[ch] for ch in chars]
    canonical = "".join(ALPHABET[v] for v in values)
    if canonical[PAYLOAD_CHARS:] != _check(values[:PAYLOAD_CHARS]):
        raise InvalidEncoding("the credential has a typo (its check characters do not match)")
    return _group(canonical)


def credential_salt(election_salt: bytes) -> bytes:
    """The 16-byte argon2id salt: SHA-256(SALT_DOMAIN || election_salt)[:16]."""
    return hashlib.sha256(SALT_DOMAIN + election_salt).digest()[:16]


def signing_key(credential: str, election_salt: bytes) -> nacl.signing.SigningKey:
    """The Ed25519 key of a credential in one election: seed = argon2id(display form, credential_salt).

    Deliberately a little slow (3 passes over 256 KiB, about 0.25 ms here); derive many in parallel.
    """
    seed = nacl.pwhash.argon2id.kdf(
        32,
        parse_credential(credential).encode("ascii"),
        credential_salt(election_salt),
        opslimit=KDF_OPSLIMIT,
        memlimit=KDF_MEMLIMIT,
    )
    return nacl.signing.SigningKey(seed)


def public_credential(credential: str, election_salt: bytes) -> bytes:
    """The 32-byte Ed25519 verify key that the public credential list carries."""
    return bytes(signing_key(credential, election_salt).verify_key)
