"""(b) Warm render time of one edition, per channel, in-process.

After one untimed render (templates compiled, libraries imported), it times
``render_pick`` (every enabled channel plus the safety guard: one whole edition in
memory), the same for a different week each time (what a backfill does, where the
per-process caches of texts, headers and posts help less), then each step on its own:
the Edition, each renderer in ``enabled_renderers``, the safety guard, the manifest, and
the outbox-level files that ``publish`` writes (feeds, web archive, review page) from a
ledger of a year of editions.

    python bench/bench_warm.py [--repeat 50]
"""

from __future__ import annotations

import argparse
from functools import partial

from benchlib import NOW, WEEK, Figure, Site, repeat, temporary_site

from generator.build import build_weeks, context_for, picker_for, render_pick
from generator.channels import enabled_renderers
from generator.edition import make_edition
from generator.ledger import Ledger
from generator.manifest import make_manifest
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project
from generator.publish import derived_files
from generator.safety import check_edition
from generator.weeks import IsoWeek

TARGET_MS = 5.0


def run(site: Site, times: int) -> list[Figure]:
    project = site.project()
    ctx = context_for(project)
    site.clear_outbox()
    outbox = Outbox(project.config.outbox)
    outbox.prepare()
    with Ledger(outbox.ledger_path) as ledger:
        pick = picker_for(project, ledger).pick(WEEK)
    render_pick(project, pick, NOW)  # warm: imports, template compilation, caches
    ms = 1000.0
    figures = [Figure(f"warm edition, all channels + safety ({pick.kind} {pick.feature_id})",
                      repeat(times, lambda: render_pick(project, pick, NOW), ms), "ms", TARGET_MS)]
    # The same edition again finds every text, header and post in the caches; a backfill
    # renders a new edition each time. Time that too: each of the weeks after WEEK once.
    plan = iter(distinct_picks(project, times))
    figures.append(Figure("warm edition, a different week each time", repeat(
        times, lambda: render_pick(project, next(plan), NOW), ms), "ms"))
    edition = make_edition(pick, project.catalogue, project.config.settings)
    figures.append(Figure("  make_edition", repeat(
        times, lambda: make_edition(pick, project.catalogue, project.config.settings), ms), "ms"))
    files: dict[str, bytes] = {}
    for name, renderer in enabled_renderers(ctx.settings):
        files.update(renderer(edition, ctx))
        figures.append(Figure(f"  channel {name}", repeat(
            times, partial(renderer, edition, ctx), ms), "ms"))
    figures.append(Figure("  safety guard (check_edition)", repeat(
        times, lambda: check_edition(edition, files, project, NOW.date()), ms), "ms"))
    figures.append(Figure("  manifest", repeat(
        times, lambda: make_manifest(edition, files, []), ms), "ms"))
    # Outbox-level files from a ledger holding a year of editions.
    weeks = [WEEK + offset for offset in range(-51, 1)]
    build_weeks(project, weeks, now=NOW, durable=False)
    with Ledger(outbox.ledger_path) as ledger:
        count = len(ledger.entries())
        published = derived_files(outbox, ledger, ctx, NOW)
        figures.append(Figure(
            f"  publish: {len(published)} outbox-level files from {count} editions",
            repeat(max(3, times // 5), lambda: derived_files(outbox, ledger, ctx, NOW), ms), "ms"))
    for figure in figures:
        print(figure)
    return figures


def distinct_picks(project: Project, count: int) -> list[Pick]:
    """The picks of the ``count`` editions after WEEK, each planned from those before it,
    as a backfill plans them (skipped weeks left out)."""
    history: dict[IsoWeek, tuple[str, str, str]] = {}
    picks: list[Pick] = []
    week = WEEK
    while len(picks) < count:
        week = week + 1
        pick = Picker(project.catalogue, project.config.settings,
                      {w: feature for w, (_kind, feature, _reason) in history.items()},
                      dict(history)).pick(week)
        if pick.kind != "skip":
            history[week] = (pick.kind, pick.feature_id, pick.reason)
            picks.append(pick)
    return picks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with temporary_site() as site:
        run(site, args.repeat)


if __name__ == "__main__":
    main()
