"""Editions in more than one language: where each locale's files live and how the ledger
keeps each locale's feed item.

Layout: the first locale in ``locales`` writes the edition folder as before
(``2026-W49/email.html``); every other locale writes the same files under its code
(``2026-W49/ko/email.html``). One week stays one folder, one manifest and one ledger row,
so the atomic write, crash recovery and repair need nothing new. Outbox-level files follow
the same rule: ``feed.xml`` and ``ko/feed.xml``, ``archive/`` and ``ko/archive/``.

The ledger row's item is the first locale's ``item.json``; the other locales' items ride
along under ``translations`` (a key the feeds and the archive never read), so a language
added later changes no byte the first locale's readers see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Any

from generator.ledger import LedgerEntry

TRANSLATIONS = "translations"
ITEM_FILE = "item.json"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}
"""Each language's name in itself, for the links and switches between two languages."""


def prefix(locale: str, home: str) -> str:
    """The folder a locale's files sit in, relative to the edition or outbox root."""
    return "" if locale == home else f"{locale}/"


def ledger_item(read: Callable[[str], bytes | None], locales: Iterable[str]) -> dict[str, Any]:
    """The item the ledger stores, from ``read(relative path)`` (None: no such file)."""
    codes = list(locales)
    home = codes[0]
    raw = read(ITEM_FILE)
    item: dict[str, Any] = _object(raw) if raw is not None else {}
    others = {}
    for code in codes[1:]:
        data = read(prefix(code, home) + ITEM_FILE)
        if data is not None:
            others[code] = _object(data)
    if others and item:
        item[TRANSLATIONS] = others
    return item


def _object(data: bytes) -> dict[str, Any]:
    value = json.loads(data)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def entries_in(entries: Iterable[LedgerEntry], locale: str, home: str) -> Iterator[LedgerEntry]:
    """The ledger rows as ``locale``'s readers see them: its own item (rows built before
    the locale was added have none, and are left out of that locale's feeds and archive),
    with ``alternates`` (locale -> URL of the same edition in each other language) when
    the edition exists in more than one."""
    for entry in entries:
        found = entry.item.get(TRANSLATIONS)
        others = found if isinstance(found, dict) else {}
        items = {home: entry.item, **{code: item for code, item in others.items()
                                      if isinstance(item, dict)}}
        item = items.get(locale)
        if item is None:
            continue
        links = {code: str(other["url"]) for code, other in sorted(items.items())
                 if code != locale and isinstance(other.get("url"), str)}
        if links:
            item = {key: value for key, value in item.items() if key != TRANSLATIONS}
            item["alternates"] = links
        yield entry if item is entry.item else replace(entry, item=item)
