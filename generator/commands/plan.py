"""``mindreel plan``: the coming weeks as a table, without writing anything."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import click

from generator import clock
from generator.ledger import Ledger, LedgerDamaged
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project, load_project
from generator.reconcile import survey
from generator.weeks import IsoWeek, current_week

log = logging.getLogger(__name__)


def plan_weeks(project: Project, first: IsoWeek, count: int) -> list[Pick]:
    """The picks for ``count`` weeks from ``first``, honouring the ledger if there is one."""
    picks = built_picks(Outbox(project.config.outbox), clock.now())
    known = project.catalogue.feature_ids()
    history = {week: pick[1] for week, pick in picks.items()}
    reasons = {week: pick for week, pick in picks.items() if pick[1] in known}
    return Picker(project.catalogue, project.config.settings, history, reasons).plan(first, count)


def built_picks(outbox: Outbox, now: datetime) -> dict[IsoWeek, tuple[str, str, str]]:
    """Week -> (kind, feature, reason) for every built edition, as ``build`` would see it:
    the ledger's rows reconciled with the edition folders, without writing a byte.

    A damaged ledger is read as empty (the folders say what was built); ``build`` is
    the one that sets it aside and rebuilds it.
    """
    picks: dict[IsoWeek, tuple[str, str, str]] = {}
    hashes: dict[str, str] = {}
    bad: set[str] = set()
    if outbox.ledger_path.is_file():
        try:
            with Ledger(outbox.ledger_path, read_only=True) as ledger:
                picks, hashes, bad = ledger.picks(), ledger.hashes(), ledger.bad_items()
        except LedgerDamaged as exc:
            log.warning("%s; planned from the edition folders", exc.report())
    if not outbox.root.is_dir():
        return picks
    found = survey(outbox, hashes, bad, now)
    for entry in found.record:
        picks[entry.week] = (entry.feature_kind, entry.feature_id, entry.reason)
    for week in found.remove:
        picks.pop(week, None)
    for damaged in found.damaged:
        then = ("build rebuilds it from the ledger" if damaged.recorded
                else f"build stops until it is rebuilt with `mindreel build --week "
                     f"{damaged.week}` or moved away")
        log.warning("%s is damaged (%s); %s", damaged.file, damaged.reason, then)
    return picks


def run_plan(config_path: Path, outbox: Path | None, weeks: int, first: IsoWeek | None) -> None:
    project = load_project(config_path, outbox)
    settings = project.config.settings
    start = first or current_week(clock.now(), settings.tz)
    rows = []
    for pick in plan_weeks(project, start, weeks):
        send = pick.week.send_at(settings.send.weekday, settings.send.clock, settings.tz)
        feature = "-" if pick.kind == "skip" else f"{pick.kind}: {pick.feature_id}"
        rows.append((str(pick.week), send.strftime("%a %Y-%m-%d %H:%M %Z"), feature, pick.reason))
    widths = [
        max(len(r[i]) for r in [*rows, ("week", "send time", "feature", "")]) for i in range(3)
    ]
    header = ("week", "send time", "feature", "reason")
    for row in [header, *rows]:
        click.echo(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )
