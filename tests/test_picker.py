"""The picker: pins, skips, observances, rotation, cooldown, determinism."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.picker import Picker
from generator.project import Project, load_project
from generator.weeks import IsoWeek
from tests.conftest import REPO, copy_site


def _plan(project: Project, first: str, count: int, history: dict[IsoWeek, str] | None = None):
    return Picker(project.catalogue, project.config.settings, history or {}).plan(
        IsoWeek.parse(first), count
    )


def test_pin_wins(project: Project) -> None:
    pick = _plan(project, "2026-W50", 1)[0]
    assert (pick.feature_id, pick.source, pick.reason) == (
        "silenced",
        "pin",
        "pinned in schedule.yaml",
    )


def test_skip_week_has_no_feature(project: Project) -> None:
    pick = _plan(project, "2026-W52", 1)[0]
    assert pick.kind == "skip" and pick.feature_id == ""


def test_observance_picks_a_matching_feature(project: Project) -> None:
    pick = _plan(project, "2026-W37", 1)[0]  # World Suicide Prevention Day, Thu 10 Sep 2026
    assert pick.source == "observance"
    assert pick.feature_id == "suicide-prevention"
    assert "World Suicide Prevention Day" in pick.reason


def test_observance_respects_the_cooldown(project: Project) -> None:
    history = {IsoWeek.parse("2026-W36"): "suicide-prevention"}
    pick = _plan(project, "2026-W37", 1, history)[0]
    assert pick.feature_id != "suicide-prevention"
    assert pick.source == "rotation"


def test_out_of_rotation_titles_are_never_picked(project: Project) -> None:
    assert all(p.feature_id != "cart" for p in _plan(project, "2026-W01", 104))


def test_rotation_follows_the_pattern(project: Project) -> None:
    picks = [p for p in _plan(project, "2027-W10", 30) if p.source == "rotation"]
    for pick in picks:
        slot = project.config.settings.rotation.pattern[pick.week.ordinal % 3]
        assert pick.kind == slot


def test_no_repeat_inside_the_cooldown_over_52_weeks(project: Project) -> None:
    cooldown = project.config.settings.rotation.cooldown_weeks
    seen: dict[str, IsoWeek] = {}
    for pick in _plan(project, "2026-W01", 52):
        if pick.kind == "skip" or "least recently featured" in pick.reason or pick.source == "pin":
            continue
        if pick.feature_id in seen:
            assert pick.week - seen[pick.feature_id] >= cooldown, pick
        seen[pick.feature_id] = pick.week


def test_bundled_like_plan_with_long_cooldown_never_repeats(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site")
    text = schedule.read_text().replace("cooldown_weeks: 3", "cooldown_weeks: 12")
    schedule.write_text(text)
    project = load_project(schedule)
    plan = [p for p in _plan(project, "2026-W01", 52) if p.kind != "skip"]
    for pick in plan:
        if "least recently featured" in pick.reason or pick.source == "pin":
            continue
        earlier = [q for q in plan if q.feature_id == pick.feature_id and q.week < pick.week]
        assert not earlier or pick.week - earlier[-1].week >= 12


def test_least_recently_featured_goes_first(project: Project) -> None:
    history = {
        IsoWeek.parse("2027-W01"): "marathon",
        IsoWeek.parse("2026-W40"): "my-mister",
        IsoWeek.parse("2026-W30"): "keys-to-the-heart",
        IsoWeek.parse("2026-W20"): "silenced",
    }
    week = IsoWeek.parse("2027-W20")
    while project.config.settings.rotation.pattern[week.ordinal % 3] != "film":
        week = week + 1
    pick = Picker(project.catalogue, project.config.settings, history).pick(week)
    assert pick.feature_id == "silenced"
    assert "last featured" in pick.reason


def test_a_week_in_the_ledger_keeps_its_pick(project: Project) -> None:
    week = IsoWeek.parse("2026-W48")
    picker = Picker(
        project.catalogue,
        project.config.settings,
        {week: "my-mister"},
        {week: ("film", "my-mister", "rotation (film): never featured")},
    )
    pick = picker.pick(week)
    assert (pick.feature_id, pick.source) == ("my-mister", "ledger")


def test_build_pick_matches_the_plan(project: Project) -> None:
    """Picking week N alone (after replaying unbuilt weeks) agrees with the whole plan."""
    plan = _plan(project, "2026-W40", 20)
    for pick in plan[5:]:
        history = {p.week: p.feature_id for p in plan if p.week < pick.week and p.kind != "skip"}
        alone = Picker(project.catalogue, project.config.settings, history).pick(pick.week)
        assert alone == pick


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.integers(min_value=IsoWeek(2000, 1).ordinal, max_value=IsoWeek(2100, 1).ordinal),
    count=st.integers(1, 60),
)
def test_any_plan_keeps_its_rules(project: Project, first: int, count: int) -> None:
    """From any start week: same plan twice, slots honoured, cooldown kept (the project is
    read-only, so sharing it across examples is safe)."""
    start = str(IsoWeek.from_ordinal(first))
    plan = _plan(project, start, count)
    assert plan == _plan(project, start, count)
    cooldown = project.config.settings.rotation.cooldown_weeks
    last: dict[str, IsoWeek] = {}
    for pick in plan:
        if pick.source == "rotation" and "least recently" not in pick.reason:
            assert pick.kind == project.config.settings.rotation.pattern[pick.week.ordinal % 3]
            if pick.feature_id in last:
                assert pick.week - last[pick.feature_id] >= cooldown
        if pick.kind != "skip":
            last[pick.feature_id] = pick.week


def test_plan_is_identical_across_hash_seeds(site: Path) -> None:
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "MINDREEL_NOW": "2026-11-25T10:00:00+09:00"}
        result = subprocess.run(
            [sys.executable, "-m", "generator", "plan", "--weeks", "52"],
            cwd=site.parent,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert REPO.exists()


def test_observance_cooldown_boundary(project: Project) -> None:
    """Featured ``cooldown - 1`` weeks ago is still too soon; exactly ``cooldown`` is not."""
    cooldown = project.config.settings.rotation.cooldown_weeks
    week = IsoWeek.parse("2026-W37")  # World Suicide Prevention Day; only one candidate
    for gap, picked in ((cooldown - 1, False), (cooldown, True)):
        history = {week + (-gap): "suicide-prevention"}
        pick = Picker(project.catalogue, project.config.settings, history).pick(week)
        assert (pick.feature_id == "suicide-prevention") is picked, (gap, pick)
        assert pick.source == ("observance" if picked else "rotation"), (gap, pick)


def test_rotation_cooldown_boundary(tmp_path: Path) -> None:
    """With every other film featured recently, the least recent one is fresh at exactly
    ``cooldown`` weeks and still cooling down at ``cooldown - 1``."""
    schedule = copy_site(tmp_path / "site")
    schedule.write_text(schedule.read_text().replace("cooldown_weeks: 3", "cooldown_weeks: 12"))
    project = load_project(schedule)
    week = IsoWeek.parse("2027-W20")
    while project.config.settings.rotation.pattern[week.ordinal % 3] != "film":
        week = week + 1
    recent = {week + (-1): "marathon", week + (-2): "my-mister", week + (-3): "keys-to-the-heart"}
    for gap, reason in (
        (11, "rotation (film): every film was featured within 12 weeks; least recently featured"),
        (12, "rotation (film): last featured 12 weeks ago"),
    ):
        history = {**recent, week + (-gap): "silenced"}
        pick = Picker(project.catalogue, project.config.settings, history).pick(week)
        assert (pick.feature_id, pick.reason) == ("silenced", reason), gap
