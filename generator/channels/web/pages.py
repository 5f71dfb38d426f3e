"""The web channel: each edition as a clean article, its feed item, and the web archive.

``render`` runs once per edition and returns ``article.html`` (a semantic HTML fragment,
no layout tables) and ``item.json`` (the feed item the ledger stores). ``render_archive``
runs at publish time over the whole ledger and wraps each stored article in a full,
self-contained page (inline CSS, no scripts, no fonts), plus an index of every edition.

The item id is a ``tag:`` URI made only from the site's domain, the fixed ``tag_start``
year and the week, so it never changes when the feature or the catalogue text does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from generator.channels import Files, RenderContext
from generator.edition import HELP_PAGE, Edition
from generator.i18n import localize, long_date
from generator.ledger import LedgerEntry
from generator.locales import ITEM_FILE, LANGUAGE_NAMES, prefix
from generator.render import render as render_template

log = logging.getLogger(__name__)

ARTICLE_FILE = "article.html"
ARCHIVE_DIR = "archive"
FEED_PATHS = {"rss": "feed.xml", "atom": "atom.xml", "json": "feed.json"}
"""Outbox-relative paths of the three feeds (the same ones ``Edition.links`` points at)."""

OG_LOCALES = {"en": "en_US", "ko": "ko_KR"}
"""Open Graph wants language_TERRITORY."""
ITEM_KEYS = ("id", "url", "title", "summary", "content_html", "date_published", "language")
"""Keys a stored item needs before the feeds and the archive can use it."""

# Words the templates need, per locale. Catalogue text arrives already resolved.
LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "kind": {"film": "Film", "drama": "Drama", "theme": "Theme"},
        "content_note": "Content note",
        "discusses": "this edition discusses %s.",
        "jump_to_help": "Support lines are listed at the end.",
        "this_week": "This week",
        "week": "Week %d, %d",
        "runtime": "%d min",
        "cast": "With %s.",
        "rating": {"all": "Rated all ages in Korea", "12": "Rated 12+ in Korea",
                   "15": "Rated 15+ in Korea", "18": "Rated 18+ in Korea"},
        "story": "The story",
        "why": "Why it matters",
        "watch": "Where to watch",
        "checked": "checked %s",
        "varies": "Availability varies by region and changes often; check your local services.",
        "sources": "Sources",
        "about": "About %s",
        "facts": "Facts",
        "support": "How to help",
        "related": "More to watch",
        "related_theme": "Titles to watch",
        "help": "If you need support now",
        "help_intro": "If anything here brings up difficult feelings, you do not have to face "
                      "them alone. Talking to someone can help, and these services are there "
                      "for you.",
        "emergency_call": "In an emergency, call",
        "or": " or ",
        "contact_keyword": "Text %s to %s",
        "help_page": "Every helpline we list, in full",
        "help_title": "Helplines",
        "help_page_intro": "Support lines by country, with their hours. If you are in "
                           "danger now, call your local emergency number.",
        "contact": {"call": "Call %s", "text": "Text %s", "chat": "Chat at %s",
                    "whatsapp": "WhatsApp %s", "kakaotalk": "KakaoTalk %s", "app": "App: %s",
                    "email": "Email %s", "web": "Visit %s"},
        "line_checked": "Checked on %s.",
        "skip": "Skip to content",
        "all_editions": "All editions",
        "previous": "Previous edition",
        "next": "Next edition",
        "pager": "Other editions",
        "subscribe": "Follow by feed",
        "index_title": "All editions",
        "index_intro": "Every edition so far, newest first.",
        "no_editions": "No editions yet.",
        "help_short": "Support",
    },
}
"""The English words; every other locale's are in its gettext catalogue (msgctxt
``web.<path>``, see generator.i18n)."""


@lru_cache(maxsize=4)
def _labels(locale: str) -> dict[str, Any]:
    return localize(LABELS["en"], locale, "web")


def labels(locale: str) -> dict[str, Any]:
    """The template words in ``locale`` (a fresh copy: templates cannot change the cache)."""
    return dict(_labels(locale))


def format_date(value: date | datetime, locale: str) -> str:
    """A reader's date: '7 December 2026' or '2026년 12월 7일' (Babel)."""
    return long_date(value, locale)


def join_words(words: Iterable[str], locale: str) -> str:
    """'a, b and c' in English; 'a, b, c' in Korean."""
    items = list(words)
    if locale == "ko" or len(items) < 2:
        return ", ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def tag_uri(domain: str, tag_start: int, edition_id: str) -> str:
    """The permanent id of an edition's feed item (RFC 4151)."""
    return f"tag:{domain},{tag_start}:edition/{edition_id}"


def feed_id(domain: str, tag_start: int, home: str = "") -> str:
    """The permanent id of the feed itself (a second language's feed: ``feed/ko``)."""
    return f"tag:{domain},{tag_start}:feed" + (f"/{home.strip('/')}" if home else "")


# --- one edition --------------------------------------------------------------------

def render(edition: Edition, ctx: RenderContext) -> Files:
    """The article fragment and the feed item for one edition."""
    help_html = render_help(edition, ctx)
    article = render_article(edition, ctx, help_html)
    item = feed_item(edition, article, help_html, ctx.settings.locale_prefix)
    if ctx.settings.channels.cards:
        item.update(card_images(edition))
    return {ARTICLE_FILE: article.encode("utf-8"), ITEM_FILE: dump_json(item)}


def card_images(edition: Edition) -> dict[str, dict[str, Any]]:
    """The item's ``image`` (the edition's link card) and ``help_image`` (its support-lines
    card): what Open Graph tags and feed enclosures say about them."""
    from generator.channels.cards.channel import edition_cards  # only with cards on

    cards = edition_cards(edition)
    keys = ("url", "type", "width", "height", "bytes", "alt")
    link, help_card = cards["link"].meta(), cards["help"].meta()
    return {"image": {key: link[key] for key in keys},
            "help_image": {key: help_card[key] for key in keys}}


def open_graph(title: str, description: str, url: str, locale: str,
               image: Any, kind: str = "article") -> dict[str, Any]:
    """What head.html.j2 turns into Open Graph and Twitter tags (no image: no card tags)."""
    return {"type": kind, "title": title, "description": description, "url": url,
            "locale": OG_LOCALES.get(locale, locale), "image": image if image else None}


def _template_args(edition: Edition) -> dict[str, Any]:
    locale = edition.locale
    region_names = {r.id: r.name for r in (*edition.regions, edition.international)}
    return {
        "e": edition,
        "t": labels(locale),
        "fmt_date": lambda value: format_date(value, locale),
        "join": lambda words: join_words(words, locale),
        "region_name": lambda region_id: region_names.get(region_id, region_id),
        "checked": min(r.verified for r in (*edition.regions, edition.international)),
    }


def render_help(edition: Edition, ctx: RenderContext) -> str:
    """The helpline block: every audience region, then the international directory."""
    html = render_template(ctx.templates_dir, "web/help.html.j2", **_template_args(edition))
    return html.strip()


def render_article(edition: Edition, ctx: RenderContext, help_html: str) -> str:
    return render_template(ctx.templates_dir, "web/article.html.j2",
                           help_html=Markup(help_html), **_template_args(edition))


def item_title(edition: Edition) -> str:
    """'Silenced (도가니, 2011)' and 'Depression (우울증)' in English; in Korean the
    Korean title alone, in title marks: '〈도가니〉 (2011)', '우울증'."""
    film, theme = edition.film, edition.theme
    if edition.locale == "ko":
        return f"〈{film.title_ko}〉 ({film.year})" if film is not None else theme.name
    if film is not None:
        return f"{film.title} ({film.title_ko}, {film.year})"
    return f"{theme.name} ({theme.name_ko})" if theme.name_ko else theme.name


def summary(edition: Edition) -> str:
    """Plain text for feed readers that show only the summary: note, gist, where to get help."""
    t = labels(edition.locale)
    parts = []
    if edition.content_notes:
        notes = join_words((n.label for n in edition.content_notes), edition.locale)
        parts.append(f"{t['content_note']}: {t['discusses'] % notes}")
    parts.append(edition.film.synopsis if edition.film is not None else edition.theme.tagline)
    parts.append(f"{t['help_short']}: {edition.primary_region.primary.short} · "
                 f"{edition.international.primary.short}")
    return " ".join(" ".join(p.split()) for p in parts)


def feed_item(edition: Edition, article_html: str, help_html: str, home: str = ""
              ) -> dict[str, Any]:
    """What the ledger stores for this edition; the feeds and the archive are built from it.
    ``home`` is the locale's folder ("ko/"); the item id of a second language differs."""
    site = edition.site
    return {
        "id": tag_uri(site.domain, site.tag_start, edition.id)
        + (f"/{edition.locale}" if home else ""),
        "week": edition.id,
        "url": edition.links.page,
        "title": item_title(edition),
        "summary": summary(edition),
        "content_html": article_html,
        "help_html": help_html,
        "date_published": edition.send_at.isoformat(),
        "categories": [theme.name for theme in edition.themes],
        "language": edition.locale,
        "content_notes": [note.label for note in edition.content_notes],
    }


def dump_json(value: Any) -> bytes:
    """Deterministic UTF-8 JSON with a trailing newline."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


# --- the archive --------------------------------------------------------------------

@dataclass(frozen=True)
class Neighbour:
    title: str
    url: str


def usable(entry: LedgerEntry) -> bool:
    """True if the ledger row carries a complete feed item (the web channel was on)."""
    return all(isinstance(entry.item.get(key), str) for key in ITEM_KEYS)


_INDEX_KEYS = frozenset({"title", "url", "date_published", "categories", "content_notes"})
"""The feed-item keys ``archive/index.html`` shows (no article bodies)."""


def _usable(entries: Iterable[LedgerEntry]) -> Iterator[LedgerEntry]:
    for entry in entries:
        if usable(entry):
            yield entry
        else:
            log.warning("%s has no feed item in the ledger (built with feeds off?); "
                        "rebuild it to add it to the archive", entry.week)


def _windows(entries: Iterable[LedgerEntry]
             ) -> Iterator[tuple[LedgerEntry | None, LedgerEntry, LedgerEntry | None]]:
    """(previous, entry, next) for each entry, reading one ahead."""
    before: LedgerEntry | None = None
    current: LedgerEntry | None = None
    for after in entries:
        if current is not None:
            yield before, current, after
        before, current = current, after
    if current is not None:
        yield before, current, None


def archive_path(edition_id: str) -> str:
    return f"{ARCHIVE_DIR}/{edition_id}.html"


def render_archive(entries: Sequence[LedgerEntry], ctx: RenderContext) -> Files:
    """A page per edition, ``archive/index.html`` and ``help.html`` (the newest published
    edition's helpline block, every line in full); ``entries`` oldest first."""
    return dict(iter_archive(entries, ctx))


def iter_archive(entries: Iterable[LedgerEntry], ctx: RenderContext
                 ) -> Iterator[tuple[str, bytes]]:
    """``render_archive`` one page at a time from an iterable (a ledger cursor will do),
    holding only three feed items at once, so a long archive is never all in memory."""
    settings = ctx.settings
    site = settings.site
    home = settings.locale_prefix
    common = {
        "site": site,
        "feeds": {kind: site.url(home + path) for kind, path in FEED_PATHS.items()},
        "index_url": site.url(f"{home}{ARCHIVE_DIR}/"),
        "index_alternates": {code: site.url(prefix(code, settings.home_locale) + ARCHIVE_DIR + "/")
                             for code in settings.locales if code != settings.locale},
        "language_names": LANGUAGE_NAMES,
    }
    listed: list[dict[str, Any]] = []  # what the index shows, without the article bodies
    help_html = ""
    help_image: dict[str, Any] | None = None
    for before, entry, after in _windows(_usable(entries)):
        item = entry.item
        language = item["language"]
        page = render_template(
            ctx.templates_dir, "web/page.html.j2", item=item,
            content=Markup(item["content_html"].strip()), t=labels(language), language=language,
            previous=Neighbour(before.item["title"], before.item["url"]) if before else None,
            next=Neighbour(after.item["title"], after.item["url"]) if after else None,
            og=open_graph(item["title"], item["summary"], item["url"], language,
                          item.get("image")),
            **common,
        )
        yield archive_path(str(entry.week)), page.encode("utf-8")
        listed.append({key: value for key, value in item.items() if key in _INDEX_KEYS})
        help_html = item.get("help_html", "")
        help_image = item.get("help_image")
    listed.reverse()
    locale = settings.locale
    index = render_template(
        ctx.templates_dir, "web/index.html.j2", items=listed,
        t=labels(locale), language=locale, help_html=Markup(help_html),
        og=open_graph(f"{labels(locale)['index_title']} · {site.title}", site.description,
                      site.url(f"{home}{ARCHIVE_DIR}/"), locale, help_image, kind="website"),
        fmt_date=lambda text: format_date(datetime.fromisoformat(text), locale),
        join=lambda words: join_words(words, locale), **common,
    )
    yield f"{ARCHIVE_DIR}/index.html", index.encode("utf-8")
    if help_html:
        yield HELP_PAGE, render_template(
            ctx.templates_dir, "web/help_page.html.j2", t=labels(locale), language=locale,
            help_html=Markup(help_html), help_url=site.url(home + HELP_PAGE),
            og=open_graph(f"{labels(locale)['help_title']} · {site.title}",
                          labels(locale)["help_page_intro"], site.url(home + HELP_PAGE), locale,
                          help_image, kind="website"),
            **common,
        ).encode("utf-8")
