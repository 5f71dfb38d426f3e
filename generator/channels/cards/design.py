"""What each card says and where: the card kinds, their sizes, safe areas and blocks.

Words come from the edition (already in its locale); the few labels a card adds are
below, per locale. A typographic design: no film stills, whose rights are not ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from generator.channels.cards.fonts import clean
from generator.channels.cards.layout import Block, Box
from generator.channels.cards.palette import (
    BAND_TEXT,
    MAIN_TEXT,
    MUTED,
    NOTE_TEXT,
)
from generator.edition import Edition
from generator.i18n import localize

Kind = Literal["portrait", "square", "link", "help"]



LABELS: dict[str, object] = {
    "kind": {"film": "Film", "drama": "Drama", "theme": "Theme"},
    "note": "Content note: {notes}",
    "support": "If you need support now",
    "all_lines": "Every support line: {domain}",
    "alt": "Text card",
}
"""The few words a card adds to the edition's own, in English; another locale's are in
the gettext catalogue under ``cards.<key>`` (``cards.kind.film``)."""


@lru_cache(maxsize=4)
def labels(locale: str) -> dict[str, Any]:
    """The card's own words in ``locale``."""
    return localize(LABELS, locale, "cards")


@dataclass(frozen=True)
class Spec:
    """One card kind: pixel size, the safe area text must stay in, and its file."""

    kind: Kind
    width: int
    height: int
    margin_x: int
    margin_y: int
    band_pad: int
    """Space between the band's top edge and its text."""
    gap: int
    """Least space between the column's last line and the band."""
    what: str
    centre: bool = True
    """Centre the column (after the site's name) in the room above the band."""

    @property
    def file(self) -> str:
        return f"cards/{self.kind}.png"

    @property
    def safe(self) -> Box:
        return Box(self.margin_x, self.margin_y, self.width - 2 * self.margin_x,
                   self.height - 2 * self.margin_y)


# Instagram shows a 4:5 post as a 3:4 crop in the profile grid (34 px off each side) and
# X shows a link card at 2:1 (15 px off top and bottom): the margins clear both.
SPECS: dict[Kind, Spec] = {
    "portrait": Spec("portrait", 1080, 1350, 96, 88, 56, 48, "Instagram post"),
    "square": Spec("square", 1080, 1080, 88, 72, 44, 36, "square post"),
    "link": Spec("link", 1200, 630, 64, 40, 24, 28, "link preview"),
    "help": Spec("help", 1200, 630, 64, 40, 24, 28, "link preview of the support lines"),
}
EDITION_KINDS: tuple[Kind, ...] = ("portrait", "square", "link", "help")
PLATFORM_CARD: dict[str, Kind] = {
    "instagram": "portrait",
    "facebook": "square",
    "threads": "square",
    "x": "link",
    "bluesky": "link",
    "mastodon": "link",
    "linkedin": "link",
}
"""Which card each platform's post carries: 4:5 where the feed favours tall images."""


@dataclass(frozen=True)
class CardText:
    """The words of an edition's cards, cleaned (NFC, symbols the font lacks replaced)."""

    site: str
    domain: str
    kicker: str
    title_ko: str
    title_en: str
    note: str
    tagline: str
    support: str
    helpline: str
    international: str
    all_lines: str
    name: str
    """The title as error messages name it."""


def card_text(edition: Edition) -> CardText:
    t = labels(edition.locale)
    film = edition.film
    theme = edition.theme
    if film is not None:
        kicker = f"{t['kind'][film.type]} · {film.year} · {film.category}"
        title_ko, title_en, name = film.title_ko, film.title, film.id
    else:
        kicker = f"{t['kind']['theme']} · {theme.category}"
        title_ko, title_en, name = theme.name_ko or "", theme.name, theme.id
    if title_ko == title_en:
        title_ko = ""
    note = ""
    if edition.content_notes:
        notes = ", ".join(n.label for n in edition.content_notes)
        note = t["note"].format(notes=notes)
    return CardText(
        site=clean(edition.site.title), domain=clean(edition.site.domain),
        kicker=clean(kicker), title_ko=clean(title_ko), title_en=clean(title_en),
        note=clean(note), tagline=clean(theme.tagline_short),
        support=clean(t["support"]), helpline=clean(edition.primary_region.primary.short),
        international=clean(edition.international.primary.short),
        all_lines=clean(t["all_lines"].format(domain=edition.site.domain)), name=name,
    )


def category_of(edition: Edition) -> str:
    return edition.film.category_id if edition.film is not None else edition.theme.category_id


def blocks(kind: Kind, text: CardText) -> tuple[list[Block], list[Block]]:
    """(column from the top, band at the bottom) for one card kind."""
    if kind == "help":
        return [
            Block("site", text.site, "bold", 30, 30, 1, value=MUTED, gap=22),
            Block("title", text.support, "bold", 68, 44, 2, value=MAIN_TEXT, gap=28,
                  leading=1.15),
            Block("helpline", text.helpline, "bold", 44, 30, 2, value=MAIN_TEXT, gap=16),
            Block("international", text.international, "regular", 34, 26, 2, value=MAIN_TEXT),
        ], [Block("band", text.all_lines, "bold", 28, 22, 1, "band", BAND_TEXT)]
    note = Block("note", text.note, "bold", 30, 22, 3, "note", NOTE_TEXT, pad=16)
    if kind == "link":
        return [
            Block("kicker", f"{text.site} · {text.kicker}", "bold", 28, 22, 2, value=MUTED,
                  gap=18, rate=0.3),
            Block("title_ko", text.title_ko, "bold", 80, 44, 2, value=MAIN_TEXT, gap=6,
                  leading=1.15),
            Block("title_en", text.title_en, "bold", 44, 28, 2, value=MAIN_TEXT, gap=20,
                  leading=1.15),
            Block("note", note.text, "bold", 24, 20, 2, "note", NOTE_TEXT, gap=18, pad=12,
                  rate=0.4),
            Block("tagline", text.tagline, "regular", 32, 24, 2, value=MAIN_TEXT, rate=0.5),
        ], [Block("band", f"{text.helpline} · {text.domain}", "bold", 28, 20, 1, "band",
                  BAND_TEXT)]
    big = kind == "portrait"
    return [
        Block("site", text.site, "bold", 34, 34, 1, value=MUTED, gap=40 if big else 28),
        Block("note", note.text, "bold", note.size, note.floor, 3, "note", NOTE_TEXT,
              gap=48 if big else 32, pad=18, rate=0.4),
        Block("kicker", text.kicker, "bold", 32, 24, 2, value=MUTED, gap=24, rate=0.3),
        Block("title_ko", text.title_ko, "bold", 124 if big else 108, 60, 3, value=MAIN_TEXT,
              gap=14, leading=1.12),
        Block("title_en", text.title_en, "bold", 64 if big else 56, 34, 3, value=MAIN_TEXT,
              gap=48 if big else 36, leading=1.12),
        Block("tagline", text.tagline, "regular", 44 if big else 40, 30, 4, value=MAIN_TEXT,
              rate=0.5),
    ], [
        Block("support", text.support, "bold", 32, 24, 1, "band", BAND_TEXT, gap=10),
        Block("helpline", text.helpline, "bold", 46 if big else 42, 30, 2, "band", BAND_TEXT,
              gap=14),
        Block("domain", text.domain, "regular", 28, 22, 1, "band", BAND_TEXT),
    ]
