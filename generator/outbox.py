"""The outbox on disk: edition folders that appear whole or not at all, one writer.

Layout::

    outbox/
      2026-W48/            one folder per edition (manifest.json lists every file)
      feed.xml ...         outbox-level files, rewritten whole at each build
      .mindreel/
        ledger.sqlite      what was built (see ledger.py)
        lock               held by the one process writing this outbox
        service.lock       held by `mindreel run` for its whole life (one service)
        staging/           editions and outbox-level files being written (same
                           filesystem, so the rename into place is atomic)
        trash/             the previous version of a folder while it is being replaced

An edition is staged, fsynced, then renamed into place. Replacing an existing edition
moves the old folder to trash first; ``recover()`` at start puts it back if a crash
left no folder in its place, and removes all staging debris.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout

from generator.errors import LockHeld

STATE_DIR = ".mindreel"
TMP_SUFFIX = ".mindreel-tmp"
_held = threading.local()
"""Lock files this thread holds, with their nesting depth (see ``Outbox.lock``)."""


@dataclass(frozen=True)
class WriteResult:
    path: Path
    status: Literal["new", "unchanged", "replaced"]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class Outbox:
    """Paths and atomic operations on one outbox folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / STATE_DIR
        self.staging = self.state / "staging"
        self.trash = self.state / "trash"
        self.ledger_path = self.state / "ledger.sqlite"
        self.lock_path = self.state / "lock"

    def prepare(self) -> None:
        for folder in (self.root, self.state, self.staging, self.trash):
            folder.mkdir(parents=True, exist_ok=True)

    @contextlib.contextmanager
    def lock(self, timeout: float, purpose: str = "build") -> Iterator[None]:
        """Hold the one-writer lock; ``LockHeld`` after ``timeout`` seconds of waiting.

        Reentrant in the thread that holds it: ``mindreel run`` keeps the lock for its
        whole life and the builds it runs take it again. (A second ``FileLock`` on the
        same file would wait on itself: flock locks belong to the open file, not the
        process.)
        """
        self.prepare()
        depths: dict[str, int] = _held.__dict__.setdefault("depths", {})
        key = os.path.realpath(self.lock_path)
        if key in depths:
            depths[key] += 1
            try:
                yield
            finally:
                depths[key] -= 1
            return
        lock = FileLock(str(self.lock_path), timeout=timeout)
        try:
            lock.acquire()
        except Timeout:
            owner = self._owner()
            raise LockHeld(
                f"another mindreel process{owner} is writing {self.root}; "
                f"gave up after {timeout:g} s (exit 3)"
            ) from None
        owner_file = self.state / "lock.owner"
        depths[key] = 1
        try:
            owner_file.write_text(json.dumps({"pid": os.getpid(), "purpose": purpose}))
            yield
        finally:
            del depths[key]
            with contextlib.suppress(OSError):
                owner_file.unlink()
            lock.release()

    def _owner(self) -> str:
        try:
            info = json.loads((self.state / "lock.owner").read_text())
            return f" (pid {int(info['pid'])}, {info['purpose']})"
        except (OSError, ValueError, KeyError, TypeError):
            return ""

    def recover(self) -> list[str]:
        """Undo what a crash left: staging debris, half-replaced folders, temp files."""
        self.prepare()
        notes = []
        for entry in sorted(self.staging.iterdir()):
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
            notes.append(f"removed unfinished staging {entry.name}")
        for entry in sorted(self.trash.iterdir()):
            edition = entry.name.split(".", 1)[0]
            target = self.root / edition
            if entry.is_dir() and not target.exists():
                os.rename(entry, target)
                notes.append(f"restored {edition} after an interrupted replace")
            else:
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
        for tmp in self.root.rglob(f"*{TMP_SUFFIX}"):
            if STATE_DIR not in tmp.relative_to(self.root).parts:
                tmp.unlink(missing_ok=True)
                notes.append(f"removed temporary file {tmp.relative_to(self.root)}")
        return notes

    def edition_dir(self, edition_id: str) -> Path:
        return self.root / edition_id

    def edition_ids(self) -> list[str]:
        """Edition folders present, oldest first (names sort chronologically)."""
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and (p / "manifest.json").is_file() and not p.name.startswith(".")
        )

    def write_edition(
        self, edition_id: str, files: Mapping[str, bytes], manifest: bytes, durable: bool = True
    ) -> WriteResult:
        """Put ``files`` plus ``manifest.json`` in place as one folder, atomically."""
        target = self.edition_dir(edition_id)
        existing = target / "manifest.json"
        if existing.is_file() and existing.read_bytes() == manifest and _matches(target, files):
            return WriteResult(target, "unchanged")
        self.prepare()
        stage = self.staging / f"{edition_id}.{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir()
        dirs = {stage}
        for rel, data in sorted(files.items()):
            path = stage / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            dirs.add(path.parent)
            if durable:
                _write_durably(path, data)
            else:
                path.write_bytes(data)
        if durable:
            _write_durably(stage / "manifest.json", manifest)
            for folder in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
                _fsync_dir(folder)
        else:
            (stage / "manifest.json").write_bytes(manifest)
        status: Literal["new", "replaced"] = "new"
        if target.exists():
            old = self.trash / f"{edition_id}.{os.getpid()}"
            os.rename(target, old)
            os.rename(stage, target)
            status = "replaced"
            if durable:
                _fsync_dir(self.root)
            shutil.rmtree(old)
        else:
            os.rename(stage, target)
        if durable:
            _fsync_dir(self.root)
        return WriteResult(target, status)

    def write_file(self, rel: str, data: bytes, durable: bool = True) -> bool:
        """Replace one outbox-level file atomically; False if it already held ``data``.

        The new bytes are written under staging (same filesystem) and renamed into place,
        so a crash mid-write leaves nothing half-written where readers and web servers
        look, only debris the next start sweeps away.
        """
        path = self.root / rel
        if path.is_file() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        self.staging.mkdir(parents=True, exist_ok=True)
        tmp = self.staging / (rel.replace("/", "__") + TMP_SUFFIX)
        if durable:
            _write_durably(tmp, data)
        else:
            tmp.write_bytes(data)
        os.replace(tmp, path)
        if durable:
            _fsync_dir(path.parent)
        return True


def _matches(folder: Path, files: Mapping[str, bytes]) -> bool:
    """True if ``folder`` holds exactly ``files`` (plus its manifest) byte for byte."""
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    if present != {*files, "manifest.json"}:
        return False
    return all((folder / rel).read_bytes() == data for rel, data in files.items())
