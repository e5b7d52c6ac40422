"""The input floor: limits every request passes before a handler sees its data.

- Integer path parameters outside the 32-bit range of the id columns name no object: 404.
- Text with a control character (C0 except TAB, LF, CR; DEL; C1) in a form field or query parameter: 422 naming
  the field.
- JSON bodies are checked for size and nesting depth before they are parsed: 400 (problem+json on the API).
- Integer form fields are read with ``ballot.web.forms.form_int`` (422 naming the field when out of range).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from litestar.types import ASGIApp, Receive, Scope, Send

from ballot.exceptions import BallotError, NotFound, ValidationFailed
from ballot.i18n import gettext as _

#: The id columns are 32-bit integers on PostgreSQL; no object has an id outside this range.
ID_MIN, ID_MAX = -(2**31), 2**31 - 1
#: C0 controls except TAB (09), LF (0A) and CR (0D), then DEL (7F) and the C1 controls (80-9F).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Limits of a JSON request body, checked before parsing.
MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class BadJsonBody(BallotError):
    """A JSON body over the size or depth limit, or not JSON at all."""

    status_code = 400


def has_control_character(text: str) -> bool:
    """True when ``text`` holds a character that no form field or parameter may hold."""
    return CONTROL_CHARACTERS.search(text) is not None


def control_character_errors(items: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Field name -> error message for every text value (or field name) with a control character."""
    errors: dict[str, str] = {}
    for key, value in items:
        if has_control_character(key):
            errors[CONTROL_CHARACTERS.sub("?", key)] = _("The field name contains a control character.")
        elif isinstance(value, str) and has_control_character(value):
            errors[key] = _("Contains a control character (such as a NUL byte), which is not allowed.")
    return errors


def json_control_errors(value: Any, path: str = "") -> dict[str, str]:
    """Field path (``given_name``, ``answers[0].proof``) -> error message for every JSON string (key or value)
    with a control character."""
    errors: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if has_control_character(str(key)):
                errors[CONTROL_CHARACTERS.sub("?", where)] = _("The field name contains a control character.")
            else:
                errors.update(json_control_errors(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors.update(json_control_errors(item, f"{path}[{index}]"))
    elif isinstance(value, str) and has_control_character(value):
        errors[path or "body"] = _("Contains a control character (such as a NUL byte), which is not allowed.")
    return errors


def check_text_fields(items: Iterable[tuple[str, Any]]) -> None:
    """Raise ValidationFailed (422) naming each field whose text holds a control character."""
    errors = control_character_errors(items)
    if errors:
        raise ValidationFailed(errors)


def check_path_ids(path_params: Mapping[str, Any]) -> None:
    """Raise NotFound when an integer path parameter lies outside the id range (no such object can exist)."""
    for value in path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not ID_MIN <= value <= ID_MAX:
            raise NotFound()


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def check_json_body(body: bytes) -> None:
    """Raise BadJsonBody when ``body`` is larger than MAX_JSON_BYTES or nested deeper than MAX_JSON_DEPTH."""
    if len(body) > MAX_JSON_BYTES:
        raise BadJsonBody(_("The JSON body is larger than %(limit)d bytes.", limit=MAX_JSON_BYTES))
    if json_depth(body) > MAX_JSON_DEPTH:
        raise BadJsonBody(_("The JSON body is nested deeper than %(limit)d levels.", limit=MAX_JSON_DEPTH))


def input_guard_middleware(app: ASGIApp) -> ASGIApp:
    """Check the routed request's path parameters and query string before the handler runs."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            check_path_ids(scope.get("path_params") or {})
            query = scope.get("query_string") or b""
            if query:
                check_text_fields(parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="replace"))
        await app(scope, receive, send)

    return middleware

