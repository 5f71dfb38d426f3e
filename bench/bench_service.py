"""What ``mindreel run`` costs while it waits: resident memory and CPU time when idle.

Spawns the real service on a copy of the test fixture site with the clock pinned
(``MINDREEL_NOW``), waits for its "next run" line, then samples the process from
/proc (Linux) for ``--seconds``. Two cases:

- ``up-to-date``: the ledger already holds this week, so the service builds nothing and
  never imports a channel: the cost of waiting alone;
- ``after-build``: an empty ledger, so the service builds this week's edition at start
  with every channel the schedule enables, then waits: memory after a real build.

``service.check_minutes`` is set to 1 so checks happen during the window (the default
is 10). Prints figures, asserts nothing.

    python bench/bench_service.py --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
NOW = "2026-12-02T10:00:00+09:00"
TICKS = os.sysconf("SC_CLK_TCK")


def copy_site(dest: Path, check_minutes: int) -> Path:
    shutil.copytree(FIXTURE, dest)
    schedule = dest / "schedule.yaml"
    text = schedule.read_text("utf-8").replace("templates: ../../../templates",
                                                f"templates: {REPO / 'templates'}")
    schedule.write_text(text + f"service:\n  check_minutes: {check_minutes}\n", "utf-8")
    return dest


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in KiB: resident now, and the peak so far."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def measure(site: Path, seconds: float) -> dict[str, Any]:
    env = {**os.environ, "MINDREEL_NOW": NOW}
    began = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "run", "--log-format", "json"],
                            cwd=site, env=env, stderr=subprocess.PIPE, text=True)
    events: list[dict[str, Any]] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            event = json.loads(line)
            events.append(event)
            if event["event"] == "next run":
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not ready.wait(60):
        proc.kill()
        raise SystemExit(f"the service did not become ready: {events}")
    startup = time.monotonic() - began
    cpu_start = cpu_seconds(proc.pid)
    rss_start, _ = rss_kib(proc.pid)
    samples = []
    window_start = time.monotonic()
    while time.monotonic() - window_start < seconds:
        time.sleep(1)
        samples.append(rss_kib(proc.pid)[0])
    window = time.monotonic() - window_start
    cpu_idle = cpu_seconds(proc.pid) - cpu_start
    rss_end, peak = rss_kib(proc.pid)
    cpu_total = cpu_seconds(proc.pid)
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(30)
    reader.join(5)
    return {
        "startup_s": startup, "window_s": window, "cpu_idle_s": cpu_idle,
        "cpu_total_s": cpu_total, "rss_start_mib": rss_start / 1024,
        "rss_end_mib": rss_end / 1024, "rss_max_in_window_mib": max(samples) / 1024,
        "peak_mib": peak / 1024, "exit": code,
        "events": [f"{e['event']}{' ' + e['week'] if 'week' in e else ''}" for e in events],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--check-minutes", type=int, default=1)
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        raise SystemExit("this benchmark reads /proc (Linux)")
    with tempfile.TemporaryDirectory() as tmp:
        cases = {}
        up_to_date = copy_site(Path(tmp) / "up-to-date", args.check_minutes)
        done = subprocess.run([sys.executable, "-m", "generator", "run", "--once"],
                              cwd=up_to_date, env={**os.environ, "MINDREEL_NOW": NOW},
                              capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"could not prepare the ledger:\n{done.stderr}")
        cases["up-to-date"] = measure(up_to_date, args.seconds)
        cases["after-build"] = measure(copy_site(Path(tmp) / "after-build", args.check_minutes),
                                       args.seconds)
    print(f"mindreel run, idle for {args.seconds:g} s, checks every {args.check_minutes} min "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    for name, r in cases.items():
        print(f"\n{name}: events {', '.join(r['events'])}; exit {r['exit']}")
        print(f"  ready after        {r['startup_s']:.2f} s")
        print(f"  resident memory    {r['rss_start_mib']:.1f} MiB at ready, "
              f"{r['rss_end_mib']:.1f} MiB after {r['window_s']:.0f} s "
              f"(max {r['rss_max_in_window_mib']:.1f}, peak {r['peak_mib']:.1f})")
        share = 100 * r["cpu_idle_s"] / r["window_s"]
        print(f"  CPU while idle     {r['cpu_idle_s']:.3f} s over {r['window_s']:.0f} s "
              f"({share:.3f} %); {r['cpu_total_s']:.2f} s in all since start")


if __name__ == "__main__":
    main()
