"""Shared fixtures: a ladder from a fixture site to a project, an edition and a context.

The fixture site (tests/fixtures/site) is a small, fixed catalogue and schedule, copied
into a temporary folder per test so nothing a test writes leaks into another.

Golden files live in tests/golden/, one file per artifact with its real extension.
Regenerate them with ``pytest --update-goldens`` (never done automatically, never in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from generator.channels import RenderContext
from generator.edition import Edition, make_edition
from generator.picker import Pick
from generator.project import Project, load_project
from generator.weeks import IsoWeek

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "site"
GOLDEN = REPO / "tests" / "golden"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
NOW_TEXT = NOW.isoformat()
BUNDLED_NOW_TEXT = "2026-12-01T10:00:00+09:00"
"""For builds of the bundled catalogue: its facts were last checked on 2026-11-30, and a
clock before that would rightly find those dates in the future."""

_used_goldens: set[Path] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite golden files from the current output instead of comparing.",
    )


def public_by(last: str) -> datetime:
    """A build moment at which every fixture week up to ``last`` has gone out (its send
    time, Monday 09:00 in Seoul, or NOW if later): for tests that read the public files."""
    seoul = ZoneInfo("Asia/Seoul")
    send = IsoWeek.parse(last).send_at("mon", datetime(2000, 1, 1, 9).time(), seoul)
    return max(NOW, send)


def bundled_schedule(folder: Path, locales: str = "[en, ko]") -> Path:
    """A schedule.yaml in ``folder`` for the bundled catalogue and templates (read where
    they are, never copied) with the given ``locales``; returns its path."""
    text = (REPO / "schedule.yaml").read_text("utf-8")
    text = re.sub(r"(?m)^locales: .*$", f"locales: {locales}", text)
    text = text.replace("data: data", f"data: {REPO / 'data'}").replace(
        "templates: templates", f"templates: {REPO / 'templates'}")
    schedule = folder / "schedule.yaml"
    schedule.write_text(text, "utf-8")
    return schedule


def copy_site(dest: Path, extra_yaml: str = "") -> Path:
    """Copy the fixture site to ``dest``; return the path of its schedule.yaml."""
    shutil.copytree(FIXTURE_SITE, dest, dirs_exist_ok=True)
    schedule = dest / "schedule.yaml"
    text = schedule.read_text("utf-8").replace(
        "templates: ../../../templates", f"templates: {REPO / 'templates'}"
    )
    schedule.write_text(text + extra_yaml, "utf-8")
    return schedule


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """schedule.yaml of a private copy of the fixture site."""
    return copy_site(tmp_path / "site")


@pytest.fixture
def project(site: Path) -> Project:
    return load_project(site)


@pytest.fixture
def ctx(project: Project) -> RenderContext:
    return RenderContext(project.config.settings, project.config.templates_dir)


def edition_of(project: Project, week: str, feature_id: str, reason: str = "fixture") -> Edition:
    """An edition featuring ``feature_id`` in ``week``, bypassing the picker."""
    kind = "film" if project.catalogue.film(feature_id) else "theme"
    pick = Pick(IsoWeek.parse(week), kind, feature_id, reason, "pin")  # type: ignore[arg-type]
    return make_edition(pick, project.catalogue, project.config.settings)


@pytest.fixture
def make_edition_for(project: Project) -> Callable[[str, str], Edition]:
    return lambda week, feature_id: edition_of(project, week, feature_id)


# The three fixture editions every channel has golden files for.
GOLDEN_EDITIONS = {
    "film-content-note": ("2026-W50", "silenced"),
    "film": ("2026-W48", "marathon"),
    "theme": ("2026-W49", "depression"),
}


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, bytes], None]:
    """Compare bytes with tests/golden/<name>, or rewrite it under --update-goldens."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, data: bytes) -> None:
        path = GOLDEN / name
        _used_goldens.add(path)
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert path.is_file(), f"no golden file {name}; run `pytest --update-goldens` and review it"
        expected = path.read_bytes()
        if expected != data:
            obtained = path.with_name(path.name + ".obtained")
            obtained.write_bytes(data)
            pytest.fail(
                f"{name} differs from its golden file; see {obtained.relative_to(REPO)} "
                "(run `pytest --update-goldens` if the change is intended)"
            )

    return check


def _whole_suite(config: pytest.Config) -> bool:
    """True when every test module was collected (no paths, -k or --lf narrowing the run)."""
    args = [a for a in config.args if a not in ("tests", str(REPO / "tests"), str(REPO))]
    return not args and not config.option.keyword and not config.getoption("lf", False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Unused golden files fail a whole-suite run: they would otherwise rot unseen."""
    config = session.config
    worker_output = getattr(config, "workeroutput", None)
    if worker_output is not None:  # a parallel worker: the controller checks the union
        worker_output["goldens_used"] = sorted(str(p) for p in _used_goldens)
        return
    if config.getoption("--update-goldens") or exitstatus != 0 or not _whole_suite(config):
        return
    unused = sorted(
        p
        for p in GOLDEN.rglob("*")
        if p.is_file() and not p.name.endswith(".obtained") and p not in _used_goldens
    )
    if unused:
        names = ", ".join(str(p.relative_to(REPO)) for p in unused)
        print(f"\nunused golden files (delete them or test them): {names}", file=sys.stderr)
        session.exitstatus = 1


def mindreel(
    *args: str,
    cwd: Path,
    now: str = NOW_TEXT,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess (as a user would), with the clock pinned.

    Whatever the command and its exit code, its stderr never holds a traceback: every
    failure a user can meet is one documented line and an exit code.
    """
    full_env = {**os.environ, "MINDREEL_NOW": now, **(env or {})}
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert "Traceback" not in result.stderr, f"mindreel {' '.join(args)}:\n{result.stderr}"
    return result


@pytest.fixture
def cli() -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    yield mindreel


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """With ``-n``, each worker reports the golden files its tests compared."""
    _used_goldens.update(Path(p) for p in node.workeroutput.get("goldens_used", ()))
