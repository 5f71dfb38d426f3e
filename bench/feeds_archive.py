"""How long the outbox-level web files take: the three feeds and the whole archive.

Builds ``--weeks`` editions of the test fixture site into a temporary outbox through
the real flow, then times ``render_feeds`` (the latest ``feeds.items`` editions) and
``render_archive`` (every edition) straight from the ledger, best of ``--repeat`` runs.

    python bench/feeds_archive.py --weeks 520
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from benchlib import copy_fixture, repeat

from generator.build import build_weeks, context_for
from generator.channels.web import feeds
from generator.channels.web import pages as web
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.project import load_project
from generator.weeks import IsoWeek

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def best_of(times: int, work: Callable[[], object]) -> float:
    return min(repeat(times, work))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        schedule = copy_fixture(Path(tmp) / "site")
        schedule.write_text(schedule.read_text("utf-8")
                            + "channels: {email: false, feeds: true, social: false}\n")
        project = load_project(schedule)
        first = IsoWeek.parse("2026-W01")
        start = time.perf_counter()
        build_weeks(project, [first + n for n in range(args.weeks)], now=NOW, durable=False)
        elapsed = time.perf_counter() - start
        print(f"build of {args.weeks} weeks (web channel only): {elapsed:.2f} s")
        ctx = context_for(project)
        with Ledger(Outbox(project.config.outbox).ledger_path) as ledger:
            entries = ledger.entries()
            latest = ledger.latest(ctx.settings.feeds.items)
        feed_s = best_of(args.repeat, lambda: feeds.render_feeds(latest, ctx))
        archive_s = best_of(args.repeat, lambda: web.render_archive(entries, ctx))
        size = sum(len(b) for b in web.render_archive(entries, ctx).values())
        print(f"render_feeds, {len(latest)} items: {feed_s * 1000:.1f} ms")
        print(f"render_archive, {len(entries)} editions: {archive_s * 1000:.1f} ms "
              f"({len(entries) + 1} files, {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
