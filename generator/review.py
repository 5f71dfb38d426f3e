"""The review page (``outbox/index.html``): the latest and upcoming editions on one page.

It is for the people who send the edition, not for readers: the email in a frame with
width and colour-scheme toggles, each platform's post with its count against its
limit, a copy button per post and per thread part, the content warning, the safety
warnings from each manifest, and links to the feeds and the archive.

Which editions: "now" is the newest ``built_at`` in the ledger (the last build), so the
page is a pure function of the ledger and the edition folders; it shows the newest
edition whose send time had passed by then ("latest") and every built edition after it
("upcoming", at most ``MAX_UPCOMING``). Weeks planned but not built are not shown: build
one ahead (``mindreel build --week ...``) to review it.

Everything comes from the files the channels wrote: counts and limits from
``social/posts.json`` (never recounted), warnings from ``manifest.json``. Post text is
put into the HTML by the autoescaping template; the page's script only reads it back
from the DOM. CSS and script are inline and allowed by hash in a Content-Security-Policy,
so the page works from disk and over http with no other file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup

from generator.channels import Files, RenderContext
from generator.ledger import LedgerEntry
from generator.manifest import MANIFEST
from generator.outbox import Outbox
from generator.render import render as render_template

log = logging.getLogger(__name__)

REVIEW_FILE = "index.html"
EMAIL_FILE = "email.html"
POSTS_FILE = "social/posts.json"
CARDS_FILE = "cards/cards.json"
NEEDS_IMAGE = frozenset({"instagram"})
"""Platforms that cannot publish a post without an image."""
MAX_UPCOMING = 8
"""Upcoming editions shown in full; a long build-ahead would otherwise make a huge page."""

FEEDS = (("RSS", "feed.xml"), ("Atom", "atom.xml"), ("JSON Feed", "feed.json"))
ARCHIVE_INDEX = "archive/index.html"

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


@dataclass(frozen=True)
class CardView:
    """One share card from ``cards/cards.json``: shown scaled, downloadable at full size."""

    path: str
    name: str
    width: int
    height: int
    alt: str


def card_views(edition: str, raw: Any) -> tuple[CardView, ...]:
    """The cards listed in cards.json, as the page links them (relative to the outbox)."""
    if not isinstance(raw, list):
        return ()
    return tuple(
        CardView(f"{edition}/{c['file']}", f"{edition}-{Path(str(c['file'])).name}",
                 int(c["width"]), int(c["height"]), str(c["alt"]))
        for c in raw if isinstance(c, Mapping) and {"file", "width", "height", "alt"} <= set(c)
    )


_ITEM_KEYS_SHOWN = frozenset({"title", "content_notes"})
"""The feed-item keys the page reads from a ledger row (it needs no article bodies)."""


def render_review(
    outbox: Outbox,
    entries: Iterable[LedgerEntry],
    ctx: RenderContext,
    published: Collection[str] = (),
) -> Files:
    """``{"index.html": bytes}`` for the editions :func:`select` picks from ``entries``.

    ``published`` names the other outbox-level files being written with this page, so
    feed and archive links appear exactly when their targets exist. Only the item fields
    the page shows are kept from each row, so a ledger cursor over years of editions
    never holds their article bodies at once.
    """
    entries = [replace(e, item={k: v for k, v in e.item.items() if k in _ITEM_KEYS_SHOWN})
               for e in entries]
    present = set(published) | {rel for _, rel in FEEDS if (outbox.root / rel).is_file()}
    if (outbox.root / ARCHIVE_INDEX).is_file():
        present.add(ARCHIVE_INDEX)
    timezone = ctx.settings.timezone
    editions = [
        edition_view(outbox.edition_dir(str(entry.week)), entry, status, timezone, present)
        for entry, status in select(entries)
    ]
    hidden = max(0, len(split(entries)[1]) - MAX_UPCOMING)
    css = _asset(ctx.templates_dir / "review" / "review.css")
    js = _asset(ctx.templates_dir / "review" / "review.js")
    html = render_template(
        ctx.templates_dir,
        "review/index.html.j2",
        site=ctx.settings.site,
        editions=editions,
        hidden_upcoming=hidden,
        feeds=[(label, rel) for label, rel in FEEDS if rel in present],
        archive=ARCHIVE_INDEX if ARCHIVE_INDEX in present else None,
        css=Markup(css),
        js=Markup(js),
        csp=_csp(css, js),
    )
    return {REVIEW_FILE: html.encode("utf-8")}


def split(entries: Sequence[LedgerEntry]) -> tuple[LedgerEntry | None, list[LedgerEntry]]:
    """(latest, upcoming): the newest edition sent as of the last build, and all after it.

    "As of the last build" is the newest ``built_at`` in the ledger, not the clock, so
    the same ledger always gives the same page.
    """
    if not entries:
        return None, []
    ordered = sorted(entries, key=lambda e: e.week)
    reference = max(datetime.fromisoformat(e.built_at) for e in ordered)
    past = [e for e in ordered if datetime.fromisoformat(e.send_at) <= reference]
    if not past:
        return None, ordered
    latest = past[-1]
    return latest, ordered[ordered.index(latest) + 1 :]


def select(entries: Sequence[LedgerEntry]) -> list[tuple[LedgerEntry, Status]]:
    """The editions the page shows, oldest first: the latest, then up to ``MAX_UPCOMING``."""
    latest, upcoming = split(entries)
    chosen: list[tuple[LedgerEntry, Status]] = [(latest, "latest")] if latest else []
    return chosen + [(e, "upcoming") for e in upcoming[:MAX_UPCOMING]]


def edition_view(
    folder: Path, entry: LedgerEntry, status: Status, timezone: str, present: Collection[str]
) -> EditionView:
    """Read one edition folder (manifest, posts, email) into what the page shows."""
    problems: list[str] = []
    manifest = _read_json(folder / MANIFEST, problems) or {}
    files = tuple(
        str(f["path"]) for f in manifest.get("files", []) if isinstance(f, dict) and "path" in f
    )
    feature = manifest.get("feature", {}) if isinstance(manifest.get("feature"), dict) else {}
    send_at = datetime.fromisoformat(entry.send_at)
    platforms: tuple[PlatformView, ...] = ()
    if POSTS_FILE in files:
        raw = _read_json(folder / POSTS_FILE, problems)
        if isinstance(raw, list):
            try:
                platforms = group_posts(str(entry.week), raw)
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{POSTS_FILE} has an entry the page cannot read ({exc!r})")
        elif raw is not None:
            problems.append(f"{POSTS_FILE} is not a list of posts")
    cards = card_views(str(entry.week), _read_json(folder / CARDS_FILE, problems)) \
        if CARDS_FILE in files else ()
    item = entry.item
    notes = tuple(str(n) for n in item.get("content_notes", []) if isinstance(n, str))
    cw = next((p.cw for pv in platforms for p in pv.posts if p.cw), None)
    archive_page = f"archive/{entry.week}.html"
    return EditionView(
        id=str(entry.week),
        status=status,
        title=str(item.get("title") or feature.get("title") or entry.feature_id),
        kind=entry.feature_kind,
        reason=entry.reason,
        send_at=send_at,
        send_text=_send_text(send_at, timezone),
        warnings=tuple(str(w) for w in manifest.get("warnings", [])),
        content_notes=notes,
        cw=cw,
        subject=_subject(folder, files),
        email=f"{entry.week}/{EMAIL_FILE}" if EMAIL_FILE in files else None,
        files=files,
        archive_page=archive_page if archive_page in present else None,
        platforms=platforms,
        problems=tuple(problems),
        cards=cards,
    )


def group_posts(edition: str, raw: Sequence[Any]) -> tuple[PlatformView, ...]:
    """posts.json entries grouped by platform, in the file's order, parts in order."""
    groups: dict[str, list[PostView]] = {}
    labels: dict[str, str] = {}
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        post = post_view(edition, entry)
        groups.setdefault(post.platform, []).append(post)
        labels.setdefault(post.platform, post.label)
    return tuple(
        PlatformView(platform, labels[platform], tuple(sorted(posts, key=lambda p: p.part)))
        for platform, posts in groups.items()
    )


def post_view(edition: str, entry: Mapping[str, Any]) -> PostView:
    """One posts.json entry; counts and limits are taken as written, never recounted."""
    platform = str(entry["platform"])
    part = int(entry.get("part", 1))
    primary = Measure(str(entry.get("unit", "characters")), int(entry["count"]),
                      int(entry["limit"]))
    others = tuple(
        Measure(str(c["unit"]), int(c["count"]), int(c["limit"]))
        for c in entry.get("checks", [])
        if isinstance(c, Mapping) and str(c.get("unit")) != primary.unit
    )
    placement = entry.get("cw_placement")
    return PostView(
        dom_id=f"post-{edition}-{platform}-{part}",
        edition=edition,
        platform=platform,
        label=str(entry.get("label") or platform),
        part=part,
        parts=int(entry.get("parts", 1)),
        text=str(entry["text"]),
        primary=primary,
        others=others,
        cw=entry.get("cw") or None,
        cw_native=placement == "spoiler_text",
        link=entry.get("link") or None,
        hashtags=tuple(str(h) for h in entry.get("hashtags", [])),
        alt_text=entry.get("alt_text") or None,
        file=entry.get("file") or None,
        shortened=tuple(str(s) for s in entry.get("shortened", [])),
        image_url=entry.get("image_url") or None,
    )


def _read_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        problems.append(f"{path.name} is missing")
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name} cannot be read: {exc}")
    log.warning("review page: %s/%s: %s", path.parent.name, path.name, problems[-1])
    return None


def _subject(folder: Path, files: Collection[str]) -> str | None:
    """The Subject header of the edition's .eml, decoded, if the email channel wrote one."""
    eml = next((rel for rel in sorted(files) if rel.endswith(".eml") and "/" not in rel), None)
    if eml is None:
        return None
    try:
        with open(folder / eml, "rb") as handle:
            headers = BytesHeaderParser(policy=default_policy).parse(handle)
    except OSError:
        return None
    subject = headers.get("Subject")
    return str(subject) if subject is not None else None


def _send_text(send_at: datetime, timezone: str) -> str:
    """'Mon 7 Dec 2026, 09:00 Asia/Seoul' (the schedule's wall clock, as stored)."""
    return f"{send_at:%a} {send_at.day} {send_at:%b %Y}, {send_at:%H:%M} {timezone}"


def _asset(path: Path) -> str:
    text = path.read_text("utf-8").strip()
    if "</" in text:
        raise ValueError(f"{path.name} must not contain '</' (it is inlined into the page)")
    return text


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _csp(css: str, js: str) -> str:
    """Only this page's own inline style and script run; frames only from this outbox."""
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {_hash(css)}",
            f"script-src {_hash(js)}",
            "frame-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
