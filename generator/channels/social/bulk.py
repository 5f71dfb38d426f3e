"""Bulk-import files for Buffer and Hootsuite, across every upcoming edition.

One file per tool and platform under the outbox's ``social/`` folder, holding every
built edition whose send time is still ahead, in send order, so one upload schedules
weeks of posts:

- ``social/buffer/<platform>.csv``: header ``Text,Image URL,Tags,Posting Time``
  (it must match exactly, so no byte-order mark before it); ``Posting Time`` is
  ``YYYY-MM-DD HH:mm``, 24-hour, in the schedule's timezone; one channel per file;
  at most 100 rows (Buffer's limit on paid plans).
- ``social/hootsuite/<platform>.csv``: no header; date (``MM/DD/YYYY HH:mm``, 24-hour,
  in the schedule's timezone: pick that format at upload), message, link. Times sit on
  5-minute marks (rounded up) and at least 10 minutes after the publishing moment; at
  most 350 rows. Only the networks Hootsuite publishes to get a file. No byte-order
  mark (the file has no header, so one would land in the first date cell).

Both are UTF-8, every field quoted, CRLF line ends. Rows come from each edition's
``social/bulk.json`` (one single post per platform, never part of a thread).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from generator.channels import Files
from generator.channels.social.export import BULK_FILE
from generator.config import Settings
from generator.ledger import LedgerEntry
from generator.outbox import Outbox

log = logging.getLogger(__name__)

BUFFER_HEADER = ("Text", "Image URL", "Tags", "Posting Time")
BUFFER_TIME = "%Y-%m-%d %H:%M"
BUFFER_MAX_ROWS = 100
BUFFER_IMAGE_TYPES = (".jpg", ".jpeg", ".png")
"""Buffer's Image URL must be a direct link to a JPEG or PNG file."""

HOOTSUITE_TIME = "%m/%d/%Y %H:%M"
HOOTSUITE_MAX_ROWS = 350
HOOTSUITE_LEAD = timedelta(minutes=10)
HOOTSUITE_STEP_MINUTES = 5
HOOTSUITE_NETWORKS = frozenset({"x", "facebook", "instagram", "linkedin", "threads"})
"""The platforms Hootsuite publishes to (not Bluesky, not Mastodon)."""


@dataclass(frozen=True)
class BulkRow:
    """One post a bulk tool schedules."""

    when: datetime
    edition: str
    text: str
    message: str
    link: str
    image_url: str


def rows_by_platform(outbox: Outbox, entries: Iterable[LedgerEntry], tz: ZoneInfo,
                     home: str = "") -> dict[str, list[BulkRow]]:
    """Platform -> its rows from each edition's ``social/bulk.json`` (``ko/social/bulk.json``
    with ``home="ko/"``), in send order."""
    rows: dict[str, list[BulkRow]] = {}
    for entry in entries:
        path = outbox.edition_dir(str(entry.week)) / (home + BULK_FILE)
        try:
            doc = json.loads(path.read_bytes())
            when = datetime.fromisoformat(doc["send_at"]).astimezone(tz)
            for post in doc["posts"]:
                rows.setdefault(post["platform"], []).append(BulkRow(
                    when, str(entry.week), post["text"], post["message"],
                    post.get("link") or "", post.get("image_url") or ""))
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("%s has no readable %s (built with social off, or by an older "
                        "version?); rebuild it to add it to the bulk files", entry.week,
                        BULK_FILE)
    for platform_rows in rows.values():
        platform_rows.sort(key=lambda row: (row.when, row.edition))
    return rows


def _csv(rows: Iterable[Iterable[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)  # CRLF line ends
    return out.getvalue().encode("utf-8")


def _capped(rows: list[BulkRow], limit: int, what: str) -> list[BulkRow]:
    if len(rows) > limit:
        log.warning("%s: %d upcoming posts, the import takes %d; the first %d are in the "
                    "file, upload the rest after those are scheduled", what, len(rows), limit,
                    limit)
    return rows[:limit]


def buffer_csv(rows: list[BulkRow]) -> bytes:
    """Buffer's CSV: the header, then one row per post (the caller caps the rows)."""
    def image(url: str) -> str:
        return url if url.lower().endswith(BUFFER_IMAGE_TYPES) else ""

    return _csv([BUFFER_HEADER, *[(row.text, image(row.image_url), "",
                                   row.when.strftime(BUFFER_TIME)) for row in rows]])


def hootsuite_time(when: datetime) -> datetime:
    """``when`` rounded up to the next 5-minute mark (Hootsuite's scheduling grid)."""
    base = when.replace(second=0, microsecond=0)
    if base < when:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=-base.minute % HOOTSUITE_STEP_MINUTES)


def hootsuite_csv(rows: list[BulkRow]) -> bytes:
    """Hootsuite's CSV: date, message, link; no header."""
    return _csv([(hootsuite_time(row.when).strftime(HOOTSUITE_TIME), row.message, row.link)
                 for row in rows])


def bulk_files(outbox: Outbox, upcoming: Iterable[LedgerEntry], settings: Settings,
               now: datetime) -> Files:
    """Every bulk file with at least one row, for the posts still ahead of ``now``, in
    ``settings.locale``'s posts (paths relative to that locale's folder)."""
    files: Files = {}
    by_platform = rows_by_platform(outbox, upcoming, settings.tz, settings.locale_prefix)
    for platform in settings.social.platforms:
        rows = by_platform.get(platform, [])
        ahead = [row for row in rows if row.when > now]
        if ahead:
            rel = f"social/buffer/{platform}.csv"
            files[rel] = buffer_csv(_capped(ahead, BUFFER_MAX_ROWS, rel))
        soon = now + HOOTSUITE_LEAD
        ahead = [row for row in rows if hootsuite_time(row.when) >= soon]
        if platform in HOOTSUITE_NETWORKS and ahead:
            rel = f"social/hootsuite/{platform}.csv"
            files[rel] = hootsuite_csv(_capped(ahead, HOOTSUITE_MAX_ROWS, rel))
    return files
