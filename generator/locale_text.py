"""Every locale in ``locales`` needs its own text: the catalogue and site name checked
when the project loads.

An edition in a locale shows catalogue text (synopses, taglines, helpline names, the
site's title). Had it fallen back to English where a text lacks that locale, a Korean
email would carry an English synopsis and nobody would notice. So a text an edition in
a listed locale shows, without that locale, is bad input: one ``file:line: field``
problem each, found on the raw files (like ``crossref``) so a schema error elsewhere
hides none of them. Rendering then reads text strictly (``schema.pick_locale``).

What counts as shown follows what ``edition.make_edition`` reads: films in rotation,
every theme and vocabulary term, the helplines of the locale's audience regions and the
international directory, and the observances held in those regions. Korean readers
also read people's names in Hangul, so a Korean edition needs ``director_ko`` and
``cast_ko`` for every film in rotation. ``excluded_reason`` and an observance's ``note``
are never shown, so they need no translation.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Problem
from generator.schema import DEFAULT_LOCALE
from generator.yamlsource import PathKey, YamlDoc, format_path

# (file, list key, text fields of each entry: a dotted path, "*" for every list item)
_TEXTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("vocabulary", "categories", ("name", "short")),
    ("vocabulary", "content_notes", ("name", "short")),
    ("films", "films", ("synopsis", "why_it_matters", "note", "image_alt")),
    ("themes", "themes", ("name", "tagline", "tagline_short", "awareness", "support",
                          "facts.*.text")),
    ("helplines", "regions", ("name", "emergency.*.label", "lines.*.name", "lines.*.hours",
                              "lines.*.short", "lines.*.note", "lines.*.contacts.*.note")),
    ("awareness_days", "observances", ("name",)),
)
NAMES: Mapping[str, tuple[tuple[str, str], ...]] = {"ko": (("director_ko", "director"),
                                                           ("cast_ko", "cast"))}
"""Per locale, the film fields that give people's names in its script, each with the
field it translates (whose line a missing one is reported at)."""
SITE_WORDS = ("title", "description")


@dataclass(frozen=True)
class Demand:
    """What schedule.yaml asks of the catalogue's text: for each locale editions are
    built in, the helpline regions its audience reads; and the schedule's name, which
    every message gives as the reason."""

    schedule: str
    regions: Mapping[str, frozenset[str]] = field(default_factory=dict)


def observed(observance_regions: Collection[str], audience: Collection[str]) -> bool:
    """Whether an edition for ``audience`` can name an observance held in these regions."""
    return bool({*audience, "INTL"} & set(observance_regions))


def check_catalogue_locales(docs: Mapping[str, YamlDoc], demand: Demand) -> list[Problem]:
    """Every catalogue text an edition in a demanded locale shows but lacks it."""
    problems: list[Problem] = []
    for locale, audience in demand.regions.items():
        if locale == DEFAULT_LOCALE:
            continue  # the schema requires English text everywhere already
        reason = _reason(locale, demand.schedule)
        shown_regions = {*audience, _international(docs["helplines"])}
        for name, key, fields in _TEXTS:
            doc = docs[name]
            for index, entry in _entries(doc, key):
                if not _shown(name, entry, audience, shown_regions):
                    continue
                for text in fields:
                    for at, value in _find(entry, text.split("."), (key, index)):
                        if isinstance(value, dict) and locale not in value:
                            problems.append(Problem(doc.name, doc.line_of(at),
                                                    format_path(at), reason))
        problems += _names(docs["films"], locale, demand.schedule)
    return problems


def check_site_locales(doc: YamlDoc, locales: Collection[str]) -> list[Problem]:
    """``site.title`` and ``description`` are the English ones: every other listed
    locale gives its own under ``site.languages.<code>``."""
    languages = _mapping(_mapping(_mapping(doc.data).get("site")).get("languages"))
    problems = []
    for locale in locales:
        if locale == DEFAULT_LOCALE:
            continue
        words = languages.get(locale)
        for key in SITE_WORDS:
            if not isinstance(words, dict) or words.get(key) is None:
                at = ("site", "languages", locale, key)
                problems.append(Problem(doc.name, doc.line_of(at), format_path(at),
                                        _reason(locale, doc.name)))
    return problems


def _reason(locale: str, schedule: str) -> str:
    return f"no {locale} text, and {schedule} lists {locale} in locales"


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _names(films: YamlDoc, locale: str, schedule: str) -> list[Problem]:
    problems = []
    for index, film in _entries(films, "films"):
        if not _shown("films", film, (), set()):
            continue
        for name, source in NAMES.get(locale, ()):
            if name not in film or film[name] in (None, [], ""):
                at: PathKey = ("films", index, name)
                line = films.line_of(at if name in film else ("films", index, source))
                problems.append(Problem(films.name, line, format_path(at),
                                        _reason(locale, schedule)))
    return problems


def _entries(doc: YamlDoc, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield index, item


def _shown(name: str, entry: dict[str, Any], audience: Collection[str],
           regions: Collection[str]) -> bool:
    """Whether an edition can show this entry (a film out of rotation never is)."""
    if name == "films":
        return entry.get("in_rotation") is not False
    if name == "helplines":
        return entry.get("id") in regions
    if name == "awareness_days":
        held = entry.get("regions")
        return isinstance(held, list) and observed([str(r) for r in held], audience)
    return True


def _find(value: Any, parts: list[str], at: PathKey) -> Iterator[tuple[PathKey, Any]]:
    """The values at a dotted path under ``value`` (absent ones are not there to check)."""
    if not parts:
        yield at, value
        return
    head, *rest = parts
    if head == "*" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _find(item, rest, (*at, index))
    elif isinstance(value, dict) and value.get(head) is not None:
        yield from _find(value[head], rest, (*at, head))


def _international(doc: YamlDoc) -> str:
    wanted = doc.data.get("international", "INTL") if isinstance(doc.data, dict) else "INTL"
    return wanted if isinstance(wanted, str) else "INTL"
