"""ISO weeks and the instants editions go out; which observances fall in a week.

An edition is named by its ISO week (``2026-W48``). Its send time is an aware datetime
in the schedule's timezone, so a Monday 09:00 send in Seoul and in New York are both
right across DST changes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEK_RE = re.compile(r"^(\d{4})-[Ww](\d{2})$")
WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def weeks_in_year(year: int) -> int:
    """52 or 53: a year has 53 ISO weeks when 28 December falls in week 53."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO 8601 week; orders chronologically."""

    year: int
    week: int

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9998:
            raise ValueError(f"year {self.year} is out of range")
        if not 1 <= self.week <= weeks_in_year(self.year):
            count = weeks_in_year(self.year)
            raise ValueError(f"{self.year} has {count} ISO weeks; week {self.week} does not exist")

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """``2026-W48`` (or ``2026-w48``) -> IsoWeek(2026, 48); ValueError with a readable
        message otherwise."""
        match = _WEEK_RE.match(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"{text!r} is not an ISO week like 2026-W48")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def from_ordinal(cls, ordinal: int) -> IsoWeek:
        return cls.of(date.fromordinal(ordinal * 7 + 1))

    @property
    def ordinal(self) -> int:
        """Weeks since 0001-01-01 (a Monday): makes week arithmetic plain integer arithmetic."""
        return (self.monday.toordinal() - 1) // 7

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def days(self) -> tuple[date, ...]:
        first = self.monday
        return tuple(first + timedelta(days=i) for i in range(7))

    def __add__(self, weeks: int) -> IsoWeek:
        return IsoWeek.from_ordinal(self.ordinal + weeks)

    def __sub__(self, other: IsoWeek) -> int:
        return self.ordinal - other.ordinal

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def send_at(self, weekday: str, at: time, tz: ZoneInfo) -> datetime:
        """The edition's send instant: that weekday of this week at local time ``at``.

        A wall time that does not exist (a DST gap) is moved forward by the gap, the way
        clocks do; an ambiguous one takes its first occurrence.
        """
        day = self.monday + timedelta(days=WEEKDAY_INDEX[weekday])
        naive = datetime.combine(day, at)
        local = naive.replace(tzinfo=tz, fold=0)
        # Normalising through UTC moves a wall time inside a gap forward by the gap
        # (PEP 495: fold=0 takes the offset from before the transition).
        return local.astimezone(ZoneInfo("UTC")).astimezone(tz)


def week_range(first: IsoWeek, last: IsoWeek) -> Iterator[IsoWeek]:
    """Every week from ``first`` to ``last`` inclusive."""
    for ordinal in range(first.ordinal, last.ordinal + 1):
        yield IsoWeek.from_ordinal(ordinal)


def current_week(now: datetime, tz: ZoneInfo) -> IsoWeek:
    """The ISO week ``now`` falls in, in the schedule's timezone."""
    return IsoWeek.of(now.astimezone(tz).date())


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    """The n-th (1..5, or -1 for last) ``weekday`` (0=Mon) of a month; None if it does not exist."""
    if n > 0:
        first = date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        day = first + timedelta(days=offset + 7 * (n - 1))
        return day if day.month == month else None
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def next_to_send(now: datetime, weekday: str, at: time, tz: ZoneInfo,
                 skipped: Collection[IsoWeek] = ()) -> IsoWeek:
    """The earliest week whose send time is still ahead of ``now`` and that is not skipped.

    Before this week's send time that is this week; at or after it, next week.
    """
    week = current_week(now, tz)
    while week.send_at(weekday, at, tz) <= now or week in skipped:
        week = week + 1
    return week
