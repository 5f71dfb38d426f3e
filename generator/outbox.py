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

from generator.errors import CannotWrite, DamagedState, LockHeld

STATE_DIR = ".mindreel"
TMP_SUFFIX = ".mindreel-tmp"
MANIFEST = "manifest.json"
_held = threading.local()
"""Lock files this thread holds, with their nesting depth (see ``Outbox.lock``)."""


@dataclass(frozen=True)
class WriteResult:
    path: Path
    status: Literal["new", "unchanged", "replaced"]
    kept: tuple[str, ...] = ()
    """Files in the old folder that mindreel did not write, carried over (see item 9)."""


def _written(path: Path, data: bytes) -> int:
    """Write ``data`` to a new file and return its descriptor, still open, for the fsync:
    a write-back error is reported to the descriptors open when it happens."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        return os.dup(handle.fileno())


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


SYNC_THREADS = 8
"""fsyncs of one edition in flight at once. Each fsync on ext4 waits for a journal
commit; fsyncs waiting together share one commit, so an edition of about fifty files
syncs in a fifth of the time it takes one after the other."""


class _Syncs:
    """Open descriptors of written files and folders, fsynced together by ``sync``.

    Every descriptor is closed on the way out, synced or not; more than ``MAX_OPEN``
    at once are synced early, so a huge edition never runs out of descriptors.
    """

    MAX_OPEN = 256

    def __init__(self) -> None:
        self.fds: list[int] = []

    def add(self, fd: int) -> None:
        self.fds.append(fd)
        if len(self.fds) >= self.MAX_OPEN:
            self.sync()

    def sync(self) -> None:
        """fsync every descriptor, several at once; return when all are durable, raising
        the first failure only after every call has finished."""
        fds, self.fds = self.fds, []
        try:
            if len(fds) < 2:
                for fd in fds:
                    os.fsync(fd)
                return
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(min(SYNC_THREADS, len(fds)),
                                    thread_name_prefix="mindreel-fsync") as pool:
                for future in [pool.submit(os.fsync, fd) for fd in fds]:
                    future.result()
        finally:
            for fd in fds:
                os.close(fd)

    def __enter__(self) -> _Syncs:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds = []


class Outbox:
    """Paths and atomic operations on one outbox folder.

    Every ``OSError`` on the way out is a ``CannotWrite`` naming the path the user can act
    on (exit 4), raised only after what was in place has been left (or put back) whole.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = root / STATE_DIR
        self.staging = self.state / "staging"
        self.trash = self.state / "trash"
        self.ledger_path = self.state / "ledger.sqlite"
        self.lock_path = self.state / "lock"

    @contextlib.contextmanager
    def _cannot_write(self, path: Path) -> Iterator[None]:
        """Report an ``OSError`` as ``CannotWrite``: the failing path, unless it is internal
        (staging, trash), where ``path`` (what was being written) means more to a reader."""
        try:
            yield
        except OSError as exc:
            failed = Path(os.fsdecode(exc.filename)) if exc.filename else None
            internal = failed is not None and (self.staging in failed.parents
                                               or self.trash in failed.parents)
            raise CannotWrite.from_os_error(
                exc, path if failed is None or internal else failed) from exc

    def prepare(self) -> None:
        for folder in (self.root, self.state, self.staging, self.trash):
            if folder.is_dir():
                continue
            if folder.is_symlink():
                raise CannotWrite(folder, f"a symbolic link to {os.readlink(folder)}, "
                                          "which is not a folder (or does not exist)")
            if folder.exists():
                raise CannotWrite(folder, "not a folder")
            with self._cannot_write(folder):
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
        except Timeout:  # (a TimeoutError, so an OSError: caught first)
            owner = self._owner()
            raise LockHeld(
                f"another mindreel process{owner} is writing {self.root}; "
                f"gave up after {timeout:g} s (exit 3)"
            ) from None
        except OSError as exc:
            raise CannotWrite.from_os_error(exc, self.lock_path) from exc
        owner_file = self.state / "lock.owner"
        depths[key] = 1
        try:
            with self._cannot_write(owner_file):
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
        with self._cannot_write(self.state):
            return self._recover()

    def _recover(self) -> list[str]:
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
        """Put ``files`` plus ``manifest.json`` in place as one folder, atomically.

        Files in an existing folder that its manifest does not list are the user's: they
        are copied into the new folder (``WriteResult.kept``), never deleted. On any
        failure the old folder stays (or is put back) whole and staging is cleared.
        """
        target = self.edition_dir(edition_id)
        with self._cannot_write(target):
            listed = _listed(target)
            if (listed is not None and (target / MANIFEST).read_bytes() == manifest
                    and _matches(target, files)):
                return WriteResult(target, "unchanged")
            kept = _user_files(target, listed, files)
        self.prepare()
        stage = self.staging / f"{edition_id}.{os.getpid()}"
        with self._cannot_write(target):
            if stage.exists():
                shutil.rmtree(stage)
            try:
                self._stage(stage, target, files, kept, manifest, durable)
                status = self._swap(stage, target, edition_id, durable)
            except BaseException:
                shutil.rmtree(stage, ignore_errors=True)
                raise
        return WriteResult(target, status, tuple(kept))

    def _stage(self, stage: Path, source: Path, files: Mapping[str, bytes], kept: list[str],
               manifest: bytes, durable: bool) -> None:
        """Write the new folder under staging: every file, the user's, then the manifest;
        then fsync each of them and every folder in it, several at once (nothing is
        renamed into place until every one of them is durable)."""
        stage.mkdir()
        dirs = {stage}
        with _Syncs() as syncs:
            for rel, data in sorted(files.items()):
                path = stage / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                dirs.add(path.parent)
                if durable:
                    syncs.add(_written(path, data))
                else:
                    path.write_bytes(data)
            for rel in kept:
                path = stage / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                dirs.add(path.parent)
                shutil.copy2(source / rel, path, follow_symlinks=False)
                if durable and not path.is_symlink():
                    syncs.add(os.open(path, os.O_RDONLY))
            if durable:
                syncs.add(_written(stage / MANIFEST, manifest))
                for folder in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
                    syncs.add(os.open(folder, os.O_RDONLY | os.O_DIRECTORY))
                syncs.sync()
            else:
                (stage / MANIFEST).write_bytes(manifest)

    def _swap(self, stage: Path, target: Path, edition_id: str, durable: bool
              ) -> Literal["new", "replaced"]:
        """Rename the staged folder into place. An old folder is moved to trash first and
        put back if the second rename fails; ``recover`` does the same after a crash."""
        if not target.exists():
            os.rename(stage, target)
            if durable:
                _fsync_dir(self.root)
            return "new"
        old = self.trash / f"{edition_id}.{os.getpid()}"
        if old.exists():
            shutil.rmtree(old)
        os.rename(target, old)
        try:
            os.rename(stage, target)
        except BaseException:
            os.rename(old, target)
            raise
        if durable:
            _fsync_dir(self.root)
        # The new edition is in place and durable: the old one is debris from here on, and
        # ``recover`` sweeps whatever a failure here leaves in trash.
        shutil.rmtree(old, ignore_errors=True)
        return "replaced"

    def write_file(self, rel: str, data: bytes, durable: bool = True) -> bool:
        """Replace one outbox-level file atomically; False if it already held ``data``.

        The new bytes are written under staging (same filesystem) and renamed into place,
        so a crash mid-write leaves nothing half-written where readers and web servers
        look, only debris the next start sweeps away.
        """
        path = self.root / rel
        with self._cannot_write(path):
            if path.is_file() and path.read_bytes() == data:
                return False
            path.parent.mkdir(parents=True, exist_ok=True)
            self.staging.mkdir(parents=True, exist_ok=True)
            tmp = self.staging / (rel.replace("/", "__") + TMP_SUFFIX)
            try:
                if durable:
                    _write_durably(tmp, data)
                else:
                    tmp.write_bytes(data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
            if durable:
                _fsync_dir(path.parent)
        return True


def _listed(folder: Path) -> set[str] | None:
    """The paths ``folder``'s manifest lists; None if it has no readable manifest."""
    try:
        entries = json.loads((folder / MANIFEST).read_bytes())["files"]
        return {str(entry["path"]) for entry in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _present(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() or p.is_symlink()}


def _user_files(folder: Path, listed: set[str] | None, files: Mapping[str, bytes]) -> list[str]:
    """Files in ``folder`` that mindreel did not write: not in its manifest (or, with no
    readable manifest, not among the new files). One the new edition would overwrite
    stops the build, naming it."""
    if not folder.is_dir():
        return []
    ours = (listed if listed is not None else set(files)) | {MANIFEST}
    mine = sorted(_present(folder) - ours)
    clash = [rel for rel in mine if rel in files]
    if clash:
        raise DamagedState(
            f"{folder / clash[0]} was not written by mindreel, and the rebuilt edition has a "
            "file of that name; move it out of the edition folder and build again")
    return mine


def _matches(folder: Path, files: Mapping[str, bytes]) -> bool:
    """True if ``folder`` holds every one of ``files`` byte for byte (files it holds
    beyond them are the user's, kept across rebuilds)."""
    return all((folder / rel).is_file() and (folder / rel).read_bytes() == data
               for rel, data in files.items())
