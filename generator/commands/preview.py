"""``mindreel preview``: serve the outbox on 127.0.0.1 so the review page can be opened.

It builds this week's edition first if it is missing (through the one build flow, so
the review page, feeds and archive are refreshed too), then serves the outbox folder
with the standard library's threading HTTP server, bound to the loopback address only.
Files under ``.mindreel/`` (ledger, locks) and any other dot-path are never served.
Ctrl-C (SIGINT) or SIGTERM stops it cleanly with exit code 0.

Over http the review page can switch the email's own dark-mode styles on, which the
browser does not allow for a page opened from disk.
"""

from __future__ import annotations

import errno
import logging
import signal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

import click

from generator import clock
from generator.build import build_weeks
from generator.errors import BadInput, LockHeld, Problem
from generator.manifest import MANIFEST
from generator.outbox import Outbox
from generator.project import Project, load_project
from generator.review import REVIEW_FILE
from generator.weeks import current_week

HOST = "127.0.0.1"
log = logging.getLogger(__name__)


class OutboxHandler(SimpleHTTPRequestHandler):
    """Static files from the outbox; hidden paths refused; no caching; quiet log."""

    extensions_map = {  # noqa: RUF012 (the standard library declares it a class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".eml": "message/rfc822",
    }

    def send_head(self) -> Any:
        path = unquote(urlsplit(self.path).path)
        if any(part.startswith(".") for part in path.split("/") if part):
            self.send_error(404, "Not found")
            return None
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


def make_server(outbox: Path, port: int) -> ThreadingHTTPServer:
    """A server for ``outbox`` on 127.0.0.1:``port`` (0 picks a free port)."""
    handler = partial(OutboxHandler, directory=str(outbox))
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} is already in use; choose another with --port (0 = any)"
        else:
            message = f"cannot listen on {HOST}:{port}: {exc.strerror or exc}"
        raise BadInput([Problem("--port", 0, "", message)]) from None
    server.daemon_threads = True
    return server


def ensure_built(project: Project) -> None:
    """Build this week if its folder (or the review page) is missing."""
    now = clock.now()
    outbox = Outbox(project.config.outbox)
    week = current_week(now, project.config.settings.tz)
    have_week = (outbox.edition_dir(str(week)) / MANIFEST).is_file()
    have_page = (outbox.root / REVIEW_FILE).is_file()
    if have_week and have_page:
        return
    click.echo(f"building {week} ...")
    try:
        for result in build_weeks(project, [week], now=now, rebuild=False, lock_timeout=2):
            for warning in result.warnings:
                click.echo(f"{result.week}: {warning}", err=True)
    except LockHeld as exc:
        if not have_page:
            raise
        click.echo(f"{exc}; serving the outbox as it is", err=True)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Stop(Exception):
    """Raised in the main thread by SIGINT or SIGTERM to leave ``serve_forever``."""


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def run_preview(config_path: Path, outbox_override: Path | None, port: int) -> None:
    """Listen, build if needed, then serve until Ctrl-C or SIGTERM."""
    project = load_project(config_path, outbox_override)
    root = project.config.outbox
    with make_server(root, port) as server:  # listen first: a busy port fails before a build
        try:
            ensure_built(project)
        except KeyboardInterrupt:
            click.echo("stopped")
            return
        url = f"http://{HOST}:{server.server_address[1]}/"
        # Installed explicitly: a shell starting us in the background ignores SIGINT.
        previous = {sig: signal.signal(sig, _on_signal) for sig in STOP_SIGNALS}
        try:
            click.echo(f"serving {root} at {url} (Ctrl-C to stop)")
            server.serve_forever()
        except (KeyboardInterrupt, _Stop):
            pass
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    click.echo("stopped")
