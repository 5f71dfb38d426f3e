"""`mindreel preview`: the outbox served on 127.0.0.1, and what the server promises.

Every socket here connects to 127.0.0.1 only; the number of connections and the time
each test may take are bounded (a few seconds each). The real command runs in a
subprocess with the clock pinned; the server's limits (timeouts, the connection bound,
bad paths) are also checked in-process with small limits so they are quick to reach.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.commands.preview import MAX_CONNECTIONS, PreviewServer, make_server
from generator.commands.preview_live import live_page
from generator.manifest import verify_folder
from generator.outbox import STATE_DIR
from generator.review import REVIEW_FILE
from tests.conftest import NOW_TEXT, copy_site
from tests.test_review import build

WEEK_DIR = re.compile(r"^\d{4}-W\d{2}$")


@pytest.fixture
def preview_site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site").parent


def launch(folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "preview", "--port", "0", *args],
        cwd=folder, env={**os.environ, "MINDREEL_NOW": NOW_TEXT},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for(proc: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    """Read the process's stdout up to the first line matching ``pattern``."""
    assert proc.stdout is not None
    for line in proc.stdout:
        match = re.search(pattern, line)
        if match:
            return match
    proc.kill()
    raise AssertionError(f"no line matching {pattern!r}; stderr: {proc.communicate()[1]}")


def start_preview(folder: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """Start `mindreel preview --port 0`; return the process and the URL it printed."""
    proc = launch(folder, *args)
    return proc, wait_for(proc, r"at (http://\S+) ").group(1)


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGINT) -> tuple[str, str]:
    """Send ``sig``; the process must exit 0 within 20 s with no traceback."""
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    return out, err


@pytest.fixture
def preview(preview_site: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    proc, url = start_preview(preview_site)
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def fetch(url: str) -> tuple[int, bytes, Message]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, b"", exc.headers


def raw_request(port: int, target: bytes, timeout: float = 5) -> bytes:
    """Send ``GET target HTTP/1.0`` as raw bytes; return the status line (b"" if dropped)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        reply = b""
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n" not in reply:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
    return reply.split(b"\r\n", 1)[0]


@contextlib.contextmanager
def serving(root: Path, **limits: Any) -> Iterator[PreviewServer]:
    """The preview server on a free loopback port, in a thread of this process."""
    server = make_server(root, 0, **limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def consistent(outbox: Path) -> None:
    """Every edition folder matches its manifest and no staging debris is left."""
    for folder in outbox.iterdir():
        if folder.is_dir() and WEEK_DIR.match(folder.name):
            assert verify_folder(folder) == [], folder.name
    staging = outbox / STATE_DIR / "staging"
    assert not staging.is_dir() or list(staging.iterdir()) == []


# --- the command -----------------------------------------------------------------------


def test_preview_builds_this_week_serves_on_loopback_and_stops_on_sigint(
    preview_site: Path, preview: tuple[subprocess.Popen[str], str]
) -> None:
    proc, url = preview
    assert url.startswith("http://127.0.0.1:")
    status, body, headers = fetch(url)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    # The page on disk, with local links and the reload script (tests/test_preview_live.py).
    assert body == live_page((preview_site / "outbox" / REVIEW_FILE).read_bytes(),
                             "https://mindreel.example.org")
    assert b'id="edition-2026-W48"' in body
    status, text, headers = fetch(url + "2026-W48/social/x.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.decode("utf-8").startswith("This week: ")
    out, _ = stop(proc)
    assert out.rstrip().endswith("stopped")


def test_preview_never_serves_the_state_folder(preview: tuple[subprocess.Popen[str], str]) -> None:
    _, url = preview
    for path in (".mindreel/ledger.sqlite", "%2Emindreel/ledger.sqlite", "2026-W48/../.mindreel/"):
        assert fetch(url + path)[0] == 404, path


def test_preview_server_binds_the_loopback_address_only(tmp_path: Path) -> None:
    with make_server(tmp_path, 0) as server:
        host, port = server.server_address[:2]
    assert (host, server.address_family) == ("127.0.0.1", socket.AF_INET)
    assert port > 0


def test_preview_stops_cleanly_on_sigterm(preview: tuple[subprocess.Popen[str], str]) -> None:
    stop(preview[0], signal.SIGTERM)


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_sigterm_during_the_first_build_exits_0_with_the_outbox_whole(
    preview_site: Path, delay: float
) -> None:
    """A build under way finishes its week (nothing half-written), one not yet begun is
    not started, and the command exits 0. A signal that arrives after a fast first build
    finds the server already up, which must stop just as cleanly."""
    proc = launch(preview_site)
    try:
        wait_for(proc, r"^building 2026-W48")
        time.sleep(delay)
        out, _ = stop(proc, signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    if delay == 0.0:
        assert "serving" not in out  # no first build is this fast: it was under way
    assert out.rstrip().endswith("stopped")
    outbox = preview_site / "outbox"
    consistent(outbox)
    assert not outbox.joinpath("2026-W48").exists() or verify_folder(outbox / "2026-W48") == []


def test_preview_does_not_rebuild_an_existing_week(preview_site: Path) -> None:
    outbox = build(preview_site / "schedule.yaml", "2026-W48", "2026-W48")
    manifest = outbox / "2026-W48" / "manifest.json"
    before = manifest.stat().st_mtime_ns
    proc, url = start_preview(preview_site)
    try:
        assert fetch(url)[0] == 200
    finally:
        out, _ = stop(proc)
    assert "building" not in out
    assert manifest.stat().st_mtime_ns == before


def test_preview_on_a_busy_port_is_a_clear_error(preview_site: Path, cli: Any) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("preview", "--port", str(port), cwd=preview_site)
    assert result.returncode == 2
    assert f"--port: port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


# --- bad paths ---------------------------------------------------------------------------

BAD_TARGETS = [b"/%00", b"/2026-W48/%00/x", b"/a%00b", b"/%ff", b"/%ed%a0%80", b"/%c0%af",
               b"/%0d%0aSet-Cookie:x", b"/\x01", b"/%7f"]


def test_bad_paths_get_400_from_the_real_command(
    preview: tuple[subprocess.Popen[str], str]
) -> None:
    proc, url = preview
    port = int(url.rsplit(":", 1)[1].strip("/"))
    for target in BAD_TARGETS:
        assert raw_request(port, target).startswith(b"HTTP/1.0 400 "), target
    assert fetch(url)[0] == 200  # still serving
    _, err = stop(proc)
    assert "ValueError" not in err


@pytest.fixture(scope="module")
def served_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """One in-process server over a folder with an index page, shared by the examples."""
    root = tmp_path_factory.mktemp("served")
    (root / "index.html").write_text("<p>ok</p>", "utf-8")
    (root / "2026-W48").mkdir()
    with serving(root) as server:
        yield server.server_address[1]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.binary(max_size=40) | st.sampled_from([b"2026-W48", b"2026-W48/", b"index.html"]))
def test_any_path_gets_an_answer_and_no_traceback(
    served_port: int, capfd: pytest.CaptureFixture[str], path: bytes
) -> None:
    """Whatever bytes the path holds (percent-encoded), the server answers with a status."""
    status = raw_request(served_port, b"/" + quote_from_bytes(path).encode())
    assert re.match(rb"^HTTP/1\.0 (200|301|400|404) ", status), status
    if b"\x00" in path:
        assert status.startswith(b"HTTP/1.0 400 ")
    assert "Traceback" not in capfd.readouterr().err


# --- timeouts and the connection bound -----------------------------------------------------


def test_an_idle_connection_is_closed_after_the_timeout(tmp_path: Path) -> None:
    with serving(tmp_path, timeout=0.3) as server, socket.create_connection(
            ("127.0.0.1", server.server_address[1]), timeout=5) as idle:
        started = time.monotonic()
        assert idle.recv(1) == b""  # closed by the server, not by our 5 s timeout
        assert 0.25 <= time.monotonic() - started < 4


def test_idle_connections_use_at_most_the_bounded_number_of_threads(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>ok</p>", "utf-8")
    baseline = threading.active_count()
    with serving(tmp_path, timeout=0.5, max_connections=4) as server:
        port = server.server_address[1]
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(16)]
        try:
            peak = 0
            for _ in range(10):  # over 1 s: the first four time out and the next four start
                peak = max(peak, threading.active_count() - baseline)
                time.sleep(0.1)
            assert 1 <= peak <= 1 + 4  # the serving thread and at most four handlers
            started = time.monotonic()
            assert raw_request(port, b"/index.html", timeout=10).startswith(b"HTTP/1.0 200 ")
            assert time.monotonic() - started < 5  # waited for idle ones to time out
        finally:
            for conn in idle:
                conn.close()


def test_the_real_command_keeps_its_threads_bounded_under_many_idle_connections(
    preview: tuple[subprocess.Popen[str], str]
) -> None:
    proc, url = preview
    port = int(url.rsplit(":", 1)[1].strip("/"))
    status = Path(f"/proc/{proc.pid}/status")

    def threads() -> int:
        found = re.search(r"^Threads:\s+(\d+)", status.read_text(), re.MULTILINE)
        assert found is not None
        return int(found.group(1))

    # The main thread and the file watcher's: the watcher starts its own native thread a
    # moment after its Python one, so the count is read once it has stopped changing.
    baseline, deadline = threads(), time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if (now := threads()) == baseline:
            break
        baseline = now
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(100)]
    try:
        time.sleep(0.5)
        assert threads() <= baseline + MAX_CONNECTIONS
    finally:
        for conn in idle:
            conn.close()
    assert fetch(url)[0] == 200  # closed idle connections free their threads at once
    stop(proc)
