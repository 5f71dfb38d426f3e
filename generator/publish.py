"""Outbox-level files derived from the ledger: feeds, the web archive, the review page.

They are rewritten whole at every build, never appended to, so a crash or a rebuild
can neither duplicate nor lose an item. Each file is replaced atomically.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import chain

from generator.channels import Files, RenderContext
from generator.ledger import Ledger
from generator.outbox import Outbox

log = logging.getLogger(__name__)


def iter_derived_files(outbox: Outbox, ledger: Ledger, ctx: RenderContext
                       ) -> Iterator[tuple[str, bytes]]:
    """Every outbox-level file, one at a time (a long archive never sits in memory whole)."""
    published: set[str] = set()
    if ctx.settings.channels.feeds:
        from generator.channels.web import feeds, pages

        for rel, data in chain(feeds.render_feeds(ledger.latest(ctx.settings.feeds.items),
                                                  ctx).items(),
                               pages.iter_archive(ledger.iter_entries(), ctx)):
            published.add(rel)
            yield rel, data
    from generator.review import render_review

    yield from render_review(outbox, ledger.iter_entries(), ctx,
                             published=frozenset(published)).items()


def derived_files(outbox: Outbox, ledger: Ledger, ctx: RenderContext) -> Files:
    """Every outbox-level file, rendered in memory."""
    return dict(iter_derived_files(outbox, ledger, ctx))


def publish(outbox: Outbox, ledger: Ledger, ctx: RenderContext, durable: bool = True) -> list[str]:
    """Write the derived files that changed; return their paths (sorted)."""
    written = [rel for rel, data in iter_derived_files(outbox, ledger, ctx)
               if outbox.write_file(rel, data, durable=durable)]
    written.sort()
    if written:
        log.info("published %s", ", ".join(written))
    return written
