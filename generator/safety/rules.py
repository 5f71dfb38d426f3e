"""Safe-messaging rules and their exceptions, as data: load, validate, compile.

The rules (``safety_rules.yaml``) are policy: the site's data folder may hold its own
copy, otherwise the copy bundled with mindreel applies, so a site can never run with no
rules at all. Exceptions (``safety_exceptions.yaml``, optional) are site data: each one
allows one rule, for one title, inside one exact text, and says why.

A bad file is bad input (exit 2) with ``file:line: field: message`` problems. Every
rule's own examples are checked at load time: ``bad`` must match the rule and ``good``
must match no rule, so a rule that cannot do its job never reaches a build.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import regex
from pydantic import AfterValidator, Field

from generator import bundled
from generator.catalogue import Catalogue, Film, Helpline, Observance, Region, Theme
from generator.errors import BadInput, Problem
from generator.safety.finding import Severity
from generator.schema import HttpsUrl, Line, Slug, Strict, Text, load_model
from generator.yamlsource import PathKey, YamlDoc, display_path, format_path

if TYPE_CHECKING:
    from generator.safety.finding import Finding
    from generator.safety.text import Text as ShownText

RULES_FILE = "safety_rules.yaml"
EXCEPTIONS_FILE = "safety_exceptions.yaml"
BUNDLED_RULES = bundled.data_dir() / RULES_FILE
"""The rules shipped with mindreel (package data); used when a site's data folder has none."""

ARTIFACT_PLACES = ("email", "web", "social")
_FIELDS: dict[str, set[str]] = {
    "films": set(Film.model_fields),
    "themes": set(Theme.model_fields),
    "helplines": set(Helpline.model_fields) | set(Region.model_fields),
    "awareness_days": set(Observance.model_fields),
    "vocabulary": {"categories", "content_notes"},
}
_FLAGS = regex.IGNORECASE | regex.VERBOSE


def _scope(value: str) -> str:
    if value == "all" or value in ARTIFACT_PLACES:
        return value
    stem, _, field = value.partition(".")
    if stem in _FIELDS and (field == "*" or field in _FIELDS[stem]):
        return value
    known = ", ".join(f"{s}.<field>" for s in _FIELDS)
    raise ValueError(f"unknown scope {value!r}: use all, email, web, social or {known}")


def _compiles(value: str) -> str:
    try:
        regex.compile(value, _FLAGS)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


Scope = Annotated[str, AfterValidator(_scope)]
Pattern = Annotated[str, AfterValidator(_compiles)]
Locale = Literal["en", "ko"]


class Examples(Strict):
    bad: list[Text] = Field(min_length=1)
    good: list[Text] = Field(min_length=1)


class RuleSpec(Strict):
    id: Slug
    language: Locale
    pattern: Pattern
    severity: Literal["error", "warning"]
    why: Line
    better: Line
    source: HttpsUrl
    scope: list[Scope] = Field(min_length=1)
    examples: Examples


class ContentNotesSpec(Strict):
    required_for: list[Slug] = Field(min_length=1)
    markers: dict[Locale, list[Line]]
    window: int = Field(default=300, ge=20, le=5000)


class HopeSpec(Strict):
    phrases: dict[Locale, list[Line]]


class RequiredFilesSpec(Strict):
    email: list[Line] = Field(default_factory=list)
    feeds: list[Line] = Field(default_factory=list)
    social: list[Line] = Field(default_factory=list)


class RequiredSpec(Strict):
    files: RequiredFilesSpec
    all_regions_helplines: list[Line] = Field(default_factory=list)
    primary_helpline: list[Line] = Field(default_factory=list)
    content_note: list[Line] = Field(default_factory=list)
    hope: list[Line] = Field(default_factory=list)


class RulesFile(Strict):
    content_notes: ContentNotesSpec
    hope: HopeSpec
    required: RequiredSpec
    rules: list[RuleSpec] = Field(min_length=1)


class ExceptionSpec(Strict):
    rule: Slug
    feature: Slug
    """The film or theme whose text this is; the exception holds nowhere else."""
    text: Line
    """The exact text allowed (a title, a quoted name); a match must lie inside it."""
    where: list[Scope] = Field(default_factory=lambda: ["all"], min_length=1)
    reason: Line


class ExceptionsFile(Strict):
    exceptions: list[ExceptionSpec] = Field(default_factory=list)


def in_scope(place: str, scope: tuple[str, ...]) -> bool:
    """Whether a text at ``place`` (``email``, ``films.synopsis``...) falls in ``scope``."""
    return "all" in scope or any(fnmatchcase(place, s) for s in scope)


@dataclass(frozen=True, eq=False)
class Rule:
    """One compiled rule."""

    id: str
    language: str
    severity: Severity
    why: str
    better: str
    source: str
    scope: tuple[str, ...]
    regex: Any
    bad: tuple[str, ...]
    good: tuple[str, ...]

    def applies_to(self, place: str) -> bool:
        return in_scope(place, self.scope)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self.regex.finditer(text)]


@dataclass(frozen=True, eq=False)
class RuleException:
    """Permission for one rule to match inside one exact text of one title."""

    rule: str
    feature: str
    text: str
    where: tuple[str, ...]
    reason: str
    file: str
    line: int
    regex: Any

    def covers(self, body: str, start: int, end: int) -> bool:
        """Whether ``body[start:end]`` lies inside an occurrence of the allowed text."""
        return any(m.start() <= start and end <= m.end() for m in self.regex.finditer(body))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.rule} for {self.feature} in \"{self.text}\""


@dataclass(frozen=True, eq=False)
class RuleBook:
    """Everything the guard checks: rules, exceptions and the required elements."""

    rules: tuple[Rule, ...]
    exceptions: tuple[RuleException, ...]
    note_ids: frozenset[str]
    markers: Mapping[str, tuple[str, ...]]
    window: int
    hope: Mapping[str, tuple[str, ...]]
    files: Mapping[str, tuple[str, ...]]
    all_regions_helplines: tuple[str, ...]
    primary_helpline: tuple[str, ...]
    content_note: tuple[str, ...]
    hope_files: tuple[str, ...]
    source: str
    exceptions_source: str | None
    _by_place: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    owned_results: dict[ShownText, tuple[frozenset[Finding], frozenset[RuleException]]] = (
        field(default_factory=dict, repr=False))
    """Findings already worked out for catalogue texts (they do not depend on the
    edition), so a backfill checks each synopsis once, not once a week."""
    matches: dict[tuple[str, str], tuple[tuple[str, tuple[tuple[int, int], ...]], ...]] = (
        field(default_factory=dict, repr=False))
    """(place, normalised text) -> the ids of the rules that match it, with their spans:
    a footer or awareness line repeated across artifacts and weeks is searched once."""
    shown_texts: dict[tuple[int, str | None], tuple[object, list[ShownText]]] = field(
        default_factory=dict, repr=False)
    """(catalogue id, locale) -> (that catalogue, its texts): built once, filtered per
    edition, so each text is normalised once a run (see ``guard.check_edition``)."""

    def rules_for(self, place: str) -> tuple[Rule, ...]:
        """The rules whose scope covers ``place`` (worked out once per place)."""
        if place not in self._by_place:
            self._by_place[place] = tuple(r for r in self.rules if r.applies_to(place))
        return self._by_place[place]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def markers_for(self, locale: str) -> tuple[str, ...]:
        """Content-note markers for ``locale`` first, then English ones ("CW" is universal)."""
        return tuple(dict.fromkeys((*self.markers.get(locale, ()), *self.markers.get("en", ()))))

    def hope_for(self, locale: str) -> tuple[str, ...]:
        """Hope phrases for ``locale`` first, then English ones."""
        return tuple(dict.fromkeys((*self.hope.get(locale, ()), *self.hope.get("en", ()))))


def compile_pattern(pattern: str, language: str) -> Any:
    """English rules match whole words; Korean ones match inside words (particles attach).

    A Korean rule is its pattern as written: exactly what ``_compiles`` compiled to
    validate it, so ``regex`` returns that compiled pattern from its own cache instead of
    compiling a second one (a cold build compiles each rule once, not twice). Wrapping
    it as ``(?:pattern)`` would match the same text; the group is needed only to put
    word boundaries around an English pattern, and the newline to end a trailing
    verbose-mode comment before them.
    """
    if language != "en":
        return regex.compile(pattern, _FLAGS)
    return regex.compile(r"\b(?:" + pattern + "\n" + r")\b", _FLAGS)


def _literal(text: str) -> Any:
    """A regex for ``text`` in which any run of spaces may be any whitespace, or none."""
    parts = [regex.escape(p) for p in nfc(text).split()]
    return regex.compile(r"\s*".join(parts))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _compile_rules(doc: YamlDoc, spec: RulesFile) -> tuple[list[Rule], list[Problem]]:
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(spec.rules):
        if item.id in seen:
            at: PathKey = ("rules", index, "id")
            problems.append(Problem(doc.name, doc.line_of(at), format_path(at),
                                    f"duplicate rule id {item.id!r} (also rules[{seen[item.id]}])"))
        seen.setdefault(item.id, index)
        rules.append(Rule(item.id, item.language, item.severity, item.why, item.better, item.source,
                          tuple(item.scope), compile_pattern(item.pattern, item.language),
                          tuple(nfc(t) for t in item.examples.bad),
                          tuple(nfc(t) for t in item.examples.good)))
    for index, rule in enumerate(rules):
        for j, bad in enumerate(rule.bad):
            if not rule.spans(bad):
                at = ("rules", index, "examples", "bad", j)
                problems.append(Problem(
                    doc.name, doc.line_of(at), format_path(at),
                    f"rule {rule.id} does not match its own bad example {bad!r}"))
        for j, good in enumerate(rule.good):
            hits = [other.id for other in rules if other.spans(good)]
            if hits:
                at = ("rules", index, "examples", "good", j)
                problems.append(Problem(doc.name, doc.line_of(at), format_path(at),
                                        f"good example {good!r} is matched by {', '.join(hits)}"))
    return rules, problems


def _compile_exceptions(doc: YamlDoc, spec: ExceptionsFile, rules: list[Rule]
                        ) -> tuple[list[RuleException], list[Problem]]:
    problems: list[Problem] = []
    compiled: list[RuleException] = []
    by_id = {r.id: r for r in rules}
    for index, item in enumerate(spec.exceptions):
        at = ("exceptions", index)
        rule = by_id.get(item.rule)
        if rule is None:
            where = (*at, "rule")
            problems.append(Problem(doc.name, doc.line_of(where), format_path(where),
                                    f"unknown rule {item.rule!r}"))
            continue
        if not rule.spans(nfc(item.text)):
            where = (*at, "text")
            problems.append(Problem(doc.name, doc.line_of(where), format_path(where),
                                    f"rule {item.rule} does not match this text, so the exception "
                                    "would allow nothing; remove it or fix the text"))
            continue
        compiled.append(RuleException(item.rule, item.feature, nfc(item.text), tuple(item.where),
                                      item.reason, doc.name, doc.line_of(at), _literal(item.text)))
    return compiled, problems


@lru_cache(maxsize=8)
def _load(rules_path: Path, exceptions_path: Path | None, _stamp: tuple[object, ...]) -> RuleBook:
    doc, spec = load_model(rules_path, RulesFile)
    assert isinstance(spec, RulesFile)
    rules, problems = _compile_rules(doc, spec)
    exceptions: list[RuleException] = []
    exceptions_source = None
    if exceptions_path is not None:
        exc_doc, exc_spec = load_model(exceptions_path, ExceptionsFile)
        assert isinstance(exc_spec, ExceptionsFile)
        exceptions, more = _compile_exceptions(exc_doc, exc_spec, rules)
        problems += more
        exceptions_source = exc_doc.name
    if problems:
        raise BadInput(problems)
    req = spec.required
    return RuleBook(
        rules=tuple(rules), exceptions=tuple(exceptions),
        note_ids=frozenset(spec.content_notes.required_for),
        markers={k: tuple(v) for k, v in spec.content_notes.markers.items()},
        window=spec.content_notes.window,
        hope={k: tuple(nfc(p) for p in v) for k, v in spec.hope.phrases.items()},
        files={"email": tuple(req.files.email), "feeds": tuple(req.files.feeds),
               "social": tuple(req.files.social)},
        all_regions_helplines=tuple(req.all_regions_helplines),
        primary_helpline=tuple(req.primary_helpline), content_note=tuple(req.content_note),
        hope_files=tuple(req.hope), source=doc.name, exceptions_source=exceptions_source,
    )


def _stamp(path: Path | None) -> tuple[object, ...]:
    if path is None:
        return ()
    st = path.stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def rules_path(data_dir: Path) -> Path:
    """The site's own rules file if it has one, else the bundled rules."""
    own = data_dir / RULES_FILE
    return own if own.is_file() else BUNDLED_RULES


def load_rulebook(data_dir: Path) -> RuleBook:
    """Rules and the site's exceptions from ``data_dir``; ``BadInput`` if either is wrong.

    Parsed files are cached until they change on disk, so checking every week of a long
    backfill reads them once.
    """
    path = rules_path(data_dir)
    if not path.is_file():
        raise BadInput([Problem(display_path(data_dir / RULES_FILE), 0, "",
                                "no safe-messaging rules: this file is missing and so is the "
                                "bundled copy; reinstall mindreel or restore the file")])
    exceptions = data_dir / EXCEPTIONS_FILE
    exc_path = exceptions if exceptions.is_file() else None
    stamp = (*_stamp(path), *_stamp(exc_path), str(Path.cwd()))
    return _load(path.resolve(), exc_path.resolve() if exc_path else None, stamp)


def exception_problems(book: RuleBook, catalogue: Catalogue) -> list[Problem]:
    """Exceptions naming a film or theme the catalogue does not have."""
    known = catalogue.feature_ids()
    return [Problem(e.file, e.line, "feature", f"unknown film or theme {e.feature!r}")
            for e in book.exceptions if e.feature not in known]


def rulebook_for(data_dir: Path, catalogue: Catalogue) -> RuleBook:
    """``load_rulebook`` plus the check that every exception names a real title."""
    book = load_rulebook(data_dir)
    problems = exception_problems(book, catalogue)
    if problems:
        raise BadInput(problems)
    return book
