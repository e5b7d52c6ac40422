"""Who answers: a member (by account) or a guest device (by a signed, HttpOnly cookie).

Both become a ``voter_key``: HMAC-SHA256 under the app secret of ``account:<id>`` or ``device:<id>``, so the
answers table holds neither account ids nor cookie values. A guest who clears cookies gets a new device id and can
answer again: guest polls are for a mood picture, never for decisions (docs/polls.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from litestar.datastructures import Cookie

DEVICE_COOKIE = "poll_device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def _mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def sign_device(secret: str, device_id: str) -> str:
    """The cookie value for ``device_id``: ``<id>.<signature>``."""
    return f"{device_id}.{_mac(secret, 'poll-device-cookie:' + device_id)[:32]}"


def read_device(secret: str, value: str | None) -> str | None:
    """The device id in a cookie value, or None when the value is missing, malformed or not signed by us."""
    if not value or value.count(".") != 1:
        return None
    device_id, signature = value.split(".")
    if not (16 <= len(device_id) <= 64) or not device_id.replace("-", "").replace("_", "").isalnum():
        return None
    expected = sign_device(secret, device_id).split(".")[1]
    return device_id if hmac.compare_digest(signature, expected) else None


def new_device_cookie(secret: str, secure: bool) -> tuple[str, Cookie]:
    """A fresh device id and its cookie (HttpOnly, SameSite=Lax, a year, only under /p)."""
    device_id = secrets.token_urlsafe(18)
    cookie = Cookie(
        key=DEVICE_COOKIE,
        value=sign_device(secret, device_id),
        path="/p",
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    return device_id, cookie


@dataclass(frozen=True)
class Participant:
    """The answering party: ``key`` goes into the answers table; ``guest`` tells how it was identified."""

    key: str
    guest: bool


def member_participant(secret: str, account_id: int) -> Participant:
    return Participant(_mac(secret, f"poll-voter:account:{account_id}"), guest=False)


def device_participant(secret: str, device_id: str) -> Participant:
    return Participant(_mac(secret, f"poll-voter:device:{device_id}"), guest=True)
