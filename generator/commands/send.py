"""``mindreel send``: hand one edition's ``email.eml`` to the configured SMTP server."""

from __future__ import annotations

from email.utils import parseaddr
from pathlib import Path

import click

from generator import clock
from generator.config import load_config
from generator.errors import BadInput, Problem
from generator.send.edition import latest_sendable, send_week
from generator.weeks import IsoWeek


def run_send(config_path: Path, outbox: Path | None, week: IsoWeek | None, to: str | None,
             resend: bool) -> None:
    now = clock.now()
    if to is not None and (parseaddr(to)[1] != to or "@" not in to):
        raise BadInput([Problem("--to", 0, "", f"{to!r} is not an e-mail address")])
    config = load_config(config_path, outbox)
    if week is None:
        week = latest_sendable(config, now)
        if week is None:
            raise BadInput([Problem("--week", 0, "", "no built edition has reached its send "
                                    "time yet; name one with --week (and --to for a test)")])
        click.echo(f"sending {week}, the newest edition whose send time has passed", err=True)
    sent = send_week(config, week, now, to=to, resend=resend)
    again = " again" if sent.resent else ""
    click.echo(f"{sent.week}: sent{again} to {sent.recipient} {sent.message_id} "
               f"(server: {sent.accepted})")
