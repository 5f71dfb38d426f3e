"""Refused source domains: content farms and SEO blogs can never carry a fact.

``data/refused_sources.yaml`` lists the domains (the site's data folder may hold its own
copy, else the bundled one applies, as with the safe-messaging rules). ``mindreel
check`` reports every URL in the catalogue whose host is a refused domain, or a
subdomain of one, as ``file:line: field: message``, so a weak citation is fixed before
it reaches a reader's question "says who?".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from generator.errors import Problem
from generator.schema import Line, Strict, load_model
from generator.yamlsource import PathKey, display_path, format_path, load_yaml

REFUSED_FILE = "refused_sources.yaml"
BUNDLED_REFUSED = Path(__file__).resolve().parents[1] / "data" / REFUSED_FILE
CATALOGUE_FILES = ("films", "themes", "helplines", "awareness_days")


def _domain(value: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not value or "/" in value or ":" in value or "." not in value or " " in value:
        raise ValueError(f"{value!r} is not a bare domain name (write example.org, no scheme)")
    return value


Domain = Annotated[str, AfterValidator(_domain)]


class RefusedDomain(Strict):
    domain: Domain
    reason: Line


class RefusedFile(Strict):
    refused: list[RefusedDomain] = Field(default_factory=list)


def refused_path(data_dir: Path) -> Path:
    """The site's own list if it has one, else the bundled list."""
    own = data_dir / REFUSED_FILE
    return own if own.is_file() else BUNDLED_REFUSED


def load_refused(data_dir: Path) -> dict[str, str]:
    """Refused domain -> reason; ``BadInput`` if the list itself is malformed."""
    path = refused_path(data_dir)
    if not path.is_file():
        return {}
    spec = load_model(path, RefusedFile)[1]
    return {item.domain: item.reason for item in spec.refused}


def refused_domain(url: str, refused: dict[str, str]) -> str | None:
    """The refused domain ``url`` belongs to (its host or a parent of it), if any."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    parts = host.split(".")
    for cut in range(len(parts) - 1):
        candidate = ".".join(parts[cut:])
        if candidate in refused:
            return candidate
    return None


def _urls(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _urls(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _urls(item, (*path, index))
    elif isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        yield path, value


def refused_source_problems(data_dir: Path) -> list[Problem]:
    """Every URL in the catalogue files whose domain is refused, located at its line."""
    refused = load_refused(data_dir)
    problems: list[Problem] = []
    if not refused:
        return problems
    for name in CATALOGUE_FILES:
        path = data_dir / f"{name}.yaml"
        if not path.is_file():
            continue
        doc = load_yaml(path, display_path(path))
        for at, url in _urls(doc.data):
            domain = refused_domain(url, refused)
            if domain is not None:
                problems.append(Problem(
                    doc.name, doc.line_of(at), format_path(at),
                    f"{domain} is a refused source ({refused[domain]}); see {REFUSED_FILE}"))
    return problems


