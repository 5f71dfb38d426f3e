"""Text measured in terminal columns: an East Asian wide character (Hangul) takes two.

The plain-text email is wrapped at 72 columns as readers see them, not as ``len`` counts
them; ``wcwidth`` knows each character's width (a Korean line of 40 syllables is 80
columns wide, not 40).
"""

from __future__ import annotations

from wcwidth import wcswidth


def columns(text: str) -> int:
    """Display width of ``text`` (a control character counts as one column, not -1)."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcswidth(ch), 1) for ch in text)


def fill_columns(text: str, width: int = 72, indent: str = "") -> str:
    """Greedy word wrap at ``width`` columns, each line starting with ``indent``. Words
    are never broken: one wider than a line stands alone (a URL stays clickable). For
    ASCII text this is exactly ``textwrap.fill`` with ``break_long_words=False`` and
    ``break_on_hyphens=False``."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else indent + word
        if line and columns(candidate) > width:
            lines.append(line)
            candidate = indent + word
        line = candidate
    if line:
        lines.append(line)
    return "\n".join(lines)
