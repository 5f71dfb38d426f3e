"""Edition: the one immutable context every channel renders from.

It holds resolved text for one locale (no locale maps), the helplines for the audience,
every link as an absolute URL, and the send time. Channels read nothing else: not YAML,
not the clock, not the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from generator import GENERATOR_NAME
from generator.catalogue import Catalogue, Film, Theme
from generator.config import Settings
from generator.helplines.views import ContactView as ContactView  # re-exported for channels
from generator.helplines.views import EmergencyView as EmergencyView
from generator.helplines.views import HelplineView as HelplineView
from generator.helplines.views import RegionView as RegionView
from generator.helplines.views import region_view
from generator.locale_text import observed
from generator.picker import Pick
from generator.schema import MissingLocale, pick_locale
from generator.weeks import IsoWeek

HELP_PAGE = "help.html"
"""Outbox-relative path of the help page (every line, in full)."""


@dataclass(frozen=True)
class SourceView:
    name: str
    url: str


@dataclass(frozen=True)
class WatchView:
    service: str
    region: str
    url: str | None
    verified: date


@dataclass(frozen=True)
class NoteView:
    """A content note: its id (for rules), its label (for readers) and its short form
    (for tight spaces such as a social post's CW line; the label when none is written)."""

    id: str
    label: str
    short: str = ""


@dataclass(frozen=True)
class TitleView:
    """A film or drama with text resolved for the edition's locale."""

    id: str
    type: str
    title: str
    title_ko: str
    title_rr: str
    aka: tuple[str, ...]
    year: int
    release_date: date | None
    director: str
    writer: str | None
    network: str | None
    episodes: int | None
    runtime_min: int | None
    cast: tuple[str, ...]
    rating_kr: str | None
    category: str
    category_id: str
    theme_ids: tuple[str, ...]
    content_notes: tuple[NoteView, ...]
    synopsis: str
    why_it_matters: str
    note: str | None
    where_to_watch: tuple[WatchView, ...]
    sources: tuple[SourceView, ...]
    image_url: str | None
    image_alt: str | None

    locale: str = "en"

    @property
    def credit(self) -> str:
        """ "dir. X" for a film, "Network, N episodes" for a drama (감독 X, N부작)."""
        if self.locale == "ko":
            if self.type == "drama":
                return f"{self.network}, {self.episodes}부작"
            return f"감독 {self.director}"
        if self.type == "drama":
            return f"{self.network}, {self.episodes} episodes"
        return f"dir. {self.director}"


@dataclass(frozen=True)
class FactView:
    text: str
    source: SourceView
    year: int


@dataclass(frozen=True)
class ThemeView:
    id: str
    name: str
    name_ko: str | None
    category: str
    tagline: str
    tagline_short: str
    awareness: str
    support: str
    facts: tuple[FactView, ...]
    hashtags: tuple[str, ...]
    category_id: str = ""


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    base_url: str
    domain: str
    list_address: str
    sender_name: str
    sender_address: str
    reply_to: str | None
    tag_start: int
    postal_address: str | None = None


@dataclass(frozen=True)
class Links:
    """Every link an edition needs, absolute and https."""

    page: str
    archive_index: str
    feed_rss: str
    feed_atom: str
    feed_json: str
    site: str
    unsubscribe: str
    unsubscribe_mailto: str | None

    def tagged(self, params: dict[str, str]) -> str:
        """The edition page with UTM (or other) query parameters, in a stable order."""
        return f"{self.page}?{urlencode(sorted(params.items()))}" if params else self.page


@dataclass(frozen=True)
class Edition:
    """Everything one week's edition says, for one locale."""

    id: str
    week: IsoWeek
    locale: str
    send_at: datetime
    kind: str
    feature_id: str
    reason: str
    headline: str
    film: TitleView | None
    theme: ThemeView
    themes: tuple[ThemeView, ...]
    related: tuple[TitleView, ...]
    content_notes: tuple[NoteView, ...]
    regions: tuple[RegionView, ...]
    primary_region: RegionView
    international: RegionView
    observances: tuple[str, ...]
    site: SiteView
    links: Links
    help_page: str = ""
    """The site's help page, which lists every line in full."""
    folder: str = ""
    """Where this locale's files sit inside the edition folder: "" for the first locale,
    "ko/" for Korean beside it (its cards' URLs say so)."""
    generator: str = GENERATOR_NAME

    @property
    def is_film(self) -> bool:
        return self.film is not None

    @property
    def needs_content_note(self) -> bool:
        return bool(self.content_notes)


def _title(film: Film, catalogue: Catalogue, locale: str) -> TitleView:
    def text(value: dict[str, str] | None) -> str | None:
        return pick_locale(value, locale) if value else None

    return TitleView(
        id=film.id,
        type=film.type,
        title=film.titles.en,
        title_ko=film.titles.ko,
        title_rr=film.titles.rr,
        aka=tuple(film.titles.aka),
        year=film.year,
        release_date=film.release_date,
        director=_director(film, locale),
        writer=film.writer,
        network=film.network,
        episodes=film.episodes,
        runtime_min=film.runtime_min,
        cast=_cast(film, locale),
        rating_kr=film.rating_kr,
        category=pick_locale(catalogue.category(film.category).name, locale),
        category_id=film.category,
        theme_ids=tuple(film.themes),
        content_notes=tuple(_note(n, catalogue, locale) for n in film.content_notes),
        synopsis=pick_locale(film.synopsis, locale),
        why_it_matters=pick_locale(film.why_it_matters, locale),
        note=text(film.note),
        where_to_watch=tuple(
            WatchView(w.service, w.region, w.url, w.verified) for w in film.where_to_watch
        ),
        sources=tuple(SourceView(s.name, s.url) for s in film.sources),
        image_url=film.image_url,
        image_alt=text(film.image_alt),
        locale=locale,
    )


def _director(film: Film, locale: str) -> str:
    """The director's name as the locale's readers write it (Hangul for Korean)."""
    if locale != "ko":
        return film.director
    if film.director_ko is None:
        raise MissingLocale(f"{film.id}: no director_ko; loading should have refused it")
    return film.director_ko


def _cast(film: Film, locale: str) -> tuple[str, ...]:
    if locale != "ko":
        return tuple(film.cast)
    if not film.cast_ko:
        raise MissingLocale(f"{film.id}: no cast_ko; loading should have refused it")
    return tuple(film.cast_ko)


def _note(note_id: str, catalogue: Catalogue, locale: str) -> NoteView:
    term = catalogue.content_note(note_id)
    label = pick_locale(term.name, locale)
    return NoteView(note_id, label, pick_locale(term.short, locale) if term.short else label)


def _theme(theme: Theme, catalogue: Catalogue, locale: str) -> ThemeView:
    return ThemeView(
        id=theme.id,
        name=pick_locale(theme.name, locale),
        name_ko=theme.name.get("ko"),
        category=pick_locale(catalogue.category(theme.category).name, locale),
        tagline=pick_locale(theme.tagline, locale),
        tagline_short=pick_locale(theme.tagline_short, locale),
        awareness=pick_locale(theme.awareness, locale),
        support=pick_locale(theme.support, locale),
        facts=tuple(
            FactView(pick_locale(f.text, locale), SourceView(f.source.name, f.source.url), f.year)
            for f in theme.facts
        ),
        hashtags=tuple(theme.hashtags),
        category_id=theme.category,
    )


def _related(
    catalogue: Catalogue, theme_ids: list[str], exclude: str, count: int = 3
) -> list[Film]:
    """Titles sharing the most themes with the feature, then by id: stable, not random."""
    scored = []
    for film in catalogue.films:
        if film.id == exclude or not film.in_rotation:
            continue
        shared = len(set(film.themes) & set(theme_ids))
        if shared:
            primary_match = int(bool(theme_ids) and theme_ids[0] in film.themes)
            scored.append((-primary_match, -shared, film.id, film))
    return [entry[3] for entry in sorted(scored, key=lambda e: e[:3])[:count]]


def make_edition(pick: Pick, catalogue: Catalogue, settings: Settings) -> Edition:
    """Resolve a pick into the edition every channel renders."""
    locale = settings.locale
    week = pick.week
    film = catalogue.film(pick.feature_id) if pick.kind == "film" else None
    theme_ids = list(film.themes) if film is not None else [pick.feature_id]
    themes = tuple(
        _theme(t, catalogue, locale)
        for t in (catalogue.theme(i) for i in theme_ids)
        if t is not None
    )
    related = tuple(
        _title(f, catalogue, locale) for f in _related(catalogue, theme_ids, pick.feature_id)
    )
    title_view = _title(film, catalogue, locale) if film is not None else None
    notes = (
        title_view.content_notes
        if title_view
        else tuple(dict.fromkeys(n for r in related for n in r.content_notes))
    )
    regions = tuple(
        region_view(r, locale)
        for r in (catalogue.region(i) for i in settings.audience.regions)
        if r is not None
    )
    primary = next(r for r in regions if r.id == settings.audience.primary)
    intl_region = catalogue.region(catalogue.international)
    assert intl_region is not None  # checked when the catalogue loaded
    site = settings.site
    edition_id = str(week)
    home = settings.locale_prefix  # "" for the first locale, "ko/" for Korean beside it
    links = Links(
        page=site.url(f"{home}archive/{edition_id}.html"),
        archive_index=site.url(f"{home}archive/"),
        feed_rss=site.url(f"{home}feed.xml"),
        feed_atom=site.url(f"{home}atom.xml"),
        feed_json=site.url(f"{home}feed.json"),
        site=site.base_url,
        unsubscribe=settings.email.unsubscribe_url,
        unsubscribe_mailto=settings.email.unsubscribe_mailto,
    )
    observances = tuple(
        pick_locale(o.name, locale)
        for o in catalogue.observances
        if o.falls_in(week)
        and set(o.themes) & set(theme_ids)
        and observed(o.regions, settings.audience.regions)
    )
    headline = title_view.title if title_view else themes[0].name
    return Edition(
        id=edition_id,
        week=week,
        locale=locale,
        send_at=week.send_at(settings.send.weekday, settings.send.clock, settings.tz),
        kind="film" if film is not None else "theme",
        feature_id=pick.feature_id,
        reason=pick.reason,
        headline=headline,
        film=title_view,
        theme=themes[0],
        themes=themes,
        related=related,
        content_notes=notes,
        regions=regions,
        primary_region=primary,
        international=region_view(intl_region, locale),
        observances=observances,
        site=SiteView(
            site.title,
            site.description,
            site.base_url,
            site.domain,
            site.list_address,
            site.sender_name,
            site.sender_address,
            site.reply_to,
            site.tag_start,
            site.postal_address,
        ),
        links=links,
        help_page=site.url(home + HELP_PAGE),
        folder=home,
    )
