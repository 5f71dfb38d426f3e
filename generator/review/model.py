"""The review page's model: one frozen view per edition, platform and post.

The template reads only these objects, so what the page can show is fixed here and
nothing in the template reaches back into files or the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Status = Literal["latest", "upcoming"]


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

    @property
    def anchor(self) -> str:
        """The element id (ids starting with a digit need escaping in CSS selectors)."""
        return f"edition-{self.id}"
