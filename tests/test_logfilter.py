"""Casting leaves no access-log line (decision 0002); every other request still does."""

from __future__ import annotations

import logging

from ballot.web.logfilter import QuietCastingFilter


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, message, args, None)


def test_casting_requests_are_not_logged() -> None:
    quiet = QuietCastingFilter()
    fmt = '%s - "%s %s HTTP/%s" %d'
    uuid = "0f8f2c1e-3b7a-4a52-9d2e-6f1b2a3c4d5e"
    assert not quiet.filter(record(fmt, "192.0.2.1:5000", "POST", f"/ballots/{uuid}/cast", "1.1", 200))
    assert not quiet.filter(record(fmt, "192.0.2.1:5000", "POST", f"/ballots/{uuid}/vote", "1.1", 303))
    assert not quiet.filter(record(fmt, "192.0.2.1:5000", "GET", f"/ballots/{uuid}/vote?step=review", "1.1", 200))
    assert quiet.filter(record(fmt, "192.0.2.1:5000", "GET", f"/ballots/{uuid}/board", "1.1", 200))
    assert quiet.filter(record(fmt, "192.0.2.1:5000", "GET", "/login", "1.1", 200))
