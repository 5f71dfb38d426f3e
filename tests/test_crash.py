"""Crash injection: SIGKILL real builds at random moments; the outbox must stay whole.

Each trial starts ``python -m generator build`` on a copy of the fixture site (clock
pinned), kills it with SIGKILL after a random delay drawn over the measured length of an
uninterrupted run, checks what a reader of the outbox would see, sometimes kills the
restart too, then reruns the same command to completion and compares the result byte for
byte with a reference run that was never interrupted.

The delays come from ``random.Random(seed)``; the seed is printed and
``MINDREEL_CRASH_SEED`` replays it (the kill moments still vary with the machine's speed,
so a replay hits the same neighbourhoods, not the same instructions).
``MINDREEL_CRASH_KILLS`` changes how many kills a run makes (default 56).

Also here, quick and unmarked: the backfill command itself (plain lines off a terminal,
a progress bar on one, weeks already built skipped, ``--rebuild``).
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import random
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import pytest

from generator.manifest import MANIFEST, verify_folder
from generator.outbox import STATE_DIR, TMP_SUFFIX
from tests.conftest import NOW_TEXT, copy_site

FIRST, LAST = "2026-W41", "2026-W52"  # a quarter: pins, a skip, films and themes
SKIPPED_WEEK = "2026-W52"  # the fixture schedule skips it
WEEK_DIR = re.compile(r"^\d{4}-W\d{2}$")
WEEK_LINE = re.compile(r"^(\d{4}-W\d{2}): (.*)$", re.MULTILINE)
KILLS = int(os.environ.get("MINDREEL_CRASH_KILLS", "56"))
SECOND_KILL_CHANCE = 0.3
"""How often the restart after a kill is killed too (a crash during recovery)."""
WRITE_WINDOW = 0.15
"""Seconds before a week's output line in which its files, folder and ledger row are written."""

CHANNELS_YAML = "channels: {email: true, feeds: true, social: true}\n"
"""Every channel on: a crash while any of them writes must leave the outbox whole."""

# Data edits that make a rebuild replace some weeks (one film), a theme's weeks and
# the films that cite it, or every week (the international helpline in every footer).
CHANGES = {
    "film": (
        "data/films.yaml",
        "An autistic young man and his mother train for a full marathon.",
        "An autistic young man and his mother train together for a full marathon.",
    ),
    "theme": (
        "data/themes.yaml",
        "Ask autistic people what helps them, and follow their lead.",
        "Ask autistic people what helps them, listen, and follow their lead.",
    ),
    "helpline": (
        "data/helplines.yaml",
        "hours: {en: Directory of services by country,",
        "hours: {en: Directory of crisis services by country,",
    ),
}


# --- running the real command -------------------------------------------------------


def make_site(dest: Path) -> Path:
    """A fixture site with every channel switched on; returns its folder."""
    return copy_site(dest, extra_yaml=CHANNELS_YAML).parent


def apply_change(site: Path, change: str) -> None:
    rel, old, new = CHANGES[change]
    path = site / rel
    text = path.read_text("utf-8")
    assert old in text, f"fixture text for change {change!r} is gone from {rel}"
    path.write_text(text.replace(old, new), "utf-8")


def command(site: Path, args: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--config", str(site / "schedule.yaml"),
            *args]


def env() -> dict[str, str]:
    # Unbuffered, so each "week: wrote" line leaves the process the moment it is printed.
    return {**os.environ, "MINDREEL_NOW": NOW_TEXT, "PYTHONUNBUFFERED": "1"}


def run(site: Path, args: tuple[str, ...]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run to completion; the result and its wall time."""
    start = time.perf_counter()
    done = subprocess.run(command(site, args), cwd=site, env=env(), capture_output=True,
                          text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done, elapsed


def timeline(site: Path, args: tuple[str, ...]) -> tuple[float, tuple[float, ...]]:
    """Run to completion; its wall time and when each output line appeared.

    A week's line is printed right after its folder is renamed into place and recorded in
    the ledger, the summary line right after the feeds and pages are published, so the
    moments just before those lines are the ones worth killing.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(command(site, args), cwd=site, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    marks = tuple(time.perf_counter() - start for _ in proc.stdout)
    stderr = proc.stderr.read()
    assert proc.wait() == 0, stderr
    assert "Traceback" not in stderr
    return time.perf_counter() - start, marks


def run_and_kill(site: Path, args: tuple[str, ...], delay: float) -> bool:
    """Start the command, SIGKILL it after ``delay`` seconds; False if it finished first."""
    proc = subprocess.Popen(command(site, args), cwd=site, env=env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL: no finally blocks, no atexit, no flush
        proc.wait()
        return True
    finally:
        stderr = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    return False


# --- reading the outbox -------------------------------------------------------------


def tree(outbox: Path) -> dict[str, bytes]:
    """Every file a reader sees (the .mindreel state folder excluded), path -> bytes."""
    return {
        str(p.relative_to(outbox)): p.read_bytes()
        for p in sorted(outbox.rglob("*"))
        if p.is_file() and STATE_DIR not in p.relative_to(outbox).parts
    }


def ledger_rows(outbox: Path) -> dict[str, tuple[Any, ...]]:
    """The ledger's rows by week, read from a copy so the outbox stays as the crash left it.

    A kill inside a transaction leaves a hot journal; opening the copy rolls it back, as
    the next mindreel run would.
    """
    state = outbox / STATE_DIR
    if not (state / "ledger.sqlite").is_file():
        return {}
    with tempfile.TemporaryDirectory() as scratch:
        for part in state.glob("ledger.sqlite*"):
            shutil.copy2(part, Path(scratch) / part.name)
        db = sqlite3.connect(Path(scratch) / "ledger.sqlite")
        try:
            rows = db.execute("SELECT * FROM editions ORDER BY week").fetchall()
        finally:
            db.close()
    return {row[0]: tuple(row) for row in rows}


def folder_hashes(outbox: Path) -> dict[str, str]:
    """Week -> sha256 of its manifest.json, for every edition folder present."""
    return {
        p.name: hashlib.sha256((p / MANIFEST).read_bytes()).hexdigest()
        for p in outbox.iterdir()
        if p.is_dir() and WEEK_DIR.match(p.name) and (p / MANIFEST).is_file()
    }


def disagreements(outbox: Path) -> list[str]:
    """Weeks where the ledger and the edition folders disagree, both ways."""
    ledger = {week: row[6] for week, row in ledger_rows(outbox).items()}
    folders = folder_hashes(outbox)
    return sorted(w for w in set(ledger) | set(folders) if ledger.get(w) != folders.get(w))


def debris(outbox: Path) -> list[str]:
    """Staging folders, trash and temporary files a crash may leave."""
    state = outbox / STATE_DIR
    found = [str(p.relative_to(outbox)) for sub in ("staging", "trash") if (state / sub).is_dir()
             for p in (state / sub).iterdir()]
    found += [str(p.relative_to(outbox)) for p in outbox.rglob(f"*{TMP_SUFFIX}")]
    return sorted(found)


def check_feeds(outbox: Path, required: bool) -> None:
    """feed.xml and atom.xml parse without a bozo flag, feed.json is JSON; ``required``:
    all three exist (right after a kill they may not yet)."""
    for name in ("feed.xml", "atom.xml"):
        path = outbox / name
        if not path.exists():
            assert not required, f"{name} is missing"
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        assert parsed.entries, f"{name} has no entries"
    path = outbox / "feed.json"
    if path.exists():
        assert json.loads(path.read_bytes())["items"]
    else:
        assert not required, "feed.json is missing"


# --- scenarios and their references -------------------------------------------------


@dataclass
class Scenario:
    """One command on one starting outbox, with the outbox an uninterrupted run leaves."""

    name: str
    args: tuple[str, ...]
    change: str | None  # data edit applied before the run
    base: Path | None = None  # outbox copied in before the run; None starts empty
    reference: Path = field(init=False)
    duration: float = field(init=False)
    marks: tuple[float, ...] = field(init=False)  # when each output line appeared
    trees: tuple[dict[str, bytes], dict[str, bytes]] = field(init=False)
    """What a reader may see of each file after a kill: the old bytes or the new ones."""

    def prepare(self, site: Path) -> None:
        if self.base is not None:
            shutil.copytree(self.base, site / "outbox", symlinks=True)
        if self.change is not None:
            apply_change(site, self.change)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> list[Scenario]:
    root = tmp_path_factory.mktemp("crash-references")
    backfill = Scenario("backfill", ("--from", FIRST, "--to", LAST), None)
    built = [backfill]
    built += [
        Scenario(f"rebuild-{change}", ("--from", FIRST, "--to", LAST, "--rebuild"), change)
        for change in CHANGES
    ]
    built.append(Scenario("week-helpline", ("--week", "2026-W48"), "helpline"))
    for scenario in built:
        site = make_site(root / scenario.name)
        if scenario is not backfill:
            scenario.base = backfill.reference
        scenario.prepare(site)
        if scenario is backfill:  # warm the bytecode cache and the disk, then measure
            run(site, scenario.args)
            shutil.rmtree(site)
            site = make_site(root / scenario.name)
        scenario.duration, scenario.marks = timeline(site, scenario.args)
        scenario.reference = site / "outbox"
        scenario.trees = (tree(scenario.base) if scenario.base else {}, tree(scenario.reference))
        assert not disagreements(scenario.reference)
    return built


# --- the invariants -----------------------------------------------------------------


def check_after_kill(outbox: Path, scenario: Scenario, seen: Counter[str]) -> None:
    """What a reader may see right after a crash: old or new, never half of anything."""
    if not outbox.exists():
        seen["killed before the outbox existed"] += 1
        return
    before, after = scenario.trees
    for week in (p.name for p in outbox.iterdir() if p.is_dir() and WEEK_DIR.match(p.name)):
        folder = outbox / week
        assert (folder / MANIFEST).is_file(), f"{week}: edition folder without a manifest"
        assert verify_folder(folder) == [], verify_folder(folder)
        manifest = (folder / MANIFEST).read_bytes()
        assert manifest in (after.get(f"{week}/{MANIFEST}"), before.get(f"{week}/{MANIFEST}")), (
            f"{week}: a manifest that neither the old nor the new inputs produce"
        )
    for rel, data in tree(outbox).items():
        if not WEEK_DIR.match(rel.split("/", 1)[0]):
            assert data in (after.get(rel), before.get(rel)), (
                f"{rel}: neither its old nor its new bytes"
            )
    check_feeds(outbox, required=False)
    # Renaming a folder into place and recording it in the ledger are two steps; a kill
    # between them leaves one week behind, which the next start reconciles.
    lag = disagreements(outbox)
    assert len(lag) <= 1, f"ledger and folders disagree on {lag}"
    known = {f"{rel.split('/')[0]}:{hashlib.sha256(data).hexdigest()}"
             for tree_ in scenario.trees for rel, data in tree_.items()
             if rel.endswith(f"/{MANIFEST}")}
    for week, row in ledger_rows(outbox).items():
        assert f"{week}:{row[6]}" in known, f"{week}: a ledger hash no run produces"
    left = debris(outbox)
    seen["ledger one week behind the folders"] += bool(lag)
    seen["staging folder or temporary file left"] += any("trash" not in d for d in left)
    seen["old folder left in trash (interrupted replace)"] += any("trash" in d for d in left)
    final, now = folder_hashes(scenario.reference), folder_hashes(outbox)
    base = folder_hashes(scenario.base) if scenario.base else {}
    pending = [week for week, digest in final.items() if base.get(week) != digest]
    done = sum(now.get(week) == final[week] for week in pending)
    share = "none" if done == 0 else "all" if done == len(pending) else "some"
    seen[f"killed with {share} of the editions to write in place"] += 1


def check_rerun(
    site: Path, scenario: Scenario, stdout: str, after_kill: dict[str, str], inodes: dict[str, int]
) -> None:
    """The rerun finished the job: same bytes as never interrupted, nothing left behind."""
    outbox = site / "outbox"
    assert debris(outbox) == [], debris(outbox)
    assert disagreements(outbox) == []
    for week in (p.name for p in outbox.iterdir() if p.is_dir() and WEEK_DIR.match(p.name)):
        assert verify_folder(outbox / week) == []
    check_feeds(outbox, required=True)
    got, want = tree(outbox), scenario.trees[1]
    assert sorted(got) == sorted(want), set(got) ^ set(want)
    changed = [rel for rel in want if got[rel] != want[rel]]
    assert changed == [], f"rerun differs from an uninterrupted run in {changed[:5]}"
    assert ledger_rows(outbox) == ledger_rows(scenario.reference)
    if "--from" not in scenario.args:
        return
    # Resumability: what the crash left whole is not built again.
    reference = folder_hashes(scenario.reference)
    for week, verb in WEEK_LINE.findall(stdout):
        if week == SKIPPED_WEEK:
            assert verb.startswith("skipped"), (week, verb)
        elif "--rebuild" in scenario.args:
            expect = "unchanged" if after_kill.get(week) == reference[week] else "replaced"
            assert verb.startswith(expect), (week, verb, expect)
        elif week in after_kill:
            assert verb.startswith("already built"), (week, verb)
            assert os.stat(outbox / week).st_ino == inodes[week], f"{week} was rewritten"
        else:
            assert verb.startswith("wrote"), (week, verb)


# --- the test -----------------------------------------------------------------------


@dataclass(frozen=True)
class Trial:
    """One planned trial: a scenario and the kill delays of its successive starts."""

    number: int
    scenario: Scenario
    delays: tuple[float, ...]  # seconds; then one more start runs to completion


@dataclass
class Outcome:
    kills: int = 0
    finished_first: int = 0
    seen: Counter[str] = field(default_factory=Counter)


def crash_seed() -> int:
    text = os.environ.get("MINDREEL_CRASH_SEED")
    return int(text) if text else random.SystemRandom().randrange(2**32)


def plan(rng: random.Random, scenarios: list[Scenario], first: int, kills: int) -> list[Trial]:
    """Enough trials for ``kills`` kills; delays spread over each scenario's run time."""
    weights = [3 if s.base is None else 1 for s in scenarios]  # backfills from empty: most
    trials: list[Trial] = []
    while sum(len(t.delays) for t in trials) < kills:
        scenario = rng.choices(scenarios, weights)[0]
        delays = [kill_delay(rng, scenario)]
        while len(delays) < 3 and rng.random() < SECOND_KILL_CHANCE:
            delays.append(kill_delay(rng, scenario))
        trials.append(Trial(first + len(trials), scenario, tuple(delays)))
    return trials


def kill_delay(rng: random.Random, scenario: Scenario) -> float:
    """Half the kills anywhere in the run, half in the writing just before an output line."""
    if rng.random() < 0.5:
        return rng.uniform(0.02, 1.0) * scenario.duration
    return max(0.02, rng.choice(scenario.marks) - rng.uniform(0.0, WRITE_WINDOW))


def run_trial(trial: Trial, root: Path) -> Outcome:
    scenario, outcome = trial.scenario, Outcome()
    site = make_site(root / f"trial-{trial.number}")
    scenario.prepare(site)
    outbox = site / "outbox"
    for attempt, delay in enumerate(trial.delays):
        if not run_and_kill(site, scenario.args, delay):
            outcome.finished_first += 1
            break
        outcome.kills += 1
        outcome.seen["restart killed too (crash during recovery)"] += attempt > 0
        check_after_kill(outbox, scenario, outcome.seen)
    after_kill = folder_hashes(outbox) if outbox.exists() else {}
    inodes = {week: os.stat(outbox / week).st_ino for week in after_kill}
    done, _ = run(site, scenario.args)
    check_rerun(site, scenario, done.stdout, after_kill, inodes)
    outcome.seen[scenario.name] += 1
    shutil.rmtree(site)
    return outcome


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_the_outbox_whole(
    scenarios: list[Scenario], tmp_path: Path
) -> None:
    seed = crash_seed()
    print(f"\ncrash test seed {seed} (MINDREEL_CRASH_SEED={seed} replays it); "
          f"{FIRST}..{LAST}; {CHANNELS_YAML.strip()}")
    rng = random.Random(seed)
    total = Outcome()
    started = time.perf_counter()
    workers = min(2, os.cpu_count() or 1)
    planned = 0
    with ThreadPoolExecutor(workers) as pool:
        while total.kills < KILLS:
            assert total.finished_first < 2 * KILLS, f"seed {seed}: runs end before kills land"
            trials = plan(rng, scenarios, planned, KILLS - total.kills)
            planned += len(trials)
            futures = {pool.submit(run_trial, t, tmp_path): t for t in trials}
            for future in as_completed(futures):
                trial = futures[future]
                try:
                    outcome = future.result()
                except AssertionError as exc:
                    pool.shutdown(cancel_futures=True)
                    raise AssertionError(
                        f"seed {seed}, trial {trial.number} ({trial.scenario.name}, kills at "
                        f"{', '.join(f'{d:.3f}' for d in trial.delays)} s): {exc}"
                    ) from exc
                total.kills += outcome.kills
                total.finished_first += outcome.finished_first
                total.seen.update(outcome.seen)
    elapsed = time.perf_counter() - started
    print(f"{total.kills} kills ({total.finished_first} runs ended before their kill) in "
          f"{elapsed:.1f} s on {workers} workers; uninterrupted runs: "
          + ", ".join(f"{s.name} {s.duration:.2f} s" for s in scenarios))
    for what, count in sorted(total.seen.items()):
        if count:
            print(f"  {what}: {count}")
    mid_run = total.seen["killed with some of the editions to write in place"]
    mid_run += total.seen["staging folder or temporary file left"]
    assert mid_run > 0, f"seed {seed}: no kill landed while the run was writing"


# --- the backfill command -----------------------------------------------------------


@pytest.fixture
def site_dir(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


def _verbs(stdout: str) -> dict[str, str]:
    return {week: verb.split(" ")[0] for week, verb in WEEK_LINE.findall(stdout)}


def test_backfill_prints_one_plain_line_per_week_and_resumes(site_dir: Path) -> None:
    first, _ = run(site_dir, ("--from", "2026-W40", "--to", "2026-W46"))
    verbs = _verbs(first.stdout)
    assert list(verbs) == [f"2026-W{n}" for n in range(40, 47)]
    assert set(verbs.values()) == {"wrote"}
    assert "\r" not in first.stdout and "\x1b" not in first.stdout
    assert first.stdout.splitlines()[-2].startswith("2026-W40..2026-W46: wrote 7")
    # Losing the last two weeks (as if the run had stopped there) and extending the range:
    # the rest is skipped untouched, the gap and the new weeks are built.
    outbox = site_dir / "outbox"
    inodes = {w: os.stat(outbox / w).st_ino for w in ("2026-W40", "2026-W44")}
    shutil.rmtree(outbox / "2026-W45")
    shutil.rmtree(outbox / "2026-W46")
    second, _ = run(site_dir, ("--from", "2026-W40", "--to", "2026-W48"))
    verbs = _verbs(second.stdout)
    assert [verbs[f"2026-W{n}"] for n in range(40, 49)] == ["already"] * 5 + ["wrote"] * 4
    assert {w: os.stat(outbox / w).st_ino for w in inodes} == inodes
    # The gap is filled with what an uninterrupted run would have written.
    straight = make_site(site_dir.parent / "straight")
    run(straight, ("--from", "2026-W40", "--to", "2026-W48"))
    assert tree(outbox) == tree(straight / "outbox")
    third, _ = run(site_dir, ("--from", "2026-W40", "--to", "2026-W48", "--rebuild"))
    assert set(_verbs(third.stdout).values()) == {"unchanged"}


def test_backfill_rebuild_replaces_only_what_changed(site_dir: Path) -> None:
    run(site_dir, ("--from", "2026-W40", "--to", "2026-W52"))
    apply_change(site_dir, "film")
    plain, _ = run(site_dir, ("--from", "2026-W40", "--to", "2026-W52"))
    assert set(_verbs(plain.stdout).values()) == {"already", "skipped"}
    rebuilt, _ = run(site_dir, ("--from", "2026-W40", "--to", "2026-W52", "--rebuild"))
    verbs = _verbs(rebuilt.stdout)
    marathon = {w for w, line in WEEK_LINE.findall(rebuilt.stdout) if "marathon" in line}
    assert marathon, rebuilt.stdout
    assert {w for w, v in verbs.items() if v == "replaced"} >= marathon
    assert verbs[SKIPPED_WEEK] == "skipped"
    assert "unchanged" in verbs.values()


def _read_pty(fd: int, proc: subprocess.Popen[bytes]) -> Iterator[bytes]:
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            yield chunk
        elif proc.poll() is not None:
            return


def test_backfill_shows_a_progress_bar_on_a_terminal(site_dir: Path) -> None:
    parent, child = pty.openpty()
    proc = subprocess.Popen(command(site_dir, ("--from", "2026-W40", "--to", "2026-W46")),
                            cwd=site_dir, env=env(), stdin=child, stdout=child, stderr=child)
    os.close(child)
    try:
        output = b"".join(_read_pty(parent, proc)).decode("utf-8", "replace")
    finally:
        os.close(parent)
    assert proc.wait(timeout=60) == 0, output
    assert "building" in output and "100%" in output, output
    assert "2026-W40: wrote" not in output  # no per-week lines under the bar
    assert "2026-W40..2026-W46: wrote 7" in output
    assert len(folder_hashes(site_dir / "outbox")) == 7
