"""Alt text for a card: what the card says, in words, in reading order.

It is written from the same blocks the card draws, so it cannot drift from the image.
Limits are each platform's (and 420 for ``twitter:image:alt``); a description over a
limit fails the build rather than being cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.channels.cards.design import labels
from generator.channels.cards.layout import Placed

OG_ALT_LIMIT = 420
"""X's limit for ``twitter:image:alt``, the tightest place a link card's alt text goes."""

def alt_text(placed: Sequence[Placed], locale: str) -> str:
    """'Text card. mindreel. Film, 2011, Disability. 도가니. Silenced. ...'."""
    parts = [str(labels(locale)["alt"])]
    for p in placed:
        text = " ".join(p.lines).replace(" · ", ", ").strip()
        if text:
            parts.append(text)
    return " ".join(part if part[-1] in ".!?" else part + "." for part in parts)
