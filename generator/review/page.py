"""The review page's HTML: the template, its inline assets and their Content-Security-Policy.

CSS and script are inline and allowed by hash, so the page works from disk and over
http with no other file; links to the feeds and the archive appear only when their
targets exist.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.channels import Files, RenderContext
from generator.ledger import LedgerEntry
from generator.locales import LANGUAGE_NAMES, TRANSLATIONS, prefix
from generator.outbox import Outbox
from generator.render import render as render_template
from generator.render import template_text
from generator.review.folders import edition_view
from generator.review.korean import keep_words, mark_korean
from generator.review.select import MAX_UPCOMING, select, split

REVIEW_FILE = "index.html"
FEEDS = (("RSS", "feed.xml"), ("Atom", "atom.xml"), ("JSON Feed", "feed.json"))
ARCHIVE_INDEX = "archive/index.html"

_ITEM_KEYS_SHOWN = frozenset({"title", "content_notes"})
"""The feed-item keys the page reads from a ledger row (it needs no article bodies)."""


def render_review(
    outbox: Outbox,
    entries: Iterable[LedgerEntry],
    ctx: RenderContext,
    published: Collection[str] = (),
    now: datetime | None = None,
) -> Files:
    """``{"index.html": bytes}`` for the editions :func:`select` picks from ``entries``.

    ``published`` names the other outbox-level files being written with this page, so
    feed and archive links appear exactly when their targets exist. Only the item fields
    the page shows are kept from each row, so a ledger cursor over years of editions
    never holds their article bodies at once.
    """
    entries = [replace(e, item=_shown(e.item)) for e in entries]
    locales = ctx.settings.locales
    several = len(locales) > 1
    homes = [(code, prefix(code, locales[0])) for code in locales]
    links = [(label, home + rel, code if several else "",
              LANGUAGE_NAMES.get(code, code) if several else "")
             for code, home in homes for label, rel in (*FEEDS, ("Archive", ARCHIVE_INDEX))]
    present = set(published) | {rel for _, rel, _, _ in links if (outbox.root / rel).is_file()}
    timezone = ctx.settings.timezone
    editions = [
        edition_view(outbox.edition_dir(str(entry.week)), entry, status, timezone, present,
                     current=index == 0, locales=locales)
        for index, (entry, status) in enumerate(select(entries, now))
    ]
    hidden = max(0, len(split(entries, now)[1]) - MAX_UPCOMING)
    css = _asset(ctx.templates_dir, "review/review.css")
    js = _asset(ctx.templates_dir, "review/review.js")
    if several:  # the language switch: a page in one language stays as it was
        css += "\n" + _asset(ctx.templates_dir, "review/languages.css")
        js += "\n" + _asset(ctx.templates_dir, "review/languages.js")
    html = render_template(
        ctx.templates_dir,
        "review/index.html.j2",
        site=ctx.settings.site,
        editions=editions,
        hidden_upcoming=hidden,
        feeds=[link for link in links if link[1] in present],
        css=Markup(css),
        js=Markup(js),
        csp=_csp(css, js),
        ko=mark_korean,
        keep=keep_words,
        languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in locales] if several
        else [],
    )
    return {REVIEW_FILE: html.encode("utf-8")}


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    """The item fields the page shows, and the same of each translation."""
    kept = {k: v for k, v in item.items() if k in _ITEM_KEYS_SHOWN}
    found = item.get(TRANSLATIONS)
    if isinstance(found, dict):
        kept[TRANSLATIONS] = {code: {k: v for k, v in other.items() if k in _ITEM_KEYS_SHOWN}
                              for code, other in found.items() if isinstance(other, dict)}
    return kept


def _asset(templates_dir: Path, name: str) -> str:
    text = template_text(templates_dir, name).strip()
    if "</" in text:
        raise ValueError(f"{name} must not contain '</' (it is inlined into the page)")
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
