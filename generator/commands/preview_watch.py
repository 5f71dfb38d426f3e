"""``mindreel preview``'s rebuild loop: watch schedule.yaml, data/ and templates/, rebuild.

watchfiles (the Rust ``notify`` watcher behind uvicorn's reload) reports changes in
batches, after ``DEBOUNCE_MS`` of quiet, so an editor's save-by-rename or a ``git
checkout`` of many files gives one rebuild, not dozens. Changes in the outbox (which
the rebuild itself writes), dot-files and editor backups are ignored.

A rebuild builds what ``mindreel build`` would (this week) and every week already built
after it, through the one build flow, so feeds, archive and review page follow. When it
fails (bad input, a broken template, a safety error, the lock held), the outbox is left
as it was: the error goes to the terminal and to the open page, and the server keeps
serving the last good build.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click
import watchfiles
from jinja2 import TemplateError, TemplateSyntaxError

from generator import clock, render
from generator.build import build_weeks
from generator.commands.build import describe
from generator.commands.preview_live import LiveState
from generator.config import Config
from generator.errors import MindreelError
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.project import Project, load_project
from generator.weeks import IsoWeek, current_week

DEBOUNCE_MS = 300
"""Quiet time before a batch of changes triggers one rebuild."""
LOCK_TIMEOUT = 2.0
"""Seconds a rebuild waits for another run's outbox lock before it reports and gives up."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    """The files a build reads, and the outbox it writes (never watched)."""

    schedule: Path
    data: Path
    templates: Path
    outbox: Path

    @classmethod
    def of(cls, config: Config) -> Inputs:
        return cls(config.path.resolve(), config.data_dir.resolve(),
                   config.templates_dir.resolve(), config.outbox.resolve())

    def roots(self) -> tuple[Path, ...]:
        """Folders to watch: schedule.yaml's own (editors replace the file), data, templates."""
        found: list[Path] = []
        for folder in (self.schedule.parent, self.data, self.templates):
            inside = any(folder == root or root in folder.parents for root in found)
            if folder.is_dir() and not inside:
                found.append(folder)
        return tuple(found)

    def wanted(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change to ``path`` can change a build."""
        target = Path(path)
        if target.name.startswith(".") or target.name.endswith(("~", ".swp", ".tmp")):
            return False
        if target == self.outbox or self.outbox in target.parents:
            return False
        return (target == self.schedule
                or any(target == root or root in target.parents
                       for root in (self.data, self.templates)))


def weeks_to_rebuild(project: Project, now: datetime) -> list[IsoWeek]:
    """This week, then every week already built after it (the upcoming editions)."""
    this_week = current_week(now, project.config.settings.tz)
    outbox = Outbox(project.config.outbox)
    ahead: list[IsoWeek] = []
    if outbox.ledger_path.is_file():
        with Ledger(outbox.ledger_path, read_only=True) as ledger:
            ahead = sorted(e.week for e in ledger.entries() if e.week > this_week)
    return [this_week, *ahead]


def failure_text(exc: Exception) -> str:
    """One readable message for a failed rebuild, as the terminal and the page show it."""
    if isinstance(exc, MindreelError):
        return exc.report()
    if isinstance(exc, TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: template: {exc.message}"
    if isinstance(exc, TemplateError):
        return f"template: {exc}"
    return f"unexpected error: {exc!r}"


class Rebuilder:
    """Rebuilds the outbox and tells the server's ``LiveState`` how it went."""

    def __init__(self, config_path: Path, outbox_override: Path | None,
                 state: LiveState) -> None:
        self.config_path = config_path
        self.outbox_override = outbox_override
        self.state = state

    def rebuild(self) -> Inputs | None:
        """Rebuild; the inputs of the project it built, or None if it failed."""
        render.environment.cache_clear()  # compiled templates are kept per process
        try:
            project = load_project(self.config_path, self.outbox_override)
            now = clock.now()
            results = build_weeks(project, weeks_to_rebuild(project, now), now=now,
                                  rebuild=True, lock_timeout=LOCK_TIMEOUT)
        except Exception as exc:  # any failure: report it and keep the last good build
            if not isinstance(exc, MindreelError | TemplateError):
                log.exception("rebuild failed")
            message = failure_text(exc)
            click.echo(f"rebuild failed; still serving the last good build:\n{message}",
                       err=True)
            self.state.failed(message)
            return None
        for result in results:
            for warning in result.warnings:
                click.echo(f"{result.week}: {warning}", err=True)
            click.echo(describe(result))
        self.state.rebuilt(project.config.settings.site.base_url)
        click.echo("rebuilt; open pages reload")
        return Inputs.of(project.config)


def watch_and_rebuild(rebuilder: Rebuilder, inputs: Inputs, stop: threading.Event) -> None:
    """Rebuild after each batch of relevant changes until ``stop`` is set.

    When a rebuild moves the inputs (schedule.yaml now names another data folder), the
    watch starts again on the new folders.
    """
    while not stop.is_set():
        for _ in _watch(inputs, stop):
            moved = rebuilder.rebuild()
            if moved is not None and moved.roots() != inputs.roots():
                inputs = moved
                break
        else:
            return


def _watch(inputs: Inputs, stop: threading.Event) -> Iterator[set[tuple[watchfiles.Change, str]]]:
    roots = inputs.roots()
    click.echo("watching " + ", ".join(str(r) for r in roots) + " for changes")
    for changes in watchfiles.watch(*roots, watch_filter=inputs.wanted, stop_event=stop,
                                    debounce=DEBOUNCE_MS, step=50, raise_interrupt=False):
        # An editor's or sed's temporary file is gone by now: name the files that remain.
        names = sorted({Path(p).name for _, p in changes if Path(p).exists()}) or sorted(
            {Path(p).name for _, p in changes})
        click.echo(f"changed: {', '.join(names)}; rebuilding ...")
        yield changes


def start_watching(rebuilder: Rebuilder, inputs: Inputs) -> tuple[threading.Thread,
                                                                   threading.Event]:
    """The watch loop in a daemon thread; set the event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(target=watch_and_rebuild, args=(rebuilder, inputs, stop),
                              name="mindreel-watch", daemon=True)
    thread.start()
    return thread, stop
