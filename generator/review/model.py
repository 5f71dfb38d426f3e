"""The review page's model: one frozen view per edition, platform and post.

The template reads only these objects, so what the page can show is fixed here and
nothing in the template reaches back into files or the ledger.

What a post *needs* before it can go out (``PostView.needs``) is decided here too, from
what the channels wrote: a count over its limit, a platform that cannot post without an
image (``IMAGE_REQUIRED``) when the post has none, a safety warning on one of its files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from generator.channels.social.count import Measure

Status = Literal["latest", "upcoming"]

IMAGE_REQUIRED = frozenset({"instagram"})
"""Platforms that take no text-only post: without an image the post cannot go out."""


@dataclass(frozen=True)
class PostView:
    """One post or thread part, ready to show and copy.

    ``image`` is an edition-relative path to a local image for the post (a share card),
    ``image_url`` a remote one the scheduling tool fetches; either satisfies a platform
    in ``IMAGE_REQUIRED`` (with the cards channel on, ``image_url`` is the post's share
    card, and ``image_path`` the same card as a file in the outbox, which the page links).
    ``warnings`` are the edition's safety warnings on this post's own files.
    """

    dom_id: str
    edition: str
    platform: str
    label: str
    part: int
    parts: int
    text: str
    primary: Measure
    others: tuple[Measure, ...]
    cw: str | None
    cw_native: bool
    link: str | None
    hashtags: tuple[str, ...]
    alt_text: str | None
    file: str | None
    shortened: tuple[str, ...]
    image: str | None = None
    image_url: str | None = None
    warnings: tuple[str, ...] = ()
    folder: str = ""
    """The post's language folder in the edition ("" or "ko/"): its files are there."""
    language: str = ""
    """The language's English name ("Korean") when the page shows more than one."""

    @property
    def image_path(self) -> str | None:
        """The image as a path in the outbox when it is one of the edition's own cards."""
        marker = f"/{self.edition}/{self.folder}cards/"
        if self.image_url and marker in self.image_url:
            return f"{self.edition}/{self.folder}cards/" + self.image_url.split(marker, 1)[1]
        return None

    @property
    def needs(self) -> tuple[str, ...]:
        """What must be done before this post can go out, one short sentence each."""
        found = [f"over the limit: {m.count} / {m.limit} {m.unit}"
                 for m in (self.primary, *self.others) if m.over]
        if self.platform in IMAGE_REQUIRED and not (self.image or self.image_url):
            found.append(f"needs an image: {self.label} takes no text-only post")
        found += [f"safety warning: {w}" for w in self.warnings]
        return tuple(found)

    @property
    def part_label(self) -> str:
        return f"part {self.part} of {self.parts}" if self.parts > 1 else ""

    @property
    def where(self) -> str:
        """'2026-W50', or '2026-W50, Korean' when the page shows more than one language."""
        return f"{self.edition}, {self.language}" if self.language else self.edition

    @property
    def copy_label(self) -> str:
        """The button's accessible name: platform, part, edition (and language)."""
        part = f", {self.part_label}" if self.part_label else ""
        return f"Copy {self.label} post{part} ({self.where})"

    @property
    def cw_copy_label(self) -> str:
        return f"Copy {self.label} content warning ({self.where})"


@dataclass(frozen=True)
class CardView:
    """One share card from ``cards/cards.json``: shown scaled, downloadable at full size."""

    path: str
    name: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class PlatformView:
    """One platform's post, or the parts of its thread, for one edition."""

    platform: str
    label: str
    posts: tuple[PostView, ...]

    @property
    def needs(self) -> tuple[str, ...]:
        """Every part's needs, each prefixed with its part when it is a thread."""
        return tuple(f"{p.part_label}: {n}" if p.part_label else n
                     for p in self.posts for n in p.needs)


@dataclass(frozen=True)
class LanguageView:
    """One language's files in an edition folder: its email, posts, cards and counts.

    The first locale's files sit at the top of the folder (``folder`` ""), another's
    under its code (``ko/``); ``anchor`` is the id its panels hang from, the edition's
    own for the first locale (so links into a one-language page never change) and
    ``edition-2026-W50-ko`` for Korean. ``built`` is False when the edition was built
    before the locale was added: the page says so instead of showing nothing.
    """

    lang: str
    name: str
    """The language's name in itself (English, 한국어), as the switch shows it."""
    folder: str
    anchor: str
    title: str
    content_notes: tuple[str, ...]
    cw: str | None
    subject: str | None
    email: str | None
    archive_page: str | None
    platforms: tuple[PlatformView, ...]
    problems: tuple[str, ...]
    cards: tuple[CardView, ...] = ()
    built: bool = True
    language: str = ""
    """The language's English name ("Korean") when the page shows more than one."""

    @property
    def where(self) -> str:
        """'' or ', Korean': added to accessible names when the page has a switch."""
        return f", {self.language}" if self.language else ""

    @property
    def needs_count(self) -> int:
        """Posts that need something, plus one if its files could not be read in full."""
        posts = sum(1 for pv in self.platforms for p in pv.posts if p.needs)
        return posts + (1 if self.problems else 0)


@dataclass(frozen=True)
class EditionView:
    """What the page shows for one edition folder.

    ``current`` is the edition the page opens (the latest, or the first upcoming one
    when none has gone out); the others start collapsed. ``languages`` holds each
    locale's files, the first locale first; the fields below that read from it are the
    first locale's. ``lang`` is that locale, set on the section so Korean text gets
    Korean line breaking.
    """

    id: str
    status: Status
    kind: str
    reason: str
    send_at: datetime
    send_text: str
    warnings: tuple[str, ...]
    files: tuple[str, ...]
    languages: tuple[LanguageView, ...]
    current: bool = False

    @property
    def first(self) -> LanguageView:
        return self.languages[0]

    @property
    def lang(self) -> str:
        return self.first.lang

    @property
    def title(self) -> str:
        return self.first.title

    @property
    def platforms(self) -> tuple[PlatformView, ...]:
        return self.first.platforms

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for v in self.languages for p in v.problems)

    @property
    def multilingual(self) -> bool:
        """More than one language: the page wraps each one's part for the switch."""
        return len(self.languages) > 1

    @property
    def anchor(self) -> str:
        """The element id (ids starting with a digit need escaping in CSS selectors)."""
        return f"edition-{self.id}"

    @property
    def send_short(self) -> str:
        """'Mon 7 Dec, 09:00': the send time in the page's header (zone in the section)."""
        return f"{self.send_at:%a} {self.send_at.day} {self.send_at:%b}, {self.send_at:%H:%M}"

    @property
    def needs_count(self) -> int:
        """Posts that need something in any language, plus one per language whose files
        could not be read in full."""
        return sum(v.needs_count for v in self.languages)
