"""The only place that reads the wall clock.

Everything below the CLI receives ``now`` as an argument. ``MINDREEL_NOW`` (an ISO 8601
datetime with offset) pins it, for reproducible runs and subprocess tests.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, aware; ``MINDREEL_NOW`` overrides it."""
    pinned = os.environ.get("MINDREEL_NOW")
    if pinned:
        value = datetime.fromisoformat(pinned)
        if value.tzinfo is None:
            raise ValueError("MINDREEL_NOW needs a UTC offset, e.g. 2026-11-23T09:00:00+09:00")
        return value
    return datetime.now(UTC)
