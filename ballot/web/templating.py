"""The Jinja2 environment: autoescaping, Babel translations in the request's locale, and small helpers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ballot.i18n import LOCALE_NAMES, LOCALES, get_locale, translations_for

_BERLIN = get_timezone("Europe/Berlin")


def _date(value: date | None, fmt: str = "medium") -> str:
    return "" if value is None else format_date(value, format=fmt, locale=get_locale())


def _datetime(value: datetime | None, fmt: str = "medium") -> str:
    return "" if value is None else format_datetime(value, format=fmt, locale=get_locale(), tzinfo=_BERLIN)


def _number(value: float | int) -> str:
    return format_decimal(value, locale=get_locale())


def _percent(value: float) -> str:
    return format_percent(value, format="#,##0.0 %", locale=get_locale())


def create_environment(templates_dir: Path) -> Environment:
    """A Jinja environment for ``templates_dir`` with the gettext callables installed (new-style)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # New-style gettext formats the result with the call's variables itself, so it gets the plain translations.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: translations_for(get_locale()).gettext(message),
        lambda singular, plural, n: translations_for(get_locale()).ngettext(singular, plural, n), newstyle=True)
    env.filters.update(date=_date, datetime=_datetime, number=_number, percent=_percent)
    env.globals.update(locales=LOCALES, locale_names=LOCALE_NAMES, current_locale=get_locale)
    return env


def template_globals(**values: Any) -> dict[str, Any]:
    """Values every template may use (added to the environment once at start-up)."""
    return values
