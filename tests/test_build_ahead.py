"""A backfill rendered ahead by worker processes writes exactly what one process writes."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator.build as build_module
from generator.build import BuildResult, build_weeks
from generator.errors import SafetyFailed
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.project import load_project
from generator.weeks import IsoWeek
from tests.conftest import NOW, copy_site

WEEKS = [IsoWeek.parse("2026-W30") + n for n in range(14)]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "ledger" not in p.name and p.name != ".lock"}


def _build(tmp_path: Path, name: str, workers: bool, monkeypatch: pytest.MonkeyPatch,
           weeks: list[IsoWeek] = WEEKS, rebuild: bool = True
           ) -> tuple[list[BuildResult], dict[str, bytes], list[tuple[object, ...]]]:
    schedule = copy_site(tmp_path / name)
    project = load_project(schedule)
    if not workers:
        monkeypatch.setattr(build_module, "workers_for", lambda editions: 0)
    else:
        monkeypatch.setattr(build_module, "workers_for", lambda editions: 2)
    results = build_weeks(project, weeks, now=NOW, rebuild=rebuild)
    with Ledger(Outbox(project.config.outbox).ledger_path, now=NOW) as ledger:
        rows = [(e.week, e.feature_kind, e.feature_id, e.reason, e.content_hash, e.item)
                for e in (ledger.get(w) for w in weeks) if e is not None]
    return results, _tree(project.config.outbox), rows


def test_workers_write_the_same_bytes_and_ledger_as_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _build(tmp_path, "one", False, monkeypatch)
    ahead = _build(tmp_path, "ahead", True, monkeypatch)
    assert [(r.week, r.status, r.pick) for r in ahead[0]] == [
        (r.week, r.status, r.pick) for r in one[0]]
    assert ahead[1].keys() == one[1].keys() and ahead[1] == one[1]
    assert ahead[2] == one[2] and len(one[2]) >= 10


def test_workers_keep_existing_weeks_on_a_resumed_backfill(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    for workers in (False, True):
        schedule = copy_site(tmp_path / f"site-{workers}")
        project = load_project(schedule)
        monkeypatch.setattr(build_module, "workers_for", lambda e, w=workers: 2 if w else 0)
        build_weeks(project, WEEKS[3:6], now=NOW)
        resumed = build_weeks(project, WEEKS, now=NOW, rebuild=False)
        results.append(([(r.week, r.status, r.pick) for r in resumed],
                        _tree(project.config.outbox)))
    assert results[0] == results[1]
    assert [s for _w, s, _p in results[1][0]].count("exists") == 3


def test_a_failing_week_stops_the_run_after_the_weeks_before_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A week the guard refuses is raised in its turn, as without workers: the weeks
    before it are written, none after it."""
    real = build_module.render_pick
    bad = WEEKS[6]

    def render(project, pick, now):  # type: ignore[no-untyped-def]
        rendered = real(project, pick, now)
        if pick.week == bad:
            from generator.safety import Finding
            rendered.findings.append(Finding("error", "test", "x", 1, "x", "y"))
        return rendered

    outcomes = []
    for workers in (False, True):
        monkeypatch.setattr(build_module, "render_pick", render)
        monkeypatch.setattr(build_module, "workers_for", lambda e, w=workers: 2 if w else 0)
        project = load_project(copy_site(tmp_path / f"fail-{workers}"))
        with pytest.raises(SafetyFailed) as failed:
            build_weeks(project, WEEKS, now=NOW)
        written = sorted(p.name for p in project.config.outbox.glob("2026-W*"))
        outcomes.append((str(failed.value), written))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][1] == [str(w) for w in WEEKS[:6]]
