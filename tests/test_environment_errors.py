"""The environment refuses a write: exit 4, one line ``cannot write: PATH: reason``.

A read-only outbox or ledger, a full disk, a state folder that is a file, a dangling
outbox symlink, a path through something that is not a folder. No traceback, and
the outbox is left byte for byte as it was (or, for a disk that fills mid-backfill,
every edition in it whole and the ledger agreeing with the folders).

Read-only and full file systems are real where the test may mount (a read-only bind
mount, a small tmpfs); elsewhere a read-only outbox is made with ``chmod`` (which root
ignores, hence the mount) and a full disk is injected as ENOSPC.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import outbox as outbox_module
from generator.build import build_weeks
from generator.errors import CannotWrite
from generator.manifest import verify_folder
from generator.project import load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, copy_site, mindreel


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (state included) by content, and every folder."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                     if p.is_file() else "folder")
        for p in sorted(folder.rglob("*"))
    }


@functools.cache
def can_mount() -> bool:
    """True if this process may mount file systems (root with CAP_SYS_ADMIN)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    with tempfile.TemporaryDirectory() as where:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", where],
                          capture_output=True).returncode:
            return False
        subprocess.run(["umount", where], check=True)
    return True


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` (a file or a whole tree) read-only for a mindreel subprocess."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")] if not p.is_symlink()}
        for p, mode in modes.items():
            p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if not can_mount():
        pytest.skip("root without permission to mount: cannot make a read-only file system")
    subprocess.run(["mount", "--bind", path, path], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", path], check=True)
        yield
    finally:
        subprocess.run(["umount", path], check=True)


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", where], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", where], check=True)


READ_ONLY = r"(read-only file system|permission denied)"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture site with 2026-W48 built: copied by each case."""
    site = copy_site(tmp_path_factory.mktemp("built") / "site").parent
    result = mindreel("build", "--week", "2026-W48", cwd=site)
    assert result.returncode == 0, result.stderr
    return site


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    code: int
    line: str
    """The whole of stderr, one line, as a regular expression."""
    arrange: Callable[[Path], contextlib.AbstractContextManager[object]] = (
        lambda site: contextlib.nullcontext())


def _state_is_a_file(site: Path) -> contextlib.AbstractContextManager[object]:
    shutil.rmtree(site / "outbox" / ".mindreel")
    (site / "outbox" / ".mindreel").write_text("not a folder\n")
    return contextlib.nullcontext()


def _dangling_symlink(site: Path) -> contextlib.AbstractContextManager[object]:
    shutil.rmtree(site / "outbox")
    (site / "outbox").symlink_to(site / "gone" / "outbox")
    return contextlib.nullcontext()


CASES = [
    Case("read-only outbox", ("build", "--week", "2026-W49"), 4,
         rf"cannot write: outbox/\.mindreel/lock: {READ_ONLY}",
         lambda site: read_only(site / "outbox")),
    Case("read-only ledger", ("build", "--week", "2026-W49"), 4,
         rf"cannot write: outbox/\.mindreel/ledger\.sqlite: {READ_ONLY}",
         lambda site: read_only(site / "outbox" / ".mindreel" / "ledger.sqlite")),
    Case("state folder is a file", ("build", "--week", "2026-W49"), 4,
         r"cannot write: outbox/\.mindreel: not a folder", _state_is_a_file),
    Case("dangling outbox symlink", ("build", "--week", "2026-W49"), 4,
         r"cannot write: outbox: a symbolic link to .*/gone/outbox, which is not a folder "
         r"\(or does not exist\)", _dangling_symlink),
    Case("outbox through a device", ("build", "--week", "2026-W49", "--outbox", "/dev/null/x"),
         4, r"cannot write: /dev/null/x: a part of the path is not a folder"),
    Case("empty outbox option", ("build", "--week", "2026-W49", "--outbox", ""), 2,
         r"--outbox: is empty; give the outbox folder's path\n"
         r"bad input: 1 problem\(s\); nothing was written"),
    Case("blank outbox option for plan", ("plan", "--outbox", "  "), 2,
         r"--outbox: is empty; give the outbox folder's path\n"
         r"bad input: 1 problem\(s\); nothing was written"),
    Case("read-only outbox, run --once", ("run", "--once"), 4,
         rf"\S+ failed: cannot write: \S+/outbox/\.mindreel/service\.lock: {READ_ONLY}",
         lambda site: read_only(site / "outbox")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_environment_failure_exits_with_one_line_and_leaves_the_outbox(
        case: Case, built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site, symlinks=True)
    with case.arrange(site):
        before = snapshot(site / "outbox")
        result = mindreel(*case.args, cwd=site)
        after = snapshot(site / "outbox")
    assert result.returncode == case.code, result.stderr
    assert re.fullmatch(case.line, result.stderr.rstrip("\n")), result.stderr
    assert after == before


def test_read_only_commands_work_on_a_read_only_outbox(built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    with read_only(site / "outbox"):
        before = snapshot(site / "outbox")
        plan = mindreel("plan", "--weeks", "2", "--from", "2026-W48", cwd=site,
                        env={"COLUMNS": "200"})
        lint = mindreel("lint", "--weeks", "1", "--from", "2026-W48", cwd=site)
        assert snapshot(site / "outbox") == before
    assert plan.returncode == 0, plan.stderr
    feature = json.loads((site / "outbox" / "2026-W48" / "manifest.json").read_text())["feature"]
    week_line = next(line for line in plan.stdout.splitlines() if line.startswith("2026-W48"))
    assert f"{feature['title']} (film)" in week_line and "public" in week_line, plan.stdout
    assert lint.returncode == 0, lint.stderr


def test_help_documents_exit_code_4(built: Path) -> None:
    for args in (["--help"], ["build", "--help"]):
        text = " ".join(mindreel(*args, cwd=built).stdout.split())
        assert "4 cannot write or send (permissions, disk full, SMTP; nothing half-written)" in text


def _assert_whole_and_agreeing(outbox: Path) -> list[str]:
    """Every edition folder matches its manifest and the ledger has exactly those weeks."""
    weeks = sorted(p.name for p in outbox.iterdir() if p.name.startswith("2026-W"))
    for week in weeks:
        assert verify_folder(outbox / week) == [], week
    ledger = outbox / ".mindreel" / "ledger.sqlite"
    rows: list[str] = []
    if ledger.exists():  # a run that wrote nothing leaves no ledger
        with contextlib.closing(sqlite3.connect(ledger)) as db:
            rows = sorted(w for (w,) in db.execute("SELECT week FROM editions"))
    assert rows == weeks
    assert list((outbox / ".mindreel" / "staging").iterdir()) == []
    assert list((outbox / ".mindreel" / "trash").iterdir()) == []
    return weeks


def test_a_disk_that_fills_mid_backfill_keeps_every_edition_whole(built: Path,
                                                                  tmp_path: Path) -> None:
    if not can_mount():
        pytest.skip("cannot mount a small tmpfs here; the injected ENOSPC test covers it")
    with small_disk(tmp_path / "disk", "1200k") as disk:
        result = mindreel("build", "--from", "2026-W40", "--to", "2026-W52",
                          "--outbox", str(disk / "out"), cwd=built)
        assert result.returncode == 4, result.stderr
        assert "Traceback" not in result.stderr
        last = result.stderr.rstrip("\n").splitlines()[-1]
        assert last.startswith(f"cannot write: {disk / 'out'}/2026-W")
        assert last.endswith(": no space left on the device")
        written = _assert_whole_and_agreeing(disk / "out")
        assert 0 < len(written) < 12
        # Room again: the same command finishes the backfill.
        subprocess.run(["mount", "-o", "remount,size=8m", disk], check=True)
        again = mindreel("build", "--from", "2026-W40", "--to", "2026-W52",
                         "--outbox", str(disk / "out"), cwd=built)
        assert again.returncode == 0, again.stderr
        assert len(_assert_whole_and_agreeing(disk / "out")) == 12  # W52 is skipped


@pytest.mark.parametrize("fail_at", [1, 40, 95])
def test_injected_enospc_mid_backfill_keeps_every_edition_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    project = load_project(copy_site(tmp_path / "site"))
    real_file, real_edition = outbox_module._write_durably, outbox_module._written
    calls = {"n": 0}

    def count(path: Path) -> None:
        calls["n"] += 1
        if calls["n"] >= fail_at:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))

    def filling(path: Path, data: bytes) -> None:
        count(path)
        real_file(path, data)

    def filling_edition(path: Path, data: bytes) -> int:
        count(path)
        return real_edition(path, data)

    # outbox-level files are written by one, edition files (synced later) by the other
    monkeypatch.setattr(outbox_module, "_write_durably", filling)
    monkeypatch.setattr(outbox_module, "_written", filling_edition)
    weeks = list(week_range(IsoWeek.parse("2026-W45"), IsoWeek.parse("2026-W50")))
    with pytest.raises(CannotWrite) as caught:
        build_weeks(project, weeks, now=NOW)
    assert caught.value.exit_code == 4
    assert str(caught.value).endswith(": no space left on the device")
    _assert_whole_and_agreeing(project.config.outbox)
