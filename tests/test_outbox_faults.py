"""Deterministic fault injection in the outbox: every file-system step fails in turn.

A kill test samples moments at random and misses sub-millisecond gaps (a manifest
written just after the rename, an old folder deleted just before it). Here each step
an edition write takes (open for writing, fsync, mkdir, rename, replace, unlink,
rmdir, rmtree) is made to fail, one at a time, in two ways:

- **error**: the step raises ``OSError``; the outbox's own clean-up runs. The edition
  must be the old one or the new one, whole, at once and after ``recover()``;
- **crash**: the outbox is copied as it is just before the step, and the run stops
  there (nothing after it runs, not even clean-up). ``recover()`` on the copy must
  leave the old or the new edition, whole.

A spy checks that every file and every folder is fsynced before the rename that
publishes it, since neither mode can see a write the disk has not yet made durable.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from generator.errors import CannotWrite
from generator.manifest import verify_folder
from generator.outbox import Outbox

WEEK = "2026-W48"
OLD = {"a.txt": b"old a\n", "social/x.txt": b"old x\n", "only-old.txt": b"gone in new\n"}
NEW = {"a.txt": b"new a\n", "social/x.txt": b"new x\n", "social/deep/y.txt": b"new y\n"}
USER_FILE = "my-notes.txt"


def manifest_for(files: Mapping[str, bytes], feature: str) -> bytes:
    body = {
        "edition": WEEK, "feature": {"kind": "film", "id": feature, "title": feature},
        "reason": "test", "send_at": "2026-11-23T09:00:00+09:00", "warnings": [],
        "files": [{"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for rel, data in sorted(files.items())],
    }
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


OLD_MANIFEST = manifest_for(OLD, "old")
NEW_MANIFEST = manifest_for(NEW, "new")


class Crash(BaseException):
    """Stands for SIGKILL: no ``except Exception`` clean-up is meant to survive it."""


class Steps:
    """Wraps the file-system calls the outbox makes; counts them, fails the n-th."""

    WRITE_MODES = ("w", "a", "x", "+")

    def __init__(self, root: Path, fail_at: int | None = None, mode: str = "error",
                 image: Path | None = None) -> None:
        self.root = root.resolve()
        self.fail_at = fail_at
        self.mode = mode
        self.image = image
        self.seen: list[tuple[str, str]] = []
        self.fsynced: list[str] = []
        self.active = True

    def _step(self, name: str, path: Any) -> None:
        if not self.active:
            return
        self.seen.append((name, str(path)))
        if self.fail_at is None or len(self.seen) - 1 != self.fail_at:
            return
        if self.mode == "error":
            raise OSError(errno.EIO, f"injected failure of {name}", str(path))
        self.active = False
        assert self.image is not None
        shutil.copytree(self.root, self.image, symlinks=True)
        raise Crash(name)

    @contextmanager
    def installed(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[Steps]:
        real = {name: getattr(os, name) for name in
                ("rename", "replace", "fsync", "unlink", "rmdir", "mkdir")}
        real_open, real_io_open, real_rmtree = builtins.open, io.open, shutil.rmtree

        def wrap(name: str) -> Callable[..., Any]:
            def call(*args: Any, **kwargs: Any) -> Any:
                target = args[0]
                if name == "fsync":
                    target = os.readlink(f"/proc/self/fd/{args[0]}")
                    if self.active:
                        self.fsynced.append(target)
                self._step(name, target)
                return real[name](*args, **kwargs)
            return call

        def opener(original: Callable[..., Any]) -> Callable[..., Any]:
            def call(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
                if isinstance(file, (str, os.PathLike)) and any(m in mode for m in
                                                                 self.WRITE_MODES):
                    self._step("open-w", file)
                return original(file, mode, *args, **kwargs)
            return call

        def rmtree(path: Any, *args: Any, **kwargs: Any) -> Any:
            self._step("rmtree", path)
            return real_rmtree(path, *args, **kwargs)

        with monkeypatch.context() as patch:
            for name in real:
                patch.setattr(os, name, wrap(name))
            patch.setattr(builtins, "open", opener(real_open))
            patch.setattr(io, "open", opener(real_io_open))
            patch.setattr(shutil, "rmtree", rmtree)
            yield self


def start(root: Path, scenario: str) -> Outbox:
    box = Outbox(root)
    if scenario != "new":
        box.write_edition(WEEK, OLD, OLD_MANIFEST)
    if scenario == "replace-keeping-a-user-file":
        (root / WEEK / USER_FILE).write_bytes(b"mine\n")
    box.prepare()
    return box


def assert_whole(root: Path, scenario: str) -> str:
    """The edition under ``root`` is the old or the new one, whole; which one."""
    folder = root / WEEK
    if scenario == "new" and not folder.exists():
        return "none"
    manifest = (folder / "manifest.json").read_bytes()
    assert manifest in (OLD_MANIFEST, NEW_MANIFEST), "a manifest that is neither old nor new"
    problems = [p for p in verify_folder(folder) if USER_FILE not in p]
    assert problems == []
    if scenario == "replace-keeping-a-user-file":
        assert (folder / USER_FILE).read_bytes() == b"mine\n"
    return "old" if manifest == OLD_MANIFEST else "new"


def assert_no_debris(box: Outbox) -> None:
    assert list(box.staging.iterdir()) == [] and list(box.trash.iterdir()) == []


SCENARIOS = ["new", "replace", "replace-keeping-a-user-file"]


def count_steps(tmp_path: Path, scenario: str, monkeypatch: pytest.MonkeyPatch) -> Steps:
    box = start(tmp_path / "count", scenario)
    with Steps(box.root).installed(monkeypatch) as steps:
        box.write_edition(WEEK, NEW, NEW_MANIFEST)
    return steps


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_step_failing_leaves_the_old_or_the_new_edition_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    steps = count_steps(tmp_path, scenario, monkeypatch).seen
    assert len(steps) > 10 and {"rename", "fsync", "open-w"} <= {s[0] for s in steps}
    outcomes: dict[str, set[str]] = {}
    for n, (name, _path) in enumerate(steps):
        box = start(tmp_path / f"error-{n}", scenario)
        try:
            with Steps(box.root, fail_at=n).installed(monkeypatch):
                box.write_edition(WEEK, NEW, NEW_MANIFEST)
        except CannotWrite as exc:
            assert exc.exit_code == 4 and "injected" not in str(exc).split(": ", 1)[0]
        now = assert_whole(box.root, scenario)
        box.recover()
        assert assert_whole(box.root, scenario) == now, f"recover() changed step {n} {name}"
        assert_no_debris(box)
        outcomes.setdefault(now, set()).add(name)
    assert "new" in outcomes  # a failure after the publishing rename keeps the new one


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_crash_before_each_step_recovers_to_the_old_or_the_new_edition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scenario: str) -> None:
    steps = count_steps(tmp_path, scenario, monkeypatch).seen
    seen: set[str] = set()
    for n, (name, path) in enumerate(steps):
        box = start(tmp_path / f"live-{n}", scenario)
        image = tmp_path / f"image-{n}"
        with pytest.raises(Crash), Steps(box.root, n, "crash", image).installed(monkeypatch):
            box.write_edition(WEEK, NEW, NEW_MANIFEST)
        crashed = Outbox(image)
        crashed.recover()
        try:
            seen.add(assert_whole(image, scenario))
        except (AssertionError, OSError) as exc:
            raise AssertionError(f"crash before step {n} ({name} {path}): {exc}") from exc
        assert_no_debris(crashed)
    assert "new" in seen and ("old" in seen or "none" in seen)


def test_every_file_and_folder_is_fsynced_before_it_is_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = start(tmp_path / "box", "replace-keeping-a-user-file")
    with Steps(box.root).installed(monkeypatch) as steps:
        box.write_edition(WEEK, NEW, NEW_MANIFEST)
    seen = steps.seen
    publish = next(i for i, (name, path) in enumerate(seen)
                   if name == "rename" and path.startswith(str(box.staging.resolve())))
    synced_before = {p for name, p in seen[:publish] if name == "fsync"}
    stage = Path(seen[publish][1])
    files = {*NEW, "manifest.json", USER_FILE}
    assert {str(stage / rel) for rel in files} <= synced_before
    folders = {stage, stage / "social", stage / "social" / "deep"}
    assert {str(f) for f in folders} <= synced_before
    # and the outbox folder itself after the rename, so the new name is durable
    after = {p for name, p in seen[publish:] if name == "fsync"}
    assert str(box.root.resolve()) in after


def test_each_step_of_an_outbox_level_file_failing_leaves_old_or_new_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Outbox(tmp_path / "count")
    box.write_file("archive/index.html", b"old page\n")
    with Steps(box.root).installed(monkeypatch) as counted:
        box.write_file("archive/index.html", b"new page\n")
    assert any(name == "fsync" for name, _ in counted.seen)
    assert str(box.root.resolve() / "archive") in counted.fsynced  # the folder, after replace
    for n in range(len(counted.seen)):
        for mode in ("error", "crash"):
            box = Outbox(tmp_path / f"{mode}-{n}")
            box.write_file("archive/index.html", b"old page\n")
            image = tmp_path / f"image-{mode}-{n}"
            with suppress(CannotWrite, Crash), Steps(box.root, n, mode, image).installed(
                    monkeypatch):
                box.write_file("archive/index.html", b"new page\n")
            where = image if mode == "crash" else box.root
            Outbox(where).recover()
            assert (where / "archive/index.html").read_bytes() in (b"old page\n", b"new page\n")
            assert_no_debris(Outbox(where))
