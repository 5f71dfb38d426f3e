"""``mindreel publish``: refresh the public files alone (for cron or a systemd timer).

Feeds, archive, review page and bulk files are rewritten from the ledger as of now, so
an edition built ahead becomes public once its send time has passed. Nothing is built.
"""

from __future__ import annotations

from pathlib import Path

import click

from generator import clock
from generator.build import reconcile
from generator.channels import RenderContext
from generator.config import load_config
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.publish import is_public, publish


def run_publish(config_path: Path, outbox_path: Path | None) -> None:
    now = clock.now()
    config = load_config(config_path, outbox_path)
    settings = config.settings
    outbox = Outbox(config.outbox)
    ctx = RenderContext(settings, config.templates_dir, now)
    with outbox.lock(settings.lock_timeout_seconds, purpose="publish"):
        outbox.recover()
        with Ledger(outbox.ledger_path) as ledger:
            reconcile(outbox, ledger, now)
            changed = publish(outbox, ledger, ctx, now)
            entries = ledger.entries()
    public = [e for e in entries if is_public(e, now)]
    upcoming = len(entries) - len(public)
    latest = f", latest {public[-1].week}" if public else ""
    click.echo(f"published {len(public)} edition(s){latest}; {upcoming} upcoming; "
               f"{len(changed)} file(s) changed -> {outbox.root}")
