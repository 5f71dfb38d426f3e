"""data/*.yaml -> Catalogue: films, themes, helplines, observances, vocabulary.

The catalogue is the product's substance, so it is validated hard: strict types,
unknown keys rejected, ids are slugs and unique, cross-references resolve, facts carry
sources and dates. Every problem in every file is collected before failing once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from generator import clock
from generator.crossref import check_catalogue
from generator.errors import BadInput, Problem
from generator.helplines.models import Helpline as Helpline
from generator.helplines.models import HelplinesFile
from generator.helplines.models import Region as Region
from generator.locale_text import Demand, check_catalogue_locales
from generator.schema import (
    Hashtag,
    HttpsUrl,
    Line,
    LocalLine,
    LocalText,
    RegionId,
    Slug,
    Strict,
    Text,
    validate,
)
from generator.weeks import WEEKDAY_INDEX, IsoWeek, nth_weekday
from generator.yamlsource import YamlDoc, load_yaml

FILES = ("vocabulary", "films", "themes", "helplines", "awareness_days")
Year = Annotated[int, Field(ge=1950, le=2100)]


# --- vocabulary ---------------------------------------------------------------------


class Term(Strict):
    """A controlled word (category or content note) with its label per locale."""

    id: Slug
    name: LocalLine
    short: LocalLine | None = None


class Vocabulary(Strict):
    categories: list[Term] = Field(min_length=1)
    content_notes: list[Term] = Field(min_length=1)


# --- films --------------------------------------------------------------------------


class Titles(Strict):
    en: Line
    ko: Line
    rr: Line
    aka: list[Line] = Field(default_factory=list)


class Source(Strict):
    """Where a fact comes from; ``accessed`` is when we last read it."""

    url: HttpsUrl
    name: Line
    accessed: date | None = None


class WhereToWatch(Strict):
    """A streaming claim is only ever for one region on one checked date."""

    service: Line
    region: RegionId
    url: HttpsUrl | None = None
    verified: date


class Premiere(Strict):
    """A festival premiere before the Korean release (the film's ``year`` is the release);
    ``day`` only where a source gives it."""

    festival: Line
    year: Year
    day: date | None = None


class Film(Strict):
    id: Slug
    type: Literal["film", "drama"]
    titles: Titles
    year: Year
    release_date: date | None = None
    premiere: Premiere | None = None
    director: Line
    director_ko: Line | None = None
    """The director's name in Hangul, as Korean readers know it (이창동)."""
    writer: Line | None = None
    network: Line | None = None
    episodes: int | None = Field(default=None, ge=1, le=500)
    runtime_min: int | None = Field(default=None, ge=1, le=600)
    cast: list[Line] = Field(min_length=1, max_length=6)
    cast_ko: list[Line] = Field(default_factory=list, max_length=6)
    """The cast in Hangul, in the order of ``cast`` (empty: not written yet)."""
    rating_kr: Literal["all", "12", "15", "18"] | None = None
    category: Slug
    themes: list[Slug] = Field(min_length=1)
    content_notes: list[Slug] = Field(default_factory=list)
    synopsis: LocalText
    why_it_matters: LocalText
    note: LocalText | None = None
    in_rotation: bool = True
    excluded_reason: LocalText | None = None
    where_to_watch: list[WhereToWatch] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    image_url: HttpsUrl | None = None
    image_alt: LocalLine | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Film:
        if self.type == "drama" and (self.network is None or self.episodes is None):
            raise ValueError("a drama needs network and episodes")
        if self.cast_ko and len(self.cast_ko) != len(self.cast):
            raise ValueError("cast_ko names the cast in Hangul, one for each name in cast")
        if self.type == "film" and self.runtime_min is None:
            raise ValueError("a film needs runtime_min")
        if not self.in_rotation and self.excluded_reason is None:
            raise ValueError("in_rotation: false needs an excluded_reason")
        if self.release_date is not None and self.release_date.year != self.year:
            raise ValueError("year is the Korean release year: it must match release_date "
                             "(a festival premiere goes under premiere)")
        premiere = self.premiere
        if premiere is not None and (premiere.year > self.year or (
                premiere.day is not None and premiere.day.year != premiere.year)):
            raise ValueError("premiere: its year must match its day and come no later than year")
        if (self.image_url is None) != (self.image_alt is None):
            raise ValueError("image_url and image_alt go together")
        return self


class FilmsFile(Strict):
    films: list[Film] = Field(min_length=1)


# --- themes -------------------------------------------------------------------------


class Fact(Strict):
    text: LocalText
    source: Source
    year: Year


class Theme(Strict):
    id: Slug
    category: Slug
    name: LocalLine
    tagline: LocalLine
    """One awareness sentence (social posts, previews)."""
    tagline_short: LocalLine
    """A shorter form of the tagline for tight posts."""
    awareness: LocalText
    """Awareness copy: hope, recovery, what helps, how to support someone."""
    support: LocalText
    """How to support someone, or how to ask for help (the help-seeking line)."""
    facts: list[Fact] = Field(min_length=1, max_length=6)
    hashtags: list[Hashtag] = Field(min_length=1)
    observances: list[Slug] = Field(default_factory=list)


class NotCovered(Strict):
    """A topic with no theme yet, and why: no title in the catalogue truly depicts it."""

    topic: Slug
    reason: Text
    checked: date


class ThemesFile(Strict):
    themes: list[Theme] = Field(min_length=1)
    not_covered: list[NotCovered] = Field(default_factory=list)


# --- observances --------------------------------------------------------------------


class FixedDate(Strict):
    kind: Literal["fixed"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    days: int = Field(default=1, ge=1, le=31)
    """How many days the observance runs (a week-long observance is 7)."""

    @model_validator(mode="after")
    def _real_day(self) -> FixedDate:
        date(2024, self.month, self.day)  # 2024 is a leap year: 29 Feb allowed
        return self


class NthWeekday(Strict):
    kind: Literal["nth-weekday"]
    month: int = Field(ge=1, le=12)
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    n: Literal[1, 2, 3, 4, 5, -1]
    days: int = Field(default=1, ge=1, le=31)


class WholeMonth(Strict):
    kind: Literal["month"]
    month: int = Field(ge=1, le=12)


Rule = Annotated[FixedDate | NthWeekday | WholeMonth, Field(discriminator="kind")]


class Observance(Strict):
    id: Slug
    name: LocalLine
    rule: Rule
    regions: list[RegionId] = Field(min_length=1)
    """Where it is observed; INTL means worldwide."""
    themes: list[Slug] = Field(min_length=1)
    source: Source
    note: LocalText | None = None

    def spans(self, year: int) -> list[tuple[date, date]]:
        """Inclusive date spans of the observance in ``year``."""
        rule = self.rule
        if isinstance(rule, WholeMonth):
            start = date(year, rule.month, 1)
            end = date(year + (rule.month == 12), rule.month % 12 + 1, 1) - timedelta(days=1)
            return [(start, end)]
        if isinstance(rule, FixedDate):
            try:
                start = date(year, rule.month, rule.day)
            except ValueError:  # 29 February in a common year
                return []
            return [(start, start + timedelta(days=rule.days - 1))]
        found = nth_weekday(year, rule.month, WEEKDAY_INDEX[rule.weekday], rule.n)
        return [] if found is None else [(found, found + timedelta(days=rule.days - 1))]

    def falls_in(self, week: IsoWeek) -> bool:
        first, last = week.days[0], week.days[-1]
        for year in {first.year - 1, first.year, last.year}:
            for start, end in self.spans(year):
                if start <= last and end >= first:
                    return True
        return False

    @property
    def is_month_long(self) -> bool:
        return isinstance(self.rule, WholeMonth)


class ObservancesFile(Strict):
    observances: list[Observance] = Field(min_length=1)


# --- the catalogue ------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """Everything in data/, validated and cross-checked; lookups by id."""

    vocabulary: Vocabulary
    films: tuple[Film, ...]
    themes: tuple[Theme, ...]
    regions: tuple[Region, ...]
    international: str
    observances: tuple[Observance, ...]

    @cached_property
    def _index(self) -> dict[str, dict[str, Any]]:
        """Lookups by id, built once (the catalogue is immutable)."""
        return {
            "film": {f.id: f for f in self.films},
            "theme": {t.id: t for t in self.themes},
            "region": {r.id: r for r in self.regions},
            "category": {c.id: c for c in self.vocabulary.categories},
            "note": {c.id: c for c in self.vocabulary.content_notes},
        }

    def film(self, film_id: str) -> Film | None:
        film: Film | None = self._index["film"].get(film_id)
        return film

    def theme(self, theme_id: str) -> Theme | None:
        theme: Theme | None = self._index["theme"].get(theme_id)
        return theme

    def region(self, region_id: str) -> Region | None:
        region: Region | None = self._index["region"].get(region_id)
        return region

    def category(self, category_id: str) -> Term:
        term: Term = self._index["category"][category_id]
        return term

    def content_note(self, note_id: str) -> Term:
        term: Term = self._index["note"][note_id]
        return term

    def films_with_theme(self, theme_id: str, rotation_only: bool = True) -> list[Film]:
        return [
            f for f in self.films if theme_id in f.themes and (f.in_rotation or not rotation_only)
        ]

    def feature_ids(self) -> set[str]:
        return set(self._index["film"]) | set(self._index["theme"])


def load_catalogue(
    data_dir: Path, display_root: Path | None = None, today: date | None = None,
    demand: Demand | None = None,
) -> Catalogue:
    """Read and cross-check every data file; raise ``BadInput`` with every problem.

    Each file is checked as far as it can be: a schema error in one entry does not stop
    the checks of ids and references (``crossref``). ``today`` bounds the dates facts
    were verified; it defaults to the build clock (``MINDREEL_NOW`` when set). ``demand``
    names the locales editions are built in: every text they show must be written in
    each (``locale_text``).
    """
    models: dict[str, type[Strict]] = {
        "vocabulary": Vocabulary,
        "films": FilmsFile,
        "themes": ThemesFile,
        "helplines": HelplinesFile,
        "awareness_days": ObservancesFile,
    }
    problems: list[Problem] = []
    docs: dict[str, YamlDoc] = {}
    parsed: dict[str, Any] = {}
    for name, model in models.items():
        path = data_dir / f"{name}.yaml"
        doc = load_yaml(path, _display(path, display_root))
        docs[name] = doc
        problems.extend(doc.problems)
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            problems.append(Problem(doc.name, 1, "", "must be a mapping"))
            continue
        value, errors = validate(model, doc)
        problems.extend(errors)
        if value is not None:
            parsed[name] = value
    if today is None:
        today = clock.latest_date(clock.now())
    problems += check_catalogue(docs, today)
    if demand is not None:
        problems += check_catalogue_locales(docs, demand)
    if problems or len(parsed) != len(models):
        raise BadInput(problems)
    return Catalogue(
        vocabulary=parsed["vocabulary"],
        films=tuple(parsed["films"].films),
        themes=tuple(parsed["themes"].themes),
        regions=tuple(parsed["helplines"].regions),
        international=parsed["helplines"].international,
        observances=tuple(parsed["awareness_days"].observances),
    )


def _display(path: Path, root: Path | None) -> str:
    base = (root or Path.cwd()).resolve()
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)
