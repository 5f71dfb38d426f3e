"""Every broken schedule or catalogue file gives exit 2, a file:line message, no traceback,
and leaves an existing outbox untouched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_site, mindreel

CASES = sorted(p for p in (REPO / "tests" / "bad_inputs").iterdir() if p.is_dir())


def _overlay(case: Path, site_dir: Path) -> None:
    for source in case.rglob("*"):
        if source.is_file() and source.name != "expected.txt":
            target = site_dir / source.relative_to(case)
            data = source.read_bytes().replace(
                b"templates: ../../../templates", f"templates: {REPO / 'templates'}".encode()
            )
            target.write_bytes(data)


def _expected(case: Path) -> tuple[int, list[str]]:
    first, *lines = case.joinpath("expected.txt").read_text("utf-8").splitlines()
    return int(first.removeprefix("exit: ")), [line for line in lines if line]


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_every_problem(case: Path, tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site").parent
    _overlay(case, site)
    code, lines = _expected(case)
    result = mindreel("check", cwd=site)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    printed = [line for line in result.stderr.splitlines() if not line.startswith("bad input:")]
    assert printed == lines
    assert "nothing was written" not in result.stderr  # check never writes, so it does not say so


@pytest.mark.parametrize("case", CASES[::4], ids=[c.name for c in CASES[::4]])
def test_build_leaves_the_outbox_untouched(case: Path, tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site").parent
    built = mindreel("build", "--week", "2026-W48", cwd=site)
    assert built.returncode == 0, built.stderr
    before = _snapshot(site / "outbox")
    _overlay(case, site)
    result = mindreel("build", "--week", "2026-W49", cwd=site)
    code, lines = _expected(case)
    assert result.returncode == code
    assert "Traceback" not in result.stderr
    assert lines[0] in result.stderr
    assert _snapshot(site / "outbox") == before
    shutil.rmtree(site)
