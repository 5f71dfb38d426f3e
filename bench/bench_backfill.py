"""(c) A 520-week backfill in editions per second, and (d) its peak resident memory.

Each backfill runs ``build_weeks`` over ten years of weeks into an empty outbox, as
``mindreel build --from --to`` does, in a child process of its own:

(c) the child times ``build_weeks`` alone (project loaded, imports done), with
``durable=True`` (every file and folder fsynced, the CLI's setting) and
``durable=False`` (no fsync), so the difference is the cost of durability on this disk;

(d) a fresh measuring process starts that child as its only child and reads
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``: the backfill's peak resident set
size, shown next to a bare interpreter and one that only imports mindreel.

    python bench/bench_backfill.py [--weeks 520] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from benchlib import (
    CHANNEL_MODULES,
    FIRST_WEEK,
    NOW,
    Figure,
    Site,
    temporary_site,
)

from generator.build import build_weeks

TARGET_S = 5.0
TARGET_MB = 80.0
WEEKS = 520

_PROBE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"child": done.stdout.strip(), "maxrss_kb": kb}))
"""


def probe(command: list[str]) -> tuple[str, float]:
    """Run ``command`` as the only child of a fresh process: its stdout and peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *command], capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    report = json.loads(done.stdout)
    return str(report["child"]), report["maxrss_kb"] / 1024  # Linux reports kilobytes


def backfill(site: Site, weeks: int, durable: bool) -> tuple[float, int, float]:
    """One backfill in a child process: seconds, editions written, peak RSS in MB."""
    site.clear_outbox()
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(site.schedule),
               "--weeks", str(weeks)]
    if not durable:
        command.append("--no-durable")
    stdout, rss = probe(command)
    seconds, written = json.loads(stdout)
    return float(seconds), int(written), rss


def run(site: Site, weeks: int, times: int) -> list[Figure]:
    figures = []
    rss: tuple[float, ...] = ()
    for durable in (True, False):
        runs = [backfill(site, weeks, durable) for _ in range(times)]
        seconds = tuple(s for s, _, _ in runs)
        written = runs[0][1]
        label = "durable=True, as the CLI" if durable else "durable=False, no fsync"
        figures.append(Figure(f"backfill {weeks} weeks ({written} editions), {label}", seconds,
                              "s", TARGET_S if durable and weeks == WEEKS else None))
        figures.append(Figure(f"  editions per second, {label}",
                              tuple(written / s for s in seconds), "editions/s",
                              higher_is_better=True))
        if durable:
            rss = tuple(r for _, _, r in runs)
    modules = ["generator.cli", "generator.build", "generator.publish"]
    modules += [m for names in CHANNEL_MODULES.values() for m in names]
    figures += [
        Figure("peak RSS: bare interpreter", (probe([sys.executable, "-c", "pass"])[1],), "MB"),
        Figure("peak RSS: interpreter with mindreel and its channels imported",
               (probe([sys.executable, "-c", "import " + ", ".join(modules)])[1],), "MB"),
        Figure(f"peak RSS: {weeks}-week durable backfill", rss, "MB",
               TARGET_MB if weeks == WEEKS else None),
    ]
    for figure in figures:
        print(figure)
    return figures


def _child(schedule: Path, weeks: int, durable: bool) -> None:
    """The measured backfill: what ``mindreel build --from --to`` does, nothing else."""
    project = Site(schedule, "").project()
    start = time.perf_counter()
    results = build_weeks(project, [FIRST_WEEK + n for n in range(weeks)], now=NOW,
                          durable=durable)
    elapsed = time.perf_counter() - start
    print(json.dumps([elapsed, sum(1 for r in results if r.status == "new")]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-durable", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.weeks, not args.no_durable)
        return
    with temporary_site() as site:
        run(site, args.weeks, args.repeat)


if __name__ == "__main__":
    main()
