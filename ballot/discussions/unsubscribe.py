"""One-click unsubscribe links in notification mails: a token signed with the app's secret key names the account
and what to stop (a thread, a unit, or all discussion mail). No login, no database lookup to check it; it only ever
unsubscribes, so a forwarded mail can do no more harm than that. RFC 8058 headers come with every mail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

_DOMAIN = b"ballot/discussions/unsubscribe/v1\x00"
_SCOPE = re.compile(r"^(all|thread:[1-9][0-9]{0,11}|unit:[1-9][0-9]{0,11})$")


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token asks for: ``scope`` is ``all``, ``thread:<id>`` or ``unit:<id>``."""

    account_id: int
    scope: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), _DOMAIN + message, hashlib.sha256).digest()[:20]


def make_token(secret: str, account_id: int, scope: str) -> str:
    """The token for ``account_id`` and ``scope``."""
    if not _SCOPE.match(scope):
        raise ValueError(f"bad unsubscribe scope {scope!r}")
    message = f"{account_id}:{scope}".encode()
    return f"{_b64(message)}.{_b64(_mac(secret, message))}"


def read_token(secret: str, token: str) -> Unsubscribe | None:
    """The request a token carries, or None when it is malformed or not ours (checked in constant time)."""
    if len(token) > 200 or token.count(".") != 1:
        return None
    encoded, signature = token.split(".")
    try:
        message, mac = _unb64(encoded), _unb64(signature)
        account, _sep, scope = message.decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(mac, _mac(secret, message)):
        return None
    if not account.isdigit() or not _SCOPE.match(scope):
        return None
    return Unsubscribe(int(account), scope)


def unsubscribe_url(base_url: str, secret: str, account_id: int, scope: str) -> str:
    return f"{base_url}/discussions/unsubscribe/{make_token(secret, account_id, scope)}"


def list_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients offer their own one-click button, which POSTs to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
