"""Which editions the review page shows: the latest one sent, and those built after it.

"As of" is the publishing moment the build passes in; without one, the newest ``built_at``
in the ledger (not the clock), so the same ledger always gives the same page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from generator.ledger import LedgerEntry
from generator.review.model import Status

MAX_UPCOMING = 8
"""Upcoming editions shown in full; a long build-ahead would otherwise make a huge page."""


def split(entries: Sequence[LedgerEntry], now: datetime | None = None
          ) -> tuple[LedgerEntry | None, list[LedgerEntry]]:
    """(latest, upcoming): the newest edition sent as of ``now``, and all after it."""
    if not entries:
        return None, []
    ordered = sorted(entries, key=lambda e: e.week)
    reference = now if now is not None else max(
        datetime.fromisoformat(e.built_at) for e in ordered)
    past = [e for e in ordered if datetime.fromisoformat(e.send_at) <= reference]
    if not past:
        return None, ordered
    latest = past[-1]
    return latest, ordered[ordered.index(latest) + 1 :]


def select(entries: Sequence[LedgerEntry], now: datetime | None = None
           ) -> list[tuple[LedgerEntry, Status]]:
    """The editions the page shows, oldest first: the latest, then up to ``MAX_UPCOMING``."""
    latest, upcoming = split(entries, now)
    chosen: list[tuple[LedgerEntry, Status]] = [(latest, "latest")] if latest else []
    return chosen + [(e, "upcoming") for e in upcoming[:MAX_UPCOMING]]
