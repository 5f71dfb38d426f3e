"""The form of a text that wording rules match, and the way back to the original.

A careless or clever edit must not dodge a rule with characters that look the same or
show nothing: a Cyrillic ``о`` in "cоmmitted", full-width ``ｃｏｍｍｉｔｔｅｄ``, or a
zero-width space, soft hyphen or no-break space inside a word. Rules therefore run on a
normalised copy of each text:

1. format characters (Unicode category Cf: zero-width spaces and joiners, soft hyphens,
   word joiners, byte-order marks, bidi controls), variation selectors and Hangul
   fillers are removed;
2. each remaining character, together with the combining characters that follow it
   (and the vowel and final jamo that follow a leading jamo), is NFKC-normalised as one
   unit, so full-width and other compatibility forms become plain letters and
   decomposed Hangul is composed again;
3. outside Hangul and CJK, a character that Unicode's confusables table (UTS #39, via
   ``confusable_homoglyphs``) maps to a Latin letter is replaced by the ASCII letter of
   the same skeleton, matching its case; combining marks on Latin letters are dropped.
   ASCII itself is never folded, so "1393" stays a number and plain English stays as
   written: rules are written against ordinary text, not against skeletons.

Hangul is left as Hangul: syllables are NFKC-stable, and Hangul letters are never folded
to look-alikes in other scripts (the table maps ``ㅣ`` to a CJK stroke, for instance).

Every normalised character remembers the span of the original it came from, so a
finding quotes what the editor wrote and points at its line.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from generator.safety.fold_table import FOLDS

_PLAIN = regex.compile(r"[\x00-\x7f\uac00-\ud7a3]+")
"""Runs that need no work: ASCII and precomposed Hangul syllables are NFKC-stable,
carry no format characters, and are never folded."""

_INVISIBLE_EXTRA = frozenset(
    "\u034f"                                  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"                # Hangul fillers: blank, used to split words
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))  # variation selectors
)
_BREAKLESS_SPACES = frozenset("\u00a0\u2007\u202f")
"""No-break spaces: a space between words, or a way to split one word in two."""


def _is_hangul_or_cjk(ch: str) -> bool:
    cp = ord(ch)
    return (0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F or 0xA960 <= cp <= 0xA97F
            or 0xAC00 <= cp <= 0xD7FF or 0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF
            or 0xFFA0 <= cp <= 0xFFDC or 0x20000 <= cp <= 0x3FFFF)


def _joins_previous(ch: str) -> bool:
    """Whether ``ch`` belongs to the unit of the character before it (NFKC composes them)."""
    cp = ord(ch)
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:  # vowel and final jamo
        return True
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def invisible(ch: str) -> bool:
    """Characters that render as nothing and can split a word without showing."""
    return ch in _INVISIBLE_EXTRA or unicodedata.category(ch) == "Cf"


@lru_cache(maxsize=4096)
def fold(ch: str) -> str:
    """``ch`` as rules should see it: the ASCII letter with its skeleton, if there is one."""
    if ch.isascii() or _is_hangul_or_cjk(ch):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base.isascii():
        return base
    return FOLDS.get(base, base)


@dataclass(frozen=True)
class Normalised:
    """A normalised text and, for each of its characters, the original span it came from."""

    text: str
    starts: Sequence[int] | None = None
    ends: Sequence[int] | None = None
    """None for both: the text is unchanged (offsets map to themselves). Kept as arrays
    of machine integers: a page's offsets as tuples of Python ints take nine times the
    memory, and a build keeps the views of the texts it has checked."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else (
                self.ends[-1] if self.ends else 0)
            return at, at
        return self.starts[start], self.ends[end - 1]


def _units(text: str, drop_breakless: bool) -> list[tuple[str, int, int]]:
    """(unit, original start, original end): visible characters grouped as NFKC composes."""
    units: list[tuple[str, int, int]] = []
    pending: list[str] = []
    first = last = 0
    for index, ch in enumerate(text):
        if invisible(ch) or (drop_breakless and ch in _BREAKLESS_SPACES):
            continue
        if pending and _joins_previous(ch):
            pending.append(ch)
            last = index + 1
            continue
        if pending:
            units.append(("".join(pending), first, last))
        pending, first, last = [ch], index, index + 1
    if pending:
        units.append(("".join(pending), first, last))
    return units


def normalise(text: str, *, drop_breakless: bool = False) -> Normalised:
    """The form rules match (see the module doc); ``drop_breakless`` also removes no-break
    spaces, for the second look that catches a word split by one."""
    if _PLAIN.fullmatch(text) or not text:
        return Normalised(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    cursor = 0
    for plain in _PLAIN.finditer(text):
        if plain.start() > cursor:
            _convert(text, cursor, plain.start(), drop_breakless, out, starts, ends)
        chunk = plain.group()
        out.append(chunk)
        starts.extend(range(plain.start(), plain.end()))
        ends.extend(range(plain.start() + 1, plain.end() + 1))
        cursor = plain.end()
    if cursor < len(text):
        _convert(text, cursor, len(text), drop_breakless, out, starts, ends)
    result = "".join(out)
    if result == text:
        return Normalised(text)
    return Normalised(result, array("i", starts), array("i", ends))


def _convert(text: str, lo: int, hi: int, drop_breakless: bool, out: list[str],
             starts: list[int], ends: list[int]) -> None:
    """Normalise ``text[lo:hi]`` (no plain run inside) into ``out`` with its offsets.

    A combining mark right after a plain run starts its own unit here and folds to
    nothing, which is what matching wants ("c\u0301ommitted" reads as "committed").
    """
    for unit, first, last in _units(text[lo:hi], drop_breakless):
        for piece in _nfkc(unit):
            folded = fold(piece)
            if not folded:
                continue
            out.append(folded)
            starts.extend([lo + first] * len(folded))
            ends.extend([lo + last] * len(folded))


def _nfkc(unit: str) -> str:
    """NFKC, except Hangul compatibility letters, which NFKC would turn into conjoining
    jamo and compose with their neighbours: they stay the letters the writer typed."""
    if len(unit) == 1 and (0x3130 <= ord(unit) <= 0x318F or 0xFFA0 <= ord(unit) <= 0xFFDC):
        return unit
    return unicodedata.normalize("NFKC", unit)


def has_breakless_space(text: str) -> bool:
    return not _BREAKLESS_SPACES.isdisjoint(text)
