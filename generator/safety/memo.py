"""Results kept per distinct text, within a memory bound.

The guard meets the same footers, helpline lines and posts in several files of an
edition and again every week, so what it works out for a text is kept: short texts
(posts, feed fields, headings) by the thousand until ``characters`` of them are held,
then dropped together; long ones (whole pages, new every week, with large offset maps)
only the last ``long_kept``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

LONG_TEXT = 2_000
"""Texts longer than this (whole pages) are kept only a few at a time."""


class TextMemo(Generic[K, V]):
    """``key -> value`` for texts, bounded by the texts' sizes (see the module)."""

    def __init__(self, long_kept: int, characters: int = 400_000) -> None:
        self.long_kept = long_kept
        self.characters = characters
        self.short: dict[K, V] = {}
        self.long: dict[K, V] = {}
        self.held = 0

    def get(self, key: K, size: int) -> V | None:
        return (self.long if size > LONG_TEXT else self.short).get(key)

    def put(self, key: K, size: int, value: V) -> None:
        if size > LONG_TEXT:
            if len(self.long) >= self.long_kept:
                del self.long[next(iter(self.long))]
            self.long[key] = value
            return
        if self.held + size > self.characters:
            self.short.clear()
            self.held = 0
        self.short[key] = value
        self.held += size
