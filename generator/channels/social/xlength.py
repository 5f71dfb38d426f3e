"""X's weighted length without importing twitter-text: its v3 configuration, applied directly.

twitter-text compiles Unicode's emoji list and every top-level domain into regexes when it
is imported (about a quarter of a second of each cold build). The posts mindreel writes use
a narrow, regular shape: plain words, whitespace-delimited ASCII links on well-known
top-level domains, and no multi-code-point emoji. For text of that shape the configuration
alone gives the count: each code point weighs 1 inside the v3 ranges and 2 outside, each
link 23, each emoji 2 (a one-code-point emoji outside the ranges already weighs 2).

Anything outside that shape (a dot glued to a letter that is not one of our links, a
joiner, variation selector, keycap, skin tone, flag or tag character, an emoji the
ranges weigh 1) returns ``None`` and the caller asks twitter-text itself, so the count
is never a guess. tests/test_social_xlength.py compares both over every generated post
and over hostile strings.
"""

from __future__ import annotations

import re

SCALE = 100
DEFAULT_WEIGHT = 200
URL_WEIGHT = 23 * SCALE
RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
"""twitter-text's v3 ``ranges`` (code points weighing 100, i.e. one character)."""

TLDS = frozenset({"com", "org", "net", "kr", "au", "jp", "nz", "ca", "gov", "uk", "sg",
                  "us", "int", "edu", "info"})
"""Top-level domains the fast path recognises; each is checked against twitter-text."""

# A link as mindreel writes one: after start or whitespace, ASCII labels, a known TLD,
# an optional path and query whose last character twitter-text keeps, then only
# sentence punctuation before whitespace or the end.
_LINK = re.compile(
    r"(?:(?<=[ \t\n])|^)"
    r"(?P<url>(?P<scheme>https?://)?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]+)"
    r"(?:/(?:[A-Za-z0-9._~%/-]*[A-Za-z0-9/_-])?)?"
    r"(?:\?[A-Za-z0-9=&_.%-]*[A-Za-z0-9=&_-])?)"
    r"(?=[.,!?;:]*(?:[ \t\n]|$))",
    re.MULTILINE,
)
_DOT_BEFORE_LETTER = re.compile(r"\.(?=[^\W\d_])")
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
# Code points that make a sequence of several into one emoji (joiner, variation
# selectors, keycap, skin tones, regional indicators, tags), and the emoji the v3 ranges
# weigh 1 (copyright, registered): with any of them, only twitter-text knows.
_EMOJI_SEQUENCE = re.compile("[\u00a9\u00ae\u200d\ufe0e\ufe0f\u20e3"
                             "\U0001f3fb-\U0001f3ff\U0001f1e6-\U0001f1ff\U000e0020-\U000e007f]")
_INVALID = re.compile("[\ufffe\ufeff\uffff]")


def links(text: str, *, bare: bool) -> list[tuple[int, int]] | None:
    """Where twitter-text finds links in ``text`` (``bare``: without a scheme too), or
    ``None`` when the text holds anything link-like this module does not recognise."""
    found: list[tuple[int, int]] = []
    covered: list[tuple[int, int]] = []
    for match in _LINK.finditer(text):
        if match["tld"].lower() not in TLDS or match["url"].lower().startswith(
                ("http://t.co", "https://t.co", "t.co")):
            return None
        covered.append(match.span("url"))
        if bare or match["scheme"]:
            found.append(match.span("url"))
    if any(not _inside(m.start(), covered) for m in _DOT_BEFORE_LETTER.finditer(text)):
        return None
    if any(not _inside(m.start(), covered) for m in _SCHEME.finditer(text)):
        return None
    return found


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= at < end for start, end in spans)


_HEAVY = re.compile("[^" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in RANGES) + "]")
"""A code point outside the v3 ranges: it weighs two characters."""


def _weight(text: str, spans: list[tuple[int, int]]) -> int:
    """Outside links, each code point weighs ``SCALE`` and one outside the ranges twice
    that; each link ``URL_WEIGHT``. (Counting the heavy ones with one regex scan instead
    of weighing each character in Python: the sum is the same.)"""
    total, at = 0, 0
    for start, end in [*spans, (len(text), len(text))]:
        gap = text[at:start]
        total += SCALE * len(gap) + (DEFAULT_WEIGHT - SCALE) * len(_HEAVY.findall(gap))
        if end > start:
            total += URL_WEIGHT
        at = end
    return total


def weighted_length(text: str) -> int | None:
    """X's weighted length of NFC ``text`` (emoji parsing on), or ``None`` if only
    twitter-text can tell."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _EMOJI_SEQUENCE.search(text):
        return None
    spans = links(text, bare=True)
    if spans is None:
        return None
    return _weight(text, spans) // SCALE


def has_invalid_characters(text: str) -> bool:
    """twitter-text's invalid characters: U+FFFE, U+FEFF, U+FFFF."""
    return _INVALID.search(text) is not None
