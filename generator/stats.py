"""A plain-text health report of the catalogue, for the people who maintain it.

The catalogue's substance decays: helplines change numbers, streaming claims expire, and a
theme with too few titles cannot rotate. This report puts those risks on one page so they
are fixed before an edition goes out. It is pure: the caller passes ``today``, so the same
catalogue and date always give the same text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from generator.catalogue import Catalogue

MIN_TITLES_PER_THEME = 2
"""A theme needs at least this many in-rotation titles to be featured without repeats."""

AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("< 90 days", 90),
    ("90-180 days", 180),
    ("180-365 days", 365),
    ("> 365 days", None),
)
"""Age bands for verified dates: (label, exclusive upper bound in days; None = no bound)."""

FUTURE = "in the future (check the date)"


@dataclass(frozen=True)
class Dated:
    """Something whose facts carry a ``verified`` date: a helpline or a streaming claim."""

    label: str
    verified: date


def catalogue_summary(catalogue: Catalogue, today: date) -> str:
    """Counts, theme coverage, exclusions and verification ages as plain text.

    ``today`` is passed in (never read from the clock) so the report is reproducible.
    """
    sections = [
        [f"Catalogue summary as of {today.isoformat()}"],
        _counts(catalogue),
        _theme_coverage(catalogue),
        _out_of_rotation(catalogue),
        _ages("Helplines by age of verified date", _helplines(catalogue), today),
        _ages("Streaming entries by age of verified date", _streaming(catalogue), today),
    ]
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _counts(catalogue: Catalogue) -> list[str]:
    """Totals by type and by category, so gaps in the mix are visible at a glance."""
    films = catalogue.films
    in_rotation = sum(1 for f in films if f.in_rotation)
    lines = [
        f"Titles: {len(films)} ({in_rotation} in rotation, {len(films) - in_rotation} out)",
        "By type:",
    ]
    by_type = Counter(f.type for f in films)
    lines += [f"  {kind}: {by_type[kind]}" for kind in sorted(by_type)]
    lines.append("By category:")
    by_category = Counter(f.category for f in films)
    rotating = Counter(f.category for f in films if f.in_rotation)
    for term in catalogue.vocabulary.categories:
        lines.append(f"  {term.id}: {by_category[term.id]} ({rotating[term.id]} in rotation)")
    unknown = sorted(set(by_category) - {t.id for t in catalogue.vocabulary.categories})
    lines += [f"  {cat} (not in vocabulary): {by_category[cat]}" for cat in unknown]
    return lines


def _theme_coverage(catalogue: Catalogue) -> list[str]:
    """Titles per theme; a theme below the minimum is flagged because it cannot rotate."""
    lines = [f"Theme coverage (in rotation / all; needs >= {MIN_TITLES_PER_THEME} in rotation):"]
    short: list[str] = []
    for theme in catalogue.themes:
        rotating = len(catalogue.films_with_theme(theme.id))
        total = len(catalogue.films_with_theme(theme.id, rotation_only=False))
        flag = ""
        if rotating < MIN_TITLES_PER_THEME:
            flag = "  <-- too few titles"
            short.append(theme.id)
        lines.append(f"  {theme.id}: {rotating} / {total}{flag}")
    if short:
        lines.append(f"Themes needing titles: {', '.join(short)}")
    else:
        lines.append("Every theme has enough titles.")
    return lines


def _out_of_rotation(catalogue: Catalogue) -> list[str]:
    """Excluded titles with their reason, so an exclusion is a visible decision."""
    excluded = [f for f in catalogue.films if not f.in_rotation]
    lines = [f"Out of rotation: {len(excluded)}"]
    for film in excluded:
        reason = film.excluded_reason["en"] if film.excluded_reason else "(no reason given)"
        lines.append(f"  {film.id}: {_one_line(reason)}")
    return lines


def _helplines(catalogue: Catalogue) -> list[Dated]:
    return [
        Dated(f"{region.id}/{line.id}", line.verified)
        for region in catalogue.regions
        for line in region.lines
    ]


def _streaming(catalogue: Catalogue) -> list[Dated]:
    return [
        Dated(f"{film.id}: {entry.service} ({entry.region})", entry.verified)
        for film in catalogue.films
        for entry in film.where_to_watch
    ]


def _ages(title: str, items: Iterable[Dated], today: date) -> list[str]:
    """Group dated items by age band; older bands are the ones to re-check first."""
    groups: dict[str, list[str]] = {label: [] for label, _ in AGE_BUCKETS}
    groups[FUTURE] = []
    count = 0
    for item in items:
        count += 1
        groups[_bucket((today - item.verified).days)].append(item.label)
    lines = [f"{title}: {count}"]
    if count == 0:
        lines.append("  (none)")
        return lines
    for label in [*(label for label, _ in AGE_BUCKETS), FUTURE]:
        members = sorted(groups[label])
        if label == FUTURE and not members:
            continue
        lines.append(f"  {label}: {len(members)}")
        lines += [f"    {member}" for member in members]
    return lines


def _bucket(age_days: int) -> str:
    """The age band label for an age in days (negative ages are future dates)."""
    if age_days < 0:
        return FUTURE
    for label, upper in AGE_BUCKETS:
        if upper is None or age_days < upper:
            return label
    raise AssertionError("unreachable: the last bucket has no upper bound")


def _one_line(text: str) -> str:
    return " ".join(text.split())
