"""The ledger: which feature went out which week, and the feed item it produced.

A SQLite file under the outbox (stdlib sqlite3). The picker reads it as history, the
feeds are rebuilt whole from it, and the scheduler compares it with the calendar to
find missed weeks. One row per ISO week; rebuilding a week replaces its row. The
``sent`` table records each (week, recipient) that ``mindreel send`` handed to SMTP.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator import clock
from generator.errors import CannotWrite, DamagedState
from generator.weeks import IsoWeek

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
"""1: editions; 2: adds ``sent`` (an older ledger gains it when opened for writing)."""
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
    """A thin, typed wrapper over the SQLite file; every write is one transaction.

    Opening checks the file. A damaged one (not a database, a table missing, failing
    SQLite's own check) is set aside as ``ledger.sqlite.damaged-<time>`` and a new, empty
    one takes its place; ``reconcile`` then rebuilds every row from the edition folders.
    ``notes`` says what was done. A ledger from a newer mindreel is never set aside
    (it may hold what this version cannot rebuild): that is ``DamagedState``, exit 2.
    """

    def __init__(self, path: Path, read_only: bool = False, now: datetime | None = None) -> None:
        """Open (and create, check or repair) the ledger; ``read_only`` opens an existing file
        without writing a byte (for ``plan`` and ``lint``, which must not touch the outbox):
        a damaged file is then ``LedgerDamaged`` and left as it is."""
        self.path = path
        self.notes: list[str] = []
        self.created = False
        self._copy: tempfile.TemporaryDirectory[str] | None = None
        if read_only:
            self._db = self._open_read_only()
        else:
            self._db = self._open_for_writing(now)

    def _open_read_only(self) -> sqlite3.Connection:
        source = self.path
        if any(self.path.with_name(self.path.name + s).exists() for s in _SIDE_FILES):
            # A journal left by a killed writer: a read-only connection may not roll it
            # back, so read a private copy that SQLite rolls back, and leave the outbox be.
            self._copy = tempfile.TemporaryDirectory(prefix="mindreel-ledger-")
            source = Path(self._copy.name) / self.path.name
            for suffix in ("", *_SIDE_FILES):
                side = self.path.with_name(self.path.name + suffix)
                with contextlib.suppress(FileNotFoundError):
                    shutil.copyfile(side, source.with_name(source.name + suffix))
            db = sqlite3.connect(source, isolation_level=None)
        else:
            db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True,
                                 isolation_level=None)
        try:
            if _check(db, self.path) == "empty":  # a file created but never written
                db.close()
                db = sqlite3.connect(":memory:", isolation_level=None)
                db.executescript(_SCHEMA)
        except _Damaged as exc:
            db.close()
            raise LedgerDamaged(self.path, str(exc)) from None
        except sqlite3.DatabaseError as exc:
            db.close()
            if _is_damage(exc):
                raise LedgerDamaged(self.path, str(exc)) from None
            raise DamagedState(f"{self.path}: cannot read it: {exc}") from None
        return db

    def _open_for_writing(self, now: datetime | None) -> sqlite3.Connection:
        with _environment(self.path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.created = not self.path.exists()
            if not self.created:
                open(self.path, "r+b").close()  # a read-only file fails here, before any write
        try:
            db = self._connect()
            try:
                state = _check(db, self.path)
            except BaseException:
                db.close()
                raise
        except (_Damaged, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and not _is_damage(exc):
                raise _cannot_write(self.path, exc) from None
            aside = self._set_aside(now)
            note = (f"{self.path} was damaged ({exc}); set it aside as {aside.name} and "
                    "rebuilt the ledger from the edition folders")
            self.notes.append(note)
            log.warning("%s", note)
            with _environment(self.path):
                db, state = self._connect(), "empty"
        if state in ("empty", "old"):  # a new file, or one that lacks the newer tables
            with _environment(self.path):
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self, now: datetime | None) -> Path:
        """Move the damaged file (and any journal of it) out of the way, never deleting it."""
        stamp = (now or clock.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
        with _environment(self.path):
            for suffix in _SIDE_FILES:
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    os.rename(side, aside.with_name(aside.name + suffix))
            os.rename(self.path, aside)
        return aside

    def discard_if_unused(self) -> None:
        """Remove the file if this run created it and recorded nothing (a failed first
        build leaves no ledger behind)."""
        if self.created and not self.hashes():
            self.close()
            for suffix in ("", *_SIDE_FILES):
                with contextlib.suppress(OSError):
                    self.path.with_name(self.path.name + suffix).unlink()

    def close(self) -> None:
        self._db.close()
        if self._copy is not None:
            self._copy.cleanup()
            self._copy = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, entry: LedgerEntry) -> None:
        """Insert or replace the row for ``entry.week``."""
        with _environment(self.path), self._db:
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
        with _environment(self.path), self._db:
            self._db.execute("DELETE FROM editions WHERE week = ?", (str(week),))

    def get(self, week: IsoWeek) -> LedgerEntry | None:
        with closing(
            self._db.execute("SELECT * FROM editions WHERE week = ?", (str(week),))
        ) as cur:
            row = cur.fetchone()
        return _entry(row, self.path) if row else None

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

    def bad_items(self) -> set[str]:
        """Weeks whose stored feed item is not a JSON object (repaired by ``reconcile``)."""
        sql = ("SELECT week FROM editions WHERE NOT json_valid(item) "
               "OR json_type(item) IS NOT 'object'")
        try:
            with closing(self._db.execute(sql)) as cur:
                return {week for (week,) in cur}
        except sqlite3.OperationalError:  # an SQLite built without JSON functions
            with closing(self._db.execute("SELECT week, item FROM editions")) as cur:
                return {week for week, item in cur if not _is_object(item)}

    def sent(self, week: IsoWeek, recipient: str) -> SentRecord | None:
        """The record of ``week`` sent to ``recipient`` (case-insensitive), if any."""
        sql = "SELECT * FROM sent WHERE week = ? AND recipient = ?"
        with closing(self._db.execute(sql, (str(week), recipient.casefold()))) as cur:
            row = cur.fetchone()
        return SentRecord(IsoWeek.parse(row[0]), *row[1:]) if row else None

    def weeks_sent_to(self, recipient: str) -> set[IsoWeek]:
        """Every week recorded as sent to ``recipient``; none from a ledger older than the
        ``sent`` table (read-only commands leave such a file as it is)."""
        sql = "SELECT week FROM sent WHERE recipient = ?"
        try:
            with closing(self._db.execute(sql, (recipient.casefold(),))) as cur:
                return {IsoWeek.parse(week) for (week,) in cur}
        except sqlite3.OperationalError:  # schema 1: no sent table yet
            return set()

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
                yield _entry(row, self.path)


class LedgerDamaged(DamagedState):
    """A read-only open found the ledger damaged; it is left as it is."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{path} is damaged ({reason}); `mindreel build` sets it aside and "
                         "rebuilds it from the edition folders")


class _Damaged(Exception):
    """The file is an SQLite database, but not a whole mindreel ledger."""


_SIDE_FILES = ("-journal", "-wal", "-shm")
_COLUMNS = ["week", "week_ordinal", "feature_kind", "feature_id", "reason", "send_at",
            "content_hash", "built_at", "item"]


def _check(db: sqlite3.Connection, path: Path) -> str:
    """"empty" for a new file, "ok" for a whole ledger, "old" for a whole one of an older
    schema; ``_Damaged``, ``DatabaseError`` or
    ``DamagedState`` (newer schema) otherwise."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DamagedState(
            f"{path} was written by a newer mindreel (ledger schema {version}; this one "
            f"reads {SCHEMA_VERSION}); upgrade mindreel, or move the file away to have it "
            "rebuilt from the edition folders")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    if version == 0 and not tables:
        return "empty"
    if version < 1:
        raise _Damaged("not a mindreel ledger")
    columns = [row[1] for row in db.execute("PRAGMA table_info(editions)")]
    if columns != _COLUMNS:
        raise _Damaged("the editions table is missing" if not columns
                       else "the editions table has other columns")
    verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise _Damaged(f"SQLite's check: {verdict}")
    return "ok" if version == SCHEMA_VERSION else "old"


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Damage to the file (set it aside), as opposed to trouble writing it (exit 4)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or (
        not isinstance(exc, sqlite3.OperationalError) and not name)


def _cannot_write(path: Path, exc: sqlite3.Error) -> CannotWrite:
    name = getattr(exc, "sqlite_errorname", "")
    reasons = {"SQLITE_FULL": "no space left on the device",
               "SQLITE_READONLY": "read-only (file or folder)",
               "SQLITE_CANTOPEN": "cannot open or create it"}
    reason = next((r for key, r in reasons.items() if name.startswith(key)), str(exc))
    return CannotWrite(path, reason)


@contextlib.contextmanager
def _environment(path: Path) -> Iterator[None]:
    """OS and SQLite errors from writing the ledger, as ``CannotWrite`` (exit 4)."""
    try:
        yield
    except OSError as exc:
        raise CannotWrite.from_os_error(exc, path) from exc
    except sqlite3.DatabaseError as exc:
        if _is_damage(exc):
            raise DamagedState(f"{path} is damaged ({exc}); run the command again to set it "
                               "aside and rebuild it from the edition folders") from exc
        raise _cannot_write(path, exc) from exc


def _is_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _entry(row: tuple[Any, ...], path: Path) -> LedgerEntry:
    week, _ordinal, kind, feature, reason, send_at, content_hash, built_at, item = row
    try:
        decoded = json.loads(item)
    except ValueError as exc:
        raise DamagedState(f"{path}: week {week}: its feed item is not JSON ({exc}); "
                           f"`mindreel build` restores it from {week}/item.json") from None
    return LedgerEntry(
        IsoWeek.parse(week),
        kind,
        feature,
        reason,
        send_at,
        content_hash,
        built_at,
        decoded,
    )
