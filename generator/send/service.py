"""What ``mindreel run`` does at each send time, besides building: publish, then send.

Both are decided from the clock and the ledger, so a wake-up that comes late, or a check
after a failure, does the same thing: the public files are refreshed once per send time,
and the newest edition goes to the list address (``email.delivery: smtp``) if it is
built, not yet recorded as sent, and still within ``service.misfire_grace_hours`` of its
send time (an edition is never mailed days late by surprise).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from generator.channels import RenderContext
from generator.config import load_config
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.publish import publish
from generator.send.edition import Sent, send_week
from generator.weeks import current_week


def publish_now(config_path: Path, outbox_root: Path, now: datetime) -> list[str]:
    """Refresh every outbox-level file as of ``now``; the paths that changed."""
    config = load_config(config_path, outbox_root)
    outbox = Outbox(config.outbox)
    ctx = RenderContext(config.settings, config.templates_dir, now)
    with outbox.lock(config.settings.lock_timeout_seconds, purpose="publish"), \
            Ledger(outbox.ledger_path) as ledger:
        return publish(outbox, ledger, ctx, now)


def send_due(config_path: Path, outbox_root: Path, now: datetime) -> Sent | None:
    """Send the newest edition whose send time has passed, if it is due; else None."""
    config = load_config(config_path, outbox_root)
    settings = config.settings
    if settings.email.delivery != "smtp":
        return None
    send = settings.send
    week = current_week(now, settings.tz)
    if week.send_at(send.weekday, send.clock, settings.tz) > now:
        week = week + -1
    at = week.send_at(send.weekday, send.clock, settings.tz)
    if now - at > timedelta(hours=settings.service.misfire_grace_hours):
        return None
    outbox = Outbox(config.outbox)
    if not outbox.ledger_path.is_file():
        return None
    with Ledger(outbox.ledger_path) as ledger:
        if ledger.get(week) is None or ledger.sent(week, settings.site.list_address):
            return None
    return send_week(config, week, now)
