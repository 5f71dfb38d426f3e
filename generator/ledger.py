"""The ledger: which feature went out which week, and the feed item it produced.

A SQLite file under the outbox (stdlib sqlite3). The picker reads it as history, the
feeds are rebuilt whole from it, and the scheduler compares it with the calendar to
find missed weeks. One row per ISO week; rebuilding a week replaces its row. The
``sent`` table records each (week, recipient) that ``mindreel send`` handed to SMTP.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.weeks import IsoWeek

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS editions (
    week          TEXT PRIMARY KEY,
    week_ordinal  INTEGER NOT NULL,
    feature_kind  TEXT NOT NULL CHECK (feature_kind IN ('film', 'theme')),
    feature_id    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    send_at       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    built_at      TEXT NOT NULL,
    item          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS editions_by_ordinal ON editions (week_ordinal);
CREATE TABLE IF NOT EXISTS sent (
    week          TEXT NOT NULL,
    recipient     TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    sent_at       TEXT NOT NULL,
    reply         TEXT NOT NULL,
    PRIMARY KEY (week, recipient)
);
"""


@dataclass(frozen=True)
class LedgerEntry:
    """One built edition as the ledger remembers it."""

    week: IsoWeek
    feature_kind: str
    feature_id: str
    reason: str
    send_at: str
    content_hash: str
    built_at: str
    item: dict[str, Any]


@dataclass(frozen=True)
class SentRecord:
    """One edition handed to an SMTP server for one recipient, and what the server said."""

    week: IsoWeek
    recipient: str
    message_id: str
    sent_at: str
    reply: str


class Ledger:
    """A thin, typed wrapper over the SQLite file; every write is one transaction."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """Open (and create or migrate) the ledger; ``read_only`` opens an existing file
        without writing a byte (for ``plan`` and ``lint``, which must not touch the outbox)."""
        self.path = path
        if read_only:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                       isolation_level=None)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{path} was written by a newer mindreel (schema {version})")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA synchronous = FULL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{path} was written by a newer mindreel (schema {version})")
        if version < SCHEMA_VERSION:  # new file (or older schema): an existing one is not rewritten
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, entry: LedgerEntry) -> None:
        """Insert or replace the row for ``entry.week``."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT OR REPLACE INTO editions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(entry.week),
                    entry.week.ordinal,
                    entry.feature_kind,
                    entry.feature_id,
                    entry.reason,
                    entry.send_at,
                    entry.content_hash,
                    entry.built_at,
                    json.dumps(entry.item, ensure_ascii=False, sort_keys=True),
                ),
            )

    def delete(self, week: IsoWeek) -> None:
        with self._db:
            self._db.execute("DELETE FROM editions WHERE week = ?", (str(week),))

    def get(self, week: IsoWeek) -> LedgerEntry | None:
        with closing(
            self._db.execute("SELECT * FROM editions WHERE week = ?", (str(week),))
        ) as cur:
            row = cur.fetchone()
        return _entry(row) if row else None

    def entries(self) -> list[LedgerEntry]:
        """Every edition, oldest first."""
        return list(self.iter_entries())

    def iter_entries(self) -> Iterator[LedgerEntry]:
        """Every edition, oldest first, read from the database as it is consumed."""
        return self._iter("SELECT * FROM editions ORDER BY week_ordinal")

    def latest(self, count: int) -> list[LedgerEntry]:
        """The ``count`` most recent editions by week, newest first."""
        return list(
            self._iter("SELECT * FROM editions ORDER BY week_ordinal DESC LIMIT ?", (count,))
        )

    def history(self) -> dict[IsoWeek, str]:
        """Week -> feature id: what the picker needs to honour cooldowns."""
        with closing(self._db.execute("SELECT week, feature_id FROM editions")) as cur:
            return {IsoWeek.parse(week): feature for week, feature in cur}

    def picks(self) -> dict[IsoWeek, tuple[str, str, str]]:
        """Week -> (kind, feature id, reason), without decoding the stored items (cheap)."""
        sql = "SELECT week, feature_kind, feature_id, reason FROM editions"
        with closing(self._db.execute(sql)) as cur:
            return {
                IsoWeek.parse(week): (kind, feature, reason) for week, kind, feature, reason in cur
            }

    def hashes(self) -> dict[str, str]:
        with closing(self._db.execute("SELECT week, content_hash FROM editions")) as cur:
            return dict(cur.fetchall())

    def sent(self, week: IsoWeek, recipient: str) -> SentRecord | None:
        """The record of ``week`` sent to ``recipient`` (case-insensitive), if any."""
        sql = "SELECT * FROM sent WHERE week = ? AND recipient = ?"
        with closing(self._db.execute(sql, (str(week), recipient.casefold()))) as cur:
            row = cur.fetchone()
        return SentRecord(IsoWeek.parse(row[0]), *row[1:]) if row else None

    def record_sent(self, entry: SentRecord) -> None:
        """Insert, or replace (a deliberate resend replaces the earlier record)."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO sent VALUES (?, ?, ?, ?, ?)",
                             (str(entry.week), entry.recipient.casefold(), entry.message_id,
                              entry.sent_at, entry.reply))

    def _iter(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[LedgerEntry]:
        with closing(self._db.execute(sql, args)) as cur:
            for row in cur:
                yield _entry(row)


def _entry(row: tuple[Any, ...]) -> LedgerEntry:
    week, _ordinal, kind, feature, reason, send_at, content_hash, built_at, item = row
    return LedgerEntry(
        IsoWeek.parse(week),
        kind,
        feature,
        reason,
        send_at,
        content_hash,
        built_at,
        json.loads(item),
    )
