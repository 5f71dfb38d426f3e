"""Checks on the bundled catalogue in data/: the facts and wording we promise readers.

The schema (generator/catalogue.py) guarantees shapes; these tests guarantee editorial
rules that a schema cannot express: coverage, safe-messaging language, corrections to the
seed article, and that every fact carries a source and a date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.catalogue import Catalogue, Film, load_catalogue

DATA = Path(__file__).resolve().parent.parent / "data"
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Words and phrases our own copy must never use (safe-messaging and disability-language
# guidance: AP, Mindframe, ReportingOnSuicide, Samaritans, 자살예방 보도준칙 4.0,
# 정신건강보도 권고기준). English patterns are case-insensitive and word-bounded.
STIGMA_EN = [
    r"\bcrazy\b", r"\bcrazed\b", r"\binsane\b", r"\binsanity\b", r"\blunatics?\b",
    r"\bnutters?\b", r"\bnuts\b", r"\bpsychos?\b", r"\bschizo\b", r"\bschizophrenics?\b",
    r"\bderanged\b", r"\bmad\b", r"\bmadman\b", r"\bmental patients?\b",
    r"\bmentally ill (person|people|man|woman)\b", r"\bthe mentally ill\b",
    r"\bsuffer(s|ed|ing)? from\b", r"\bafflicted\b", r"\bvictims? of\b",
    r"\bcommit(s|ted|ting)? suicide\b", r"\bsuccessful (suicide|attempt)\b",
    r"\bunsuccessful (suicide|attempt)\b", r"\bfailed (suicide|attempt)\b",
    r"\bsuicide (victim|epidemic|bid|note)s?\b", r"\bepidemic\b", r"\bskyrocket",
    r"\bwheelchair[- ]bound\b", r"\bconfined to a wheelchair\b", r"\bretard", r"\bspastic\b",
    r"\bcripple", r"\bhandicapped\b", r"\bsimpleton\b", r"\bimbecile\b", r"\bmoron\b",
    r"\bidiot\b", r"\bfool\b",
]
# Korean patterns match inside words (particles attach), with look-arounds for ordinary
# words that contain a listed one (영향을 미친, 간질환, 사이코드라마, 장애 자녀).
STIGMA_KO = [
    r"극단적인?\s*선택", r"마지막\s*탈출구", r"벼랑\s*끝\s*선택", r"어쩔\s*수\s*없는\s*선택",
    r"정신병자", r"사이코(?!드라마|로지|패스|메트리|테라피|소셜|시스)", r"저능아", r"정신분열",
    r"장애우", r"장애자(?!녀)", r"정상인", r"일반인", r"(?<![을를])(?<![을를] )미친", r"미치광이",
    r"결정\s*장애", r"눈뜬\s*장님", r"간질(?!환)", r"장애를\s*앓", r"불구자", r"병신", r"바보",
    r"자살에\s*성공",
]
# Words that name a method or place of suicide. Never allowed in descriptive copy.
METHOD_EN = [
    r"\bhang(s|ed|ing)?\b", r"\bnoose\b", r"\bropes?\b", r"\bjump(s|ed|ing)?\b",
    r"\bbridges?\b", r"\boverdos", r"\bpills?\b", r"\bwrists?\b", r"\bpoison", r"\bguns?\b",
    r"\bshot (him|her)self\b", r"\bdrown", r"\brooftops?\b", r"\bcliffs?\b", r"\bslit\b",
    r"\bcharcoal\b", r"\bpesticide", r"\brailway\b", r"\bsocket\b",
]
METHOD_KO = [
    "투신", "목을 매", "목매", "음독", "손목", "번개탄", "과다 복용", "과다복용", "다리에서",
    "옥상", "한강", "농약", "뛰어내", "극약",
]
# A title's own name may carry a slur; only these titles, and only in `titles`.
TITLE_EXEMPT = {"its-okay-to-not-be-okay", "mad-for-each-other"}
SKIP_KEYS = {"url", "id", "image_url"}

REQUIRED_REGIONS = {"KR", "US", "CA", "GB", "IE", "AU", "NZ", "JP", "SG", "IN", "PH", "INTL"}
REQUIRED_CATEGORIES = {"mental-health", "neurodivergence", "disability", "dementia-ageing",
                       "grief-trauma"}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(DATA)


def _strings(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every human-facing string in a dumped model, with the key path that led to it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in SKIP_KEYS:
                yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, path)


def _all_text(catalogue: Catalogue) -> Iterator[tuple[str, tuple[str, ...], str]]:
    """(owner, path, text) for all catalogue text; owner names the record for messages."""
    for film in catalogue.films:
        for path, text in _strings(film.model_dump()):
            if film.id in TITLE_EXEMPT and path[:1] == ("titles",):
                continue
            yield f"film {film.id}", path, text
    for theme in catalogue.themes:
        for path, text in _strings(theme.model_dump()):
            yield f"theme {theme.id}", path, text
    for region in catalogue.regions:
        for path, text in _strings(region.model_dump()):
            yield f"region {region.id}", path, text
    for obs in catalogue.observances:
        for path, text in _strings(obs.model_dump()):
            yield f"observance {obs.id}", path, text
    for path, text in _strings(catalogue.vocabulary.model_dump()):
        yield "vocabulary", path, text


def _stigma_hits(text: str) -> list[str]:
    hits = [p for p in STIGMA_EN if re.search(p, text, re.IGNORECASE)]
    return hits + [p for p in STIGMA_KO if re.search(p, text)]


def _method_hits(text: str) -> list[str]:
    hits = [p for p in METHOD_EN if re.search(p, text, re.IGNORECASE)]
    return hits + [w for w in METHOD_KO if w in text]


def _copy(film: Film) -> list[str]:
    """The descriptive copy of a film, in every locale written."""
    fields = [film.synopsis, film.why_it_matters, film.note, film.excluded_reason]
    return [text for field in fields if field for text in field.values()]


# --- size and shape ----------------------------------------------------------------------

def test_catalogue_has_minimum_sizes(catalogue: Catalogue) -> None:
    assert len(catalogue.films) >= 36
    assert len(catalogue.themes) >= 14
    assert len(catalogue.regions) >= 12
    assert len(catalogue.observances) >= 12


def test_ids_are_unique_across_each_kind(catalogue: Catalogue) -> None:
    groups = {
        "films": [f.id for f in catalogue.films],
        "themes": [t.id for t in catalogue.themes],
        "observances": [o.id for o in catalogue.observances],
        "regions": [r.id for r in catalogue.regions],
        "helplines": [line.id for r in catalogue.regions for line in r.lines],
    }
    for kind, ids in groups.items():
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"duplicate {kind} ids: {dupes}"
    assert not set(groups["films"]) & set(groups["themes"]), "film and theme ids overlap"


def test_required_categories_exist(catalogue: Catalogue) -> None:
    ids = {c.id for c in catalogue.vocabulary.categories}
    assert ids >= REQUIRED_CATEGORIES
    assert ids - REQUIRED_CATEGORIES <= {"wellbeing"}


# --- films -------------------------------------------------------------------------------

def test_every_film_has_an_https_source_and_a_theme(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        assert film.sources, film.id
        for source in film.sources:
            assert source.url.startswith("https://"), (film.id, source.url)
            assert source.accessed is not None, (film.id, source.url)
        assert film.themes, film.id


def test_korean_titles_contain_hangul(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        assert HANGUL.search(film.titles.ko), (film.id, film.titles.ko)


def test_years_are_plausible(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        assert 1950 <= film.year <= 2026, (film.id, film.year)
        if film.release_date is not None:
            assert film.release_date <= date(2026, 12, 31), film.id


def test_runtime_for_films_episodes_for_dramas(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        if film.type == "film":
            assert film.runtime_min and film.episodes is None, film.id
        else:
            assert film.episodes and film.network and film.runtime_min is None, film.id


def test_tv_dramas_carry_no_unverified_rating(catalogue: Catalogue) -> None:
    """TV ratings were not verified, so no drama may claim one."""
    assert [f.id for f in catalogue.films if f.type == "drama" and f.rating_kr] == []


def test_cast_lists_are_short(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        assert 1 <= len(film.cast) <= 4, film.id


def test_no_unverified_streaming_claims(catalogue: Catalogue) -> None:
    """A streaming claim needs a region and a checked date; today we have none verified."""
    for film in catalogue.films:
        for entry in film.where_to_watch:
            assert entry.verified >= date(2026, 1, 1), (film.id, entry.service)


def test_every_theme_has_two_in_rotation_titles(catalogue: Catalogue) -> None:
    for theme in catalogue.themes:
        titles = [f.id for f in catalogue.films_with_theme(theme.id)]
        assert len(titles) >= 2, (theme.id, titles)


def test_suicide_content_note_when_suicide_is_involved(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        text = " ".join(_copy(film)).lower()
        mentions = "suicide" in text or "자살" in text or "own life" in text
        if "suicide-prevention" in film.themes or mentions:
            assert "suicide" in film.content_notes, film.id


def test_seed_article_errors_are_corrected(catalogue: Catalogue) -> None:
    for film_id in ("cart", "secretly-greatly"):
        film = catalogue.film(film_id)
        assert film is not None, film_id
        assert not film.in_rotation, film_id
        assert film.excluded_reason and film.excluded_reason["en"].strip(), film_id


def test_hope_is_not_credited_with_legal_reform_but_silenced_is(catalogue: Catalogue) -> None:
    hope = catalogue.film("hope")
    silenced = catalogue.film("silenced")
    assert hope is not None and silenced is not None
    claims = " ".join([hope.synopsis["en"], hope.why_it_matters["en"]]).lower()
    assert not re.search(r"\b(law|act|legislation|reform)", claims)
    assert "28 October 2011" in silenced.why_it_matters["en"]


@pytest.mark.parametrize(("film_id", "category"), [
    ("silenced", "disability"),
    ("oasis", "disability"),
    ("marathon", "neurodivergence"),
    ("a-moment-to-remember", "dementia-ageing"),
    ("birthday", "grief-trauma"),
    ("hope", "grief-trauma"),
])
def test_disability_dementia_and_grief_are_not_filed_as_mental_illness(
        catalogue: Catalogue, film_id: str, category: str) -> None:
    film = catalogue.film(film_id)
    assert film is not None and film.category == category


def test_tangential_titles_say_why(catalogue: Catalogue) -> None:
    for film in catalogue.films:
        if film.category == "wellbeing" and film.in_rotation:
            assert film.note and film.note["en"].strip(), film.id


def test_titles_with_a_slur_in_their_name_carry_a_note(catalogue: Catalogue) -> None:
    for film_id in TITLE_EXEMPT:
        film = catalogue.film(film_id)
        assert film is not None and film.note is not None, film_id
        assert "slur" in film.note["en"], film_id


def test_my_mister_copy_leaves_the_lead_actors_death_out(catalogue: Catalogue) -> None:
    film = catalogue.film("my-mister")
    assert film is not None
    for text in _copy(film):
        assert "Lee Sun-kyun" not in text and "이선균" not in text


def test_film_copy_never_names_a_method_or_place(catalogue: Catalogue) -> None:
    problems = [(film.id, hit) for film in catalogue.films for text in _copy(film)
                for hit in _method_hits(text)]
    assert problems == []


# --- language ----------------------------------------------------------------------------

def test_no_stigmatising_words_in_catalogue_text(catalogue: Catalogue) -> None:
    problems = [(owner, ".".join(path), hit) for owner, path, text in _all_text(catalogue)
                for hit in _stigma_hits(text)]
    assert problems == []


def test_theme_and_observance_copy_never_names_a_method(catalogue: Catalogue) -> None:
    problems = [(owner, hit) for owner, _path, text in _all_text(catalogue)
                if not owner.startswith("film") for hit in _method_hits(text)]
    assert problems == []


@pytest.mark.parametrize("phrase", [
    "He committed suicide.", "a failed attempt", "She suffers from depression",
    "wheelchair-bound", "a psycho killer", "극단적 선택을 했다", "정신분열병 환자",
    "장애우 여러분",
])
def test_the_stigma_scan_catches_known_phrases(phrase: str) -> None:
    assert _stigma_hits(phrase)


@pytest.mark.parametrize("phrase", [
    "The film made an impact", "a psychiatric ward", "psychosis", "사회에 영향을 미친 작품",
    "그럼에도 불구하고", "간질환 치료", "사이코드라마 치료", "장애자녀 돌봄", "정신병동",
])
def test_the_stigma_scan_leaves_ordinary_words_alone(phrase: str) -> None:
    assert _stigma_hits(phrase) == []


@pytest.mark.parametrize("phrase", ["jumped from a bridge", "an overdose of pills", "투신"])
def test_the_method_scan_catches_known_phrases(phrase: str) -> None:
    assert _method_hits(phrase)


def test_title_exemption_is_narrow(catalogue: Catalogue) -> None:
    """The exempt titles' own names do trip the scan, so the exemption is doing real work."""
    for film_id in TITLE_EXEMPT:
        film = catalogue.film(film_id)
        assert film is not None
        assert _stigma_hits(film.titles.ko) or _stigma_hits(film.titles.en), film_id


# --- themes ------------------------------------------------------------------------------

def test_themes_carry_sourced_facts_and_short_taglines(catalogue: Catalogue) -> None:
    for theme in catalogue.themes:
        assert 2 <= len(theme.facts) <= 4, theme.id
        for fact in theme.facts:
            assert fact.source.url.startswith("https://"), theme.id
            assert fact.source.accessed is not None, theme.id
            assert 1950 <= fact.year <= 2026, theme.id
        for locale, text in theme.tagline.items():
            assert len(text) <= 125, (theme.id, locale, len(text))
        for locale, text in theme.tagline_short.items():
            assert len(text) <= 60, (theme.id, locale, len(text))
        assert "ko" in theme.awareness and "ko" in theme.support, theme.id


def test_hashtags_are_camel_case_without_hash(catalogue: Catalogue) -> None:
    for theme in catalogue.themes:
        for tag in theme.hashtags:
            assert not tag.startswith("#"), tag
            if tag.isascii():
                assert tag[0].isupper(), (theme.id, tag)


# --- helplines ---------------------------------------------------------------------------

def test_all_required_regions_with_a_verified_primary(catalogue: Catalogue) -> None:
    assert {r.id for r in catalogue.regions} >= REQUIRED_REGIONS
    assert catalogue.international == "INTL"
    for region in catalogue.regions:
        primary = region.primary_line
        assert primary.short["en"].strip(), region.id
        if region.id != "INTL":
            assert region.emergency, region.id
        for line in region.lines:
            assert isinstance(line.verified, date), line.id
            assert line.sources, line.id
            for source in line.sources:
                assert source.url.startswith("https://"), line.id
                assert source.date <= line.verified, (line.id, source.url)


def test_korean_lines_match_the_verified_numbers(catalogue: Catalogue) -> None:
    korea = catalogue.region("KR")
    assert korea is not None
    assert korea.primary == "kr-109"
    values = {(c.kind, c.value) for line in korea.lines for c in line.contacts}
    for expected in [("call", "109"), ("call", "1577-0199"), ("call", "1388"), ("call", "129"),
                     ("text", "109"), ("kakaotalk", "마들랜")]:
        assert expected in values, expected
    assert [e.value for e in korea.emergency] == ["112", "119"]
    assert "ko" in korea.primary_line.short


def test_the_1577_0199_disagreement_is_recorded_for_editors_not_readers(
        catalogue: Catalogue) -> None:
    korea = catalogue.region("KR")
    assert korea is not None
    line = next(line for line in korea.lines if line.id == "kr-1577-0199")
    assert line.editorial is not None and "disagree" in line.editorial
    assert line.note is not None and "disagree" not in line.note["en"]


@pytest.mark.parametrize(("region", "number"), [
    ("US", "988"), ("CA", "9-8-8"), ("GB", "116 123"), ("IE", "116 123"), ("AU", "13 11 14"),
    ("NZ", "1737"), ("JP", "0120-279-338"), ("SG", "1767"), ("IN", "14416"), ("PH", "1553"),
])
def test_primary_lines_carry_the_sheet_numbers(
        catalogue: Catalogue, region: str, number: str) -> None:
    found = catalogue.region(region)
    assert found is not None
    assert number in {c.value for c in found.primary_line.contacts}


@pytest.mark.parametrize(("region", "line_id", "number"), [
    ("CA", "kids-help-phone", "1-800-668-6868"), ("GB", "childline-gb", "0800 1111"),
    ("IE", "pieta-ie", "1800 247 247"), ("AU", "kids-helpline-au", "1800 55 1800"),
    ("AU", "beyond-blue-au", "1300 22 4636"), ("NZ", "lifeline-aotearoa", "0800 543 354"),
    ("NZ", "youthline-nz", "0800 376 633"), ("PH", "hopeline-ph", "0917-558-4673"),
    ("JP", "inochi-no-denwa", "0120-783-556"),
])
def test_the_lines_readers_look_for_are_in(catalogue: Catalogue, region: str, line_id: str,
                                           number: str) -> None:
    found = catalogue.region(region)
    assert found is not None
    line = next(line for line in found.lines if line.id == line_id)
    assert number in {c.value for c in line.contacts}


def test_emergency_numbers_for_canada_and_the_philippines(catalogue: Catalogue) -> None:
    for region_id in ("CA", "PH"):
        region = catalogue.region(region_id)
        assert region is not None and [e.dial for e in region.emergency] == ["911"]
        assert region.sources  # each with a citable source


def test_language_options(catalogue: Catalogue) -> None:
    us = catalogue.region("US")
    sg = catalogue.region("SG")
    jp = catalogue.region("JP")
    assert us is not None and sg is not None and jp is not None
    keywords = {c.keyword for c in us.primary_line.contacts}
    assert "AYUDA" in keywords  # 988 by text, in Spanish
    assert any("Spanish" in (c.note or {}).get("en", "") for c in us.primary_line.contacts)
    mindline = next(line for line in sg.lines if line.id == "mindline-1771-sg")
    assert set(mindline.languages) == {"en", "zh", "ms", "ta"}
    yorisoi = jp.primary_line
    assert "ko" in yorisoi.languages
    assert any("Korean" in (c.note or {}).get("en", "") and "10:00-22:00" in c.note["en"]
               for c in yorisoi.contacts if c.note)


def test_no_website_is_a_news_page_or_a_source(catalogue: Catalogue) -> None:
    """A line's website is the service's own: never one of its sources, never a news or
    directory site (the domains the first catalogue wrongly used as websites)."""
    from generator.helplines.models import same_page

    news = ("newspim", "segye", "jejusori", "pressian", "wowtv", "alexproject",
            "crackittoday", "doh.gov.ph", "kotobank", "since2011", "lifeline.org.au")
    for region in catalogue.regions:
        for line in region.lines:
            if line.website is None:
                continue
            assert not any(same_page(line.website, s.url) for s in line.sources), line.id
            assert not any(word in line.website for word in news), (line.id, line.website)


# --- observances -------------------------------------------------------------------------

@pytest.mark.parametrize(("obs_id", "year", "start", "end"), [
    ("world-suicide-prevention-day", 2026, date(2026, 9, 10), date(2026, 9, 10)),
    ("world-mental-health-day", 2026, date(2026, 10, 10), date(2026, 10, 10)),
    ("japan-suicide-prevention-week", 2026, date(2026, 9, 10), date(2026, 9, 16)),
    ("korea-disability-day", 2026, date(2026, 4, 20), date(2026, 4, 26)),
    ("time-to-talk-day", 2026, date(2026, 2, 5), date(2026, 2, 5)),
    ("time-to-talk-day", 2027, date(2027, 2, 4), date(2027, 2, 4)),
    ("world-alzheimers-month", 2026, date(2026, 9, 1), date(2026, 9, 30)),
    ("international-day-of-persons-with-disabilities", 2026, date(2026, 12, 3), date(2026, 12, 3)),
])
def test_observance_dates(catalogue: Catalogue, obs_id: str, year: int, start: date,
                          end: date) -> None:
    obs = next(o for o in catalogue.observances if o.id == obs_id)
    assert obs.spans(year) == [(start, end)]


def test_informal_days_say_so(catalogue: Catalogue) -> None:
    obs = next(o for o in catalogue.observances if o.id == "world-schizophrenia-day")
    assert obs.note is not None and "informal" in obs.note["en"]
