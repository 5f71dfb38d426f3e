"""``mindreel preview``: serve the outbox on 127.0.0.1 so the review page can be opened.

It builds this week's edition first if it is missing (through the one build flow, so
the review page, feeds and archive are refreshed too), then serves the outbox folder
with the standard library's threading HTTP server, bound to the loopback address only.
Files under ``.mindreel/`` (ledger, locks) and any other dot-path are never served.

While it serves, it rebuilds when schedule.yaml, data/ or templates/ change
(:mod:`generator.commands.preview_watch`), and the pages it serves reload themselves
and keep their links on this server (:mod:`generator.commands.preview_live`).

Limits, so a stray client or a hostile local user cannot take the machine down:
a path that cannot name a file (a NUL or other control character, invalid UTF-8 after
percent-decoding) gets 400; each connection's reads and writes time out after
``REQUEST_TIMEOUT`` seconds; at most ``MAX_CONNECTIONS`` connections are handled at once
(one thread each), and further ones wait in the listen queue until one finishes.

Ctrl-C (SIGINT) or SIGTERM stops it with exit code 0 at any moment. During the first
build a signal only sets a flag: the week being written is finished (the outbox is
never left half-written), then the command exits without serving.

Over http the review page can switch the email's own dark-mode styles on, which the
browser does not allow for a page opened from disk.
"""

from __future__ import annotations

import errno
import io
import logging
import signal
import sys
import threading
import unicodedata
from collections.abc import Iterator
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

import click

from generator import clock
from generator.build import build_weeks
from generator.commands.preview_live import STATE_PATH, LiveState, live_page
from generator.commands.preview_watch import Inputs, Rebuilder, start_watching
from generator.errors import BadInput, LockHeld, Problem
from generator.manifest import MANIFEST
from generator.outbox import Outbox
from generator.project import Project, load_project
from generator.review import REVIEW_FILE
from generator.weeks import IsoWeek, current_week

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10.0
"""Seconds a connection may stay silent (or refuse our bytes) before it is closed."""
MAX_CONNECTIONS = 16
"""Connections handled at once; a browser opening the review page needs two or three."""
LISTEN_QUEUE = 128
"""Connections the kernel holds while every handler is busy."""
WATCH_STOP_TIMEOUT = 5.0
"""Seconds to wait on exit for a rebuild under way to finish (it writes atomically)."""

log = logging.getLogger(__name__)


def request_path(target: str) -> str | None:
    """The decoded path of a request target, or None if no file can have that name."""
    try:
        path = unquote(urlsplit(target).path, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    if any(unicodedata.category(char) == "Cc" for char in path):
        return None
    return path


class OutboxHandler(SimpleHTTPRequestHandler):
    """Static files from the outbox; bad paths 400, hidden paths 404; no caching; quiet log."""

    extensions_map = {  # noqa: RUF012 (the standard library declares it a class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
        ".xml": "application/xml",
        ".eml": "message/rfc822",
    }

    def setup(self) -> None:
        super().setup()
        if isinstance(self.server, PreviewServer):
            self.connection.settimeout(self.server.request_timeout)

    def send_head(self) -> Any:
        path = request_path(self.path)
        if path is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request path")
            return None
        if any(part.startswith(".") for part in path.split("/") if part):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        live = self.server.live if isinstance(self.server, PreviewServer) else None
        if live is not None:
            if path == STATE_PATH:
                return self._send_bytes(live.state_json(), "application/json")
            page = self._html_file(path)
            if page is not None:
                # A framed page (the email in the review page) gets no script: its
                # sandbox would refuse it, and the page around it reloads anyway.
                framed = self.headers.get("Sec-Fetch-Dest", "document") != "document"
                try:
                    body = live_page(page.read_bytes(), live.base_url, script=not framed)
                except OSError:
                    self.send_error(HTTPStatus.NOT_FOUND, "Not found")
                    return None
                return self._send_bytes(body, "text/html; charset=utf-8")
        return super().send_head()

    def _html_file(self, path: str) -> Path | None:
        """The HTML file a request names (a folder's index.html), or None."""
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                return None  # the standard handler redirects to the folder with "/"
            target = target / "index.html"
        return target if target.suffix == ".html" and target.is_file() else None

    def _send_bytes(self, body: bytes, content_type: str) -> io.BytesIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server with a bound on threads and a timeout per connection.

    The accept loop waits for a free slot before it accepts the next connection, so
    idle or slow clients can hold at most ``max_connections`` threads, and each of them
    for at most ``request_timeout`` seconds per read or write.
    """

    daemon_threads = True
    request_queue_size = LISTEN_QUEUE

    def __init__(self, address: tuple[str, int], handler: Any, *,
                 request_timeout: float, max_connections: int,
                 live: LiveState | None = None) -> None:
        self.request_timeout = request_timeout
        self.live = live
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        try:
            while not self._slots.acquire(timeout=0.5):
                pass  # a signal can still stop the main thread while it waits
        except BaseException:
            self.shutdown_request(request)
            raise
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line, never a traceback on the terminal, for a request that failed
        (a client that hung up or stopped reading, say)."""
        log.warning("request from %s failed: %r", client_address[0], sys.exc_info()[1])


def make_server(outbox: Path, port: int, *, timeout: float = REQUEST_TIMEOUT,
                max_connections: int = MAX_CONNECTIONS,
                live: LiveState | None = None) -> PreviewServer:
    """A server for ``outbox`` on 127.0.0.1:``port`` (0 picks a free port).

    With ``live``, HTML pages are served with the reload script and local links
    (:mod:`generator.commands.preview_live`); without it, every file exactly as it is.
    """
    handler = partial(OutboxHandler, directory=str(outbox))
    try:
        return PreviewServer((HOST, port), handler, request_timeout=timeout,
                             max_connections=max_connections, live=live)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} is already in use; choose another with --port (0 = any)"
        else:
            message = f"cannot listen on {HOST}:{port}: {exc.strerror or exc}"
        raise BadInput([Problem("--port", 0, "", message)]) from None


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Stop(BaseException):
    """Raised in the main thread by SIGINT or SIGTERM to leave ``serve_forever``.

    A BaseException, like KeyboardInterrupt: ``socketserver`` logs and swallows any
    ``Exception`` raised while it hands a request to a thread, which would eat a stop
    that arrives at that moment.
    """


class StopSignals:
    """SIGINT and SIGTERM: a flag while building, an exception (``_Stop``) while serving.

    Installed explicitly (a shell starting us in the background ignores SIGINT), from the
    first moment of the command, and restored on exit.
    """

    def __init__(self) -> None:
        self.requested = False
        self._raising = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        self._previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if self._raising:
            raise _Stop

    def raise_from_now(self) -> None:
        """From here on a signal raises ``_Stop``; one that came already raises it now."""
        self._raising = True
        if self.requested:
            raise _Stop

    def until_stopped(self, weeks: list[IsoWeek]) -> Iterator[IsoWeek]:
        """``weeks``, ending early once a stop is requested (the week under way finishes)."""
        for week in weeks:
            if self.requested:
                return
            yield week


def ensure_built(project: Project, stop: StopSignals) -> None:
    """Build this week if its folder (or the review page) is missing."""
    now = clock.now()
    outbox = Outbox(project.config.outbox)
    week = current_week(now, project.config.settings.tz)
    have_week = (outbox.edition_dir(str(week)) / MANIFEST).is_file()
    have_page = (outbox.root / REVIEW_FILE).is_file()
    if (have_week and have_page) or stop.requested:
        return
    click.echo(f"building {week} ...")
    try:
        for result in build_weeks(project, stop.until_stopped([week]), now=now, rebuild=False,
                                  lock_timeout=2):
            for warning in result.warnings:
                click.echo(f"{result.week}: {warning}", err=True)
    except LockHeld as exc:
        if not have_page:
            raise
        click.echo(f"{exc}; serving the outbox as it is", err=True)


def run_preview(config_path: Path, outbox_override: Path | None, port: int,
                watch: bool = True) -> None:
    """Listen, build if needed, then serve (rebuilding on changes) until Ctrl-C or SIGTERM."""
    with StopSignals() as stop:
        project = load_project(config_path, outbox_override)
        root = project.config.outbox
        live = LiveState(project.config.settings.site.base_url)
        # Listen first: a busy port fails before a build.
        with make_server(root, port, live=live) as server:
            ensure_built(project, stop)
            watcher = None
            try:
                stop.raise_from_now()
                if watch:
                    rebuilder = Rebuilder(config_path, outbox_override, live)
                    watcher = start_watching(rebuilder, Inputs.of(project.config))
                url = f"http://{HOST}:{server.server_address[1]}/"
                click.echo(f"serving {root} at {url} (Ctrl-C to stop)")
                server.serve_forever()
            except _Stop:
                pass
            finally:
                if watcher is not None:
                    thread, done = watcher
                    done.set()
                    thread.join(WATCH_STOP_TIMEOUT)
    click.echo("stopped")

