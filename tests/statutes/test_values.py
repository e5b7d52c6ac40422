"""Fractions, durations and calendar arithmetic."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from ballot_crypto.statutes.values import Duration, at_least, fraction_str, needed, parse_fraction


@pytest.mark.parametrize(("text", "value"), [
    ("1/4", Fraction(1, 4)), (" 3 / 4 ", Fraction(3, 4)), ("20 %", Fraction(1, 5)), ("2.5%", Fraction(1, 40)),
    ("0", Fraction(0)), ("1", Fraction(1)), ("2/4", Fraction(1, 2)),
])
def test_fraction_forms(text: str, value: Fraction) -> None:
    assert parse_fraction(text) == value


@pytest.mark.parametrize("text", ["0.2", "1/0", "a/b", "20 percent", "-1/2", ""])
def test_bad_fractions_name_the_forms(text: str) -> None:
    with pytest.raises(ValueError, match="fraction"):
        parse_fraction(text)


def test_fraction_canonical_text() -> None:
    assert fraction_str(parse_fraction("20 %")) == "1/5"
    assert fraction_str(Fraction(0)) == "0/1"


@pytest.mark.parametrize("text", ["2 months", "P2", "P1M2D", "p2m", "PT2H", "P-1D"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match='"P<n>D"'):
        Duration.parse(text)


def test_duration_arithmetic_clamps_month_ends() -> None:
    assert Duration.parse("P1M").after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Duration.parse("P1M").after(date(2028, 1, 31)) == date(2028, 2, 29)
    assert Duration.parse("P2Y").after(date(2028, 2, 29)) == date(2030, 2, 28)
    assert Duration.parse("P3M").before(date(2026, 5, 31)) == date(2026, 2, 28)
    assert Duration.parse("P2W").after(date(2026, 12, 25)) == date(2027, 1, 8)
    assert Duration.parse("P10D").before(date(2026, 3, 5)) == date(2026, 2, 23)
    assert str(Duration.parse("P6W")) == "P6W"


def test_exact_thresholds() -> None:
    assert needed(Fraction(1, 5), 1000) == 200
    assert needed(Fraction(1, 5), 1001) == 201
    assert at_least(200, Fraction(1, 5), 1000)
    assert not at_least(199, Fraction(1, 5), 1000)
    assert needed(Fraction(0), 10) == 0
