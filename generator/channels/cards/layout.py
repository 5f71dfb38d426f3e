"""Text boxes for a card: wrap, then shrink to a floor, then fail with the reason.

A card is a column of blocks flowing down from the top of its safe area and, separately,
a band anchored to the bottom. Every block is measured with the face it will be drawn
in, so the boxes here are exactly where the ink goes; tests check them against the safe
area, and the drawing code only paints what this module placed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from generator.channels.cards.fonts import Weight, font

SHRINK_STEP = 0.06
"""Each round takes this share of its starting size off every block that may shrink."""


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Box) -> bool:
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)


@dataclass(frozen=True)
class Block:
    """One run of text with its style; ``floor`` below ``size`` lets it shrink."""

    name: str
    text: str
    weight: Weight
    size: int
    floor: int
    max_lines: int
    surface: str = "main"
    """``main``, ``note`` (drawn on a panel) or ``band``."""
    value: int = 0
    """The fill value on the card's channel (see palette)."""
    gap: int = 0
    """Space after the block, in pixels at the block's starting size (scaled with it)."""
    leading: float = 1.22
    pad: int = 0
    """Panel padding around the text (note panels)."""
    rate: float = 1.0
    """How fast it shrinks against the others: titles give way first, small print last."""


@dataclass(frozen=True)
class Placed:
    """A block as drawn: its size, lines, the text's box and the panel's box."""

    block: Block
    size: int
    lines: tuple[str, ...]
    line_height: int
    text_box: Box
    panel: Box


class Overflow(ValueError):
    """The text does not fit even at its floor size; the message names the block."""


def has_hangul(word: str) -> bool:
    return any(0xAC00 <= ord(ch) <= 0xD7A3 or 0x1100 <= ord(ch) <= 0x11FF
               or 0x3130 <= ord(ch) <= 0x318F for ch in word)


def wrap(text: str, weight: Weight, size: int, width: int) -> list[str]:
    """Greedy word wrap measured with the real face, breaking only between words, as
    ``word-break: keep-all`` does: a Korean word (eojeol) is never split, so one wider
    than the line stays whole on its own line (``too_wide`` finds it and the card
    shrinks). A Latin word wider than the line is split between characters, as a last
    resort."""
    face = font(weight, size)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if face.getlength(trial) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        if has_hangul(word):
            current = word
            continue
        for char in word:
            if current and face.getlength(current + char) > width:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


def _step(block: Block) -> int:
    return math.ceil(block.size * SHRINK_STEP * block.rate)


def _size_at(block: Block, step: int) -> int:
    return max(block.floor, block.size - _step(block) * step)


def _place(blocks: Sequence[Block], sizes: Sequence[int], area: Box) -> list[Placed] | None:
    """Stack ``blocks`` down ``area`` at ``sizes``; None if a block has too many lines or
    the column runs past the bottom."""
    placed: list[Placed] = []
    y = area.y
    for block, size in zip(blocks, sizes, strict=True):
        inner = area.width - 2 * block.pad
        lines = wrap(block.text, block.weight, size, inner)
        if len(lines) > block.max_lines:
            return None
        face = font(block.weight, size)
        line_height = round(size * block.leading)
        widths = [math.ceil(face.getlength(line)) for line in lines]
        if any(w > inner for w in widths):  # a Korean word wider than the line
            return None
        text_h = line_height * len(lines)
        text_box = Box(area.x + block.pad, y + block.pad, max(widths, default=0), text_h)
        panel = Box(area.x, y, (max(widths, default=0) + 2 * block.pad) if block.pad else
                    area.width, text_h + 2 * block.pad)
        placed.append(Placed(block, size, tuple(lines), line_height, text_box, panel))
        y = panel.bottom + round(block.gap * size / block.size)
    if placed and placed[-1].panel.bottom > area.bottom:
        return None
    return placed


def fit(blocks: Sequence[Block], area: Box) -> list[Placed]:
    """Place ``blocks`` in ``area``, shrinking the ones that may until all fit.

    Raises ``Overflow`` naming the block that still cannot fit at its floor size.
    """
    blocks = [b for b in blocks if b.text]
    rounds = max((math.ceil((b.size - b.floor) / _step(b)) for b in blocks), default=0)
    for step in range(rounds + 1):
        placed = _place(blocks, [_size_at(b, step) for b in blocks], area)
        if placed is not None:
            return placed
    floors = [b.floor for b in blocks]
    for i, block in enumerate(blocks):
        inner = area.width - 2 * block.pad
        lines = wrap(block.text, block.weight, block.floor, inner)
        wide = [line for line in lines if font(block.weight, block.floor).getlength(line) > inner]
        if wide:
            raise Overflow(f"{block.name} has a word wider than the card at {block.floor} px "
                           f"({wide[0]!r}); Korean words are never split")
        if len(lines) > block.max_lines:
            raise Overflow(f"{block.name} needs {len(lines)} lines at {block.floor} px "
                           f"(at most {block.max_lines})")
        if _place(blocks[: i + 1], floors[: i + 1], area) is None:
            raise Overflow(f"the text runs past the card's bottom at {block.name}")
    raise Overflow("the text does not fit")  # pragma: no cover - one of the above holds


def shifted(placed: Sequence[Placed], dy: int) -> list[Placed]:
    """The same blocks moved down by ``dy`` (to anchor a column to the bottom)."""
    def move(box: Box) -> Box:
        return replace(box, y=box.y + dy)

    return [replace(p, text_box=move(p.text_box), panel=move(p.panel)) for p in placed]
