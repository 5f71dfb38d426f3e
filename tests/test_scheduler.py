"""The service's decisions, driven with an injected clock: no test here sleeps.

When the send wake-up fires (APScheduler's CronTrigger, across DST), which weeks each
catch-up policy builds after missing 0, 1 and 3 weeks, that nothing is built twice,
that a failed build is retried, and that a stop request ends a catch-up between weeks.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from apscheduler.schedulers.blocking import BlockingScheduler

from generator.build import build_weeks
from generator.config import Settings, load_config
from generator.errors import LockHeld
from generator.ledger import Ledger
from generator.manifest import verify_folder
from generator.outbox import Outbox
from generator.project import load_project
from generator.scheduler import SEND_JOB, Service, due_weeks, next_send, send_time, send_trigger
from generator.service_log import EventLog
from generator.weeks import IsoWeek, week_range
from tests.conftest import FIXTURE_SITE, copy_site

SEOUL = ZoneInfo("Asia/Seoul")
NEW_YORK = ZoneInfo("America/New_York")


def W(text: str) -> IsoWeek:
    return IsoWeek.parse(text)


def weeks(first: str, last: str) -> list[IsoWeek]:
    return list(week_range(W(first), W(last)))


def scheduler_site(dest: Path, **overrides: Any) -> Path:
    """A copy of the fixture site with every channel off and ``overrides`` merged in.

    The service's logic does not depend on what channels render, and a bare edition
    (manifest only) builds in milliseconds. Helplines get a long verification window so
    clocks far from the fixture date still pass the safety check.
    """
    schedule = copy_site(dest)
    data = yaml.safe_load(schedule.read_text("utf-8"))
    merged: dict[str, Any] = {
        "channels": {"email": False, "feeds": False, "social": False},
        "safety": {"helpline_warn_days": 40000, "helpline_error_days": 50000},
    }
    merged.update(overrides)
    for key, value in merged.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    schedule.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return schedule


def fixture_settings(**service: Any) -> Settings:
    """The fixture schedule's settings (Seoul, Monday 09:00, 2026-W52 skipped)."""
    settings = load_config(FIXTURE_SITE / "schedule.yaml").settings
    return settings.model_copy(update={"service": settings.service.model_copy(update=service)})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- when the send wake-up fires --------------------------------------------------------


def test_fires_at_the_local_send_time_in_seoul() -> None:
    settings = fixture_settings()
    assert next_send(settings, at("2026-11-25T10:00:00+09:00")) == at("2026-11-30T09:00:00+09:00")
    assert next_send(settings, at("2026-11-30T08:59:59+09:00")) == at("2026-11-30T09:00:00+09:00")
    assert next_send(settings, at("2026-11-30T09:00:00+09:00")) == at("2026-12-07T09:00:00+09:00")
    # The same instant seen from UTC: 09:00 KST is midnight UTC.
    assert next_send(settings, at("2026-11-29T23:59:00+00:00")) == at("2026-11-30T00:00:00+00:00")


@pytest.mark.parametrize(
    ("after", "expected", "utc_hour"),
    [
        # DST starts on Sunday 2026-03-08: the Monday after is 09:00 EDT (13:00 UTC) ...
        ("2026-03-02T09:00:01-05:00", "2026-03-09T09:00:00-04:00", 13),
        # ... the week before it was 09:00 EST (14:00 UTC).
        ("2026-02-23T09:00:01-05:00", "2026-03-02T09:00:00-05:00", 14),
        # DST ends on Sunday 2026-11-01: the Monday after is 09:00 EST again.
        ("2026-10-26T09:00:01-04:00", "2026-11-02T09:00:00-05:00", 14),
        # Asked from inside the repeated hour of the change itself.
        ("2026-11-01T01:30:00-04:00", "2026-11-02T09:00:00-05:00", 14),
    ],
)
def test_fires_at_09_00_local_across_dst_in_new_york(after: str, expected: str,
                                                     utc_hour: int) -> None:
    settings = fixture_settings().model_copy(update={"timezone": "America/New_York"})
    fire = next_send(settings, at(after))
    assert fire == at(expected)
    assert fire.astimezone(ZoneInfo("UTC")).hour == utc_hour
    local = fire.astimezone(NEW_YORK)
    assert (local.weekday(), local.hour, local.minute) == (0, 9, 0)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Seoul", "Europe/London"])
def test_trigger_and_edition_send_times_agree_every_week_for_two_years(zone: str) -> None:
    """The wake-up and the send time written into each edition are the same instant."""
    settings = fixture_settings().model_copy(update={"timezone": zone})
    trigger = send_trigger(settings)
    for week in weeks("2026-W01", "2027-W52"):
        due = send_time(week, settings)
        assert trigger.get_next_fire_time(None, due - timedelta(minutes=1)) == due, week
        assert due.astimezone(ZoneInfo(zone)).strftime("%a %H:%M") == "Mon 09:00"


def test_send_weekday_and_time_come_from_the_schedule() -> None:
    settings = fixture_settings()
    settings = settings.model_copy(update={"send": settings.send.model_copy(
        update={"weekday": "fri", "time": "17:30"})})
    assert next_send(settings, at("2026-11-25T10:00:00+09:00")) == at("2026-11-27T17:30:00+09:00")


# --- which weeks each policy builds -------------------------------------------------------

BUILT = set(weeks("2026-W40", "2026-W44"))


@pytest.mark.parametrize(
    ("now", "latest", "all_", "none"),
    [
        # missed 0: the newest due week (W44, sent Mon 2026-10-26) is in the ledger
        ("2026-10-28T10:00:00+09:00", [], [], []),
        # W45 not sent yet (Mon 2026-11-02 09:00): still nothing missed
        ("2026-11-02T08:59:00+09:00", [], [], []),
        # missed 1, found on Wednesday: `none` lets it go (more than 12 h late)
        ("2026-11-04T10:00:00+09:00", ["2026-W45"], ["2026-W45"], []),
        # missed 1, found an hour after its send time: on time for every policy
        ("2026-11-02T10:00:00+09:00", ["2026-W45"], ["2026-W45"], ["2026-W45"]),
        # missed 3
        ("2026-11-18T10:00:00+09:00", ["2026-W47"], ["2026-W45", "2026-W46", "2026-W47"], []),
    ],
)
def test_catch_up_policies_after_missing_0_1_and_3_weeks(now: str, latest: list[str],
                                                         all_: list[str], none: list[str]) -> None:
    for policy, expected in (("latest", latest), ("all", all_), ("none", none)):
        settings = fixture_settings(catch_up=policy)
        assert due_weeks(at(now), settings, BUILT) == [W(w) for w in expected], policy


def test_skipped_weeks_are_not_missed() -> None:
    built = set(weeks("2026-W45", "2026-W50"))
    all_ = fixture_settings(catch_up="all")
    latest = fixture_settings(catch_up="latest")
    # 2026-W52 is skipped in the fixture schedule (2026 has 53 ISO weeks).
    assert due_weeks(at("2027-01-06T10:00:00+09:00"), all_, built) == \
        [W("2026-W51"), W("2026-W53"), W("2027-W01")]
    assert due_weeks(at("2027-01-06T10:00:00+09:00"), latest, built) == [W("2027-W01")]
    assert due_weeks(at("2026-12-23T10:00:00+09:00"), latest, built) == [W("2026-W51")]
    assert due_weeks(at("2026-12-23T10:00:00+09:00"), latest, built | {W("2026-W51")}) == []


@pytest.mark.parametrize(
    ("now", "latest", "none"),
    [
        ("2026-11-25T10:00:00+09:00", ["2026-W48"], []),  # Wednesday: W48 went out Monday
        ("2026-11-23T08:00:00+09:00", ["2026-W48"], []),  # Monday before the send: built ahead
        ("2026-11-23T10:00:00+09:00", ["2026-W48"], ["2026-W48"]),  # an hour late: on time
        ("2026-12-23T10:00:00+09:00", [], []),  # the current week is skipped
    ],
)
def test_a_new_installation_starts_with_the_current_week(now: str, latest: list[str],
                                                         none: list[str]) -> None:
    for policy, expected in (("latest", latest), ("all", latest), ("none", none)):
        assert due_weeks(at(now), fixture_settings(catch_up=policy), set()) == \
            [W(w) for w in expected], policy


def test_weeks_built_ahead_or_holes_further_back_change_nothing() -> None:
    latest = fixture_settings(catch_up="all")
    wednesday = at("2026-11-25T10:00:00+09:00")
    assert due_weeks(wednesday, latest, {W("2026-W49")}) == [W("2026-W48")]
    assert due_weeks(wednesday, latest, {W("2026-W46"), W("2026-W48")}) == []


# --- the service's ticks against a real outbox --------------------------------------------


class FakeClock:
    """An instant that tests move by hand."""

    def __init__(self, now: str) -> None:
        self.now = at(now)

    def __call__(self) -> datetime:
        return self.now


class Events:
    """The service's JSON event lines, parsed."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.stream = io.StringIO()
        self.log = EventLog(self.stream, "json", clock)

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.all() if e["event"] == event]

    def wait_for(self, event: str, after: int = 0, timeout: float = 10) -> None:
        """Wait (real time) until an ``event`` line appears past the first ``after`` lines."""
        deadline = time.monotonic() + timeout
        while not any(e["event"] == event for e in self.all()[after:]):
            assert time.monotonic() < deadline, f"no {event!r}: {self.all()}"
            time.sleep(0.01)


def make_service(schedule: Path, now: str) -> tuple[Service, FakeClock, Events]:
    clock = FakeClock(now)
    events = Events(clock)
    return Service(schedule, schedule.parent / "outbox", events.log, clock), clock, events


def ledger_weeks(schedule: Path) -> list[str]:
    with Ledger(Outbox(schedule.parent / "outbox").ledger_path) as ledger:
        return [str(e.week) for e in ledger.entries()]


def assert_outbox_whole(schedule: Path) -> None:
    box = Outbox(schedule.parent / "outbox")
    assert box.edition_ids() == ledger_weeks(schedule)
    for edition in box.edition_ids():
        assert verify_folder(box.edition_dir(edition)) == []
    assert list(box.staging.iterdir()) == [] and list(box.trash.iterdir()) == []


@pytest.mark.parametrize(
    ("policy", "now", "expected"),
    [
        ("latest", "2026-10-28T10:00:00+09:00", []),
        ("latest", "2026-11-04T10:00:00+09:00", ["2026-W45"]),
        ("latest", "2026-11-18T10:00:00+09:00", ["2026-W47"]),
        ("all", "2026-10-28T10:00:00+09:00", []),
        ("all", "2026-11-04T10:00:00+09:00", ["2026-W45"]),
        ("all", "2026-11-18T10:00:00+09:00", ["2026-W45", "2026-W46", "2026-W47"]),
        ("none", "2026-10-28T10:00:00+09:00", []),
        ("none", "2026-11-04T10:00:00+09:00", []),
        ("none", "2026-11-18T10:00:00+09:00", []),
    ],
)
def test_a_check_builds_what_the_policy_says_and_nothing_twice(tmp_path: Path, policy: str,
                                                               now: str,
                                                               expected: list[str]) -> None:
    schedule = scheduler_site(tmp_path / "site", service={"catch_up": policy})
    build_weeks(load_project(schedule), weeks("2026-W40", "2026-W44"),
                now=at("2026-10-28T10:00:00+09:00"))
    service, clock, events = make_service(schedule, now)
    before = {e: (tmp_path / "site/outbox" / e / "manifest.json").stat().st_mtime_ns
              for e in ledger_weeks(schedule)}

    result = service.tick("check")

    assert result.failure is None
    assert [str(r.week) for r in result.built] == expected
    assert [e["week"] for e in events.named("built")] == expected
    assert ledger_weeks(schedule) == [str(w) for w in weeks("2026-W40", "2026-W44")] + expected
    assert_outbox_whole(schedule)
    # Editions built earlier are left alone ...
    assert all((tmp_path / "site/outbox" / e / "manifest.json").stat().st_mtime_ns == mtime
               for e, mtime in before.items())
    # ... and a second check, later the same day, builds nothing again.
    clock.now += timedelta(minutes=10)
    assert service.tick("check").built == []


def test_first_start_builds_the_current_week_then_waits(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    service, clock, events = make_service(schedule, "2026-11-23T08:00:00+09:00")  # Mon, before
    assert [str(r.week) for r in service.tick("start").built] == ["2026-W48"]
    # The send time arrives: this week's edition exists, so nothing is built again.
    clock.now = at("2026-11-23T09:00:00+09:00")
    assert service.tick("send").built == []
    assert events.named("caught up")[-1]["week"] == "2026-W48"
    clock.now = at("2026-11-30T09:00:00+09:00")
    assert [str(r.week) for r in service.tick("send").built] == ["2026-W49"]
    assert ledger_weeks(schedule) == ["2026-W48", "2026-W49"]


def test_the_send_wake_up_of_a_skipped_week_is_logged(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    service, clock, events = make_service(schedule, "2026-12-14T09:00:00+09:00")  # W51
    assert [str(r.week) for r in service.tick("send").built] == ["2026-W51"]
    clock.now = at("2026-12-21T09:00:00+09:00")  # W52, skipped
    assert service.tick("send").built == []
    assert [e["week"] for e in events.named("skipped")] == ["2026-W52"]


def test_a_broken_catalogue_fails_loudly_and_is_retried_at_the_next_check(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    films = schedule.parent / "data" / "films.yaml"
    good = films.read_text("utf-8")
    films.write_text(good.replace("runtime_min: 125", "runtime_min: long"), "utf-8")
    service, clock, events = make_service(schedule, "2026-11-25T10:00:00+09:00")

    failed = service.tick("check")

    assert failed.exit_code == 2 and failed.built == []
    [event] = events.named("failed")
    assert event["week"] == "2026-W48" and event["exit_code"] == 2
    assert any("films.yaml" in line and "runtime_min" in line for line in event["details"])
    assert "will retry at the next check" in event["message"]
    assert not (schedule.parent / "outbox" / "2026-W48").exists()

    films.write_text(good, "utf-8")  # the editor fixes the catalogue
    clock.now += timedelta(minutes=10)
    retried = service.tick("check")

    assert retried.failure is None and [str(r.week) for r in retried.built] == ["2026-W48"]
    assert_outbox_whole(schedule)


def test_a_safety_failure_is_retried_after_schedule_yaml_changes(tmp_path: Path) -> None:
    # Helplines verified 2026-11-25 are stale by 2028 with the default one-year limit.
    schedule = scheduler_site(tmp_path / "site", safety={"helpline_warn_days": 180,
                                                         "helpline_error_days": 365})
    service, clock, events = make_service(schedule, "2028-01-05T10:00:00+09:00")

    assert service.tick("check").exit_code == 1
    [event] = events.named("failed")
    assert event["week"] == "2028-W01" and "safety check failed" in event["message"]

    text = schedule.read_text("utf-8").replace("helpline_error_days: 365",
                                               "helpline_error_days: 1000")
    schedule.write_text(text, "utf-8")
    clock.now += timedelta(minutes=10)
    assert [str(r.week) for r in service.tick("check").built] == ["2028-W01"]


def test_a_bad_schedule_is_a_failed_check_not_a_crash(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    service, _clock, events = make_service(schedule, "2026-11-25T10:00:00+09:00")
    good = schedule.read_text("utf-8")
    schedule.write_text(good.replace("timezone: Asia/Seoul", "timezone: Mars/Olympus"), "utf-8")
    assert service.tick("check").exit_code == 2
    assert "unknown timezone" in events.named("failed")[0]["message"]
    schedule.write_text(good, "utf-8")
    assert [str(r.week) for r in service.tick("check").built] == ["2026-W48"]


def test_a_stop_request_ends_a_catch_up_between_weeks(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site", service={"catch_up": "all"})
    build_weeks(load_project(schedule), [W("2026-W40")], now=at("2026-10-01T10:00:00+09:00"))
    service, _clock, events = make_service(schedule, "2026-11-18T10:00:00+09:00")
    emit = events.log.emit

    def stop_after_first_build(event: str, message: str, week: object = None,
                               **fields: Any) -> None:
        emit(event, message, week, **fields)
        if event == "built":
            service.request_stop("SIGTERM")

    events.log.emit = stop_after_first_build  # type: ignore[method-assign]
    result = service.tick("check")

    assert [str(r.week) for r in result.built] == ["2026-W41"]
    assert "6 left for the next start" in events.named("caught up")[-1]["message"]
    assert_outbox_whole(schedule)
    resumed, _, _ = make_service(schedule, "2026-11-18T10:00:00+09:00")
    assert [str(r.week) for r in resumed.tick("check").built] == \
        [str(w) for w in weeks("2026-W42", "2026-W47")]


def test_a_changed_send_time_moves_the_wake_up(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    service, _clock, events = make_service(schedule, "2026-11-25T10:00:00+09:00")
    settings = load_config(schedule).settings
    scheduler = BlockingScheduler(timezone=settings.tz)
    scheduler.add_job(print, send_trigger(settings), id=SEND_JOB)
    service._scheduler = scheduler
    service._send_spec = (settings.send.weekday, settings.send.time, settings.timezone)
    schedule.write_text(schedule.read_text("utf-8").replace("weekday: mon", "weekday: thu"),
                        "utf-8")

    service.tick("check")

    assert events.named("rescheduled")
    assert events.named("next run")[-1]["at"] == "2026-11-26T09:00:00+09:00"
    trigger = scheduler.get_job(SEND_JOB).trigger
    assert trigger.get_next_fire_time(None, at("2026-11-25T10:00:00+09:00")) == \
        at("2026-11-26T09:00:00+09:00")


# --- the outbox lock the service holds ---------------------------------------------------


def test_the_outbox_lock_is_reentrant_in_its_thread_and_exclusive_outside(tmp_path: Path) -> None:
    schedule = scheduler_site(tmp_path / "site")
    box = Outbox(schedule.parent / "outbox")
    outcome: list[str] = []

    def other_thread() -> None:
        try:
            with box.lock(0.2):
                outcome.append("acquired")
        except LockHeld as exc:
            outcome.append(str(exc))

    with box.lock(0.2, purpose="mindreel run"):
        # The service's own build takes the lock again without waiting on itself.
        build_weeks(load_project(schedule), [W("2026-W48")], now=at("2026-11-25T10:00:00+09:00"))
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
        assert (box.state / "lock.owner").is_file()  # the nested build left the owner alone
    assert len(outcome) == 1 and "mindreel run" in outcome[0] and "exit 3" in outcome[0]
    assert not (box.state / "lock.owner").exists()
    with box.lock(0.2):  # released: anyone may take it now
        pass


# --- the real APScheduler wiring, on a travelling clock -----------------------------------


def test_the_scheduler_wakes_at_send_time_and_a_check_covers_a_long_suspend(
        tmp_path: Path) -> None:
    """APScheduler fires the send job on time; after a suspend longer than the grace time
    it drops that run ("missed"), and the periodic check builds the edition anyway."""
    schedule = scheduler_site(tmp_path / "site")
    build_weeks(load_project(schedule), [W("2026-W48")], now=at("2026-11-25T10:00:00+09:00"))
    settings = load_config(schedule).settings
    with time_machine.travel(at("2026-11-30T08:55:00+09:00"), tick=False) as traveller:
        clock = partial(datetime.now, UTC)
        events = Events(clock)
        service = Service(schedule, schedule.parent / "outbox", events.log, clock)
        scheduler = service.make_scheduler(settings)
        thread = threading.Thread(target=scheduler.start, daemon=True)
        thread.start()
        try:
            traveller.move_to(at("2026-11-30T09:00:00+09:00"))  # the send time
            scheduler.wakeup()
            events.wait_for("next run")
            assert [(e["event"], e.get("week")) for e in events.all()] == [
                ("built", "2026-W49"), ("caught up", None), ("next run", "2026-W50")]

            traveller.move_to(at("2026-12-07T22:00:00+09:00"))  # asleep 13 h past W50's send
            scheduler.wakeup()
            events.wait_for("missed")
            events.wait_for("caught up", after=3)
        finally:
            scheduler.shutdown(wait=False)
            thread.join(timeout=10)
    assert ledger_weeks(schedule) == ["2026-W48", "2026-W49", "2026-W50"]
    assert [e["week"] for e in events.named("built")] == ["2026-W49", "2026-W50"]
