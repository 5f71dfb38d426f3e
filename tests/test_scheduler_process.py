"""``mindreel run`` as a real process: locks, signals, exit codes and the JSON log.

Each test starts the real CLI in a subprocess with ``MINDREEL_NOW`` pinned and reads
its event lines as they come; the only waiting is for those lines (a few seconds at
most), never a fixed sleep.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_weeks
from generator.ledger import Ledger
from generator.manifest import verify_folder
from generator.outbox import TMP_SUFFIX, Outbox
from generator.project import load_project
from generator.weeks import IsoWeek
from tests.conftest import NOW, NOW_TEXT, mindreel
from tests.test_scheduler import scheduler_site

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


class Running:
    """A ``mindreel run --log-format json`` subprocess and the events it has logged."""

    def __init__(self, *args: str, cwd: Path, now: str = NOW_TEXT) -> None:
        env = {**os.environ, "MINDREEL_NOW": now}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "run", "--log-format", "json", *args],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.events: list[dict[str, Any]] = []
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._queue.put(json.loads(line))  # every line must be one JSON object
        self._queue.put(None)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        """The next event named ``event`` (earlier ones are kept in ``events``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {event!r} event within {timeout} s: {self.events}") \
                    from None
            if item is None:
                raise AssertionError(f"exited ({self.proc.wait()}) before {event!r}: "
                                     f"{self.events}")
            self.events.append(item)
            if item["event"] == event:
                return item

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        self.proc.send_signal(signum)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        while (item := self._queue.get_nowait() if not self._queue.empty() else None) is not None:
            self.events.append(item)
        return code

    def named(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == event]


@pytest.fixture
def running() -> Iterator[list[Running]]:
    """Collects started services and kills any a failing test left behind."""
    started: list[Running] = []
    yield started
    for service in started:
        if service.proc.poll() is None:
            service.proc.kill()
            service.proc.wait()


def start(started: list[Running], *args: str, cwd: Path, now: str = NOW_TEXT) -> Running:
    service = Running(*args, cwd=cwd, now=now)
    started.append(service)
    return service


def assert_clean(outbox: Path) -> None:
    """No staging debris, no temporary files, no lock owners; every edition whole."""
    box = Outbox(outbox)
    assert list(box.staging.iterdir()) == []
    assert list(box.trash.iterdir()) == []
    assert list(outbox.rglob(f"*{TMP_SUFFIX}")) == []
    assert not (box.state / "lock.owner").exists()
    assert not (box.state / "service.owner").exists()
    with Ledger(box.ledger_path) as ledger:
        assert [str(e.week) for e in ledger.entries()] == box.edition_ids()
    for edition in box.edition_ids():
        assert verify_folder(box.edition_dir(edition)) == [], edition


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_an_idle_service_stops_cleanly_on_a_signal(tmp_path: Path, running: list[Running],
                                                   signum: int) -> None:
    scheduler_site(tmp_path / "site")
    service = start(running, cwd=tmp_path / "site")

    nxt = service.wait_for("next run")
    assert service.stop(signum) == 0

    names = [e["event"] for e in service.events]
    assert names == ["started", "built", "caught up", "next run", "stopped"]
    # An empty ledger: the current week (W48, Wednesday NOW) is built at once ...
    assert service.named("built")[0]["week"] == "2026-W48"
    # ... then the service sleeps until the next send time, Monday 09:00 in Seoul.
    assert (nxt["week"], nxt["at"]) == ("2026-W49", "2026-11-30T09:00:00+09:00")
    assert signal.Signals(signum).name in service.named("stopped")[0]["message"]
    assert_clean(tmp_path / "site" / "outbox")


def test_one_service_per_outbox_and_build_waits_then_exits_3(tmp_path: Path,
                                                             running: list[Running]) -> None:
    site = tmp_path / "site"
    scheduler_site(site, lock_timeout_seconds=0.5)
    first = start(running, cwd=site)
    first.wait_for("next run")

    began = time.monotonic()
    second = mindreel("run", "--log-format", "json", cwd=site)
    assert second.returncode == 3
    assert time.monotonic() - began < 10
    [event] = [json.loads(line) for line in second.stderr.splitlines()]
    assert event["event"] == "failed" and event["exit_code"] == 3
    assert "already serving" in event["message"] and f"pid {first.proc.pid}" in event["message"]

    began = time.monotonic()
    build = mindreel("build", "--week", "2026-W49", cwd=site)
    waited = time.monotonic() - began
    assert build.returncode == 3, build.stderr
    assert "mindreel run" in build.stderr and "gave up after 0.5 s" in build.stderr
    assert waited >= 0.5
    assert not (site / "outbox" / "2026-W49").exists()

    assert first.stop() == 0
    # The service is gone and so are its locks: a build by hand works again.
    assert mindreel("build", "--week", "2026-W49", cwd=site).returncode == 0
    assert_clean(site / "outbox")


def test_sigterm_during_a_long_catch_up_stops_between_weeks(tmp_path: Path,
                                                            running: list[Running]) -> None:
    site = tmp_path / "site"
    schedule = scheduler_site(site, service={"catch_up": "all"})
    build_weeks(load_project(schedule), [IsoWeek.parse("2026-W48")], now=NOW)
    # Thirteen years of missed weeks: several seconds of building to interrupt.
    service = start(running, cwd=site, now="2040-01-04T10:00:00+09:00")

    service.wait_for("built")
    assert service.stop() == 0

    names = [e["event"] for e in service.events]
    assert names[0] == "started" and names[-2:] == ["caught up", "stopped"]
    assert "left for the next start" in service.events[-2]["message"]
    built = [e["week"] for e in service.named("built")]
    assert 1 <= len(built) < 600
    assert Outbox(site / "outbox").edition_ids() == ["2026-W48", *built]
    assert_clean(site / "outbox")


def test_once_catches_up_and_exits(tmp_path: Path) -> None:
    site = tmp_path / "site"
    schedule = scheduler_site(site, service={"catch_up": "all"})
    build_weeks(load_project(schedule), [IsoWeek.parse("2026-W45")],
                now=NOW.replace(day=4))

    done = mindreel("run", "--once", cwd=site)

    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    # Text lines: "<ts> <event>[ <week>]: <message>".
    events = [re.match(r"\S+ ([a-z ]+?)(?: \d{4}-W\d\d)?: ", line) for line in
              done.stderr.splitlines()]
    assert [m.group(1) if m else None for m in events] == \
        ["started", "built", "built", "built", "caught up", "stopped"]
    assert "caught up: built 3 edition(s): 2026-W46, 2026-W47, 2026-W48" in done.stderr
    assert Outbox(site / "outbox").edition_ids() == ["2026-W45", "2026-W46", "2026-W47",
                                                      "2026-W48"]
    assert_clean(site / "outbox")
    again = mindreel("run", "--once", cwd=site)
    assert again.returncode == 0 and "nothing missed; latest edition 2026-W48" in again.stderr


def test_once_reports_a_failed_build_with_its_exit_code(tmp_path: Path) -> None:
    site = tmp_path / "site"
    scheduler_site(site)
    films = site / "data" / "films.yaml"
    films.write_text(films.read_text("utf-8").replace("runtime_min: 125", "runtime_min: long"),
                     "utf-8")

    done = mindreel("run", "--once", "--log-format", "json", cwd=site)

    assert done.returncode == 2
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events] == ["started", "failed", "stopped"]
    assert any("films.yaml" in d and "runtime_min" in d for d in events[1]["details"])
    assert "Traceback" not in done.stderr


def test_an_unusable_schedule_stops_the_start_with_exit_2(tmp_path: Path) -> None:
    site = tmp_path / "site"
    schedule = scheduler_site(site)
    schedule.write_text(schedule.read_text("utf-8").replace("timezone: Asia/Seoul",
                                                            "timezone: Mars/Olympus"), "utf-8")
    done = mindreel("run", cwd=site, timeout=30)
    assert done.returncode == 2
    assert "unknown timezone" in done.stderr and "Traceback" not in done.stderr
