"""The bundled card fonts: a Latin + Hangul subset of Pretendard, renamed (see fonts/README).

Cards never use system fonts, so a fresh machine draws the same pixels. Text is put in
NFC first: Pillow's basic layout draws decomposed (NFD) Hangul as loose jamo.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont
from PIL.ImageFont import FreeTypeFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
Weight = Literal["regular", "bold"]
FILES: dict[Weight, str] = {
    "regular": "MindreelCardSans-Regular.otf",
    "bold": "MindreelCardSans-Bold.otf",
}
# Symbols the catalogue may use that the font lacks, and what the card says instead.
SUBSTITUTES = {"☎": "", "✆": "", "\u00ad": "", "\u200b": ""}


@cache
def font(weight: Weight, size: int) -> FreeTypeFont:
    """One face at one pixel size, loaded once per process.

    The basic layout engine is chosen explicitly: raqm depends on a system FriBiDi,
    so it could change the bytes from one machine to the next.
    """
    return ImageFont.truetype(str(FONT_DIR / FILES[weight]), size,
                              layout_engine=ImageFont.Layout.BASIC)


@cache
def coverage() -> frozenset[int]:
    """Code points both weights draw, from ``fonts/coverage.txt`` (written with the fonts)."""
    codes: set[int] = set()
    for line in (FONT_DIR / "coverage.txt").read_text("ascii").split():
        first, last = line.split("-")
        codes.update(range(int(first, 16), int(last, 16) + 1))
    return frozenset(codes)


def clean(text: str) -> str:
    """NFC, known symbols replaced, runs of whitespace made one space."""
    text = unicodedata.normalize("NFC", text)
    for symbol, replacement in SUBSTITUTES.items():
        text = text.replace(symbol, replacement)
    return " ".join(text.split())


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` the bundled fonts cannot draw ('' when all are there)."""
    covered = coverage()
    return "".join(sorted({ch for ch in text if ord(ch) not in covered and not ch.isspace()}))
