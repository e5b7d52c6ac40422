"""One exception hierarchy for the services; ``ballot.web.errors`` maps it to HTTP responses."""

from __future__ import annotations

from collections.abc import Mapping


class BallotError(Exception):
    """Base class of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotAuthenticated(BallotError):
    """The action needs a logged-in account."""

    status_code = 401


class PermissionDenied(BallotError):
    """The account may not perform this action here."""

    status_code = 403


class NotFound(BallotError):
    """The object does not exist (or is not visible to the account)."""

    status_code = 404


class Conflict(BallotError):
    """The action conflicts with the current state."""

    status_code = 409


class RateLimited(BallotError):
    """Too many attempts; try again later."""

    status_code = 429

    def __init__(self, message: str = "", retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ValidationFailed(BallotError):
    """Input is invalid; ``errors`` maps each field name to a message shown beside the field."""

    status_code = 422

    def __init__(self, errors: Mapping[str, str], message: str = "") -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)
