"""What every benchmark shares: a throwaway site, the pinned clock, and figures.

The site is a temporary copy of the repository's own ``schedule.yaml``, ``data/`` and
``templates/`` (the bundled catalogue) with every channel on, so a benchmark never writes
into the repository. The channel modules are imported here, so a missing one stops the
benchmark instead of quietly measuring less; so does a bundled catalogue that fails to
load (its problems are printed).
"""

from __future__ import annotations

import importlib
import shutil
import statistics
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from generator.errors import BadInput
from generator.project import Project, load_project
from generator.weeks import IsoWeek

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
NOW_TEXT = "2026-12-02T10:00:00+09:00"
NOW = datetime.fromisoformat(NOW_TEXT)
WEEK = IsoWeek.parse("2026-W49")
FIRST_WEEK = IsoWeek.parse("2026-W01")
CHANNEL_MODULES = {
    "email": ("generator.channels.email.channel",),
    "feeds": ("generator.channels.web.feeds", "generator.channels.web.pages"),
    "social": ("generator.channels.social.channel",),
    "cards": ("generator.channels.cards.channel",),
}
"""Every channel and the modules it runs; all are imported, and all are switched on."""
for _modules in CHANNEL_MODULES.values():
    for _module in _modules:
        importlib.import_module(_module)


@dataclass(frozen=True)
class Site:
    """A private copy of a site: ``schedule`` is its schedule.yaml, ``label`` says which."""

    schedule: Path
    label: str

    @property
    def root(self) -> Path:
        return self.schedule.parent

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def project(self) -> Project:
        return load_project(self.schedule)

    def clear_outbox(self) -> None:
        shutil.rmtree(self.outbox, ignore_errors=True)


def _switch_channels(schedule: Path) -> None:
    data = yaml.safe_load(schedule.read_text("utf-8"))
    data["channels"] = dict.fromkeys(CHANNEL_MODULES, True)
    schedule.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def make_site(dest: Path) -> Site:
    """Copy the bundled site into ``dest``, every channel on; its problems if it fails."""
    bundled = dest / "bundled"
    bundled.mkdir(parents=True)
    shutil.copy2(REPO / "schedule.yaml", bundled / "schedule.yaml")
    shutil.copytree(REPO / "data", bundled / "data")
    shutil.copytree(REPO / "templates", bundled / "templates")
    _switch_channels(bundled / "schedule.yaml")
    try:
        project = load_project(bundled / "schedule.yaml")
    except BadInput as exc:
        raise SystemExit("the bundled catalogue does not load:\n"
                         + "\n".join(str(p) for p in exc.problems)) from None
    catalogue = project.catalogue
    return Site(bundled / "schedule.yaml",
                f"bundled catalogue ({len(catalogue.films)} titles, "
                f"{len(catalogue.themes)} themes, "
                f"{len(project.config.settings.audience.regions)} helpline regions)")


def copy_fixture(dest: Path) -> Path:
    """Copy the test fixture site to ``dest``, pointing it at the repository's templates
    (its own path to them is relative to the tests folder); return its schedule.yaml."""
    shutil.copytree(FIXTURE, dest)
    schedule = dest / "schedule.yaml"
    schedule.write_text(schedule.read_text("utf-8").replace(
        "templates: ../../../templates", f"templates: {REPO / 'templates'}"), "utf-8")
    return schedule


@contextmanager
def temporary_site() -> Iterator[Site]:
    """``make_site`` in a temporary folder removed afterwards, saying which site it is."""
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp))
        print(f"site: {site.label}")
        yield site


@dataclass(frozen=True)
class Figure:
    """Repeated measurements of one thing, with an optional target to compare against."""

    name: str
    samples: tuple[float, ...]
    unit: str  # "s", "ms", "MB", "editions/s"
    target: float | None = None
    higher_is_better: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        if self.higher_is_better:
            return self.median >= self.target
        return self.median <= self.target

    def __str__(self) -> str:
        digits = 1 if self.unit in ("ms", "MB", "editions/s") else 3
        value = f"median {self.median:.{digits}f} {self.unit}"
        if len(self.samples) > 1:
            value += (f"  (min {min(self.samples):.{digits}f}, max {max(self.samples):.{digits}f},"
                      f" n={len(self.samples)})")
        if self.target is not None:
            sign = "≥" if self.higher_is_better else "≤"
            value += f"  target {sign} {self.target:g} {self.unit}: "
            value += "met" if self.met else "MISSED"
        return f"{self.name:<52} {value}"


def repeat(times: int, work: Callable[[], object], scale: float = 1.0) -> tuple[float, ...]:
    """Wall time of ``work`` ``times`` times, multiplied by ``scale`` (1000 for ms)."""
    import time

    samples = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * scale)
    return tuple(samples)
