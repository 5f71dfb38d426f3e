"""Jinja2 environments shared by the channels: strict and escaping by default.

``StrictUndefined`` turns a typo in a template into an error instead of an empty
string. HTML, MJML and XML templates autoescape; plain-text templates do not (they are
never parsed as markup). Environments are cached per template folder.
"""

from __future__ import annotations

import contextlib
import textwrap
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2 import TemplateNotFound as _TemplateNotFound
from jinja2.bccache import Bucket

from generator.errors import EXIT_BAD_INPUT, MindreelError


class MissingTemplate(_TemplateNotFound, MindreelError):
    """A template is not in the templates folder: schedule.yaml's ``templates`` points at
    the wrong folder (exit 2, no traceback). Still a ``TemplateNotFound`` to Jinja."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, name: str, folder: str) -> None:
        super().__init__(name)
        self.folder = folder

    def report(self) -> str:
        return (f"template {self.name} is not in {self.folder}; check `templates` in "
                "schedule.yaml\nbad input: the templates folder is not mindreel's")


class _Loader(FileSystemLoader):
    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        try:
            return super().get_source(environment, template)
        except _TemplateNotFound:
            raise MissingTemplate(template, ", ".join(map(str, self.searchpath))) from None


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


class _QuietCache(FileSystemBytecodeCache):
    """Jinja's compiled-template cache (a private per-user folder in the temp directory):
    a new process reuses the compiled templates instead of compiling ~30 of them again,
    about a tenth of a second of every cold build. Entries are keyed by the template's
    source checksum, so an edited template is compiled afresh. A cache that cannot be
    read or written is ignored: it never fails a build."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry: compile as if there were none
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> BytecodeCache | None:
    try:
        return _QuietCache()
    except (OSError, RuntimeError):  # no safe private temp folder: compile every time
        return None


@lru_cache(maxsize=8)
def environment(templates_dir: Path) -> Environment:
    """The environment for every template under ``templates_dir``."""
    env = Environment(
        loader=_Loader(str(templates_dir)),
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
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["wrap"] = _wrap
    env.filters["one_line"] = _one_line
    env.filters["long_date"] = _long_date
    env.filters["iso_date"] = _iso_date
    return env


def render(templates_dir: Path, name: str, **context: object) -> str:
    """Render one template with ``context``."""
    return environment(templates_dir).get_template(name).render(**context)
