"""A text as the wording rules see it: links blanked, then normalised.

Worked out once per process for each distinct text: footers, helplines and posts recur
in several files of an edition and every week (``prepared``).
"""

from __future__ import annotations

import re

from generator.safety.memo import TextMemo
from generator.safety.normalise import Normalised, has_breakless_space, normalise

__all__ = ["blank_links", "prepared"]

_LINK = re.compile(r"(?:https?|mailto|ftp|tel):[^\s<>\"']+|www\.[^\s<>\"']+")
_AT_DOMAIN = re.compile(r"@[\w-]+(?:\.[\w-]+)+")
_LOCAL_PART = re.compile(r"[\w.+-]+\Z")
"""An e-mail address is found from its ``@`` outwards: trying ``local@domain`` at every
word of a page costs more than the rest of the masking together."""


Prepared = tuple[str, tuple[Normalised, ...]]
_prepared: TextMemo[str, Prepared] = TextMemo(long_kept=8)
"""Short texts' views take a few MB in all; a page's offset maps are large, so only the
last eight pages are kept."""


def prepared(body: str) -> Prepared:
    """``body`` masked and its views, worked out once per process for each distinct text:
    footers, helplines and posts recur in several files of an edition and every week."""
    found = _prepared.get(body, len(body))
    if found is None:
        found = _prepare(body)
        _prepared.put(body, len(body), found)
    return found


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
