"""Checks across the catalogue's entries and files: unique ids, references that resolve,
dates not in the future.

They read the parsed YAML, not the validated models, so an entry with a schema error
elsewhere (a year written as text) still has its id and references checked: every
problem is reported in one run. A check is skipped when it could only repeat an earlier
problem: references into a file that could not be read, or whose entries do not all
have an id, are not checked, and a reference that is not even a well-formed id is left
to the schema's message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from generator.errors import Problem
from generator.schema import REGION_PATTERN, SLUG_PATTERN
from generator.yamlsource import PathKey, YamlDoc, format_path

_SLUG = re.compile(SLUG_PATTERN)
_REGION = re.compile(REGION_PATTERN)
_DATED = ("verified", "accessed")
"""Keys whose date says when someone checked a fact: it cannot be after today."""

# (file, list key, field, is a list, target file, target list key, what it names)
_REFERENCES = (
    ("films", "films", "themes", True, "themes", "themes", "theme"),
    ("films", "films", "content_notes", True, "vocabulary", "content_notes", "content note"),
    ("films", "films", "category", False, "vocabulary", "categories", "category"),
    ("themes", "themes", "category", False, "vocabulary", "categories", "category"),
    ("themes", "themes", "observances", True, "awareness_days", "observances", "observance"),
    ("awareness_days", "observances", "themes", True, "themes", "themes", "theme"),
    ("awareness_days", "observances", "regions", True, "helplines", "regions", "region"),
)
_UNIQUE = (
    ("vocabulary", "categories"),
    ("vocabulary", "content_notes"),
    ("films", "films"),
    ("themes", "themes"),
    ("awareness_days", "observances"),
    ("helplines", "regions"),
)


def check_catalogue(docs: Mapping[str, YamlDoc], today: date) -> list[Problem]:
    """Every duplicate id, dangling reference and future check date in ``docs``
    (by file stem; a file that could not be read has ``data`` None)."""
    problems: list[Problem] = []
    for name, key in _UNIQUE:
        problems += _duplicates(docs[name], key)
    problems += _duplicate_lines(docs["helplines"])
    problems += _theme_film_clash(docs["themes"], docs["films"])
    for name, key, field, many, target, target_key, what in _REFERENCES:
        known = _ids(docs[target], target_key)
        if known is None:
            continue
        if what == "region":
            known.add("INTL")
        for at, value in _references(docs[name], key, field, many):
            if value not in known and _well_formed(value, what):
                problems.append(Problem(docs[name].name, docs[name].line_of(at),
                                        format_path(at), f"unknown {what} {value!r}"))
    problems += _international(docs["helplines"])
    for doc in docs.values():
        problems += _future_dates(doc, today)
    return problems


def _items(doc: YamlDoc, key: str) -> list[Any] | None:
    """The entries listed under ``key``, or None when the file or list is unreadable."""
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    return items if isinstance(items, list) else None


def _entry_ids(doc: YamlDoc, key: str) -> Iterator[tuple[int, str]]:
    for index, item in enumerate(_items(doc, key) or []):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            yield index, item["id"]


def _ids(doc: YamlDoc, key: str) -> set[str] | None:
    """Every id under ``key``, or None if some entry has none (a reference to it would
    be reported as unknown only because of that earlier problem)."""
    items = _items(doc, key)
    if items is None:
        return None
    ids = dict(_entry_ids(doc, key))
    return set(ids.values()) if len(ids) == len(items) else None


def _duplicates(doc: YamlDoc, key: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, item_id in _entry_ids(doc, key):
        if item_id in seen:
            at = (key, index, "id")
            problems.append(Problem(doc.name, doc.line_of(at), format_path(at),
                                    f"duplicate id {item_id!r} (also {key}[{seen[item_id]}])"))
        else:
            seen[item_id] = index
    return problems


def _duplicate_lines(doc: YamlDoc) -> list[Problem]:
    """Helpline ids are unique across regions (a region's ``primary`` names one)."""
    found: list[tuple[PathKey, str]] = []
    for r_index, region in enumerate(_items(doc, "regions") or []):
        lines = region.get("lines") if isinstance(region, dict) else None
        for l_index, line in enumerate(lines if isinstance(lines, list) else []):
            if isinstance(line, dict) and isinstance(line.get("id"), str):
                found.append((("regions", r_index, "lines", l_index, "id"), line["id"]))
    counts: dict[str, int] = {}
    for _, line_id in found:
        counts[line_id] = counts.get(line_id, 0) + 1
    return [
        Problem(doc.name, doc.line_of(at), format_path(at), f"duplicate helpline id {line_id!r}")
        for at, line_id in found
        if counts[line_id] > 1
    ]


def _theme_film_clash(themes: YamlDoc, films: YamlDoc) -> list[Problem]:
    film_ids = {film_id for _, film_id in _entry_ids(films, "films")}
    return [
        Problem(themes.name, themes.line_of(("themes", index, "id")), f"themes[{index}].id",
                f"id {theme_id!r} is also a film's id; feature ids must be unique")
        for index, theme_id in _entry_ids(themes, "themes")
        if theme_id in film_ids
    ]


def _references(doc: YamlDoc, key: str, field: str, many: bool) -> Iterator[tuple[PathKey, str]]:
    """Each string an entry's ``field`` names, with its path."""
    for index, item in enumerate(_items(doc, key) or []):
        value = item.get(field) if isinstance(item, dict) else None
        if many and isinstance(value, list):
            for position, name in enumerate(value):
                if isinstance(name, str):
                    yield (key, index, field, position), name
        elif not many and isinstance(value, str):
            yield (key, index, field), value


def _well_formed(value: str, what: str) -> bool:
    return bool((_REGION if what == "region" else _SLUG).match(value))


def _international(doc: YamlDoc) -> list[Problem]:
    regions = _ids(doc, "regions")
    wanted = doc.data.get("international", "INTL") if isinstance(doc.data, dict) else None
    if regions is None or not isinstance(wanted, str) or wanted in regions:
        return []
    return [Problem(doc.name, doc.line_of(("international",)), "international",
                    f"no region {wanted!r} for the international directory")]


def _future_dates(doc: YamlDoc, today: date) -> list[Problem]:
    """A ``verified`` or ``accessed`` date after today: the freshness check could never
    fire for it, so a helpline or streaming claim would never be rechecked."""
    problems = []
    for at, value in _walk(doc.data, ()):
        if at and at[-1] in _DATED and isinstance(value, date) and not isinstance(
            value, datetime
        ) and value > today:
            problems.append(Problem(
                doc.name, doc.line_of(at), format_path(at),
                f"{value.isoformat()} is in the future (today is {today.isoformat()}); "
                "write the date it was last checked",
            ))
    return problems


def _walk(value: Any, at: PathKey) -> Iterator[tuple[PathKey, Any]]:
    yield at, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*at, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*at, index))
