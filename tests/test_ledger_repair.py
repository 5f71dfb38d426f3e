"""Damaged state is repaired, or named: the ledger and the edition manifests.

The edition folders are the truth and the ledger is rebuilt from them: a damaged ledger
is set aside and rebuilt, and the outbox comes out identical to a clean run's. A damaged
manifest is named and its edition rebuilt from the ledger's row, or the build stops
(exit 2) saying what to do. ``plan`` reconciles the same way without writing, so it
agrees with ``build``, and reads a ledger that a killed process left a journal beside.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import DamagedState
from generator.ledger import Ledger
from tests.conftest import copy_site, mindreel

FIRST, LAST = "2026-W45", "2026-W50"
STAMP = "20261125T010000Z"  # the pinned clock (2026-11-25T10:00+09:00) in UTC
SET_ASIDE = f"ledger.sqlite.damaged-{STAMP}"


def tree(folder: Path, state: bool = False) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (state or ".mindreel" not in p.parts)
    }


def rows(ledger: Path) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        return list(db.execute("SELECT * FROM editions ORDER BY week"))


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site after a clean backfill of six weeks (and a build of 2026-W49)."""
    site = copy_site(tmp_path_factory.mktemp("clean") / "site").parent
    for args in (("--from", FIRST, "--to", LAST), ("--week", "2026-W49")):
        result = mindreel("build", *args, cwd=site)
        assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def site(clean: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(clean, copy)
    return copy


def _random_bytes(ledger: Path) -> None:
    ledger.write_bytes(random.Random(14).randbytes(ledger.stat().st_size))


def _dropped_table(ledger: Path) -> None:
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("DROP TABLE editions")


def _other_columns(ledger: Path) -> None:
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("ALTER TABLE editions DROP COLUMN built_at")


def _truncated(ledger: Path) -> None:
    data = ledger.read_bytes()
    ledger.write_bytes(data[: len(data) // 3])


def _not_mindreels(ledger: Path) -> None:
    ledger.unlink()
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("CREATE TABLE notes (text)")


DAMAGE = {
    "random bytes": (_random_bytes, "file is not a database"),
    "dropped table": (_dropped_table, "the editions table is missing"),
    "other columns": (_other_columns, "the editions table has other columns"),
    "truncated": (_truncated, None),
    "another database": (_not_mindreels, "not a mindreel ledger"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_ledger_is_set_aside_and_rebuilt(clean: Path, site: Path, damage: str) -> None:
    ledger = site / "outbox" / ".mindreel" / "ledger.sqlite"
    spoil, reason = DAMAGE[damage]
    spoil(ledger)
    damaged = ledger.read_bytes()
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    assert result.returncode == 0, result.stderr
    notice, = [line for line in result.stderr.splitlines() if "set it aside" in line]
    assert notice.startswith("WARNING outbox/.mindreel/ledger.sqlite was damaged (")
    assert notice.endswith(f"); set it aside as {SET_ASIDE} and rebuilt the ledger "
                           "from the edition folders")
    if reason:
        assert f"damaged ({reason})" in notice
    assert (ledger.parent / SET_ASIDE).read_bytes() == damaged  # kept, never deleted
    assert tree(site / "outbox") == tree(clean / "outbox")
    assert rows(ledger) == rows(clean / "outbox" / ".mindreel" / "ledger.sqlite")


def test_run_once_repairs_a_damaged_ledger_and_goes_on(clean: Path, site: Path) -> None:
    _random_bytes(site / "outbox" / ".mindreel" / "ledger.sqlite")
    result = mindreel("run", "--once", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "set it aside as" in result.stderr and "Traceback" not in result.stderr
    assert tree(site / "outbox") == tree(clean / "outbox")


def test_plan_reads_past_a_damaged_ledger_without_writing(clean: Path, site: Path) -> None:
    _random_bytes(site / "outbox" / ".mindreel" / "ledger.sqlite")
    before = tree(site / "outbox", state=True)
    result = mindreel("plan", "--weeks", "8", "--from", FIRST, cwd=site, env={"COLUMNS": "240"})
    assert result.returncode == 0, result.stderr
    assert "file is not a database" in result.stderr and "planned from the edition folders" in \
        result.stderr
    assert result.stdout == mindreel("plan", "--weeks", "8", "--from", FIRST, cwd=clean,
                                     env={"COLUMNS": "240"}).stdout
    assert tree(site / "outbox", state=True) == before


def test_a_ledger_from_a_newer_mindreel_stops_with_exit_2(site: Path) -> None:
    ledger = site / "outbox" / ".mindreel" / "ledger.sqlite"
    with contextlib.closing(sqlite3.connect(ledger)) as db:
        db.execute("PRAGMA user_version = 9")
    before = tree(site / "outbox", state=True)
    for command in (("build", "--week", "2026-W49"), ("plan",)):
        result = mindreel(*command, cwd=site)
        assert result.returncode == 2, result.stderr
        assert result.stderr == (
            "outbox/.mindreel/ledger.sqlite was written by a newer mindreel (ledger schema 9; "
            "this one reads 2); upgrade mindreel, or move the file away to have it rebuilt "
            "from the edition folders\n")
    assert tree(site / "outbox", state=True) == before


def _plan(site: Path) -> str:
    result = mindreel("plan", "--weeks", "8", "--from", FIRST, cwd=site, env={"COLUMNS": "240"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_plan_agrees_with_build_after_the_ledger_is_deleted(clean: Path, site: Path,
                                                           tmp_path: Path) -> None:
    # A schedule changed since the build: a fresh pick would differ from the built weeks.
    with_ledger = tmp_path / "with-ledger"
    shutil.copytree(site, with_ledger)
    for folder in (site, with_ledger):
        schedule = folder / "schedule.yaml"
        schedule.write_text(schedule.read_text().replace(
            "pattern: [film, film, theme]", "pattern: [theme, film, film]"))
    (site / "outbox" / ".mindreel" / "ledger.sqlite").unlink()
    planned = _plan(site)
    assert planned == _plan(with_ledger)
    for line in planned.splitlines()[1:7]:  # the six built weeks: what their folders hold
        week = line.split()[0]
        manifest = json.loads((site / "outbox" / week / "manifest.json").read_text())
        assert f"  {manifest['feature']['title']} (" in line, line
    assert not (site / "outbox" / ".mindreel" / "ledger.sqlite").exists()  # plan wrote nothing


def _leave_a_hot_journal(ledger: Path) -> None:
    """A writer killed mid-transaction, after SQLite spilled changed pages to the file."""
    code = f"""
import os, sqlite3
db = sqlite3.connect({str(ledger)!r}, isolation_level=None)
db.execute("PRAGMA cache_size = 2")
db.execute("BEGIN")
db.execute("UPDATE editions SET feature_id = 'half-written', item = ?", ("x" * 100000,))
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", code], check=True)
    assert Path(f"{ledger}-journal").stat().st_size > 0


def test_read_only_commands_work_beside_a_journal_left_by_a_killed_writer(
        clean: Path, site: Path) -> None:
    ledger = site / "outbox" / ".mindreel" / "ledger.sqlite"
    _leave_a_hot_journal(ledger)
    read_only = sqlite3.connect(f"{ledger.as_uri()}?mode=ro", uri=True)
    with contextlib.closing(read_only) as db, pytest.raises(sqlite3.OperationalError):
        db.execute("SELECT count(*) FROM editions").fetchall()  # what plan used to trip over
    before = tree(site / "outbox", state=True)
    assert _plan(site) == _plan(clean)
    lint = mindreel("lint", "--weeks", "2", "--from", "2026-W49", cwd=site)
    assert lint.returncode == 0, lint.stderr
    assert tree(site / "outbox", state=True) == before  # the journal is left for a writer
    build = mindreel("build", "--week", "2026-W49", cwd=site)  # which rolls it back
    assert build.returncode == 0, build.stderr
    assert rows(ledger) == rows(clean / "outbox" / ".mindreel" / "ledger.sqlite")


MANIFEST_DAMAGE = {
    "truncated": (lambda data: data[:100], "not JSON (Unterminated string"),
    "empty object": (lambda data: b"{}\n", "no feature kind (film or theme)"),
    "a list": (lambda data: b"[]\n", "a JSON list where an object belongs"),
    "empty": (lambda data: b"", "empty"),
}


@pytest.mark.parametrize("damage", list(MANIFEST_DAMAGE))
def test_a_damaged_manifest_is_named_and_its_edition_rebuilt_from_the_ledger(
        clean: Path, site: Path, damage: str) -> None:
    spoil, reason = MANIFEST_DAMAGE[damage]
    manifest = site / "outbox" / "2026-W47" / "manifest.json"
    manifest.write_bytes(spoil(manifest.read_bytes()))
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (f"WARNING outbox/2026-W47/manifest.json is damaged ({reason}"
            in result.stderr), result.stderr
    assert "rebuilding 2026-W47 from the ledger's record" in result.stderr
    assert "2026-W47: rebuilt (its folder was damaged) film" in result.stdout
    assert tree(site / "outbox") == tree(clean / "outbox")
    assert rows(site / "outbox" / ".mindreel" / "ledger.sqlite") == rows(
        clean / "outbox" / ".mindreel" / "ledger.sqlite")


def test_a_missing_manifest_of_a_recorded_edition_is_rebuilt(clean: Path, site: Path) -> None:
    (site / "outbox" / "2026-W46" / "manifest.json").unlink()
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "outbox/2026-W46/manifest.json is damaged (missing)" in result.stderr
    assert tree(site / "outbox") == tree(clean / "outbox")


@pytest.mark.parametrize("damage", ["truncated", "empty object", "a list"])
def test_a_damaged_manifest_with_no_ledger_row_stops_the_build_and_says_what_to_do(
        clean: Path, site: Path, damage: str) -> None:
    spoil, reason = MANIFEST_DAMAGE[damage]
    manifest = site / "outbox" / "2026-W47" / "manifest.json"
    manifest.write_bytes(spoil(manifest.read_bytes()))
    _random_bytes(site / "outbox" / ".mindreel" / "ledger.sqlite")  # nothing to rebuild from
    before = tree(site / "outbox")
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    assert result.returncode == 2, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"outbox/2026-W47/manifest.json is damaged ({reason}")
    assert last.endswith("and the ledger has no record of 2026-W47 to rebuild it from; "
                         "rebuild it with `mindreel build --week 2026-W47` (files you added "
                         "to the folder are kept), or move the folder out of the outbox")
    assert tree(site / "outbox") == before  # no feed lost the edition
    fixed = mindreel("build", "--week", "2026-W47", cwd=site)  # as the message says
    assert fixed.returncode == 0, fixed.stderr
    assert mindreel("build", "--week", "2026-W49", cwd=site).returncode == 0
    assert tree(site / "outbox") == tree(clean / "outbox")


def test_a_ledger_row_whose_item_is_not_json_is_named_and_restored(clean: Path,
                                                                  site: Path) -> None:
    ledger = site / "outbox" / ".mindreel" / "ledger.sqlite"
    with contextlib.closing(sqlite3.connect(ledger)) as db, db:
        db.execute("UPDATE editions SET item = 'not json' WHERE week = '2026-W47'")
    with Ledger(ledger, read_only=True) as read, pytest.raises(DamagedState) as caught:
        read.entries()
    assert str(caught.value).startswith(f"{ledger}: week 2026-W47: its feed item is not JSON")
    assert caught.value.exit_code == 2
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    assert result.returncode == 0, result.stderr
    assert ("WARNING outbox/.mindreel/ledger.sqlite: week 2026-W47: its feed item was not a "
            "JSON object; restored it from 2026-W47/item.json") in result.stderr
    assert tree(site / "outbox") == tree(clean / "outbox")
    assert rows(ledger) == rows(clean / "outbox" / ".mindreel" / "ledger.sqlite")
