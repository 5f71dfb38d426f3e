"""Jinja2 environments shared by the channels: strict and escaping by default.

A site's own templates folder comes first and mindreel's bundled templates second, file
by file: a site customises only the templates it copied, and an upgrade reaches every
template it did not. ``StrictUndefined`` turns a typo in a template into an error
instead of an empty string. HTML, MJML and XML templates autoescape; plain-text
templates do not (they are never parsed as markup). Environments are cached per folder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, MutableMapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    Template,
    select_autoescape,
)
from jinja2 import TemplateNotFound as _TemplateNotFound
from jinja2.bccache import Bucket

from generator import bundled
from generator.errors import EXIT_BAD_INPUT, MindreelError
from generator.i18n import translations
from generator.textwidth import fill_columns


class MissingTemplate(_TemplateNotFound, MindreelError):
    """A template is neither in the site's templates folder nor among mindreel's own: a
    site template names one that does not exist (exit 2, no traceback). Still a
    ``TemplateNotFound`` to Jinja."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, name: str, folder: str) -> None:
        super().__init__(name)
        self.folder = folder

    def report(self) -> str:
        return (f"template {self.name} is neither in {self.folder} nor among mindreel's own "
                "templates; check the name where a template includes it, and `templates` in "
                "schedule.yaml\nbad input: a template names one that does not exist")


class _Loader(ChoiceLoader):
    """The site's folder, then the bundled templates; a miss in both is ``MissingTemplate``."""

    def __init__(self, site: Path) -> None:
        loaders: list[BaseLoader] = [FileSystemLoader(str(site))]
        if _resolved(site) != _resolved(bundled.templates_dir()):
            loaders.append(FileSystemLoader(str(bundled.templates_dir())))
        super().__init__(loaders)
        self.site = site

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            return super().get_source(environment, template)
        except _TemplateNotFound:
            raise MissingTemplate(template, str(self.site)) from None

    def load(
        self, environment: Environment, name: str, globals: MutableMapping[str, Any] | None = None
    ) -> Template:
        try:
            return super().load(environment, name, globals)
        except _TemplateNotFound:
            raise MissingTemplate(name, str(self.site)) from None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _wrap(text: str, width: int = 72, indent: str = "") -> str:
    """Wrap each paragraph at ``width`` display columns (a Hangul syllable takes two);
    never breaks words or URLs."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    wrapped = [
        fill_columns(" ".join(p.split()), width, indent)
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
def environment(templates_dir: Path, locale: str = "en") -> Environment:
    """The environment for every template under ``templates_dir``, with ``locale``'s
    gettext catalogue installed for ``{% trans %}`` and ``_()``."""
    env = Environment(
        extensions=["jinja2.ext.i18n"],
        loader=_Loader(templates_dir),
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
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(templates_dir: Path, name: str, **context: object) -> str:
    """Render one template with ``context``."""
    return environment(templates_dir).get_template(name).render(**context)


def template_text(templates_dir: Path, name: str) -> str:
    """A template file's text as is (CSS or JS to inline), the site's copy first."""
    env = environment(templates_dir)
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]
