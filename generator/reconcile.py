"""Make the ledger agree with the edition folders, which are the truth.

A crash between renaming a folder into place and recording it leaves the ledger a week
behind; a folder removed by hand leaves a stale row; a damaged ledger is rebuilt from
nothing. ``survey`` works out what to change without writing (``plan`` uses it
read-only, so it agrees with ``build``); ``reconcile`` applies it.

An edition whose ``manifest.json`` (or ``item.json``) is damaged is never taken for a
missing one: it is named, its ledger row is kept, and ``build`` rebuilds it from that
row. With no row to rebuild it from, a build stops (exit 2) unless it was asked for
that very week.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from generator.errors import DamagedState
from generator.ledger import Ledger, LedgerEntry
from generator.locales import ITEM_FILE, ledger_item
from generator.manifest import MANIFEST, read_manifest
from generator.outbox import Outbox
from generator.weeks import IsoWeek

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class DamagedEdition:
    """An edition folder whose manifest (or feed item) cannot be read."""

    week: IsoWeek
    file: Path
    reason: str
    recorded: bool
    """The ledger has a row for this week, so the edition can be rebuilt from it."""


@dataclass
class Survey:
    """What the ledger must change to agree with the folders."""

    record: list[LedgerEntry] = field(default_factory=list)
    remove: list[IsoWeek] = field(default_factory=list)
    damaged: list[DamagedEdition] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    """Notes on ledger damage put right (worth a warning, unlike a routine catch-up)."""


def survey(outbox: Outbox, hashes: dict[str, str], bad_items: Collection[str],
           now: datetime) -> Survey:
    """Compare the folders with the ledger's rows (``hashes``: week -> manifest sha256)."""
    result = Survey()
    present: set[str] = set()
    for folder in _week_folders(outbox):
        name = folder.name
        week = IsoWeek.parse(name)
        if not (folder / MANIFEST).exists():
            if name in hashes:  # ours (the ledger says so), but its manifest is gone
                present.add(name)
                result.damaged.append(DamagedEdition(week, folder / MANIFEST, "missing", True))
            continue
        present.add(name)
        try:
            data = (folder / MANIFEST).read_bytes()
            manifest = read_manifest(folder)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            result.damaged.append(DamagedEdition(week, folder / MANIFEST, reason, name in hashes))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if hashes.get(name) == digest and name not in bad_items:
            continue
        try:
            item = _item(folder, manifest)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            result.damaged.append(DamagedEdition(week, folder / ITEM_FILE, reason, name in hashes))
            continue
        feature = manifest["feature"]
        result.record.append(LedgerEntry(
            week=week, feature_kind=feature["kind"], feature_id=feature["id"],
            reason=manifest["reason"], send_at=manifest["send_at"], content_hash=digest,
            built_at=now.isoformat(), item=item))
        if name in bad_items and hashes.get(name) == digest:
            note = (f"{outbox.ledger_path}: week {name}: its feed item was not a JSON object; "
                    f"restored it from {name}/{ITEM_FILE}")
            result.notes.append(note)
            result.repaired.append(note)
        else:
            result.notes.append(f"ledger updated from {name}/{MANIFEST}")
    for name in sorted(set(hashes) - present):
        result.remove.append(IsoWeek.parse(name))
        result.notes.append(f"ledger row {name} removed: its folder is gone")
    return result


def reconcile(outbox: Outbox, ledger: Ledger, now: datetime,
              requested: Collection[IsoWeek] = ()) -> list[str]:
    """Apply ``survey`` to the ledger; return what changed, one note per week."""
    return apply_survey(outbox, ledger, now, requested).notes


def apply_survey(outbox: Outbox, ledger: Ledger, now: datetime,
                 requested: Collection[IsoWeek] = ()) -> Survey:
    """Survey the folders and bring the ledger in line; return the survey.

    Raises ``DamagedState`` for a damaged edition the ledger cannot rebuild, unless its
    week is in ``requested`` (a build asked for it, so it is rebuilt from a fresh pick).
    """
    found = survey(outbox, ledger.hashes(), ledger.bad_items(), now)
    orphans = [d for d in found.damaged if not d.recorded and d.week not in requested]
    if orphans:
        first = orphans[0]
        raise DamagedState(
            f"{first.file} is damaged ({first.reason}) and the ledger has no record of "
            f"{first.week} to rebuild it from; rebuild it with `mindreel build --week "
            f"{first.week}` (files you added to the folder are kept), or move the folder "
            "out of the outbox" + (f" ({len(orphans) - 1} more like it)" if orphans[1:] else ""))
    for entry in found.record:
        ledger.record(entry)
    for week in found.remove:
        ledger.delete(week)
    for note in found.notes:
        log.log(logging.WARNING if note in found.repaired else logging.INFO, "%s", note)
    for damaged in found.damaged:
        if damaged.recorded:
            log.warning("%s is damaged (%s); rebuilding %s from the ledger's record",
                        damaged.file, damaged.reason, damaged.week)
    return found


def _week_folders(outbox: Outbox) -> list[Path]:
    folders = []
    for path in sorted(outbox.root.iterdir()):
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            IsoWeek.parse(path.name)
        except ValueError:
            continue
        folders.append(path)
    return folders


def _item(folder: Path, manifest: dict[str, object]) -> dict[str, object]:
    """The edition's feed item (``{}`` if the edition has none, as with feeds off), with
    the items of its other languages (``ko/item.json``) under ``translations``."""
    listed = {str(e["path"]) for e in manifest["files"]}  # type: ignore[attr-defined]
    home = str(manifest.get("locale") or "en")
    others = sorted(rel.split("/")[0] for rel in listed
                    if rel.count("/") == 1 and rel.endswith("/" + ITEM_FILE))
    return ledger_item(lambda rel: (folder / rel).read_bytes() if rel in listed else None,
                       [home, *others])
