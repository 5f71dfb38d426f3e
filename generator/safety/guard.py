"""Safe-messaging guard: checks run over every rendered artifact before anything is written.

Three kinds of check, each with its own module:

- wording rules (``rules``: data/safety_rules.yaml) over the visible text of every
  rendered file (``text``) and over the catalogue fields the edition shows, so a
  finding names both where the words land and where to fix them;
- required elements (``required``): helplines, content notes, a hope line;
- helpline freshness: a line verified longer ago than ``safety.helpline_warn_days`` warns,
  longer than ``safety.helpline_error_days`` blocks.

Errors block the write (exit 1); warnings go to the console and the manifest. Exceptions
to a wording rule live in data/safety_exceptions.yaml, each scoped to one title and one
exact text, so they never switch a rule off and never reach another title's edition.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import chain
from pathlib import Path

from generator.catalogue import Catalogue
from generator.config import SafetySettings
from generator.edition import Edition
from generator.project import Project
from generator.safety.finding import Finding, Severity
from generator.safety.memo import LONG_TEXT, TextMemo
from generator.safety.required import check_required
from generator.safety.rules import RuleBook, RuleException, in_scope, rulebook_for
from generator.safety.text import Text, artifact_texts, catalogue_texts, data_docs

__all__ = ["Finding", "Severity", "check_catalogue", "check_edition", "check_texts",
           "helpline_freshness"]


def check_texts(texts: Iterable[Text], book: RuleBook, shown: Iterable[str] = (),
                used: set[RuleException] | None = None) -> list[Finding]:
    """Wording findings for ``texts``.

    An exception applies to a catalogue text only when it names that text's owner, and
    to a rendered file only when it names a title the edition ``shown`` (features or
    lists); in both cases only inside the exact text it allows. Exceptions that allowed
    something are added to ``used``.
    """
    titles = frozenset(shown)
    findings: set[Finding] = set()
    allowed: set[RuleException] = set()
    by_place: dict[str, list[Text]] = {}
    rendered = _rendered_results(book)
    keys: dict[int, TextKey] = {}
    for text in texts:
        if text.owner:
            known = book.owned_results.get(text)
        else:
            key = keys[id(text)] = rendered.key(text, titles)
            known = rendered.get(key)
        if known is not None:
            findings.update(known[0])
            allowed.update(known[1])
        else:
            by_place.setdefault(text.place, []).append(text)
    for place, group in by_place.items():
        matches = _matches(book, place, group)
        for text in group:
            found: set[Finding] = set()
            excused: set[RuleException] = set()
            _check_text(text, matches, book, titles, found, excused)
            result = (frozenset(found), frozenset(excused))
            if text.owner:  # a catalogue text: its findings hold for every edition
                book.owned_results[text] = result
            else:  # a rendered text: the same for the same titles shown
                rendered.put(keys[id(text)], result)
            findings |= found
            allowed |= excused
    if used is not None:
        used.update(allowed)
    return sorted(findings)


Results = tuple[frozenset[Finding], frozenset[RuleException]]
TextKey = tuple[str, str, str, str, str, object, frozenset[str]]


class _Rendered:
    """Findings of rendered texts already checked with one rule book.

    A text's findings depend only on the text (its words, file and lines), the rule book
    and the titles whose exceptions apply; the same text recurs in every build of a week
    and, for footers and posts, across weeks, so each distinct one is checked once.
    Keys copy the text's fields (a Text would hold its large views), its line anchors
    packed; a ``TextMemo`` bounds what is kept (the last 32 whole pages)."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.memo: TextMemo[TextKey, Results] = TextMemo(long_kept=32)

    @staticmethod
    def key(text: Text, titles: frozenset[str]) -> TextKey:
        anchors = text.anchors
        packed: object = (anchors if len(anchors) < 4
                          else array("q", chain.from_iterable(anchors)).tobytes())
        return (text.artifact, text.where, text.place, text.locale, text.body, packed, titles)

    def get(self, key: TextKey) -> Results | None:
        return self.memo.get(key, len(key[4]))

    def put(self, key: TextKey, result: Results) -> None:
        self.memo.put(key, len(key[4]), result)


_rendered: dict[int, _Rendered] = {}


def _rendered_results(book: RuleBook) -> _Rendered:
    kept = _rendered.get(id(book))
    if kept is None or kept.book is not book:
        if len(_rendered) >= 4:
            _rendered.clear()
        kept = _rendered[id(book)] = _Rendered(book)
    return kept


_SEPARATOR = "\x00"
"""Joins texts for the pre-screen: no rule matches it, and like a string boundary it is
neither a word character nor whitespace, so ``\\b``, ``\\s`` and lookarounds behave
at each seam as they do at the ends of a single text."""


_MATCHES_KEPT = 20_000
"""Distinct texts whose matches a rule book remembers (a 520-week backfill sees fewer)."""
_LONG_VIEW = LONG_TEXT
"""Longer texts (whole pages, new every week) are searched without being remembered:
thousands of them would hold a long backfill's worth of pages in memory. A page seen
again is caught earlier, by the rendered-text results."""

Matches = dict[str, dict[str, tuple[tuple[int, int], ...]]]


def _matches(book: RuleBook, place: str, group: list[Text]) -> Matches:
    """For each distinct view text in ``group``: the rules for ``place`` that match it,
    with their spans. Texts the book has seen before are not searched again; the new
    ones are screened together, one search per rule over all of them (almost every rule
    matches nothing), then searched one by one only for the rules that hit."""
    cache = book.matches
    views = dict.fromkeys(view.text for text in group for view in text.views)
    if len(cache) > _MATCHES_KEPT:
        cache.clear()
    found = {v: hit for v in views if (hit := cache.get((place, v))) is not None}
    new = [v for v in views if v not in found]
    if new:
        rules = book.rules_for(place)
        joined = _SEPARATOR.join(new)
        present = [rule for rule in rules if rule.regex.search(joined)] if rules else []
        for view in new:
            found[view] = tuple(
                (rule.id, spans) for rule in present if (spans := tuple(rule.spans(view))))
            if len(view) <= _LONG_VIEW:
                cache[(place, view)] = found[view]
    return {view: dict(found[view]) for view in views}


def _check_text(text: Text, matches: Matches, book: RuleBook, titles: frozenset[str],
                findings: set[Finding], used: set[RuleException]) -> None:
    """Add the findings of the rules that match ``text`` to ``findings``.

    Rules match the normalised views of the text; a finding quotes the original words
    and names their line, found through the view's offset map.
    """
    hits = [matches[view.text] for view in text.views]
    if not any(hits):
        return
    owners = {text.owner} if text.owner else titles
    for rule in book.rules_for(text.place):
        if not any(rule.id in hit for hit in hits):
            continue
        seen: set[tuple[int, int]] = set()
        for view, hit in zip(text.views, hits, strict=True):
            for start, end in hit.get(rule.id, ()):
                allowed = [e for e in book.exceptions
                           if e.rule == rule.id and e.feature in owners
                           and in_scope(text.place, e.where) and e.covers(view.text, start, end)]
                if allowed:
                    used.update(allowed)
                    continue
                lo, hi = view.original_span(start, end)
                if (lo, hi) in seen:
                    continue
                seen.add((lo, hi))
                findings.add(Finding(rule.severity, rule.id, text.artifact, text.line_at(lo),
                                     text.quote(lo, hi), rule.better,
                                     where=text.where, context=text.context(lo, hi)))


def helpline_freshness(catalogue: Catalogue, settings: SafetySettings, today: date,
                       data_dir: Path | None = None, line_ids: Iterable[str] | None = None
                       ) -> list[Finding]:
    """Helplines whose ``verified`` date is too old, located in data/helplines.yaml."""
    doc = data_docs(data_dir)["helplines"]
    wanted = set(line_ids) if line_ids is not None else None
    findings = []
    for r, region in enumerate(catalogue.regions):
        for j, line in enumerate(region.lines):
            if wanted is not None and line.id not in wanted:
                continue
            age = (today - line.verified).days
            where = f"regions[{r}].lines[{j}].verified"
            at = doc.line_of(("regions", r, "lines", j, "verified")) if doc.lines else 0
            text = f"{line.id} ({line.name['en']}) last verified {line.verified}, {age} days ago"
            if age > settings.helpline_error_days:
                findings.append(Finding(
                    "error", "helpline-stale", doc.name, at, text,
                    f"check the number against {line.sources[0].url} and update `verified` "
                    f"(limit {settings.helpline_error_days} days)", where=where))
            elif age > settings.helpline_warn_days:
                findings.append(Finding(
                    "warning", "helpline-aging", doc.name, at, text,
                    f"re-check it soon: it blocks builds after {settings.helpline_error_days} days",
                    where=where))
    return findings


def check_catalogue(catalogue: Catalogue, rules: RuleBook, data_dir: Path | None = None, *,
                    today: date | None = None, settings: SafetySettings | None = None,
                    used: set[RuleException] | None = None) -> list[Finding]:
    """Every wording finding in the whole catalogue: each film, theme, helpline, observance
    and vocabulary text, in every locale.

    This is what ``mindreel lint`` runs first and what catalogue tests can call::

        book = rulebook_for(data_dir, catalogue)
        errors = [f for f in check_catalogue(catalogue, book, data_dir) if f.severity == "error"]
        assert errors == [], "\n".join(map(str, errors))

    With ``data_dir`` findings carry file and line; with ``today`` helpline freshness is
    checked too (thresholds from ``settings``, default 180/365 days).
    """
    findings = check_texts(catalogue_texts(catalogue, data_dir), rules, used=used)
    if today is not None:
        findings += helpline_freshness(catalogue, settings or SafetySettings(), today, data_dir)
    return sorted(findings)


def edition_owners(edition: Edition, catalogue: Catalogue) -> set[str]:
    """Catalogue ids whose text the edition shows: titles, themes, helplines, observances."""
    owners = {edition.feature_id, *(t.id for t in edition.themes), *(r.id for r in edition.related)}
    for region in (*edition.regions, edition.international):
        owners.add(region.id)
        owners.update(line.id for line in region.lines)
    names = set(edition.observances)
    for obs in catalogue.observances:
        if obs.name.get(edition.locale, obs.name["en"]) in names:
            owners.add(obs.id)
    owners.update(n.id for n in edition.content_notes)
    for theme_id in (t.id for t in edition.themes):
        theme = catalogue.theme(theme_id)
        if theme is not None:
            owners.add(theme.category)
    if edition.film is not None:
        owners.add(edition.film.category_id)
    return owners


def _shown_texts(book: RuleBook, catalogue: Catalogue, data_dir: Path,
                 locale: str) -> list[Text]:
    """Every catalogue text an edition in ``locale`` may show, built once per catalogue:
    the same Text objects each week, so each is normalised and screened once a run."""
    key = (id(catalogue), locale)
    kept = book.shown_texts.get(key)
    if kept is None or kept[0] is not catalogue:
        if len(book.shown_texts) > 8:
            book.shown_texts.clear()
        kept = (catalogue, catalogue_texts(catalogue, data_dir, locale=locale))
        book.shown_texts[key] = kept
    return kept[1]


def check_edition(edition: Edition, files: Mapping[str, bytes], project: Project,
                  today: date, *, used: set[RuleException] | None = None) -> list[Finding]:
    """Every finding for one edition's rendered files (and the catalogue text it shows).

    Findings in rendered files carry the edition id; those in catalogue text name the
    data file and line. Exceptions that allowed something are added to ``used``.
    """
    catalogue = project.catalogue
    data_dir = project.config.data_dir
    settings = project.config.settings
    book = rulebook_for(data_dir, catalogue)
    owners = edition_owners(edition, catalogue)
    shown = {edition.feature_id, *(t.id for t in edition.themes), *(r.id for r in edition.related)}
    findings = check_texts([t for t in _shown_texts(book, catalogue, data_dir, edition.locale)
                            if t.owner in owners], book, used=used)
    texts = {rel: artifact_texts(rel, data) for rel, data in sorted(files.items())}
    rendered = [t for found in texts.values() for t in found]
    findings += [f.in_edition(edition.id) for f in check_texts(rendered, book, shown, used)]
    findings += [f.in_edition(edition.id)
                 for f in check_required(edition, files, settings, book, texts)]
    line_ids = {line.id for region in (*edition.regions, edition.international)
                for line in region.lines}
    findings += helpline_freshness(catalogue, settings.safety, today, data_dir, line_ids)
    return sorted(findings)
