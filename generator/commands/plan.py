"""``mindreel plan``: the coming weeks as a table, without writing anything.

Each row names the feature by its title, says whether the week is built or already
public, and gives the picker's reason. The table is laid out by rich, which wraps the
feature and reason columns to the terminal's width (80 columns when not a terminal, or
``COLUMNS``) and never breaks the week or the send time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from generator import clock
from generator.ledger import Ledger, LedgerDamaged
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project, load_project
from generator.reconcile import survey
from generator.weeks import IsoWeek, current_week

log = logging.getLogger(__name__)

NOT_BUILT = "-"
BUILT = "built"
PUBLIC = "public"
"""Built and its send time has passed: the feeds and the archive show it."""
SENT = "sent"
"""Public, and ``mindreel send`` handed it to the list address."""


@dataclass(frozen=True)
class PlanRow:
    """One week of the plan, as shown."""

    week: IsoWeek
    send_at: datetime
    feature: str
    status: str
    reason: str


def plan_weeks(project: Project, first: IsoWeek, count: int) -> list[Pick]:
    """The picks for ``count`` weeks from ``first``, honouring the ledger if there is one."""
    return _plan(project, first, count)[0]


def _plan(project: Project, first: IsoWeek, count: int) -> tuple[list[Pick], set[IsoWeek]]:
    picks = built_picks(Outbox(project.config.outbox), clock.now())
    known = project.catalogue.feature_ids()
    history = {week: pick[1] for week, pick in picks.items()}
    reasons = {week: pick for week, pick in picks.items() if pick[1] in known}
    picker = Picker(project.catalogue, project.config.settings, history, reasons)
    return picker.plan(first, count), set(history)


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


def feature_title(project: Project, pick: Pick) -> str:
    """``Dear My Friends (drama)``, ``Depression (theme)``; the id if it left the catalogue."""
    if pick.kind == "skip":
        return "no edition"
    locale = project.config.settings.locale
    film = project.catalogue.film(pick.feature_id)
    if film is not None:
        titles = film.titles.model_dump()
        return f"{titles.get(locale) or film.titles.en} ({film.type})"
    theme = project.catalogue.theme(pick.feature_id)
    if theme is not None:
        return f"{theme.name.get(locale) or theme.name['en']} (theme)"
    return f"{pick.feature_id} ({pick.kind}, no longer in the catalogue)"


def plan_rows(project: Project, first: IsoWeek, count: int, now: datetime) -> list[PlanRow]:
    """The rows ``plan`` prints: the picks with titles and what has happened to each."""
    settings = project.config.settings
    picks, built = _plan(project, first, count)
    sent = _sent_to_list(project)
    rows = []
    for pick in picks:
        send = pick.week.send_at(settings.send.weekday, settings.send.clock, settings.tz)
        status = NOT_BUILT
        if pick.week in built:
            status = PUBLIC if send <= now else BUILT
            if pick.week in sent:
                status = SENT
        rows.append(PlanRow(pick.week, send, feature_title(project, pick), status, pick.reason))
    return rows


def _sent_to_list(project: Project) -> set[IsoWeek]:
    """Weeks the ledger records as sent to the list address (test sends do not count)."""
    outbox = Outbox(project.config.outbox)
    if not outbox.ledger_path.is_file():
        return set()
    try:
        with Ledger(outbox.ledger_path, read_only=True) as ledger:
            return ledger.weeks_sent_to(project.config.settings.site.list_address)
    except LedgerDamaged:  # built_picks has said so already; plan from the folders
        return set()


def plan_table(rows: list[PlanRow], width: int | None = None) -> str:
    """The rows as a plain-text table fitted to ``width`` (default: the terminal's)."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    table.add_column("week", no_wrap=True)
    table.add_column("send time", no_wrap=True)
    table.add_column("feature", ratio=2, overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("reason", ratio=3, overflow="fold")
    for row in rows:
        table.add_row(str(row.week), row.send_at.strftime("%a %d %b %H:%M %Z"),
                      Text(row.feature), row.status, Text(row.reason))
    console = Console(width=width, highlight=False, emoji=False, soft_wrap=False)
    with console.capture() as captured:
        console.print(table)
    return "\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n"


def run_plan(config_path: Path, outbox: Path | None, weeks: int, first: IsoWeek | None) -> None:
    now = clock.now()
    project = load_project(config_path, outbox)
    start = first or current_week(now, project.config.settings.tz)
    click.echo(plan_table(plan_rows(project, start, weeks, now)), nl=False)
