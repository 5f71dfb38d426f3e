"""Where the time goes: cProfile over one warm edition or a short backfill.

    python bench/profile_build.py edition [--top 25]
    python bench/profile_build.py backfill [--weeks 52] [--top 25]

Prints the functions with the most cumulative time, then the most time of their own.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats

from benchlib import FIRST_WEEK, NOW, WEEK, temporary_site

from generator.build import build_weeks, picker_for, render_pick
from generator.ledger import Ledger
from generator.outbox import Outbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("edition", "backfill"))
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=20, help="renders (edition)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with temporary_site() as site:
        project = site.project()
        profiler = cProfile.Profile()
        if args.what == "edition":
            outbox = Outbox(project.config.outbox)
            outbox.prepare()
            with Ledger(outbox.ledger_path) as ledger:
                pick = picker_for(project, ledger).pick(WEEK)
            render_pick(project, pick, NOW)  # warm
            profiler.enable()
            for _ in range(args.repeat):
                render_pick(project, pick, NOW)
            profiler.disable()
        else:
            weeks = [FIRST_WEEK + n for n in range(args.weeks)]
            profiler.enable()
            build_weeks(project, weeks, now=NOW, durable=True)
            profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.top)
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
