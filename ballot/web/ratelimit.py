"""The application's rate limiters, one per name, kept in the app state (the limiter itself: ballot/ratelimit.py)."""

from __future__ import annotations

from litestar.datastructures import State

from ballot.ratelimit import RateLimiter

_STATE_KEY = "rate_limiters"


def get_limiter(state: State, name: str, limit: int, window_seconds: float) -> RateLimiter:
    """The application's limiter called ``name`` (created on first use, kept in the app state)."""
    registry: dict[str, RateLimiter] = state.setdefault(_STATE_KEY, {})
    limiter = registry.get(name)
    if limiter is None or limiter.limit != limit or limiter.window != window_seconds:
        limiter = registry[name] = RateLimiter(limit, window_seconds)
    return limiter
