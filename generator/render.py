"""Jinja2 environments shared by the channels: strict and escaping by default.

``StrictUndefined`` turns a typo in a template into an error instead of an empty
string. HTML, MJML and XML templates autoescape; plain-text templates do not (they are
never parsed as markup). Environments are cached per template folder.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


def _wrap(text: str, width: int = 72, indent: str = "") -> str:
    """Wrap each paragraph at ``width`` columns; never breaks words or URLs."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    wrapped = [
        textwrap.fill(
            " ".join(p.split()),
            width=width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        for p in paragraphs
        if p
    ]
    return "\n\n".join(wrapped)


def _one_line(text: str) -> str:
    """Collapse every run of whitespace (CR, LF, tabs) to a single space."""
    return " ".join(str(text).split())


def _long_date(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def _iso_date(value: date | datetime) -> str:
    return value.strftime("%Y-%m-%d")


@lru_cache(maxsize=8)
def environment(templates_dir: Path) -> Environment:
    """The environment for every template under ``templates_dir``."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=select_autoescape(
            enabled_extensions=("html", "mjml", "xml", "html.j2", "mjml.j2", "xml.j2"),
            default_for_string=True,
            default=False,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["wrap"] = _wrap
    env.filters["one_line"] = _one_line
    env.filters["long_date"] = _long_date
    env.filters["iso_date"] = _iso_date
    return env


def render(templates_dir: Path, name: str, **context: object) -> str:
    """Render one template with ``context``."""
    return environment(templates_dir).get_template(name).render(**context)
