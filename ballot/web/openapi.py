"""OpenAPI documentation helpers: the problem document and the error answers a route can give.

The schema at /schema/openapi.json covers the machine interface only: the JSON API under /api/v1, the health
check and the JSON downloads (exports, booth data). HTML pages are left out (``include_in_schema=False``)."""

from __future__ import annotations

import msgspec
from litestar.openapi.datastructures import ResponseSpec


class Problem(msgspec.Struct, kw_only=True):
    """An error (RFC 9457 problem details); ``errors`` maps field names to messages on 422."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, str] | None = None


DESCRIPTIONS = {
    400: "Malformed request: a JSON body over the size or depth limit, not JSON, or a parameter of the wrong type",
    401: "Not logged in (no or an invalid token)",
    403: "Not allowed for this account",
    404: "Unknown object (also for an id outside the 32-bit range)",
    409: "Conflicts with the current state",
    422: "Invalid input (a control character in a text field or parameter, a value out of range); see errors",
    429: "Too many attempts; see Retry-After",
}


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem documents a handler can answer with."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=DESCRIPTIONS[status],
            media_type="application/problem+json",
            generate_examples=False,
        )
        for status in statuses
    }


def redirect_to_login() -> dict[int, ResponseSpec]:
    """The answer of a browser download route to an anonymous request: 302 to /login?next=..."""
    return {302: ResponseSpec(data_container=None, description="Not logged in: redirect to /login?next=<path>",
                              generate_examples=False)}


def html_errors(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the HTML error pages a browser download route answers with."""
    return {
        status: ResponseSpec(data_container=str, description=DESCRIPTIONS[status], media_type="text/html",
                             generate_examples=False)
        for status in statuses
    }


def download(data_container: type, media_type: str, description: str) -> dict[int, ResponseSpec]:
    """The 200 entry of a download route: ``data_container`` describes the body (``bytes`` for binary files)."""
    return {200: ResponseSpec(data_container=data_container, description=description, media_type=media_type,
                              generate_examples=False)}


def browser_download(data_container: type, media_type: str, description: str,
                     *statuses: int) -> dict[int, ResponseSpec]:
    """The answers of a download route for logged-in accounts (bearer token or session cookie): the file, 302 to
    the login page, and HTML error pages for 400 and 422 (every route) and ``statuses``."""
    return {**download(data_container, media_type, description), **redirect_to_login(),
            **html_errors(400, 422, *statuses)}
