"""When the service acts: pure functions of the settings and an instant.

Neither the send-time wake-up nor the periodic check decides *what* to build: both call
``due_weeks``, which compares the wall clock with the ledger.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from generator.config import Settings
from generator.weeks import IsoWeek, current_week, week_range


def send_time(week: IsoWeek, settings: Settings) -> datetime:
    """When ``week``'s edition goes out."""
    return week.send_at(settings.send.weekday, settings.send.clock, settings.tz)


def send_trigger(settings: Settings) -> CronTrigger:
    """The weekly send time as an APScheduler trigger, on the schedule's wall clock."""
    at = settings.send.clock
    return CronTrigger(day_of_week=settings.send.weekday, hour=at.hour, minute=at.minute,
                       timezone=settings.tz)


def next_send(settings: Settings, now: datetime) -> datetime:
    """The first send time after ``now`` (what the scheduler wakes for next)."""
    fire: datetime | None = send_trigger(settings).get_next_fire_time(
        None, now + timedelta(microseconds=1))
    assert fire is not None  # a weekly cron trigger always has a next time
    return fire


def latest_send_week(now: datetime, settings: Settings) -> IsoWeek:
    """The week whose send time came last at or before ``now`` (skipped or not)."""
    week = current_week(now, settings.tz)
    return week if send_time(week, settings) <= now else week + -1


def due_weeks(now: datetime, settings: Settings, built: Collection[IsoWeek]) -> list[IsoWeek]:
    """The weeks to build at ``now``, oldest first, by ``service.catch_up``.

    A week is *due* once its send time has passed; a week skipped in schedule.yaml is
    never due (it is not missed). The *missed* weeks are the due weeks after the newest
    due week in the ledger that the ledger lacks (holes further back stay as they are):

    - ``latest`` builds the newest missed week;
    - ``all`` builds every missed week, oldest first;
    - ``none`` builds the newest missed week only while it is on time, that is at most
      ``misfire_grace_hours`` after its send time (a late wake-up, not a catch-up).

    A ledger with no due week (a new installation) has missed nothing. ``latest`` and
    ``all`` then build the current ISO week at once, even before its send time, so the
    first edition is ready to send; ``none`` waits for that send time.
    """
    skips = {IsoWeek.parse(w) for w in settings.skips}
    newest = latest_send_week(now, settings)
    policy = settings.service.catch_up
    last = max((w for w in built if w <= newest), default=None)
    if last is None and policy != "none":
        first = current_week(now, settings.tz)
        return [] if first in skips or first in built else [first]
    start = newest if last is None else last + 1
    missed = [w for w in week_range(start, newest) if w not in skips and w not in built]
    if policy == "all":
        return missed
    if policy == "latest":
        return missed[-1:]
    grace = timedelta(hours=settings.service.misfire_grace_hours)
    return [w for w in missed[-1:] if now - send_time(w, settings) <= grace]
