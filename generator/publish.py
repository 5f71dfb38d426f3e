"""Outbox-level files derived from the ledger: feeds, the web archive, the review page.

They are rewritten whole at every build, never appended to, so a crash or a rebuild
can neither duplicate nor lose an item. Each file is replaced atomically.
"""

from __future__ import annotations

import logging

from generator.channels import Files, RenderContext
from generator.ledger import Ledger
from generator.outbox import Outbox

log = logging.getLogger(__name__)


def derived_files(outbox: Outbox, ledger: Ledger, ctx: RenderContext) -> Files:
    """Every outbox-level file, rendered in memory."""
    files: Files = {}
    if ctx.settings.channels.feeds:
        from generator.channels import feeds, web

        entries = ledger.entries()
        files.update(feeds.render_feeds(ledger.latest(ctx.settings.feeds.items), ctx))
        files.update(web.render_archive(entries, ctx))
    from generator.review import render_review

    files.update(render_review(outbox, ledger.entries(), ctx, published=frozenset(files)))
    return files


def publish(outbox: Outbox, ledger: Ledger, ctx: RenderContext, durable: bool = True) -> list[str]:
    """Write the derived files that changed; return their paths."""
    written = []
    for rel, data in sorted(derived_files(outbox, ledger, ctx).items()):
        if outbox.write_file(rel, data, durable=durable):
            written.append(rel)
    if written:
        log.info("published %s", ", ".join(written))
    return written
