"""Translations (Babel catalogs in ballot/locale). The request's locale lives in a context variable, so
services, forms and templates all translate into the language of the request being served."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.support import LazyProxy, Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"
LOCALE_NAMES = {"de": "Deutsch", "en": "English"}
#: The organisation's time zone: times are stored in UTC and shown, entered and counted in days here.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")

_current_locale: ContextVar[str] = ContextVar("ballot_locale", default=DEFAULT_LOCALE)


@lru_cache(maxsize=len(LOCALES))
def translations_for(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog for ``locale`` (English is the source language: no catalog needed)."""
    if locale == "en":
        return _gettext.NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale], domain="messages")


def normalize_locale(value: str | None) -> str | None:
    """``de-DE`` -> ``de``; None for anything we do not offer."""
    if not value:
        return None
    short = value.strip().split("-")[0].split("_")[0].lower()
    return short if short in LOCALES else None


def get_locale() -> str:
    """The locale of the current request (or task)."""
    return _current_locale.get()


def set_locale(locale: str) -> None:
    """Set the locale for the current context."""
    _current_locale.set(normalize_locale(locale) or DEFAULT_LOCALE)


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Temporarily translate into ``locale`` (e.g. for an email in the recipient's language)."""
    token = _current_locale.set(normalize_locale(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(message: str, **variables: Any) -> str:
    """Translate ``message``; ``%(name)s`` placeholders are filled from ``variables``."""
    text = translations_for(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Translate with a plural form; ``num`` is available as a placeholder."""
    text = translations_for(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables: Any) -> LazyProxy:
    """Translate when rendered, not when defined (for module-level labels)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)
