"""Share cards: render time per edition (target ≤ 60 ms warm, one core) and PNG sizes
(target ≤ 400 KB each), over every film and theme of the catalogue.

Each feature gets an edition in the same week; after one untimed render (fonts loaded,
palettes built) its cards are drawn ``--repeat`` times with the card cache cleared, and
the process is pinned to one CPU where the system allows it. Timing is CPU time of this
process (``time.process_time``), so other work on a shared machine inflates it less
than wall time; both are printed. Also printed: where one edition's time goes (layout,
painting, PNG encoding) and the largest file of each card kind.

    python bench/cards.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from benchlib import WEEK, Figure, temporary_site

from generator.channels.cards.channel import edition_cards
from generator.channels.cards.design import EDITION_KINDS, SPECS, blocks, card_text, category_of
from generator.channels.cards.draw import encode, lay_out, paint
from generator.channels.cards.palette import palette_for
from generator.edition import Edition, make_edition
from generator.errors import ChannelError
from generator.picker import Pick

TARGET_MS = 60.0
TARGET_KB = 400.0


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity here)"


def timed(times: int, work: Callable[[], object]) -> tuple[list[float], list[float]]:
    """(CPU ms, wall ms) of ``work``, ``times`` times."""
    cpu, wall = [], []
    for _ in range(times):
        c, w = time.process_time(), time.perf_counter()
        work()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return cpu, wall


def all_cards(edition: Edition) -> None:
    edition_cards.cache_clear()
    edition_cards(edition)


def breakdown(edition: Edition, times: int) -> list[Figure]:
    """Layout, painting and encoding of every card of one edition, separately."""
    text = card_text(edition)
    palette = palette_for(category_of(edition))
    layouts = [lay_out(SPECS[k], *blocks(k, text)) for k in EDITION_KINDS]
    images = [paint(layout) for layout in layouts]
    layout_ms, _ = timed(times, lambda: [lay_out(SPECS[k], *blocks(k, text))
                                         for k in EDITION_KINDS])
    paint_ms, _ = timed(times, lambda: [paint(layout) for layout in layouts])
    encode_ms, _ = timed(times, lambda: [encode(image.copy(), palette) for image in images])
    return [Figure("  layout (wrap, shrink, place)", tuple(layout_ms), "ms"),
            Figure("  paint (text and panels)", tuple(paint_ms), "ms"),
            Figure("  encode (palette PNG)", tuple(encode_ms), "ms")]


def run(times: int) -> list[Figure]:
    print(pin_to_one_core())
    figures: list[Figure] = []
    with temporary_site() as site:
        project = site.project()
        catalogue = project.catalogue
        features = [("film", f.id) for f in catalogue.films if f.in_rotation] + \
            [("theme", t.id) for t in catalogue.themes]
        editions = []
        for kind, feature in features:
            pick = Pick(WEEK, kind, feature, "bench", "pin")  # type: ignore[arg-type]
            editions.append(make_edition(pick, catalogue, project.config.settings))
        sizes: dict[str, list[int]] = {k: [] for k in EDITION_KINDS}
        medians: list[float] = []
        walls: list[float] = []
        failures = []
        for edition in editions:
            try:
                all_cards(edition)  # warm: fonts at these sizes, palette
            except ChannelError as exc:
                failures.append(str(exc))
                continue
            for kind, card in edition_cards(edition).items():
                sizes[kind].append(len(card.png))
            cpu, wall = timed(times, lambda e=edition: all_cards(e))
            medians.append(sorted(cpu)[len(cpu) // 2])
            walls.append(sorted(wall)[len(wall) // 2])
        print(f"{len(editions)} editions ({len(editions) - len(failures)} drawn), "
              f"{len(EDITION_KINDS)} cards each, {times} runs each")
        for message in failures:
            print(f"  does not fit: {message}")
        figures.append(Figure("all cards of one edition, CPU (median per edition)",
                              tuple(medians), "ms", TARGET_MS))
        figures.append(Figure("all cards of one edition, wall (median per edition)",
                              tuple(walls), "ms"))
        slowest = max(range(len(medians)), key=medians.__getitem__)
        print(f"slowest edition: {editions[slowest].feature_id} ({medians[slowest]:.1f} ms CPU)")
        figures += breakdown(editions[slowest], times)
        for kind in EDITION_KINDS:
            spec = SPECS[kind]
            figures.append(Figure(f"PNG size, {kind} {spec.width}x{spec.height}",
                                  tuple(s / 1024 for s in sizes[kind]), "KB", TARGET_KB))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="renders per edition")
    args = parser.parse_args()
    for figure in run(args.repeat):
        print(figure)


if __name__ == "__main__":
    main()
