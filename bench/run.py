"""Run every benchmark and print a summary against the targets: ``python bench/run.py``.

Figures, not assertions: each line gives the median, minimum and maximum over repeated
runs. Options scale the work down for a quick look (``--repeat 3 --weeks 52``).
"""

from __future__ import annotations

import argparse
import os
import platform

import bench_backfill
import bench_cold
import bench_warm
from benchlib import CHANNEL_MODULES, Figure, temporary_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per process benchmark")
    parser.add_argument("--warm-repeat", type=int, default=50, help="renders per warm figure")
    parser.add_argument("--backfill-repeat", type=int, default=3, help="backfills per setting")
    parser.add_argument("--weeks", type=int, default=bench_backfill.WEEKS)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} CPU(s); channels: " + ", ".join(CHANNEL_MODULES))
    figures: list[Figure] = []
    with temporary_site() as site:
        print("\n(a) cold build")
        figures += bench_cold.run(site, args.repeat)
        print("\n(b) warm render")
        figures += bench_warm.run(site, args.warm_repeat)
        print("\n(c) backfill and (d) memory")
        figures += bench_backfill.run(site, args.weeks, args.backfill_repeat)
    print("\nsummary against the targets")
    for figure in figures:
        if figure.target is not None:
            print(figure)


if __name__ == "__main__":
    main()
