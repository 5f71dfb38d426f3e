"""``mindreel plan``: the coming weeks as a table, without writing anything."""

from __future__ import annotations

from pathlib import Path

import click

from generator import clock
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project, load_project
from generator.weeks import IsoWeek, current_week


def plan_weeks(project: Project, first: IsoWeek, count: int) -> list[Pick]:
    """The picks for ``count`` weeks from ``first``, honouring the ledger if there is one."""
    outbox = Outbox(project.config.outbox)
    history: dict[IsoWeek, str] = {}
    reasons: dict[IsoWeek, tuple[str, str, str]] = {}
    if outbox.ledger_path.is_file():
        with Ledger(outbox.ledger_path, read_only=True) as ledger:
            known = project.catalogue.feature_ids()
            for week, pick in ledger.picks().items():
                history[week] = pick[1]
                if pick[1] in known:
                    reasons[week] = pick
    return Picker(project.catalogue, project.config.settings, history, reasons).plan(first, count)


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
