"""The review page's model: one frozen view per edition, platform and post.

The template reads only these objects, so what the page can show is fixed here and
nothing in the template reaches back into files or the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["latest", "upcoming"]

NEEDS_IMAGE = frozenset({"instagram"})
"""Platforms that cannot publish a post without an image."""


@dataclass(frozen=True)
class Measure:
    """One count against one limit, as the social channel measured it."""

    unit: str
    count: int
    limit: int

    @property
    def over(self) -> bool:
        return self.count > self.limit


@dataclass(frozen=True)
class PostView:
    """One post or thread part, ready to show and copy."""

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
    image_url: str | None = None

    @property
    def image_path(self) -> str | None:
        """The image as a path in the outbox when it is one of the edition's own cards."""
        marker = f"/{self.edition}/cards/"
        if self.image_url and marker in self.image_url:
            return self.edition + "/cards/" + self.image_url.split(marker, 1)[1]
        return None

    @property
    def missing_image(self) -> bool:
        """True for a first post on a platform that cannot publish without an image."""
        return self.part == 1 and self.platform in NEEDS_IMAGE and not self.image_url

    @property
    def part_label(self) -> str:
        return f"part {self.part} of {self.parts}" if self.parts > 1 else ""

    @property
    def copy_label(self) -> str:
        """The button's accessible name: platform, part and edition."""
        part = f", {self.part_label}" if self.part_label else ""
        return f"Copy {self.label} post{part} ({self.edition})"

    @property
    def cw_copy_label(self) -> str:
        return f"Copy {self.label} content warning ({self.edition})"


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
    platform: str
    label: str
    posts: tuple[PostView, ...]


@dataclass(frozen=True)
class EditionView:
    """What the page shows for one edition folder."""

    id: str
    status: Status
    title: str
    kind: str
    reason: str
    send_at: datetime
    send_text: str
    warnings: tuple[str, ...]
    content_notes: tuple[str, ...]
    cw: str | None
    subject: str | None
    email: str | None
    files: tuple[str, ...]
    archive_page: str | None
    platforms: tuple[PlatformView, ...]
    problems: tuple[str, ...]
    cards: tuple[CardView, ...] = ()

    @property
    def missing_images(self) -> tuple[str, ...]:
        """Platforms whose post would go out without the image it needs."""
        return tuple(p.label for pv in self.platforms for p in pv.posts if p.missing_image)

    @property
    def anchor(self) -> str:
        """The element id (ids starting with a digit need escaping in CSS selectors)."""
        return f"edition-{self.id}"
