"""Count a post the way its platform counts it, so what we call "fits" is what it accepts.

X: twitter-text's weighted length (config v3). Bluesky: graphemes and UTF-8 bytes,
full URLs. Mastodon: graphemes, each http(s) URL as a fixed length, the content warning
included. The rest: code points (Threads with emoji at their UTF-8 length).

twitter-text takes about a quarter of a second to import, so the posts mindreel writes
are measured by ``xlength`` from twitter-text's published configuration; twitter-text is
imported only for text outside that module's shape (and by the tests, as the oracle).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import regex

from generator.channels.social import xlength
from generator.channels.social.rules import PlatformRule

_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
# A hashtag as platforms link it: '#' not glued to a word, then a word holding a letter.
_HASHTAG = regex.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])\w+")


@cache
def _twitter_text() -> Any:
    import twitter_text

    return twitter_text


# Every emoji in twitter-text's pattern holds a code point of this class: most begin with
# one, and keycaps (``#``, ``*``, digits) go on with U+FE0F or U+20E3
# (tests/test_social_count.py checks this against the pattern). Text without any of
# them holds no emoji, so skipping the emoji scan cannot change its count.
MAY_HOLD_EMOJI = regex.compile("[\u00a9\u00ae\u200d\u203c-\u3299\ufe0f\U00010000-\U0010ffff]")


@cache
def _x_options(limit: int, emoji: bool = True) -> dict[str, Any]:
    from twitter_text.config import config

    options = dict(config["defaults"])
    options["max_weighted_tweet_length"] = limit
    options["emoji_parsing_enabled"] = emoji and options["emoji_parsing_enabled"]
    return options


@cache
def _x_invalid() -> Any:
    from twitter_text.has_invalid_characters import has_invalid_characters

    return has_invalid_characters


@dataclass(frozen=True)
class Measure:
    """One count against one limit."""

    unit: str
    count: int
    limit: int

    @property
    def fits(self) -> bool:
        return self.count <= self.limit

    @property
    def over(self) -> bool:
        return not self.fits

    def __str__(self) -> str:
        return f"{self.count}/{self.limit} {self.unit}"


@dataclass(frozen=True)
class Count:
    """Every measure a platform applies to a post (the first is the one it shows)."""

    measures: tuple[Measure, ...]
    problems: tuple[str, ...] = ()

    @property
    def primary(self) -> Measure:
        return self.measures[0]

    @property
    def fits(self) -> bool:
        return not self.problems and all(m.fits for m in self.measures)

    def overflow(self) -> str:
        """What is wrong, in words: ``312/280 weighted characters``."""
        over = [str(m) for m in self.measures if not m.fits]
        return "; ".join([*over, *self.problems]) or str(self.primary)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def graphemes(text: str) -> int:
    """Extended grapheme clusters (UAX #29): what Bluesky and Mastodon count."""
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


@lru_cache(maxsize=4096)
def x_weighted(text: str, limit: int = 280) -> tuple[int, bool]:
    """X's weighted length of ``text`` (NFC first) and whether every character is one X takes.

    Cached: fitting measures the same text more than once. ``xlength`` counts the shapes
    mindreel writes; anything else goes to twitter-text, whose emoji scan (a millisecond
    or more a call) runs only when the text may hold an emoji.
    """
    text = nfc(text)
    own = xlength.weighted_length(text)
    if own is not None:
        return own, not xlength.has_invalid_characters(text)
    options = _x_options(limit, emoji=bool(MAY_HOLD_EMOJI.search(text)))
    weighted = int(_twitter_text().parse_tweet(text, options).weightedLength)
    return weighted, not _x_invalid()(text)


def mastodon_countable(text: str, url_length: int) -> str:
    """The text with each http(s) URL replaced by ``url_length`` placeholder characters.

    Mastodon finds URLs with its twitter-text extractor, protocol required (a bare
    domain counts at full length), and swaps each for a fixed-length placeholder.
    """
    spans = xlength.links(text, bare=False)
    if spans is None:
        found = _twitter_text().extract_urls_with_indices(text,
                                                          extract_urls_without_protocol=False)
        spans = [(entity["indices"][0], entity["indices"][1]) for entity in found]
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], "x" * url_length]
        at = end
    out.append(text[at:])
    return "".join(out)


def code_points(text: str, emoji_as_utf8: bool = False) -> int:
    """Code points; with ``emoji_as_utf8`` each emoji cluster counts its UTF-8 bytes."""
    if not emoji_as_utf8:
        return len(text)
    total = 0
    for cluster in _GRAPHEME.findall(text):
        total += utf8_bytes(cluster) if _EMOJI.search(cluster) else len(cluster)
    return total


def hashtags_in(text: str) -> list[str]:
    """Every hashtag a platform would link in ``text`` (titles included)."""
    return [str(tag) for tag in _HASHTAG.findall(text)]


def count(text: str, rule: PlatformRule, cw: str | None = None) -> Count:
    """Measure ``text`` (and a native content warning, where it counts) by ``rule``."""
    text = nfc(text)
    measures: list[Measure] = []
    problems: list[str] = []
    if rule.counter == "x-weighted":
        weighted, valid_chars = x_weighted(text, rule.limit)
        measures.append(Measure(rule.unit, weighted, rule.limit))
        if not valid_chars:
            problems.append(f"contains characters {rule.label} rejects")
    else:
        counted = text
        if rule.url_length is not None:
            counted = mastodon_countable(counted, rule.url_length)
        if rule.counts_cw and cw:
            counted = nfc(cw) + counted
        if rule.counter == "graphemes":
            measures.append(Measure(rule.unit, graphemes(counted), rule.limit))
        else:
            points = code_points(counted, rule.emoji_as_utf8)
            measures.append(Measure(rule.unit, points, rule.limit))
    if rule.byte_limit is not None:
        measures.append(Measure("bytes", utf8_bytes(text), rule.byte_limit))
    if rule.hashtags.hard_max is not None:
        measures.append(Measure("hashtags", len(hashtags_in(text)), rule.hashtags.hard_max))
    return Count(tuple(measures), tuple(problems))
