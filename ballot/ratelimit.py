"""A small in-process sliding-window rate limiter.

It counts events per key (an IP address, say) over the last ``window_seconds`` and refuses more than ``limit``.
The counts live in this process only: with several workers each one counts on its own, so a client gets up to
``workers x limit`` attempts. That is acceptable because this limiter only slows down floods; the part that must
hold across workers is the per-account lock-out, which lives in the database (``Account.failed_logins`` and
``Account.locked_until``, updated atomically) and the per-address limit on emailed links (counted from the
``one_time_tokens`` table).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from ballot.exceptions import RateLimited
from ballot.i18n import gettext as _


class RateLimiter:
    """Allow at most ``limit`` hits per key within any ``window_seconds``; memory is bounded by ``max_keys``."""

    def __init__(
        self,
        limit: int,
        window_seconds: float,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs limit >= 1 and a positive window")
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            hits = deque()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        cutoff = now - self.window
        while hits and hits[0] <= cutoff:
            hits.popleft()
        return hits

    def _refuse(self, hits: deque[float], now: float) -> RateLimited:
        retry_after = max(1, math.ceil(hits[0] + self.window - now))
        return RateLimited(
            _("Too many attempts. Please wait %(seconds)d seconds and try again.", seconds=retry_after),
            retry_after=retry_after,
        )

    def check(self, key: str) -> None:
        """Raise :class:`RateLimited` when ``key`` has used up its allowance, without counting a hit."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                raise self._refuse(hits, now)

    def hit(self, key: str) -> None:
        """Count one event for ``key``; raise :class:`RateLimited` (not counted) when over the limit."""
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                raise self._refuse(hits, now)
            hits.append(now)

    def reset(self, key: str | None = None) -> None:
        """Forget ``key`` (or everything)."""
        with self._lock:
            if key is None:
                self._hits.clear()
            else:
                self._hits.pop(key, None)
