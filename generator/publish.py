"""Outbox-level files derived from the ledger: feeds, the web archive, the review page and
the social tools' bulk files.

They are rewritten whole at every publish, never appended to, so a crash or a rebuild
can neither duplicate nor lose an item. Each file is replaced atomically.

Nothing public before its send time: the feeds, the archive index, the archive pages
and their previous/next links hold only editions whose send time is at or before the
publishing moment ``now``. An edition built ahead stays in its folder and on the review
page (as upcoming) until a publish after its send time (``mindreel run`` publishes at
every send time; ``mindreel publish`` does it from cron). Archive pages of editions that
are not public (any more) are removed, and so are bulk files that would be empty.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from itertools import chain

from generator.channels import Files, RenderContext
from generator.ledger import Ledger, LedgerEntry
from generator.locales import entries_in, prefix
from generator.outbox import Outbox

log = logging.getLogger(__name__)

ARCHIVE_PAGES = "archive"
BULK_DIR = "social"


def is_public(entry: LedgerEntry, now: datetime) -> bool:
    """True once the edition's send time has come."""
    return datetime.fromisoformat(entry.send_at) <= now


def public_entries(entries: Iterable[LedgerEntry], now: datetime) -> Iterator[LedgerEntry]:
    """The entries (in their order) whose send time has come at ``now``."""
    return (entry for entry in entries if is_public(entry, now))


def latest_public(ledger: Ledger, count: int, now: datetime) -> list[LedgerEntry]:
    """The ``count`` newest public editions, newest first (one pass, ``count`` held)."""
    window: deque[LedgerEntry] = deque(maxlen=count)
    window.extend(public_entries(ledger.iter_entries(), now))
    return list(reversed(window))


def iter_derived_files(outbox: Outbox, ledger: Ledger, ctx: RenderContext, now: datetime
                       ) -> Iterator[tuple[str, bytes]]:
    """Every outbox-level file, one at a time (a long archive never sits in memory whole).
    Each locale gets its own feeds and archive: the first at the top, another under its
    code (``ko/feed.xml``, ``ko/archive/``)."""
    published: set[str] = set()
    settings = ctx.settings
    if settings.channels.feeds:
        from generator.channels.web import feeds, pages

        for code in settings.locales:
            view = settings.for_locale(code)
            lctx = RenderContext(view, ctx.templates_dir, ctx.now)
            home = view.locale_prefix

            def rows(code: str = code) -> Iterator[LedgerEntry]:
                return entries_in(ledger.iter_entries(), code, settings.home_locale)

            window: deque[LedgerEntry] = deque(maxlen=settings.feeds.items)
            window.extend(public_entries(rows(), now))
            for rel, data in chain(feeds.render_feeds(list(reversed(window)), lctx).items(),
                                   pages.iter_archive(public_entries(rows(), now), lctx)):
                published.add(home + rel)
                yield home + rel, data
    if settings.channels.social:
        from generator.channels.social.bulk import bulk_files

        # Bulk files read each edition's own bulk.json; the ledger's feed items (both
        # languages' article and help HTML, tens of KB a week) are dropped as the rows
        # stream past, or a long backfill's publish would hold them all at once.
        upcoming = [replace(e, item={}) for e in ledger.iter_entries() if not is_public(e, now)]
        for code in settings.locales:
            view = settings.for_locale(code)
            for rel, data in bulk_files(outbox, upcoming, view, now).items():
                yield view.locale_prefix + rel, data
    from generator.review import render_review

    yield from render_review(outbox, ledger.iter_entries(), ctx,
                             published=frozenset(published), now=now).items()


def derived_files(outbox: Outbox, ledger: Ledger, ctx: RenderContext, now: datetime) -> Files:
    """Every outbox-level file, rendered in memory."""
    return dict(iter_derived_files(outbox, ledger, ctx, now))


def publish(outbox: Outbox, ledger: Ledger, ctx: RenderContext, now: datetime,
            durable: bool = True) -> list[str]:
    """Write the derived files that changed and remove stale ones; return their paths.

    Stale: an archive page or a bulk file that this publish did not produce (an edition
    not yet sent, or a bulk file with no upcoming post left).
    """
    produced: set[str] = set()
    written: list[str] = []
    for rel, data in iter_derived_files(outbox, ledger, ctx, now):
        produced.add(rel)
        if outbox.write_file(rel, data, durable=durable):
            written.append(rel)
    for rel in _stale(outbox, produced, ctx):
        (outbox.root / rel).unlink(missing_ok=True)
        written.append(rel)
        log.info("removed %s (not public, or nothing left to import)", rel)
    written.sort()
    if written:
        log.info("published %s", ", ".join(written))
    return written


def _stale(outbox: Outbox, produced: set[str], ctx: RenderContext) -> list[str]:
    """Archive pages and bulk files on disk that this publish did not produce (only for a
    channel that is on: switching one off leaves its files alone)."""
    found = []
    switches = ctx.settings.channels
    kinds = ([(prefix(code, ctx.settings.home_locale) + ARCHIVE_PAGES, "*.html")
              for code in ctx.settings.locales] if switches.feeds else [])
    kinds += ([(prefix(code, ctx.settings.home_locale) + BULK_DIR, "*/*.csv")
               for code in ctx.settings.locales] if switches.social else [])
    for folder, pattern in kinds:
        base = outbox.root / folder
        if base.is_dir():
            found += [str(p.relative_to(outbox.root)) for p in sorted(base.glob(pattern))
                      if p.is_file()]
    return [rel for rel in found if rel not in produced]
