"""The cards channel: an edition's share cards and their alt text.

Files: ``cards/portrait.png`` (Instagram, 1080x1350), ``cards/square.png`` (1080x1080),
``cards/link.png`` (the page's link preview, 1200x630), ``cards/help.png`` (the support
lines' link preview) and ``cards/cards.json`` (each card's size, URL and alt text).
The web and social channels read the same cards through ``edition_cards`` (computed
once per edition), for Open Graph tags, feed images and posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from generator.channels import Files, RenderContext
from generator.channels.cards.alt import OG_ALT_LIMIT, alt_text
from generator.channels.cards.design import (
    EDITION_KINDS,
    PLATFORM_CARD,
    SPECS,
    Kind,
    blocks,
    card_text,
    category_of,
)
from generator.channels.cards.draw import encode, lay_out, paint
from generator.channels.cards.fonts import missing_glyphs
from generator.channels.cards.layout import Overflow
from generator.channels.cards.palette import palette_for
from generator.edition import Edition
from generator.errors import ChannelError

CARDS_FILE = "cards/cards.json"
PAGE_KINDS: frozenset[Kind] = frozenset({"link", "help"})
"""Cards whose alt text goes into pages' ``og:image:alt`` and ``twitter:image:alt``."""


@dataclass(frozen=True)
class Card:
    """One rendered card and what pages and posts need to say about it."""

    kind: Kind
    file: str
    url: str
    width: int
    height: int
    alt: str
    png: bytes

    def meta(self) -> dict[str, Any]:
        return {"kind": self.kind, "file": self.file, "url": self.url, "width": self.width,
                "height": self.height, "type": "image/png", "bytes": len(self.png),
                "alt": self.alt}


def render(edition: Edition, ctx: RenderContext) -> Files:
    """Every card of the edition and ``cards/cards.json``."""
    cards = edition_cards(edition)
    files: Files = {card.file: card.png for card in cards.values()}
    listing = [card.meta() for card in cards.values()]
    files[CARDS_FILE] = (json.dumps(listing, ensure_ascii=False, indent=2) + "\n").encode()
    return files


def post_image(edition: Edition, platform: str, limit: int | None) -> tuple[str, str]:
    """(URL, alt text) of the card a platform's post carries; ``ChannelError`` if the alt
    text is over the platform's limit (it is never cut)."""
    card = edition_cards(edition)[PLATFORM_CARD.get(platform, "link")]
    if limit is not None and len(card.alt) > limit:
        raise ChannelError(f"{platform}: the {card.kind} card's alt text for {edition.id} is "
                           f"{len(card.alt)}/{limit} characters; shorten the title or the "
                           "tagline_short it shows in data/")
    return card.url, card.alt


def card_url(edition: Edition, kind: Kind) -> str:
    """The card's absolute URL: the edition folder sits at the site's root, and another
    locale's cards in its own folder inside it (``2026-W49/ko/cards/link.png``)."""
    return (edition.site.base_url.rstrip("/")
            + f"/{edition.id}/{edition.folder}{SPECS[kind].file}")


@lru_cache(maxsize=8)
def edition_cards(edition: Edition) -> dict[Kind, Card]:
    """Lay out, draw and describe every card; ``ChannelError`` (exit 2) names the title
    when text cannot fit or the font cannot draw a character."""
    text = card_text(edition)
    missing = missing_glyphs("".join(str(v) for v in vars(text).values()))
    if missing:
        raise ChannelError(f"cards for {edition.id}: {text.name!r} uses characters the card "
                           f"font cannot draw ({missing}); rewrite them in data/ or add them "
                           "to the font (generator/channels/cards/fonts/README)")
    palette = palette_for(category_of(edition))
    cards: dict[Kind, Card] = {}
    for kind in EDITION_KINDS:
        spec = SPECS[kind]
        column, band = blocks(kind, text)
        try:
            layout = lay_out(spec, column, band)
        except Overflow as exc:
            raise ChannelError(
                f"cards for {edition.id}: {text.name!r} does not fit the {spec.what} card "
                f"({spec.width}x{spec.height}): {exc}; shorten it in data/"
            ) from None
        alt = alt_text(layout.placed, edition.locale)
        if kind in PAGE_KINDS and len(alt) > OG_ALT_LIMIT:
            raise ChannelError(f"cards for {edition.id}: the {kind} card's alt text is "
                               f"{len(alt)}/{OG_ALT_LIMIT} characters (twitter:image:alt); "
                               "shorten the title or the tagline_short it shows in data/")
        png = encode(paint(layout), palette)
        cards[kind] = Card(kind, spec.file, card_url(edition, kind), spec.width, spec.height,
                           alt, png)
    return cards
