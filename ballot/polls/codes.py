"""Join codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L), easy to read off a screen."""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
_SEPARATORS = re.compile(r"[\s\-_.]")


def new_code() -> str:
    """A random join code (31^6, about 890 million, possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(raw: str | None) -> str | None:
    """The code in canonical form (any case, spaces and dashes ignored), or None when it cannot be a join code."""
    text = _SEPARATORS.sub("", (raw or "").upper())
    if len(text) != LENGTH:
        return None
    return text if all(ch in ALPHABET for ch in text) else None
