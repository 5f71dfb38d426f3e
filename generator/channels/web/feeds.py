"""RSS 2.0, Atom and JSON Feed 1.1 documents, rebuilt whole from the ledger's items.

Each feed is derived, never appended to: ``render_feeds`` gets the latest editions from
the ledger (newest first) and returns the three documents. Nothing here reads the
clock: every date is an edition's send time, and the build date of the feed is the
newest edition's send time, so the same ledger always gives the same bytes.

feedgen is used with its traps avoided on purpose (see each step): one generator per
format (CDATA is right for RSS, wrong for Atom), ``self`` link first so the RSS channel
``<link>`` is the site, entries appended in order, ``updated`` and ``generator`` set
explicitly, and the ``rel`` of Atom entry links put back after feedgen drops it.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from generator import GENERATOR_NAME
from generator.channels import Files, RenderContext
from generator.channels.web.pages import FEED_PATHS, dump_json, feed_id, usable
from generator.config import Settings
from generator.ledger import LedgerEntry

log = logging.getLogger(__name__)

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_DOCS = "https://www.rssboard.org/rss-specification"


@dataclass(frozen=True)
class FeedMeta:
    """Channel-level facts, all from schedule.yaml's ``site`` section."""

    id: str
    title: str
    description: str
    language: str
    site_url: str
    author: str
    urls: dict[str, str]
    updated: datetime

    @classmethod
    def of(cls, settings: Settings, items: Sequence[FeedItem]) -> FeedMeta:
        site = settings.site
        # With no edition yet there is no send time; 1 January of the tag year is fixed.
        fallback = datetime(site.tag_start, 1, 1, tzinfo=settings.tz)
        return cls(
            id=feed_id(site.domain, site.tag_start, settings.locale_prefix), title=site.title,
            description=site.description, language=settings.locale, site_url=site.base_url,
            author=site.sender_name,
            urls={kind: site.url(settings.locale_prefix + path)
                  for kind, path in FEED_PATHS.items()},
            updated=max((item.published for item in items), default=fallback),
        )


@dataclass(frozen=True)
class FeedItem:
    """One edition as the feeds see it, read back from the ledger."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    categories: tuple[str, ...]
    language: str
    image: FeedImage | None = None

    @classmethod
    def of(cls, item: dict[str, Any]) -> FeedItem:
        image = item.get("image")
        return cls(
            id=item["id"], url=item["url"], title=item["title"], summary=item["summary"],
            content_html=item["content_html"],
            published=datetime.fromisoformat(item["date_published"]),
            categories=tuple(item.get("categories", ())), language=item["language"],
            image=FeedImage(image["url"], image["type"], int(image["bytes"]))
            if isinstance(image, dict) else None,
        )


@dataclass(frozen=True)
class FeedImage:
    """The edition's link card: an RSS enclosure, an Atom enclosure link, JSON ``image``."""

    url: str
    type: str
    length: int


def render_feeds(entries: Sequence[LedgerEntry], ctx: RenderContext) -> Files:
    """``feed.xml``, ``atom.xml`` and ``feed.json`` for ``entries`` (newest first)."""
    items = [FeedItem.of(entry.item) for entry in entries if usable(entry)]
    if len(items) != len(entries):
        log.warning("%d ledger row(s) have no feed item and are left out of the feeds",
                    len(entries) - len(items))
    meta = FeedMeta.of(ctx.settings, items)
    return {
        FEED_PATHS["rss"]: rss(items, meta),
        FEED_PATHS["atom"]: atom(items, meta),
        FEED_PATHS["json"]: json_feed(items, meta),
    }


def _generator(meta: FeedMeta) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(meta.id)
    fg.title(meta.title)
    fg.language(meta.language)
    fg.generator(GENERATOR_NAME)  # not feedgen's name and version
    fg.updated(meta.updated)  # also lastBuildDate; feedgen would default to now
    return fg


def rss(items: Sequence[FeedItem], meta: FeedMeta) -> bytes:
    """RSS 2.0 with an atom:link to itself, stable guids and the article in content:encoded."""
    fg = _generator(meta)
    fg.description(meta.description)
    fg.docs(RSS_DOCS)
    # The channel <link> is the href of the *last* link: self first, the site last.
    fg.link(href=meta.urls["rss"], rel="self", type="application/rss+xml")
    fg.link(href=meta.site_url, rel="alternate")
    for item in items:
        fe = fg.add_entry(order="append")  # the default prepends, reversing the order
        fe.guid(item.id, permalink=False)
        fe.title(item.title)
        fe.link(href=item.url)
        # RSS description is HTML: escape the plain-text summary so it stays text.
        fe.description(html.escape(item.summary, quote=False), isSummary=True)
        fe.content(item.content_html, type="CDATA")
        fe.pubDate(item.published)
        if item.image is not None:  # RSS allows one enclosure; url, length, type required
            fe.enclosure(item.image.url, str(item.image.length), item.image.type)
        for name in item.categories:
            fe.category(term=name)
    data: bytes = fg.rss_str(pretty=True)
    return data


class _AtomEntryLinks(BaseEntryExtension):  # type: ignore[misc]
    """Put back the ``rel`` and ``type`` feedgen 1.0 drops from entry links (issues #135, #143),
    and add the card as an enclosure link (feedgen would drop its ``rel`` too)."""

    enclosure: FeedImage | None = None

    def extend_atom(self, entry: Any) -> Any:
        # feedgen builds Atom elements without a namespace (it sets xmlns as an attribute).
        for link in entry.findall("link"):
            if link.get("rel") is None:
                link.set("rel", "alternate")
            if link.get("type") is None:
                link.set("type", "text/html")
        if self.enclosure is not None:
            last = entry.findall("link")[-1]
            link = last.makeelement("link", {"href": self.enclosure.url, "rel": "enclosure",
                                             "type": self.enclosure.type,
                                             "length": str(self.enclosure.length)})
            last.addnext(link)
        return entry


class _NoFeedExtension(BaseExtension):  # type: ignore[misc]
    """The feed-level half feedgen's extension API requires; it adds nothing."""


def atom(items: Sequence[FeedItem], meta: FeedMeta) -> bytes:
    """Atom with tag: ids, published = updated = send time, and the article as html content."""
    fg = _generator(meta)
    fg.register_extension("mindreel", _NoFeedExtension, _AtomEntryLinks, atom=True, rss=False)
    fg.subtitle(meta.description)
    fg.author(name=meta.author, uri=meta.site_url)
    fg.link(href=meta.urls["atom"], rel="self", type="application/atom+xml")
    fg.link(href=meta.site_url, rel="alternate", type="text/html")
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.title(item.title)
        fe.link(href=item.url, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.published)
        fe.summary(item.summary)
        fe.content(item.content_html, type="html")  # not CDATA: invalid in Atom
        fe.mindreel.enclosure = item.image  # written by _AtomEntryLinks
        for name in item.categories:
            fe.category(term=name)
    data: bytes = fg.atom_str(pretty=True)
    return data


def json_feed(items: Sequence[FeedItem], meta: FeedMeta) -> bytes:
    """JSON Feed 1.1, serialized deterministically."""
    def entry(item: FeedItem) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": item.id,
            "url": item.url,
            "title": item.title,
            "summary": item.summary,
            "content_html": item.content_html,
            "date_published": item.published.isoformat(),
            "tags": list(item.categories),
            "language": item.language,
        }
        if item.image is not None:
            body["image"] = item.image.url
        return body

    document = {
        "version": JSON_FEED_VERSION,
        "title": meta.title,
        "description": meta.description,
        "home_page_url": meta.site_url,
        "feed_url": meta.urls["json"],
        "language": meta.language,
        "authors": [{"name": meta.author, "url": meta.site_url}],
        "items": [entry(item) for item in items],
    }
    return dump_json(document)
