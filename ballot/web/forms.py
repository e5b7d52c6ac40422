"""Reading and checking HTML form input. Views collect errors per field and re-render the form with them."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The submitted form as single string values (the last value wins; CSRF field removed)."""
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items() if key != "_csrf_token"}


def is_email(value: str) -> bool:
    """A plausibility check; the real check is that mail arrives."""
    return bool(EMAIL_RE.match(value)) and len(value) <= 254


def safe_next(url: str | None, default: str = "/") -> str:
    """Only local paths are allowed as a redirect target after login (no open redirect)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url
