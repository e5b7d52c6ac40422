"""Map exceptions to responses: an HTML page for browsers, a problem+json document for the API.
No traceback ever reaches a client, and no log line holds request data (see docs/architecture.md, "Errors")."""

from __future__ import annotations

import logging
import traceback
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from sqlalchemy.exc import DBAPIError

from ballot.exceptions import BallotError, NotAuthenticated, RateLimited, ValidationFailed
from ballot.i18n import gettext as _
from ballot.i18n import lazy_gettext

logger = logging.getLogger("ballot.errors")

TITLES = {
    400: lazy_gettext("Bad request"),
    401: lazy_gettext("Please log in"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Too large"),
    422: lazy_gettext("Invalid input"),
    429: lazy_gettext("Too many attempts"),
    500: lazy_gettext("Something went wrong"),
}


def _is_api(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/api/")


def _problem(status: int, detail: str, extra: dict[str, Any] | None = None) -> Response[Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": str(TITLES.get(status, "Error")), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra or {})
    return Response(content=body, status_code=status, media_type="application/problem+json")


def _page(request: Request[Any, Any, Any], status: int, detail: str,
          errors: dict[str, str] | None = None) -> Response[Any]:
    return Template(
        template_name="errors/error.html",
        context={"status": status, "title": str(TITLES.get(status, _("Error"))), "detail": detail,
                 "errors": errors or {}},
        status_code=status,
        media_type=MediaType.HTML,
    )


def handle_ballot_error(request: Request[Any, Any, Any], exc: BallotError) -> Response[Any]:
    """Errors raised by services on purpose."""
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationFailed):
        extra["errors"] = exc.errors
    if _is_api(request):
        response = _problem(exc.status_code, exc.message, extra)
    elif isinstance(exc, NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target)}")
    elif isinstance(exc, ValidationFailed):
        response = _page(request, exc.status_code, "", exc.errors)
    else:
        response = _page(request, exc.status_code, exc.message)
    if isinstance(exc, RateLimited):
        response.headers["retry-after"] = str(exc.retry_after)
    return response


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Framework errors (unknown route, wrong method, failed CSRF check, bad request body)."""
    status = exc.status_code
    if status == 403 and "CSRF" in str(exc.detail):
        detail = _("The form had expired or was not sent from this site. Please reload the page and try again.")
    elif status >= 500:
        detail = ""
    else:
        detail = str(TITLES.get(status, _("Error")))
    if _is_api(request):
        return _problem(status, str(exc.detail) if status < 500 else "")
    return _page(request, status, detail)


def route_template(request: Request[Any, Any, Any]) -> str:
    """The matched route's template (``/ballots/{election_uuid}/cast``), never the raw path; "-" before routing."""
    return str(request.scope.get("path_template") or "-")


def _raised_at(exc: BaseException) -> str:
    """``path/module.py:line`` of the innermost frame of our own code that ``exc`` passed (code location only)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [frame for frame in frames if "/ballot/" in frame.filename and "/site-packages/" not in frame.filename]
    if not (ours or frames):
        return "-"
    frame = (ours or frames)[-1]
    return f"{'/'.join(frame.filename.rsplit('/', 2)[-2:])}:{frame.lineno}"


def is_bad_value(exc: BaseException) -> bool:
    """True for errors caused by a value the database cannot take: a DBAPI data error (an integer out of the
    column's range, a NUL byte in text on PostgreSQL) or SQLite's OverflowError, however the driver wraps it."""
    seen: BaseException | None = exc
    for _depth in range(5):
        if seen is None:
            return False
        if isinstance(seen, OverflowError) or type(seen).__name__ in {"DataError", "CharacterNotInRepertoireError"}:
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__
    return False


def handle_database_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A value the database cannot store or compare: 422 (the input checks run before this on the usual paths;
    this is the net below them). Any other database error is unexpected."""
    if not is_bad_value(exc):
        return handle_unexpected(request, exc)
    logger.warning("refused %s on %s %s", type(exc).__name__, request.method, route_template(request))
    detail = _("A value in the request is out of range or contains characters that are not allowed.")
    if _is_api(request):
        return _problem(422, detail)
    return _page(request, 422, detail)


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything else: log the exception type, the route template and the code location, never the exception's
    message, its traceback's values or the raw path (they can hold SQL parameters and user input); answer 500."""
    logger.error("unhandled %s on %s %s at %s", type(exc).__name__, request.method, route_template(request),
                 _raised_at(exc))
    if _is_api(request):
        return _problem(500, "")
    return _page(request, 500, _("Please try again later. The error has been logged."))


EXCEPTION_HANDLERS = {
    BallotError: handle_ballot_error,
    HTTPException: handle_http_exception,
    DBAPIError: handle_database_error,
    OverflowError: handle_database_error,
    Exception: handle_unexpected,
}
