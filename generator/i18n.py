"""Translations and locale formatting: gettext catalogues (Babel) and Babel's dates.

The interface wording lives in ``generator/locale/<code>/LC_MESSAGES/mindreel.po``: the
English text is the msgid (it stays in the code, next to where it is used) and each
string's key is its msgctxt, so one English word may translate two ways. The compiled
``.mo`` is committed beside it (a test fails if it is older than the ``.po``), so an
installed wheel needs no compiler; recompile with
``pybabel compile -d generator/locale -D mindreel``. English uses no catalogue at all,
which keeps the English outputs byte for byte what they were.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

DOMAIN = "mindreel"
LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=4)
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale``; a null one (the msgid as is) for English."""
    if locale == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, [locale])


def pgettext(locale: str, key: str, english: str) -> str:
    """``english`` (whose key is ``key``) in ``locale``."""
    return translations(locale).pgettext(key, english)


def localize(english: Mapping[str, Any], locale: str, prefix: str) -> dict[str, Any]:
    """A nested map of English strings with each string translated; a string's key is
    its dotted path under ``prefix`` (``web.kind.film``)."""
    out: dict[str, Any] = {}
    for key, value in english.items():
        path = f"{prefix}.{key}"
        out[key] = (localize(value, locale, path) if isinstance(value, Mapping)
                    else pgettext(locale, path, value))
    return out


def long_date(value: date | datetime, locale: str, weekday: bool = False) -> str:
    """"30 November 2026" in English (as before); "2026년 11월 30일" in Korean, with the
    weekday ("2026년 11월 30일 월요일") when asked (Babel's long and full formats)."""
    if locale == "en":
        return f"{value.day} {value:%B %Y}"
    from babel.dates import format_date

    return format_date(value, "full" if weekday else "long", locale=locale)


def week_label(year: int, week: int, locale: str) -> str:
    """An edition's name by its ISO week: "2026년 49주차" in Korean."""
    if locale == "en":
        return f"{year}-W{week:02d}"
    from babel.numbers import format_decimal

    return pgettext(locale, "week_label", "{year}-W{week}").format(
        year=year, week=format_decimal(week, locale=locale))
