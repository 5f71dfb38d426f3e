"""The text a reader sees, pulled out of rendered files and catalogue fields.

Rules must judge what people read, not markup: HTML loses its tags, scripts and styles
and has its entities decoded; JSON gives its string values; an ``.eml`` its subject.
Every piece of text remembers where it came from, so a finding can name the file and
the line. ``body`` keeps the text exactly as written, so a finding quotes the original;
rules match its normalised views (``Text.views``, see ``safety.normalise``), in which
look-alike letters, compatibility forms and invisible characters can hide nothing.
URLs are blanked out before rules run (``Text.masked``), so a slug in a link can
neither trigger a rule nor glue two words together.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from functools import cached_property, lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import regex
from pydantic import BaseModel

from generator.catalogue import Catalogue
from generator.safety.masking import prepared
from generator.safety.normalise import Normalised, invisible
from generator.schema import LOCALES, SLUG_PATTERN
from generator.yamlsource import PathKey, YamlDoc, display_path, format_path, load_yaml

_INVISIBLE = regex.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
_SLUG = regex.compile(SLUG_PATTERN)
_MARKUP = regex.compile(r"<[A-Za-z!/][^>]*>")
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "center", "dd", "div",
    "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody",
    "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
_HIDDEN = frozenset({"script", "style", "template"})
_SPOKEN_ATTRS = ("alt", "title", "aria-label")
_JSON_SKIP_KEYS = frozenset({
    "id", "url", "href", "link", "guid", "image", "image_url", "path", "sha256", "uid",
    "date", "date_published", "date_modified", "send_at", "published", "updated", "feature_id",
})
_CATALOGUE_SKIP_KEYS = frozenset({
    "id", "url", "image_url", "type", "kind", "category", "themes", "content_notes",
    "observances", "languages", "primary", "region", "regions", "rating_kr", "international",
})


def clean(text: str) -> str:
    """NFC, without invisible characters: the form presence checks compare."""
    if text.isascii():  # most of a page: already NFC, and every invisible is non-ASCII
        return text
    return str(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class Text:
    """A run of visible text and the way back to its source lines.

    ``place`` is what rule scopes match (``email``, ``web``, ``social`` for rendered
    files; ``films.synopsis`` and the like for catalogue fields). ``owner`` is the
    catalogue id whose text this is (empty for rendered files).
    """

    artifact: str
    where: str
    place: str
    owner: str
    body: str
    anchors: tuple[tuple[int, int], ...] = ((0, 1),)
    """(offset in ``body``, source line) where each piece of ``body`` starts."""
    locale: str = ""
    source: tuple[str, ...] = field(default=(), repr=False, compare=False)
    """The lines of the YAML file a catalogue text came from (to find folded lines)."""

    def line_at(self, offset: int) -> int:
        starts = [a[0] for a in self.anchors]
        index = max(bisect_right(starts, offset) - 1, 0)
        start, line = self.anchors[index]
        if not line:
            return 0
        if self.source:
            return _folded_line(self.source, line, self.body, offset)
        return line + self.body.count("\n", start, offset)

    @cached_property
    def masked(self) -> str:
        """``body`` with every URL and e-mail address blanked (same length, same lines)."""
        return prepared(self.body)[0]

    @cached_property
    def views(self) -> tuple[Normalised, ...]:
        """What rules match: the normalised text, and a second view without no-break
        spaces when there are any (one may split a word as easily as join two)."""
        return prepared(self.body)[1]

    def quote(self, start: int, end: int) -> str:
        """``body[start:end]`` on one line, with invisible characters made visible."""
        text = " ".join(self.body[start:end].split())
        return "".join(f"<U+{ord(c):04X}>" if invisible(c) else c for c in text)

    def context(self, start: int, end: int, width: int = 30) -> str:
        """The words around ``body[start:end]``, on one line."""
        lo, hi = max(0, start - width), min(len(self.body), end + width)
        text = " ".join(self.masked[lo:hi].split())
        return ("…" if lo else "") + text + ("…" if hi < len(self.body) else "")


def _folded_line(source: tuple[str, ...], line: int, body: str, offset: int) -> int:
    """The source line holding ``body[offset]`` when a YAML value spans lines from ``line``.

    A folded scalar joins its lines with spaces, so the words keep their order: count how
    often the word at ``offset`` occurs before it, then find that occurrence in the file.
    """
    words = body[offset:].split()
    if not words:
        return line
    word = words[0].casefold()
    seen = body[:offset].casefold().count(word)
    for number in range(line, min(len(source), line + 400) + 1):
        count = source[number - 1].casefold().count(word)
        if count > seen:
            return number
        seen -= count
    return line


# --- rendered files ----------------------------------------------------------------------

def place_of(rel: str) -> str:
    """The scope name of a rendered file: email, social or web."""
    if rel.startswith("social/"):
        return "social"
    if rel.startswith("email"):
        return "email"
    return "web"


@dataclass
class _Chunks:
    parts: list[str] = field(default_factory=list)
    anchors: list[tuple[int, int]] = field(default_factory=list)
    size: int = 0

    def add(self, text: str, line: int) -> None:
        if not text:
            return
        self.anchors.append((self.size, line))
        self.parts.append(text)
        self.size += len(text)


class _Visible(HTMLParser):
    """Collects the text a browser shows (and reads aloud), with source lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks = _Chunks()
        self.hidden = 0

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        if tag in _BLOCK:
            self.chunks.add("\n", self._line())
        for name, value in attrs:
            if name in _SPOKEN_ATTRS and value and not self.hidden:
                for piece in ("\n", value, "\n"):
                    self.chunks.add(piece, self._line())

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK:
            self.chunks.add("\n", self._line())

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chunks.add(data, self._line())


def html_text(artifact: str, markup: str, place: str, where: str = "", base_line: int = 1) -> Text:
    """The visible text of an HTML document or fragment."""
    body, anchors = _visible(markup)
    if base_line != 1:
        anchors = tuple((offset, line + base_line - 1 if line else 0) for offset, line in anchors)
    return Text(artifact, where, place, "", body, anchors)


@lru_cache(maxsize=16)
def _visible(markup: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Visible text and anchors of ``markup`` from line 1; cached because an edition
    carries the same HTML twice (email.html in the ESP import, the article in item.json),
    and each language's help block is the same every week (sixteen: an edition in two
    languages parses about six documents, so both help blocks stay from week to week)."""
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    chunks = parser.chunks
    return "".join(chunks.parts), tuple(chunks.anchors) or ((0, 1),)


def _json_strings(value: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in _JSON_SKIP_KEYS:
                yield from _json_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_strings(item, (*path, index))
    elif isinstance(value, str) and value.strip() and not _is_slug(value):
        yield path, value


def _is_slug(value: str) -> bool:
    """An id such as ``crazy-love``: data for machines, and words a rule would misread."""
    return "-" in value and bool(_SLUG.fullmatch(value))


def _line_of_json_string(raw: str, value: str, after: int) -> tuple[int, int]:
    """(line, offset) of ``value`` as it is encoded in ``raw``, searching from ``after``."""
    for encoded in (json.dumps(value, ensure_ascii=False), json.dumps(value)):
        at = raw.find(encoded, after)
        if at >= 0:
            return raw.count("\n", 0, at) + 1, at + len(encoded)
    return 0, after


def json_texts(artifact: str, raw: str, place: str) -> list[Text]:
    """One Text per string value of a JSON document (HTML strings lose their markup)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return [Text(artifact, "", place, "", raw)]
    texts = []
    cursor = 0
    for path, value in _json_strings(data):
        line, cursor = _line_of_json_string(raw, value, cursor)
        where = format_path(path)
        if _MARKUP.search(value):
            texts.append(html_text(artifact, value, place, where, line))
        else:
            texts.append(Text(artifact, where, place, "", value, ((0, line),)))
    return texts


def eml_texts(artifact: str, data: bytes) -> list[Text]:
    """The subject of a message: its body parts are the ``email.html``/``email.txt`` twins."""
    message = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
    subject = message.get("subject")
    if not subject:
        return []
    lines = data.split(b"\n")
    line = next((i + 1 for i, raw in enumerate(lines) if raw.lower().startswith(b"subject:")), 0)
    return [Text(artifact, "Subject", "email", "", str(subject), ((0, line),))]


_FILE_BYTES = 400_000
"""Rendered text files remembered with their texts: an edition in two languages (about
300 KB, with the views of its long texts a few megabytes)."""
_file_texts: dict[tuple[str, bytes], tuple[Text, ...]] = {}
_file_held = [0]


def artifact_texts(rel: str, data: bytes) -> list[Text]:
    """Every piece of visible text in one rendered file (nothing for binary files).

    A file seen before with the same path and bytes gives back the same Text objects
    (their views already worked out): the same files recur, whole, from week to week."""
    found = _file_texts.get((rel, data))
    if found is None:
        found = tuple(_artifact_texts(rel, data))
        if found and len(data) <= _FILE_BYTES:
            if _file_held[0] + len(data) > _FILE_BYTES:
                _file_texts.clear()
                _file_held[0] = 0
            _file_texts[(rel, data)] = found
            _file_held[0] += len(data)
    return list(found)


def _artifact_texts(rel: str, data: bytes) -> list[Text]:
    place = place_of(rel)
    if rel.endswith(".eml"):
        return eml_texts(rel, data)
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if rel.endswith((".html", ".htm", ".xhtml")):
        return [html_text(rel, raw, place)]
    if rel.endswith(".json"):
        return json_texts(rel, raw, place)
    if rel.endswith((".txt", ".md", ".csv", ".tsv")):
        return [Text(rel, "", place, "", raw)]
    return []


# --- catalogue fields --------------------------------------------------------------------

_DATA_FILES = ("films", "themes", "helplines", "awareness_days", "vocabulary")


@lru_cache(maxsize=16)
def _doc(path: Path, _stamp: tuple[int, int, str]) -> tuple[YamlDoc, tuple[str, ...]]:
    doc = load_yaml(path, display_path(path))
    try:
        lines = tuple(path.read_text("utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        lines = ()
    return doc, lines


def _data_files(data_dir: Path | None) -> dict[str, tuple[YamlDoc, tuple[str, ...]]]:
    files: dict[str, tuple[YamlDoc, tuple[str, ...]]] = {}
    for name in _DATA_FILES:
        if data_dir is None:
            files[name] = (YamlDoc(name=f"data/{name}.yaml", data=None), ())
            continue
        path = (data_dir / f"{name}.yaml").resolve()
        try:
            st = path.stat()
        except OSError:
            files[name] = (YamlDoc(name=display_path(path), data=None), ())
            continue
        files[name] = _doc(path, (st.st_mtime_ns, st.st_size, str(Path.cwd())))
    return files


def data_docs(data_dir: Path | None) -> dict[str, YamlDoc]:
    """The catalogue's YAML files (for line numbers), re-read only when they change."""
    return {name: doc for name, (doc, _) in _data_files(data_dir).items()}


def _is_locale_map(value: dict[str, Any]) -> bool:
    return bool(value) and "en" in value and set(value) <= set(LOCALES)


def _walk(value: Any, path: PathKey, locale: str | None) -> Iterator[tuple[PathKey, str, str]]:
    """(path, text, locale) for every human-facing string under ``value``."""
    if isinstance(value, dict):
        if _is_locale_map(value):
            keys = [locale if locale in value else "en"] if locale else list(value)
            for key in keys:
                if isinstance(value[key], str):
                    yield (*path, key), value[key], key
            return
        for key, item in value.items():
            if key not in _CATALOGUE_SKIP_KEYS and item is not None:
                yield from _walk(item, (*path, key), locale)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index), locale)
    elif isinstance(value, str):
        yield path, value, ""


@dataclass(frozen=True)
class _Item:
    file: str
    path: PathKey
    owner: str
    model: BaseModel


def _items(catalogue: Catalogue) -> Iterator[_Item]:
    for i, film in enumerate(catalogue.films):
        yield _Item("films", ("films", i), film.id, film)
    for i, theme in enumerate(catalogue.themes):
        yield _Item("themes", ("themes", i), theme.id, theme)
    for r, region in enumerate(catalogue.regions):
        yield _Item("helplines", ("regions", r), region.id,
                    region.model_copy(update={"lines": []}))
        for j, line in enumerate(region.lines):
            yield _Item("helplines", ("regions", r, "lines", j), line.id, line)
    for i, obs in enumerate(catalogue.observances):
        yield _Item("awareness_days", ("observances", i), obs.id, obs)
    for key, terms in (("categories", catalogue.vocabulary.categories),
                       ("content_notes", catalogue.vocabulary.content_notes)):
        for i, term in enumerate(terms):
            yield _Item("vocabulary", (key, i), term.id, term)


def catalogue_texts(catalogue: Catalogue, data_dir: Path | None = None, *,
                    owners: Iterable[str] | None = None, locale: str | None = None) -> list[Text]:
    """Every human-facing catalogue string as a Text located at its file and line.

    ``owners`` keeps only the texts of those ids (the films, themes, helplines and
    observances of one edition); ``locale`` keeps only the text an edition in that locale
    shows (falling back to English as editions do). Without them: everything, every locale.
    """
    files = _data_files(data_dir)
    wanted = set(owners) if owners is not None else None
    texts = []
    for item in _items(catalogue):
        if wanted is not None and item.owner not in wanted:
            continue
        doc, source = files[item.file]
        dump = item.model.model_dump(mode="python", exclude_none=True)
        for sub, value, text_locale in _walk(dump, (), locale):
            path = (*item.path, *sub)
            field_name = item.path[0] if item.file == "vocabulary" else str(sub[0])
            place = f"{item.file}.{field_name}"
            texts.append(Text(doc.name, format_path(path), place, item.owner, value,
                              ((0, doc.line_of(path) if doc.lines else 0),), text_locale,
                              source))
    return texts
