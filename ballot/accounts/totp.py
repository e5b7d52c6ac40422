"""TOTP codes (RFC 6238: SHA-1, 6 digits, 30-second steps) and recovery codes, without the database.

The secret is stored encrypted: XSalsa20-Poly1305 (libsodium ``crypto_secretbox``, PyNaCl ``SecretBox``) under a
32-byte key derived from BALLOT_SECRET_KEY as BLAKE2b-256 of its UTF-8 bytes with personalisation
``ballot:totp:v1``. Recovery codes carry 80 random bits; only their SHA-256 is stored (docs/operations.md).
"""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp
import segno
from markupsafe import Markup
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.secret import SecretBox

from ballot.accounts.tokens import hash_token

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed from paper
_RECOVERY_LENGTH = 16  # 16 symbols of 31: about 79 bits
_KEY_PERSON = b"ballot:totp:v1"


class SecretUnreadable(Exception):
    """The stored secret does not open with the current BALLOT_SECRET_KEY (the key was changed)."""


def _box(secret_key: str) -> SecretBox:
    return SecretBox(blake2b(secret_key.encode("utf-8"), digest_size=32, person=_KEY_PERSON, encoder=RawEncoder))


def new_secret() -> str:
    """A new base32 secret of 160 bits (the length RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def seal_secret(secret_key: str, secret: str) -> bytes:
    """The secret encrypted for storage (24-byte nonce, then the ciphertext with its 16-byte tag)."""
    return bytes(_box(secret_key).encrypt(secret.encode("ascii")))


def open_secret(secret_key: str, sealed: bytes) -> str:
    """The stored secret in clear; :class:`SecretUnreadable` when it does not decrypt."""
    try:
        return _box(secret_key).decrypt(sealed).decode("ascii")
    except (CryptoError, ValueError, UnicodeDecodeError) as exc:
        raise SecretUnreadable from exc


def provisioning_uri(secret: str, account_name: str, issuer: str) -> str:
    """The ``otpauth://`` address authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer)


def current_step(now: float | None = None) -> int:
    """The RFC 6238 time step ``T`` of ``now`` (Unix seconds)."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, *, after: int | None, now: float | None = None) -> int | None:
    """The time step within ±``DRIFT_STEPS`` of now whose code is ``code`` and that is newer than ``after``.

    None when none matches; every candidate is compared in constant time."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    step_now = current_step(now)
    found = None
    for step in range(step_now - DRIFT_STEPS, step_now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (after is None or step > after):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """Ten fresh recovery codes, shown as four groups of four (``abcd-efgh-jkmn-pqrs``)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)))
    return codes


def recovery_code_hash(code: str) -> str:
    """The stored form of a recovery code: SHA-256 hex of its letters and digits in lower case."""
    return hash_token("".join(ch for ch in code.lower() if ch.isalnum()))


def looks_like_recovery_code(code: str) -> bool:
    """Whether ``code`` has a recovery code's length (so a six-digit TOTP code is not tried as one)."""
    return len([ch for ch in code if ch.isalnum()]) == _RECOVERY_LENGTH


def qr_code_svg(uri: str, title: str) -> Markup:
    """The ``otpauth://`` address as an inline SVG QR code (no image request, no secret in any URL)."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, title=title, light="#fff", dark="#000", svgclass="totp-qr", lineclass=None
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's markup, it escapes the title
