"""Plausibility checks on text that services and request helpers share: email addresses, local redirect targets."""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def is_email(value: str) -> bool:
    """A plausibility check; the real check is that mail arrives."""
    return bool(EMAIL_RE.match(value)) and len(value) <= 254


def safe_next(url: str | None, default: str = "/") -> str:
    """Only local paths are allowed as a redirect target after login (no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url
