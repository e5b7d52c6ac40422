"""The access log: one line per request from an allow-list of fields (docs/operations.md, "Access log").

A line holds the method, the route template (``/ballots/{election_uuid}/receipt``, never the raw path or a query
string), the status and the duration; the client address (never its port) only when ``BALLOT_ACCESS_LOG_CLIENT``
turns it on, and never on ballot routes. Casting leaves no line at all: its time would date the public, ordered
board positions (docs/decisions/0002-binding-ballot-architecture.md, "Logs"). uvicorn's own access log stays off.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

LOGGER_NAME = "ballot.access"
#: (method, route template) pairs that leave no line: casting in the JavaScript booth and in the form booth.
SILENT = frozenset({("POST", "/ballots/{election_uuid}/cast"), ("POST", "/ballots/{election_uuid}/vote")})
#: Route templates whose lines never carry a client address (the booth, casting, the receipt, the board check).
BALLOT_ROUTES = frozenset({"/ballots/{election_uuid}/vote", "/ballots/{election_uuid}/cast",
                           "/ballots/{election_uuid}/booth.json", "/ballots/{election_uuid}/receipt",
                           "/ballots/{election_uuid}/board"})
UNMATCHED = "-"

logger = logging.getLogger(LOGGER_NAME)


def access_line(method: str, route: str, status: int, seconds: float, client: str | None = None) -> str:
    """The text of one access-log line (the logging formatter adds time, level and logger name)."""
    line = f"method={method} route={route} status={status} duration_ms={seconds * 1000:.1f}"
    return f"{line} client={client}" if client else line


class AccessLog:
    """ASGI wrapper that writes :func:`access_line` for every HTTP request the wrapped application answers."""

    def __init__(self, app: ASGIApp, *, with_client: bool = False) -> None:
        self.app = app
        self.with_client = with_client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._write(scope, status, time.perf_counter() - started)

    def _write(self, scope: Scope, status: int, seconds: float) -> None:
        method = str(scope.get("method", ""))
        route = str(_route_template(scope))
        if (method, route) in SILENT:
            return
        peer = scope.get("client")
        client = str(peer[0]) if peer and self.with_client and route not in BALLOT_ROUTES else None
        logger.info(access_line(method, route, status, seconds, client))


def _route_template(scope: Any) -> str:
    """The matched route's template as Litestar's router left it in the scope; ``-`` when no route matched."""
    return scope.get("path_template") or UNMATCHED


def log_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``ballot serve`` (every worker applies it): one stderr handler, our
    access lines, uvicorn's start-up and error messages, and uvicorn's access logger silenced."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"level": level},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
