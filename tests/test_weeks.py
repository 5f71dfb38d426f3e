"""ISO weeks, send times across DST and year boundaries, observance rules."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.catalogue import FixedDate, NthWeekday, Observance, Source, WholeMonth
from generator.weeks import IsoWeek, current_week, nth_weekday, week_range, weeks_in_year


def test_parse_and_format_round_trip() -> None:
    assert str(IsoWeek.parse("2026-W48")) == "2026-W48"
    assert IsoWeek.parse("2026-W01").monday == date(2025, 12, 29)


@given(st.dates(min_value=date(1000, 1, 8), max_value=date(9998, 12, 24)))
def test_lowercase_week_ids_are_the_same_week(day: date) -> None:
    week = IsoWeek.of(day)
    assert IsoWeek.parse(str(week).lower()) == week


@pytest.mark.parametrize(
    "text", ["2026-48", "2026-W5", "26-W05", "2026-x05", "2026-W00", "2027-W53", ""]
)
def test_invalid_weeks_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        IsoWeek.parse(text)


def test_week_53_exists_only_in_long_years() -> None:
    assert weeks_in_year(2026) == 53
    assert weeks_in_year(2027) == 52
    assert IsoWeek.parse("2026-W53").monday == date(2026, 12, 28)
    assert IsoWeek.parse("2026-W53") + 1 == IsoWeek.parse("2027-W01")


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2200, 12, 31)))
def test_every_day_belongs_to_its_iso_week(day: date) -> None:
    week = IsoWeek.of(day)
    assert day in week.days
    assert IsoWeek.from_ordinal(week.ordinal) == week
    assert (week + 1) - week == 1


def test_send_time_is_local_wall_clock_in_seoul() -> None:
    send = IsoWeek.parse("2026-W48").send_at("mon", time(9, 0), ZoneInfo("Asia/Seoul"))
    assert send.isoformat() == "2026-11-23T09:00:00+09:00"


def test_send_time_keeps_wall_clock_across_dst_in_new_york() -> None:
    tz = ZoneInfo("America/New_York")
    before = IsoWeek.parse("2026-W10").send_at("mon", time(9, 0), tz)  # 2 Mar, EST
    after = IsoWeek.parse("2026-W11").send_at("mon", time(9, 0), tz)  # 9 Mar, EDT
    assert (before.hour, after.hour) == (9, 9)
    assert before.utcoffset() != after.utcoffset()


def test_send_time_in_a_dst_gap_moves_forward() -> None:
    tz = ZoneInfo("America/New_York")
    send = IsoWeek.parse("2026-W10").send_at("sun", time(2, 30), tz)  # 8 Mar 02:30 does not exist
    assert send.hour == 3 and send.minute == 30


def test_current_week_uses_the_schedule_timezone() -> None:
    from datetime import datetime

    instant = datetime(2026, 11, 29, 20, 0, tzinfo=ZoneInfo("UTC"))  # Mon 05:00 in Seoul
    assert str(current_week(instant, ZoneInfo("Asia/Seoul"))) == "2026-W49"
    assert str(current_week(instant, ZoneInfo("UTC"))) == "2026-W48"


def test_week_range_crosses_years() -> None:
    weeks = [str(w) for w in week_range(IsoWeek.parse("2026-W52"), IsoWeek.parse("2027-W02"))]
    assert weeks == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]


def test_nth_weekday() -> None:
    assert nth_weekday(2026, 2, 3, 1) == date(2026, 2, 5)  # Time to Talk Day 2026
    assert nth_weekday(2027, 2, 3, 1) == date(2027, 2, 4)
    assert nth_weekday(2026, 5, 0, -1) == date(2026, 5, 25)
    assert nth_weekday(2026, 2, 0, 5) is None


def _obs(rule: object) -> Observance:
    return Observance.model_validate(
        {
            "id": "x",
            "name": {"en": "X"},
            "rule": rule,
            "regions": ["INTL"],
            "themes": ["t"],
            "source": Source(url="https://example.org", name="Example"),
        }
    )


def test_observances_fall_in_their_weeks() -> None:
    wspd = _obs(FixedDate(kind="fixed", month=9, day=10))
    assert wspd.falls_in(IsoWeek.parse("2026-W37"))
    assert not wspd.falls_in(IsoWeek.parse("2026-W38"))
    talk = _obs(NthWeekday(kind="nth-weekday", month=2, weekday="thu", n=1))
    assert talk.falls_in(IsoWeek.parse("2026-W06"))
    may = _obs(WholeMonth(kind="month", month=5))
    assert may.falls_in(IsoWeek.parse("2026-W18"))  # 27 Apr - 3 May
    new_year = _obs(FixedDate(kind="fixed", month=1, day=1))
    assert new_year.falls_in(IsoWeek.parse("2026-W53"))  # 28 Dec 2026 - 3 Jan 2027
    leap = _obs(FixedDate(kind="fixed", month=2, day=29))
    assert leap.falls_in(IsoWeek.parse("2028-W09")) and not any(
        leap.falls_in(w) for w in week_range(IsoWeek.parse("2027-W01"), IsoWeek.parse("2027-W52"))
    )
