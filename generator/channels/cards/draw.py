"""Lay out and paint one card, then encode it as a palette PNG (deterministic bytes).

Everything is drawn on one 8-bit channel whose values index the palette's ramps (see
palette.py), so antialiased text needs no colour quantising afterwards and the PNG
stays small: flat colours compress well.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from generator.channels.cards.design import Spec
from generator.channels.cards.fonts import font
from generator.channels.cards.layout import Block, Box, Placed, fit, shifted
from generator.channels.cards.palette import BAND_BG, MAIN_BG, NOTE_BG, Palette, png_palette

Z_RLE = 3
"""zlib's run-length strategy (``zlib.Z_RLE``)."""
ACCENT_BAR = (112, 10)
ACCENT_GAP = 22
"""A short bar in the band colour above the title: the cards' one ornament."""


@dataclass(frozen=True)
class Layout:
    """Where everything goes on one card; tests check these boxes against the safe area."""

    spec: Spec
    column: tuple[Placed, ...]
    band: tuple[Placed, ...]
    band_box: Box | None
    accent: Box | None

    @property
    def placed(self) -> tuple[Placed, ...]:
        """Every block in reading order."""
        return self.column + self.band


def lay_out(spec: Spec, column: list[Block], band: list[Block]) -> Layout:
    """Fit the band to the bottom of the safe area, then the column above it.

    Raises ``layout.Overflow`` when either does not fit.
    """
    safe = spec.safe
    band_placed = fit(band, Box(safe.x, 0, safe.width, spec.height))
    band_box = None
    column_bottom = safe.bottom
    if band_placed:
        text_height = band_placed[-1].panel.bottom
        band_placed = shifted(band_placed, safe.bottom - text_height)
        top = band_placed[0].panel.y - spec.band_pad
        band_box = Box(0, top, spec.width, spec.height - top)
        column_bottom = top - spec.gap
    column_placed = fit(column, Box(safe.x, safe.y, safe.width, column_bottom - safe.y))
    if len(column_placed) > 1 and spec.centre:
        # The site's name stays at the top; the rest sits in the middle of the room left.
        room = column_bottom - column_placed[-1].panel.bottom
        column_placed = column_placed[:1] + shifted(column_placed[1:], room // 2)
    accent = None
    title = next((p for p in column_placed if p.block.name in ("kicker", "title")), None)
    if title is not None and column_placed.index(title) > 0:
        above = column_placed[column_placed.index(title) - 1].panel.bottom
        y = title.panel.y - ACCENT_GAP - ACCENT_BAR[1]
        if y >= above + ACCENT_GAP // 2:
            accent = Box(safe.x, y, ACCENT_BAR[0], ACCENT_BAR[1])
    return Layout(spec, tuple(column_placed), tuple(band_placed), band_box, accent)


def paint(layout: Layout) -> Image.Image:
    """The card on one channel ("L"): values are palette indices."""
    spec = layout.spec
    image = Image.new("L", (spec.width, spec.height), MAIN_BG)
    draw = ImageDraw.Draw(image)
    if layout.band_box is not None:
        draw.rectangle(_corners(layout.band_box), fill=BAND_BG)
    if layout.accent is not None:
        draw.rectangle(_corners(layout.accent), fill=BAND_BG)
    for placed in layout.placed:
        if placed.block.surface == "note":
            draw.rectangle(_corners(placed.panel), fill=NOTE_BG)
        face = font(placed.block.weight, placed.size)
        ascent, descent = face.getmetrics()
        offset = (placed.line_height - ascent - descent) // 2
        for number, line in enumerate(placed.lines):
            y = placed.text_box.y + number * placed.line_height + offset
            draw.text((placed.text_box.x, y), line, font=face, fill=placed.block.value)
    return image


def encode(image: Image.Image, palette: Palette) -> bytes:
    """A palette PNG; no metadata, so the same pixels always give the same bytes.

    zlib's run-length strategy suits runs of flat colour: about as small as the default
    at level 6 (within 40 %) and several times faster; ``optimize`` is not needed.
    """
    image.putpalette(png_palette(palette))  # "L" becomes "P" in place: no copy
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1, compress_type=Z_RLE)
    return out.getvalue()


def _corners(box: Box) -> tuple[int, int, int, int]:
    return (box.x, box.y, box.right - 1, box.bottom - 1)
