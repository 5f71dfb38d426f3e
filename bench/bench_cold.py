"""(a) A cold ``mindreel build`` of one week, as a whole process, and its slowest imports.

"Cold" means a new interpreter and an empty outbox each time; the OS file cache and the
bytecode cache are warm, as they are for a weekly cron job on a running machine. Both
entry points are timed: ``python -m generator build`` and the ``mindreel`` console
script. ``python -X importtime`` then shows where start-up time goes.

    python bench/bench_cold.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from benchlib import NOW_TEXT, WEEK, Figure, Site, temporary_site

TARGET_S = 0.35
_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( +)(\S+)$")


def _env() -> dict[str, str]:
    """The caller's environment with the clock pinned, and Python allowed to write its
    bytecode cache: with PYTHONDONTWRITEBYTECODE set (some shells and containers set it)
    a checkout never gets one, and every run would compile mindreel's own modules from
    source again (about 0.2 s), which no installed copy does."""
    env = {**os.environ, "MINDREEL_NOW": NOW_TEXT}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _build_args(site: Site) -> list[str]:
    return ["build", "--config", str(site.schedule), "--week", str(WEEK)]


def time_process(site: Site, command: list[str], times: int) -> tuple[float, ...]:
    samples = []
    for _ in range(times):
        site.clear_outbox()
        start = time.perf_counter()
        done = subprocess.run(command, cwd=site.root, env=_env(), capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return tuple(samples)


def console_script() -> str:
    beside = Path(sys.executable).with_name("mindreel")
    return str(beside) if beside.exists() else "mindreel"


def import_times(site: Site) -> tuple[float, list[tuple[float, float, str]]]:
    """Total import time and the top-level imports by cumulative time (ms, ms, name)."""
    site.clear_outbox()
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator",
                           *_build_args(site)], cwd=site.root, env=_env(), capture_output=True,
                          text=True)
    rows: list[tuple[float, float, str]] = []
    total = 0.0
    for line in done.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if not match:
            continue
        own, cumulative, indent, name = match.groups()
        total += int(own) / 1000
        if len(indent) == 1:  # imported by the program itself, not by another module
            rows.append((int(cumulative) / 1000, int(own) / 1000, name))
    return total, sorted(rows, reverse=True)


def interpreter_start(times: int) -> tuple[float, ...]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append(time.perf_counter() - start)
    return tuple(samples)


def run(site: Site, times: int) -> list[Figure]:
    module = [sys.executable, "-m", "generator", *_build_args(site)]
    time_process(site, module, 1)  # bytecode cache
    figures = [
        Figure("bare interpreter start (python -c pass)", interpreter_start(times), "s"),
        Figure("cold build, one week: python -m generator build", time_process(site, module, times),
               "s", TARGET_S),
        Figure("cold build, one week: mindreel build",
               time_process(site, [console_script(), *_build_args(site)], times), "s", TARGET_S),
    ]
    for figure in figures:
        print(figure)
    total, rows = import_times(site)
    print(f"imports (python -X importtime): {total:.0f} ms in all; top-level imports by "
          "cumulative time:")
    for cumulative, own, name in rows[:15]:
        print(f"  {cumulative:8.1f} ms  (self {own:6.1f} ms)  {name}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with temporary_site() as site:
        run(site, args.repeat)


if __name__ == "__main__":
    main()
