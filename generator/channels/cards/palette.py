"""Colours per category, checked for WCAG 2.x AA contrast, and the PNG palette they make.

A card is drawn in one 8-bit channel ("L") and saved as a palette PNG. Each value
range is a *ramp* between two colours: text antialiased onto a surface blends its
value linearly from the surface's value to the text's, so the matching palette entries
must blend the same two colours. Three ramps give three surface/text pairs:

- ``main``: the background and its text (values ``0..MAIN_TEXT``);
- ``note``: the content-note panel and its text;
- ``band``: the helpline band and its text.

A secondary text colour is a point on the main ramp (``MUTED``), so antialiasing stays
exact and the colour is a real mix of background and text, whose contrast is tested too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

Rgb = tuple[int, int, int]

MAIN_BG, MAIN_TEXT = 0, 99
MUTED = 80
"""Secondary text (kicker, site name): 80/99 of the way from background to text."""
NOTE_BG, NOTE_TEXT = 100, 169
BAND_BG, BAND_TEXT = 170, 255
AA_TEXT = 4.5
"""WCAG 2.x AA minimum for normal-size text; every card pair must reach it."""


@dataclass(frozen=True)
class Palette:
    """The six colours of one category's cards (hex strings read well in reviews)."""

    background: str
    text: str
    note_bg: str
    note_text: str
    band_bg: str
    band_text: str

    def rgb(self, name: str) -> Rgb:
        value: str = getattr(self, name)
        return (int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16))

    @property
    def muted(self) -> Rgb:
        return mix(self.rgb("background"), self.rgb("text"), MUTED / MAIN_TEXT)

    def pairs(self) -> dict[str, tuple[Rgb, Rgb]]:
        """Every (text, surface) pair a card draws, by name, for the contrast test."""
        return {
            "text": (self.rgb("text"), self.rgb("background")),
            "muted": (self.muted, self.rgb("background")),
            "note": (self.rgb("note_text"), self.rgb("note_bg")),
            "band": (self.rgb("band_text"), self.rgb("band_bg")),
        }



@cache
def png_palette(palette: Palette) -> tuple[int, ...]:
    """768 ints: the three ramps laid out over the 256 values (computed once a palette)."""
    entries: list[Rgb] = []
    for low, high, start, end in (
        (MAIN_BG, MAIN_TEXT, "background", "text"),
        (NOTE_BG, NOTE_TEXT, "note_bg", "note_text"),
        (BAND_BG, BAND_TEXT, "band_bg", "band_text"),
    ):
        steps = high - low
        a, b = palette.rgb(start), palette.rgb(end)
        entries += [mix(a, b, i / steps) for i in range(steps + 1)]
    assert len(entries) == 256
    return tuple(channel for entry in entries for channel in entry)


def mix(a: Rgb, b: Rgb, t: float) -> Rgb:
    """The colour ``t`` of the way from ``a`` to ``b`` (as antialiasing blends it)."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def luminance(rgb: Rgb) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Rgb, b: Rgb) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Calm, saturated-but-dark grounds with warm light text; the band is the light accent
# that carries the helpline. Categories come from data/vocabulary.yaml.
PALETTES: dict[str, Palette] = {
    "mental-health": Palette("#123C45", "#F6F1E7", "#F6F1E7", "#123C45", "#F4C95D", "#1B1A17"),
    "neurodivergence": Palette("#2A2B6B", "#F5F3FF", "#F5F3FF", "#2A2B6B", "#A7E0D8", "#14213D"),
    "disability": Palette("#4A1F4F", "#FBF1F7", "#FBF1F7", "#4A1F4F", "#F6B8A8", "#2A1025"),
    "dementia-ageing": Palette("#4B2E1E", "#FBF3E6", "#FBF3E6", "#4B2E1E", "#EEC07B", "#2B1A0E"),
    "grief-trauma": Palette("#1E2A46", "#EEF2F8", "#EEF2F8", "#1E2A46", "#BFD0F0", "#111A2E"),
    "wellbeing": Palette("#1D4A2E", "#F2F8EC", "#F2F8EC", "#1D4A2E", "#CFE8A9", "#142A10"),
}
DEFAULT_PALETTE = Palette("#26313B", "#F3F4F6", "#F3F4F6", "#26313B", "#F2D388", "#1C1C1C")
"""For a category added to the vocabulary before it gets its own colours."""


def palette_for(category_id: str) -> Palette:
    return PALETTES.get(category_id, DEFAULT_PALETTE)
