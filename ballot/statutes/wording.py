"""Statute rules as words: fractions, durations, dates and majorities in the reader's language, and the rows and
sections the statute page shows them in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

from ballot.i18n import get_locale, ngettext
from ballot.i18n import gettext as _
from ballot_crypto.statutes import Duration
from ballot_crypto.statutes.model import Majority


def fraction_text(value: Fraction) -> str:
    """``1/2``, ``3/4`` (small denominators), otherwise a percentage (``20 %``, ``2,5 %``), else ``p/q``."""
    if value == Fraction(1, 2):
        return _("one half")
    if value.denominator in (2, 3, 4):
        return f"{value.numerator}/{value.denominator}"
    percent = value * 100
    if (percent * 100).denominator == 1:
        number = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{format_decimal(number, locale=get_locale())} %"
    return f"{value.numerator}/{value.denominator}"


def duration_text(value: Duration) -> str:
    n = value.amount
    if value.unit == "D":
        return ngettext("%(num)s day", "%(num)s days", n)
    if value.unit == "W":
        return ngettext("%(num)s week", "%(num)s weeks", n)
    if value.unit == "M":
        return ngettext("%(num)s month", "%(num)s months", n)
    return ngettext("%(num)s year", "%(num)s years", n)


def date_text(value: date) -> str:
    return format_date(value, format="long", locale=get_locale())


def majority_text(majority: Majority) -> str:
    fraction = fraction_text(majority.fraction)
    base = {
        "yes_no": _("of the yes and no votes"),
        "valid": _("of the valid votes"),
        "cast": _("of the votes cast"),
        "present": _("of those present"),
        "eligible": _("of all eligible members"),
    }[majority.base]
    if majority.strict:
        return _("More than %(fraction)s %(base)s.", fraction=fraction, base=base)
    return _("At least %(fraction)s %(base)s.", fraction=fraction, base=base)


@dataclass
class Row:
    """One rule as a sentence, with the statute paragraph it comes from."""

    text: str
    paragraph: str | None = None


@dataclass
class Section:
    """A topic (``referendum.quorum``) with its rules and the stored version that last set it."""

    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    origin: str = ""
