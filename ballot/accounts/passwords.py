"""argon2id password hashing with the parameters from the settings."""

from __future__ import annotations

import asyncio
from functools import lru_cache

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ballot.i18n import gettext as _
from ballot.settings import PasswordSettings


class PasswordHasher:
    """Hash and verify passwords; ``needs_rehash`` tells when stored parameters are outdated."""

    def __init__(self, params: PasswordSettings) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_cost_kib,
            parallelism=params.parallelism,
            type=argon2.Type.ID,
        )
        self._dummy = self._hasher.hash("timing-equaliser")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """True when ``password`` matches ``stored``; with no stored hash, spends the same time and says False."""
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)

    async def hash_async(self, password: str) -> str:
        """:meth:`hash` in a worker thread (argon2id is deliberately slow; keep the event loop free)."""
        return await asyncio.to_thread(self.hash, password)

    async def verify_async(self, stored: str | None, password: str) -> bool:
        """:meth:`verify` in a worker thread."""
        return await asyncio.to_thread(self.verify, stored, password)


@lru_cache(maxsize=4)
def hasher_for(params: PasswordSettings) -> PasswordHasher:
    """One hasher per parameter set (building one computes the timing dummy hash)."""
    return PasswordHasher(params)


MAX_PASSWORD_LENGTH = 1024


def password_errors(
    params: PasswordSettings, password: str, confirm: str, *, field: str = "password", confirm_field: str = "confirm"
) -> dict[str, str]:
    """Field errors for a new password: long enough, not absurdly long, and typed the same twice."""
    errors: dict[str, str] = {}
    if len(password) < params.min_length:
        errors[field] = _("The password needs at least %(min)d characters.", min=params.min_length)
    elif len(password) > MAX_PASSWORD_LENGTH:
        errors[field] = _("The password may have at most %(max)d characters.", max=MAX_PASSWORD_LENGTH)
    elif password != confirm:
        errors[confirm_field] = _("The two passwords differ.")
    return errors
