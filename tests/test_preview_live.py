"""`mindreel preview` as a working loop: rebuild on change, reload signal, local links.

The real command runs in a subprocess with the clock pinned; a data file or
schedule.yaml is changed and the rebuild is observed through the server's state
endpoint, each wait bounded in time. Every socket is on 127.0.0.1, checked for the
command's own sockets in /proc.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.commands.preview_live import (
    RELOAD_JS,
    STATE_PATH,
    LiveState,
    live_page,
    local_links,
    widen_policy,
)
from generator.commands.preview_watch import Inputs
from generator.review import REVIEW_FILE
from tests.conftest import REPO, copy_site
from tests.test_preview import fetch, serving, start_preview, stop
from tests.test_review import build

BASE = "https://mindreel.example.org"
REBUILD_WITHIN = 30.0
"""Seconds a rebuild may take to show, under load (it takes about 2 s on an idle machine)."""


def wait_until(check: Callable[[], Any], within: float = REBUILD_WITHIN) -> Any:
    """``check()``'s first truthy value, polled every 0.2 s, or fail after ``within`` s."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {within} s")


def state(url: str) -> dict[str, Any]:
    status, body, _ = fetch(url.rstrip("/") + STATE_PATH)
    assert status == 200
    data: dict[str, Any] = json.loads(body)
    return data


# --- the served copy of a page ---------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list("abz09/-._?=&#%")), max_size=30))
def test_every_base_url_link_becomes_the_same_path_here(path: str) -> None:
    path = path.lstrip("/")
    page = f'<a href="{BASE}/{path}">x</a> <a href="{BASE}">home</a> {BASE}.evil.example/{path}'
    assert local_links(page, BASE) == (
        f'<a href="/{path}">x</a> <a href="/">home</a> {BASE}.evil.example/{path}')
    assert local_links(page, BASE + "/") == local_links(page, BASE)


def test_the_policy_is_widened_by_exactly_the_reload_script() -> None:
    policy = "default-src 'none'; script-src 'sha256-a'; img-src 'self'"
    assert widen_policy(policy, "'sha256-b'") == (
        "default-src 'none'; script-src 'sha256-a' 'sha256-b'; img-src 'self'; "
        "connect-src 'self'")
    assert widen_policy("default-src 'none'", "'sha256-b'") == (
        "default-src 'none'; script-src 'sha256-b'; connect-src 'self'")


def test_a_page_without_a_body_is_only_relinked() -> None:
    assert live_page(f"{BASE}/feed.xml".encode(), BASE) == b"/feed.xml"


def test_the_watch_takes_inputs_and_ignores_the_outbox_and_dot_files(tmp_path: Path) -> None:
    site = tmp_path / "site"
    inputs = Inputs(site / "schedule.yaml", site / "data", site / "templates", site / "outbox")
    wanted = [site / "schedule.yaml", site / "data/films.yaml", site / "templates/a/b.j2"]
    unwanted = [site / "outbox/index.html", site / "outbox", site / "data/.films.yaml.swp",
                site / "notes.txt", site / "data/films.yaml~", tmp_path / "schedule.yaml"]
    assert [inputs.wanted(0, str(p)) for p in wanted] == [True] * 3  # type: ignore[arg-type]
    assert [inputs.wanted(0, str(p)) for p in unwanted] == [False] * 6  # type: ignore[arg-type]


# --- the server, in-process ----------------------------------------------------------------


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_site(tmp_path_factory.mktemp("live") / "site"), "2026-W47", "2026-W49")


@pytest.fixture
def live_url(outbox: Path) -> Iterator[str]:
    with serving(outbox, live=LiveState(BASE)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/"


def test_only_the_served_page_has_the_reload_script(outbox: Path, live_url: str) -> None:
    on_disk = (outbox / REVIEW_FILE).read_bytes()
    assert STATE_PATH.encode() not in on_disk
    assert b"connect-src" not in on_disk
    status, served, headers = fetch(live_url)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    doc = lxml.html.fromstring(served)
    scripts = [s.text for s in doc.cssselect("script")]
    assert scripts[-1] == RELOAD_JS
    policy = doc.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
    assert "connect-src 'self'" in policy
    assert len(re.findall(r"'sha256-", policy.split("script-src", 1)[1].split(";")[0])) == 2
    # Everything else is the page on disk.
    served_text = served.decode()
    assert served_text.replace(f"<script>{RELOAD_JS}</script>\n", "").count("\n") == (
        on_disk.decode().count("\n"))


def test_archive_links_stay_on_the_local_server(outbox: Path, live_url: str) -> None:
    assert BASE.encode() in (outbox / "archive/index.html").read_bytes()
    status, served, _ = fetch(live_url + "archive/index.html")
    assert status == 200
    assert BASE.encode() not in served
    hrefs = [a.get("href") for a in lxml.html.fromstring(served).cssselect("a[href]")]
    local = [h for h in hrefs if h.startswith("/")]
    assert "/archive/2026-W48.html" in local
    for href in local:
        assert fetch(live_url + href.lstrip("/"))[0] == 200, href


def test_the_state_endpoint_says_generation_and_error(live_url: str) -> None:
    assert state(live_url) == {"generation": 0, "error": None}


def test_without_live_state_files_are_served_as_they_are(outbox: Path) -> None:
    with serving(outbox) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        assert fetch(url)[1] == (outbox / REVIEW_FILE).read_bytes()
        assert fetch(url + STATE_PATH.lstrip("/"))[0] == 404


# --- the real command ------------------------------------------------------------------------


def own_site(tmp_path: Path) -> Path:
    """A fixture site with its own templates folder (so a test may change a template)."""
    schedule = copy_site(tmp_path / "site")
    shutil.copytree(REPO / "templates", schedule.parent / "templates")
    text = schedule.read_text("utf-8").replace(f"templates: {REPO / 'templates'}",
                                               "templates: templates")
    schedule.write_text(text, "utf-8")
    return schedule.parent


def sockets_of(pid: int) -> list[tuple[str, str]]:
    """(table, local address in /proc hex) of every inet socket the process holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                found.append((table, fields[1].split(":")[0]))
    return found


@contextlib.contextmanager
def running(site: Path) -> Iterator[tuple[Any, str]]:
    """The real command on ``site``; killed at the end if the test did not stop it."""
    proc, url = start_preview(site)
    try:
        time.sleep(1)  # the watch starts just after the server prints its address
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_data_change_rebuilds_and_signals_a_reload(tmp_path: Path) -> None:
    site = own_site(tmp_path)
    with running(site) as (proc, url):
        assert state(url)["generation"] == 0
        assert set(sockets_of(proc.pid)) == {("tcp", "0100007F")}  # 127.0.0.1 only
        films = site / "data" / "films.yaml"
        edit(films, "titles: {en: Keys to the Heart,", "titles: {en: Keys to the Heart Revised,")
        started = time.monotonic()
        after = wait_until(lambda: (s := state(url))["generation"] > 0 and s)
        assert after["error"] is None
        assert "Keys to the Heart Revised" in fetch(url)[1].decode()
        assert "Keys to the Heart Revised" in (site / "outbox" / REVIEW_FILE).read_text("utf-8")
        took = time.monotonic() - started

        # schedule.yaml is watched too.
        edit(site / "schedule.yaml", "title: mindreel", "title: mindreel local")
        wait_until(lambda: state(url)["generation"] > 1)
        assert "Review · mindreel local" in fetch(url)[1].decode()
        assert set(sockets_of(proc.pid)) == {("tcp", "0100007F")}
        out, _err = stop(proc)
    assert "changed: films.yaml" in out and "rebuilt; open pages reload" in out, out
    assert took < REBUILD_WITHIN


def test_a_failed_rebuild_is_shown_and_the_last_good_build_is_served(tmp_path: Path) -> None:
    site = own_site(tmp_path)
    with running(site) as (proc, url):
        good = fetch(url)[1]
        outbox_files = sorted(p.relative_to(site) for p in (site / "outbox").rglob("*")
                              if ".mindreel" not in p.parts)
        films = site / "data" / "films.yaml"
        original = films.read_text("utf-8")
        films.write_text(original + "  - id: [broken\n", "utf-8")
        error = wait_until(lambda: state(url)["error"])
        assert error.startswith("data/films.yaml:") and "bad input" in error
        assert state(url)["generation"] == 0  # open pages do not reload onto nothing
        assert fetch(url)[1] == good
        assert sorted(p.relative_to(site) for p in (site / "outbox").rglob("*")
                      if ".mindreel" not in p.parts) == outbox_files
        assert proc.poll() is None

        # A broken template is reported the same way.
        films.write_text(original, "utf-8")
        wait_until(lambda: state(url)["error"] is None and state(url)["generation"] == 1)
        template = site / "templates" / "review" / "index.html.j2"
        template.write_text(template.read_text("utf-8") + "{% if %}", "utf-8")
        error = wait_until(lambda: state(url)["error"])
        assert "template" in error and "index.html.j2" in error, error
        assert proc.poll() is None
        _out, err = stop(proc)
    assert "rebuild failed; still serving the last good build" in err
    assert "Traceback" not in err


def test_a_framed_page_gets_local_links_but_no_script(outbox: Path, live_url: str) -> None:
    def served(dest: str) -> bytes:
        request = urllib.request.Request(live_url + "2026-W48/email.html",
                                         headers={"Sec-Fetch-Dest": dest})
        with urllib.request.urlopen(request, timeout=10) as response:
            body: bytes = response.read()
            return body

    framed, opened = served("iframe"), served("document")
    assert STATE_PATH.encode() not in framed and STATE_PATH.encode() in opened
    assert BASE.encode() not in framed and b'href="/archive/2026-W48.html' in framed
