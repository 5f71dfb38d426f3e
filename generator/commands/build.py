"""``mindreel build``: one week, or a range with a progress display."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from generator import clock
from generator.build import BuildResult, build_weeks
from generator.errors import BadInput, Problem
from generator.project import Project, load_project
from generator.weeks import IsoWeek, current_week, next_to_send, week_range

_VERBS = {
    "new": "wrote",
    "replaced": "replaced (inputs changed)",
    "repaired": "rebuilt (its folder was damaged)",
    "unchanged": "unchanged",
    "skipped": "skipped (schedule.yaml)",
    "exists": "already built",
}


def describe(result: BuildResult) -> str:
    feature = "" if result.pick.kind == "skip" else f" {result.pick.kind} {result.pick.feature_id}"
    where = f" -> {result.path}" if result.path else ""
    return f"{result.week}: {_VERBS[result.status]}{feature}{where}"


def run_build(
    config_path: Path,
    outbox: Path | None,
    week: IsoWeek | None,
    first: IsoWeek | None,
    last: IsoWeek | None,
    rebuild: bool,
) -> Path:
    """Build; return the outbox folder written to."""
    now = clock.now()
    project = load_project(config_path, outbox)
    if week is not None and (first or last):
        raise BadInput([Problem("--week", 0, "", "use either --week or --from/--to, not both")])
    if (first is None) != (last is None):
        raise BadInput([Problem("--from/--to", 0, "", "a range needs both --from and --to")])
    if first is not None and last is not None:
        if last < first:
            raise BadInput([Problem("--to", 0, "", f"{last} comes before {first}")])
        weeks = list(week_range(first, last))
        _build_range(project, weeks, now, rebuild)
        return project.config.outbox
    target = week if week is not None else _default_week(project, now)
    if week is not None:
        _warn_if_past(project, week, now)
    results = build_weeks(project, [target], now=now, rebuild=True)
    for result in results:
        _print_warnings(result)
        click.echo(describe(result))
    return project.config.outbox


def _when(at: datetime) -> str:
    return f"{at:%a %d %b %Y %H:%M %Z}"


def _default_week(project: Project, now: datetime) -> IsoWeek:
    """The next edition to go out, said on stderr with the reason."""
    settings = project.config.settings
    send = settings.send
    skipped = {IsoWeek.parse(w) for w in settings.skips}
    target = next_to_send(now, send.weekday, send.clock, settings.tz, skipped)
    at = target.send_at(send.weekday, send.clock, settings.tz)
    this = current_week(now, settings.tz)
    this_at = this.send_at(send.weekday, send.clock, settings.tz)
    if target == this:
        why = "this week's send time is still ahead"
    elif this_at <= now:
        why = f"{this}'s send time, {_when(this_at)}, has passed"
    else:
        why = f"{this} is skipped in schedule.yaml"
    click.echo(f"building {target}, the next edition to go out ({_when(at)}): {why}; "
               "--week chooses another", err=True)
    return target


def _warn_if_past(project: Project, week: IsoWeek, now: datetime) -> None:
    settings = project.config.settings
    at = week.send_at(settings.send.weekday, settings.send.clock, settings.tz)
    if at <= now:
        click.echo(f"warning: {week}'s send time {_when(at)} has passed: it is public at "
                   "once (feeds, archive), and its import files carry no send time",
                   err=True)


def _print_warnings(result: BuildResult) -> None:
    for warning in result.warnings:
        click.echo(f"{result.week}: {warning}", err=True)


def _build_range(project: Project, weeks: list[IsoWeek], now: datetime, rebuild: bool) -> None:
    """Build a range in order: a progress bar on a terminal, one plain line per week otherwise."""
    counts: dict[str, int] = {}
    if sys.stdout.isatty():
        with click.progressbar(
            weeks, label="building", item_show_func=lambda w: str(w) if w else None
        ) as bar:

            def step(result: BuildResult) -> None:
                counts[result.status] = counts.get(result.status, 0) + 1
                _print_warnings(result)
                bar.update(1, result.week)

            build_weeks(project, weeks, now=now, rebuild=rebuild, on_result=step)
    else:

        def line(result: BuildResult) -> None:
            counts[result.status] = counts.get(result.status, 0) + 1
            _print_warnings(result)
            click.echo(describe(result))

        build_weeks(project, weeks, now=now, rebuild=rebuild, on_result=line)
    summary = ", ".join(f"{_VERBS[k].split(' (')[0]} {v}" for k, v in sorted(counts.items()))
    click.echo(f"{weeks[0]}..{weeks[-1]}: {summary} -> {project.config.outbox}")
