"""Reading and checking HTML form input. Views collect errors per field and re-render the form with them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request

from ballot.exceptions import ValidationFailed
from ballot.i18n import gettext as _
from ballot.web.inputs import ID_MAX, ID_MIN


async def read_form(request: Request[Any, Any, Any], secret_fields: tuple[str, ...] = ()) -> dict[str, str]:
    """The submitted form as single string values (the last value wins; CSRF field removed). Ordinary fields are
    stripped of blanks, ``secret_fields`` (passwords) kept exactly. The request class has already refused control
    characters (422 naming the field)."""
    form = await request.form()
    return {key: str(value) if key in secret_fields else str(value).strip()
            for key, value in form.items() if key != "_csrf_token"}


def form_int(form: Mapping[str, Any], name: str, default: int | None = None, *, low: int = ID_MIN,
             high: int = ID_MAX) -> int | None:
    """The integer in form field ``name`` (``default`` when empty or absent); 422 naming the field when it is not
    an integer between ``low`` and ``high``."""
    value = form.get(name)
    raw = value.strip() if isinstance(value, str) else ""
    if not raw:
        return default
    try:
        number = int(raw) if len(raw) <= 20 else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise ValidationFailed({name: _("Please enter a whole number between %(low)d and %(high)d.",
                                        low=low, high=high)})
    return number
