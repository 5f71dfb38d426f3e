"""The corrections from the catalogue fact-check stay in, and the shape that keeps them
honest holds: ``year`` is the Korean release, a festival premiere has its own field, and
every gap in theme coverage says why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.catalogue import Catalogue, Film, load_catalogue
from generator.errors import BadInput
from tests.conftest import REPO, copy_site

DATA = REPO / "data"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(DATA)


def film(catalogue: Catalogue, film_id: str) -> Film:
    found = catalogue.film(film_id)
    assert found is not None, film_id
    return found


def all_text(catalogue: Catalogue) -> str:
    return "\n".join(m.model_dump_json() for m in (*catalogue.films, *catalogue.themes,
                                                    *catalogue.observances))


def test_year_is_the_korean_release_and_premieres_have_their_own_field(
        catalogue: Catalogue) -> None:
    for item in catalogue.films:
        if item.release_date is not None:
            assert item.year == item.release_date.year, item.id
    expected = {"bleak-night": (2011, 2010), "house-of-hummingbird": (2019, 2018),
                "next-sohee": (2023, 2022), "han-gong-ju": (2014, 2013),
                "moving-on": (2020, 2019)}
    for film_id, (year, premiere) in expected.items():
        item = film(catalogue, film_id)
        assert item.premiere is not None, film_id
        assert (item.year, item.premiere.year) == (year, premiere), film_id


def test_a_festival_year_in_year_is_bad_input_with_its_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site").parent
    films = site / "data" / "films.yaml"
    films.write_text(films.read_text("utf-8").replace("    year: 2011\n", "    year: 2010\n"),
                     "utf-8")
    with pytest.raises(BadInput) as caught:
        load_catalogue(site / "data")
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("data/films.yaml:") or "films.yaml:" in m for m in messages)
    assert any("Korean release year" in m for m in messages), messages


def test_the_listed_data_fixes(catalogue: Catalogue) -> None:
    assert film(catalogue, "aloners").runtime_min == 90
    moment = film(catalogue, "a-moment-to-remember").why_it_matters
    assert "257만" in moment["ko"] and "2,565,078" in moment["en"]
    friends = film(catalogue, "dear-my-friends")
    assert "dementia-caregiving" in friends.themes
    assert any("tenasia" in s.url for s in friends.sources)
    assert len(film(catalogue, "han-gong-ju").cast) >= 2
    assert film(catalogue, "mad-for-each-other").writer
    birthday = film(catalogue, "birthday").why_it_matters
    assert "첫 한국 장편" not in birthday["ko"] and "The first Korean" not in birthday["en"]
    assert "Eyelids" in birthday["en"] and "눈꺼풀" in birthday["ko"]


@pytest.mark.parametrize("claim", [
    r"Studies of the US 988", r"미국 988 상담전화에 대한",    # the studies predate 988
    r"Kim Doo-sik", r"김두식",                                # no source for the quote
    r"close friend's death by suicide", r"가까운 친구의 자살",  # Navillera, unconfirmed
    r"death on screen", r"화면에 직접",                        # Thread of Lies, unconfirmed
    r"first Korean drama about", r"첫 한국 드라마",            # Kill Me, Heal Me
    r"living with depression died", r"우울증이 있던 노인",     # Innocent Witness
    r"5,148,022", r"514만",                                   # Marathon's exact count
    r"30 March 2023", r"3월 30일",                            # Next Sohee plenary date
    r"since 2011", r"2011년부터 기념식",                       # Suicide Prevention Day
])
def test_unsourced_claims_are_gone(catalogue: Catalogue, claim: str) -> None:
    assert not re.search(claim, all_text(catalogue))


def test_who_figures_cite_who_itself(catalogue: Catalogue) -> None:
    for theme in catalogue.themes:
        for fact in theme.facts:
            if re.search(r"\bWHO\b", fact.text["en"]) and re.search(r"million|%", fact.text["en"]):
                assert fact.source.url.startswith("https://www.who.int/"), (theme.id, fact.text)


def test_bipolar_disorder_is_a_theme_or_a_recorded_gap() -> None:
    import yaml

    raw = yaml.safe_load((DATA / "themes.yaml").read_text("utf-8"))
    theme_ids = {t["id"] for t in raw["themes"]}
    gaps = {g["topic"]: g for g in raw.get("not_covered", [])}
    assert "bipolar-disorder" in theme_ids or len(gaps["bipolar-disorder"]["reason"]) > 80
