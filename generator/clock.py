"""The only place that reads the wall clock.

Everything below the CLI receives ``now`` as an argument. ``MINDREEL_NOW`` (an ISO 8601
datetime with offset) pins it, for reproducible runs and subprocess tests. A pinned
instant must lie between ``EARLIEST`` and ``LATEST``: far enough inside what Python's
dates can hold that every week a run looks ahead or back to (up to twenty years) exists.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone

from generator.errors import BadClock

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
_EXAMPLE = "2026-11-23T09:00:00+09:00"
_EASTERNMOST = timezone(timedelta(hours=14))  # Kiribati's Line Islands, UTC+14


def now() -> datetime:
    """The current instant, aware; ``MINDREEL_NOW`` overrides it.

    Raises ``BadClock`` (exit 2, one line) when ``MINDREEL_NOW`` cannot be used.
    """
    pinned = os.environ.get("MINDREEL_NOW")
    if pinned:
        return parse_pinned(pinned)
    return datetime.now(UTC)


def parse_pinned(text: str) -> datetime:
    """``MINDREEL_NOW``'s text as an aware datetime; ``BadClock`` says what is wrong."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadClock(f"MINDREEL_NOW={text!r} is not an ISO 8601 date and time; "
                       f"write it like {_EXAMPLE}") from None
    if value.tzinfo is None:
        raise BadClock(f"MINDREEL_NOW={text!r} needs a UTC offset, like {_EXAMPLE}")
    try:
        in_range = EARLIEST <= value.astimezone(UTC) < LATEST
    except OverflowError:  # 0001-01-01T00:00:00+14:00 is before the first instant
        in_range = False
    if not in_range:
        raise BadClock(f"MINDREEL_NOW={text!r} is out of range; use an instant from "
                       f"{EARLIEST.year} to {LATEST.year - 1}, like {_EXAMPLE}")
    return value


def latest_date(instant: datetime) -> date:
    """The calendar date at ``instant`` where it is latest on Earth (UTC+14).

    A date someone wrote down anywhere is only in the future if it is after this one.
    """
    return instant.astimezone(_EASTERNMOST).date()
