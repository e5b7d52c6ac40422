"""Scalar values of the rules format: exact fractions, ISO 8601 durations, date arithmetic.

Fractions are written as strings: ``"1/4"``, ``"20 %"``, ``"2.5%"`` or ``"0"``/``"1"``; never as TOML floats.
Durations are single-unit ISO 8601 strings: ``"P14D"``, ``"P6W"``, ``"P2M"``, ``"P2Y"``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_INTEGER = re.compile(r"^\s*(\d+)\s*$")
_DURATION = re.compile(r"^P(\d+)([DWMY])$")

FRACTION_FORMS = 'a string "p/q", "N %" or "0"/"1" (e.g. "1/4", "20 %"); not a TOML float'
DURATION_FORMS = 'an ISO 8601 duration with one unit: "P<n>D", "P<n>W", "P<n>M" or "P<n>Y" (e.g. "P2M")'


def parse_fraction(text: str) -> Fraction:
    """Parse a fraction string; raise ValueError naming the accepted forms."""
    if match := _FRACTION.match(text):
        numerator, denominator = int(match[1]), int(match[2])
        if denominator == 0:
            raise ValueError(f"bad fraction {text!r}: denominator is zero")
        return Fraction(numerator, denominator)
    if match := _PERCENT.match(text):
        try:
            return Fraction(Decimal(match[1])) / 100
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
            raise ValueError(f"bad fraction {text!r}: use {FRACTION_FORMS}") from exc
    if match := _INTEGER.match(text):
        return Fraction(int(match[1]))
    raise ValueError(f"bad fraction {text!r}: use {FRACTION_FORMS}")


def fraction_str(value: Fraction) -> str:
    """Canonical text of a fraction: ``"p/q"`` in lowest terms (``"0/1"``, ``"1/1"`` included)."""
    return f"{value.numerator}/{value.denominator}"


@dataclass(frozen=True, order=True)
class Duration:
    """A calendar duration of one unit: days (D), weeks (W), months (M) or years (Y)."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"P<n><unit>"``; raise ValueError naming the accepted form."""
        match = _DURATION.match(text)
        if not match:
            raise ValueError(f"bad duration {text!r}: use {DURATION_FORMS}")
        return cls(int(match[1]), match[2])

    def __str__(self) -> str:
        return f"P{self.amount}{self.unit}"

    def after(self, start: date) -> date:
        """``start`` plus this duration (month ends clamp: 31 Jan + P1M = 28/29 Feb)."""
        return _shift(start, self.amount, self.unit)

    def before(self, end: date) -> date:
        """``end`` minus this duration (same clamping as :meth:`after`)."""
        return _shift(end, -self.amount, self.unit)

    def approx_days(self) -> int:
        """Upper bound in days, used only to compare durations of different units (min <= max checks)."""
        return self.amount * {"D": 1, "W": 7, "M": 31, "Y": 366}[self.unit]

    def min_days(self) -> int:
        """Lower bound in days (months of 28 days, years of 365)."""
        return self.amount * {"D": 1, "W": 7, "M": 28, "Y": 365}[self.unit]


def _shift(start: date, amount: int, unit: str) -> date:
    if unit == "D":
        return start + timedelta(days=amount)
    if unit == "W":
        return start + timedelta(weeks=amount)
    months = amount * (12 if unit == "Y" else 1)
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def at_least(count: int, share: Fraction, total: int) -> bool:
    """``count >= share * total``, exactly."""
    return count * share.denominator >= share.numerator * total


def needed(share: Fraction, total: int) -> int:
    """Smallest integer ``n`` with ``n >= share * total``."""
    return -((-share.numerator * total) // share.denominator)
