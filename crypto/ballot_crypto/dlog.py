"""Baby-step giant-step discrete logarithm of small totals G*m."""

from __future__ import annotations

import math
from functools import lru_cache

import nacl.bindings as sodium

from ballot_crypto.errors import CryptoError
from ballot_crypto.group import IDENTITY_BYTES, Point, encode_int_bytes


@lru_cache(maxsize=8)
def _baby_steps(width: int) -> dict[bytes, int]:
    """{encoding of G*j: j} for 0 <= j < width (built by additions, cached per width)."""
    table: dict[bytes, int] = {}
    point, g = IDENTITY_BYTES, encode_int_bytes(1)
    for j in range(width):
        table[point] = j
        point = sodium.crypto_core_ed25519_add(point, g)
    return table


class DiscreteLog:
    """Solves G*m = P for 0 <= m <= max_value in about 2*sqrt(max_value) point additions."""

    def __init__(self, max_value: int) -> None:
        if max_value < 0:
            raise CryptoError("max_value must be >= 0")
        self.max_value = max_value
        self.width = math.isqrt(max_value) + 1  # width^2 > max_value
        self._table = _baby_steps(self.width)
        self._giant = encode_int_bytes(self.width)

    def solve(self, point: Point) -> int:
        """The m in [0, max_value] with G*m == point; raises CryptoError if there is none."""
        current = point.to_bytes()
        table, giant, sub = self._table, self._giant, sodium.crypto_core_ed25519_sub
        for i in range(self.width):
            j = table.get(current)
            if j is not None:
                m = i * self.width + j
                if m <= self.max_value:
                    return m
                break
            current = sub(current, giant)
        raise CryptoError(f"no discrete logarithm in [0, {self.max_value}]")
