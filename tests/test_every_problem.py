"""Every problem at once: mistakes made together are reported exactly as they are alone.

Each mistake below breaks one line of the fixture site and is reported on its own by
``load_project``. Made together, in any combination, the report must be the union of
the single reports: no problem hides another (a schema error in one film must not stop
the duplicate-id and reference checks), and none adds a follow-on error.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import BadInput
from generator.project import load_project
from tests.conftest import copy_site

# (file, text on one line, what it becomes): each keeps the file's line count.
MISTAKES = {
    "schedule-typo": ("schedule.yaml", "  cooldown_weeks: 3", "  cooldown_week: 3"),
    "schedule-bidi": ("schedule.yaml", "  title: mindreel", "  title: mind\u202ereel"),
    "film-year-text": ("data/films.yaml", "    year: 2005", '    year: "2005"'),
    "film-duplicate-id": ("data/films.yaml", "  - id: cart", "  - id: marathon"),
    "film-impossible-date": ("data/films.yaml", "release_date: 2011-09-22",
                             "release_date: 2011-02-30"),
    "film-unknown-theme": ("data/films.yaml", "themes: [trauma, disability-rights]",
                           "themes: [trauma, disability-right]"),
    "theme-bidi": ("data/themes.yaml", "tagline: {en: Depression is common",
                   "tagline: {en: \u202bDepression is common"),
    "helpline-future": ("data/helplines.yaml", "        verified: 2026-11-25\n        sources:\n"
                        "          - {title: Newspim", "        verified: 2027-11-25\n"
                        "        sources:\n          - {title: Newspim"),
    "helpline-language": ("data/helplines.yaml", "languages: [ko]", "languages: [Korean]"),
    "observance-region": ("data/awareness_days.yaml", "    regions: [INTL]",
                          "    regions: [ZZ]"),
}


def _problems(names: frozenset[str]) -> set[str]:
    with tempfile.TemporaryDirectory() as folder:
        schedule = copy_site(Path(folder) / "site")
        site = schedule.parent
        for name in sorted(names):
            file, old, new = MISTAKES[name]
            path = site / file
            text = path.read_text("utf-8")
            assert text.count(old) >= 1, name
            path.write_text(text.replace(old, new, 1), "utf-8")
        try:
            load_project(schedule)
        except BadInput as exc:
            return {str(p).replace(str(site) + "/", "") for p in exc.problems}
        finally:
            shutil.rmtree(site)
    return set()


@functools.cache
def _alone(name: str) -> frozenset[str]:
    return frozenset(_problems(frozenset([name])))


def test_each_mistake_alone_is_reported() -> None:
    for name in MISTAKES:
        assert _alone(name), name
    assert all(len(_alone(name)) == 1 for name in MISTAKES)


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(MISTAKES)), min_size=2))
def test_mistakes_together_are_reported_as_they_are_alone(names: set[str]) -> None:
    expected = set().union(*(_alone(name) for name in names))
    assert _problems(frozenset(names)) == expected


def test_the_three_problems_of_the_report() -> None:
    """A mistyped schedule key, a duplicate id and a year as text: all three."""
    got = _problems(frozenset({"schedule-typo", "film-duplicate-id", "film-year-text"}))
    assert got == {
        "schedule.yaml:8: rotation.cooldown_week: unknown key (check the spelling)",
        "data/films.yaml:35: films[1].year: input should be a valid integer, got str",
        "data/films.yaml:98: films[4].id: duplicate id 'marathon' (also films[1])",
    }
