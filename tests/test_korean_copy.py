"""Korean copy a Korean reader would accept: the editorial rules of the Korean catalogue text.

The schema checks shapes and the safety rules check harm; these hold the wording a Korean
culture desk would ask for (names in Hangul, one register per piece, Korean conventions
for titles and clinical terms), so a later edit cannot quietly bring the old copy back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.catalogue import Catalogue, load_catalogue

DATA = Path(__file__).resolve().parent.parent / "data"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(DATA)


def test_every_title_names_its_people_in_hangul(catalogue: Catalogue) -> None:
    """Korean readers know 이창동, not Lee Chang-dong: every title has both fields."""
    for film in catalogue.films:
        assert film.director_ko and HANGUL.search(film.director_ko), film.id
        assert not LATIN.search(film.director_ko), film.id
        assert len(film.cast_ko) == len(film.cast), film.id
        for name in film.cast_ko:
            assert HANGUL.search(name) and not LATIN.search(name), (film.id, name)


def test_directors_shared_by_titles_are_spelled_alike(catalogue: Catalogue) -> None:
    """One romanised name, one Hangul name: a person is not spelled two ways."""
    seen: dict[str, str] = {}
    for film in catalogue.films:
        pairs = list(zip(film.cast, film.cast_ko, strict=True))
        pairs.append((film.director, film.director_ko or ""))
        for en, ko in pairs:
            assert seen.setdefault(en, ko) == ko, (film.id, en, ko, seen[en])
