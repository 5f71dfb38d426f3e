"""A text as the wording rules see it: links blanked, then normalised.

Worked out once per process for each distinct text: footers, helplines and posts recur
in several files of an edition and every week (``prepared``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from generator.safety.normalise import Normalised, has_breakless_space, normalise

__all__ = ["blank_links", "prepared"]

_LINK = re.compile(r"(?:https?|mailto|ftp|tel):[^\s<>\"']+|www\.[^\s<>\"']+")
_AT_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_LOCAL_PART = re.compile(r"[\w.+-]+\Z")
"""An e-mail address is found from its ``@`` outwards: trying ``local@domain`` at every
word of a page costs more than the rest of the masking together."""


Prepared = tuple[str, tuple[Normalised, ...]]
_SHORT = 2_000
"""Texts up to this long (posts, feed fields, headings) are remembered by the thousand;
longer ones (whole pages) only a few at a time, since their offset maps are large."""
_SHORT_CHARACTERS = 400_000
"""How much short text is remembered (a few MB with its views); then it starts afresh."""
_short_prepared: dict[str, Prepared] = {}
_short_held = [0]


def prepared(body: str) -> Prepared:
    """``body`` masked and its views, worked out once per process for each distinct text:
    footers, helplines and posts recur in several files of an edition and every week."""
    if len(body) > _SHORT:
        return _long_prepared(body)
    found = _short_prepared.get(body)
    if found is None:
        if _short_held[0] + len(body) > _SHORT_CHARACTERS:
            _short_prepared.clear()
            _short_held[0] = 0
        found = _short_prepared[body] = _prepare(body)
        _short_held[0] += len(body)
    return found


@lru_cache(maxsize=8)
def _long_prepared(body: str) -> Prepared:
    return _prepare(body)


def _prepare(body: str) -> Prepared:
    masked = blank_links(body)
    first = normalise(masked)
    if has_breakless_space(masked):
        return masked, (first, normalise(masked, drop_breakless=True))
    return masked, (first,)


def blank_links(text: str) -> str:
    """``text`` with every URL and e-mail address replaced by as many spaces."""
    spans = [m.span() for m in _LINK.finditer(text)]
    if "@" in text:
        for m in _AT_DOMAIN.finditer(text):
            local = _LOCAL_PART.search(text, max(0, m.start() - 256), m.start())
            if local:
                spans.append((local.start(), m.end()))
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in sorted(spans):
        start = max(start, cursor)
        if end > start:
            pieces += [text[cursor:start], " " * (end - start)]
            cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
