"""What every edition must carry, checked on the rendered files themselves.

- Each enabled channel's files exist (``required.files`` in the rules file).
- The email parts and the archive page show the helpline of every audience region; the
  first part of every social post shows the primary region's helpline. A helpline counts
  as shown when its ``short`` text appears, or its first contact value (``109``,
  ``116 123``) appears as a whole number within 200 characters of the line's or the
  region's name, so a runtime of "109 min" elsewhere cannot stand in for the footer.
- Where the edition's content notes include suicide, self-harm or sexual violence, the
  same files carry a content note: a marker ("Content note", "CW"...) followed within
  ``window`` characters by every such note's label, or a Mastodon ``cw`` naming them.
- The email parts and the archive page carry a help-seeking or hope line: the support
  text of one of the edition's themes, or one of the rules file's hope phrases.

Presence is judged on visible text with whitespace collapsed and case folded, so line
wrapping, ``&nbsp;`` and markup never decide it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

import regex

from generator.config import Settings
from generator.edition import Edition, RegionView
from generator.safety.finding import Finding
from generator.safety.rules import RuleBook
from generator.safety.text import Text, artifact_texts, clean

_LATER_PART = regex.compile(r"-(\d+)\.[a-z]+$")
CW_SUFFIX = ".cw.txt"
"""``social/mastodon.cw.txt`` holds what goes in the platform's own content-warning field."""
_NEAR = 200


def norm(text: str) -> str:
    """Whitespace collapsed, case folded: the form presence checks compare."""
    return " ".join(text.split()).casefold()


def _value_pattern(value: str) -> Any:
    tokens = [regex.escape(t) for t in norm(value).split()]
    return regex.compile(r"(?<![\w])" + r"\s*".join(tokens) + r"(?![\w])")


def helpline_shown(body: str, region: RegionView) -> bool:
    """Whether normalised ``body`` shows the primary line of ``region`` (see module doc)."""
    line = region.primary
    if norm(line.short) in body:
        return True
    anchors = [norm(a) for a in (line.name, region.name) if a.strip()]
    for contact in line.contacts[:1]:
        for match in _value_pattern(contact.value).finditer(body):
            window = body[max(0, match.start() - _NEAR):match.end() + _NEAR]
            if any(anchor in window for anchor in anchors):
                return True
    return False


def content_note_shown(body: str, labels: Iterable[str], markers: Iterable[str],
                       window: int) -> bool:
    """Whether a marker in ``body`` is followed within ``window`` by every label."""
    wanted = [norm(label) for label in labels]
    for marker in markers:
        pattern = regex.compile(r"(?<![\w])" + regex.escape(norm(marker)) + r"(?![\w])")
        for match in pattern.finditer(body):
            after = body[match.end():match.end() + window]
            if all(label in after for label in wanted):
                return True
    return False


def is_later_part(rel: str) -> bool:
    """``social/x-2.txt`` is the second part of a thread; ``social/x.txt`` the first."""
    match = _LATER_PART.search(rel)
    return bool(match) and int(match.group(1)) >= 2


def _matches(rel: str, globs: Iterable[str]) -> bool:
    return any(fnmatchcase(rel, g) for g in globs)


def _visible(rel: str, data: bytes, texts: Mapping[str, list[Text]] | None = None) -> str:
    found = texts[rel] if texts is not None and rel in texts else artifact_texts(rel, data)
    return norm(clean("\n".join(t.body for t in found)))


def _missing_files(files: Mapping[str, bytes], settings: Settings, book: RuleBook) -> list[Finding]:
    findings = []
    switches = settings.channels.model_dump()
    for channel, patterns in sorted(book.files.items()):
        if not switches.get(channel):
            continue
        for pattern in patterns:
            names = ([pattern.format(platform=p) for p in settings.social.platforms]
                     if "{platform}" in pattern else [pattern])
            for name in names:
                if name not in files:
                    findings.append(Finding(
                        "error", "artifact-missing", name, 0,
                        f"the {channel} channel is on but {name} was not rendered",
                        f"render {name}, or switch the channel off in schedule.yaml"))
    return findings


def _posts(data: bytes) -> list[dict[str, Any]]:
    """Post objects (with ``text``) in a posts.json, whatever its top-level shape."""
    try:
        value = json.loads(data)
    except ValueError:
        return []
    if isinstance(value, dict):
        value = value.get("posts", [])
    return [p for p in value if isinstance(p, dict) and isinstance(p.get("text"), str)] \
        if isinstance(value, list) else []


def _post_cw(post: Mapping[str, Any]) -> str:
    for key in ("cw", "content_warning", "spoiler_text"):
        if isinstance(post.get(key), str):
            return str(post[key])
    return ""


class _Checker:
    """Required-element checks for one edition; collects findings."""

    def __init__(self, edition: Edition, files: Mapping[str, bytes], book: RuleBook,
                 texts: Mapping[str, list[Text]] | None = None) -> None:
        self.edition = edition
        self.files = files
        self.book = book
        self.texts = texts
        self.labels = [n.label for n in edition.content_notes if n.id in book.note_ids]
        self.markers = book.markers_for(edition.locale)
        self.findings: list[Finding] = []
        self.post_cws = self._post_cws()

    def _post_cws(self) -> dict[str, str]:
        """platform -> the cw of its first part (its ``.cw.txt`` file, or social/*.json)."""
        cws: dict[str, str] = {}
        for rel, data in sorted(self.files.items()):
            if rel.startswith("social/") and rel.endswith(CW_SUFFIX):
                cws[rel.removeprefix("social/").removesuffix(CW_SUFFIX)] = self.visible(rel, data)
            if rel.startswith("social/") and rel.endswith(".json"):
                for post in _posts(data):
                    if int(post.get("part", 1) or 1) == 1 and _post_cw(post):
                        cws.setdefault(str(post.get("platform", "")), norm(_post_cw(post)))
        return cws

    def visible(self, rel: str, data: bytes) -> str:
        return _visible(rel, data, self.texts)

    def add(self, rule: str, rel: str, text: str, better: str, where: str = "") -> None:
        self.findings.append(Finding("error", rule, rel, 0, text, better, where=where))

    def helplines(self, rel: str, body: str, regions: Iterable[RegionView],
                  where: str = "") -> None:
        for region in regions:
            if not helpline_shown(body, region):
                line = region.primary
                value = line.contacts[0].value
                self.add("helpline-missing", rel,
                         f"no helpline for {region.name}: {line.name} ({value})",
                         f"render the helpline footer, e.g. \"{line.short}\"", where)

    def content_note(self, rel: str, body: str, cw: str = "", where: str = "") -> None:
        if not self.labels:
            return
        if cw and all(norm(label) in cw for label in self.labels):
            return
        if content_note_shown(body, self.labels, self.markers, self.book.window):
            return
        names = ", ".join(self.labels)
        marker = self.markers[0].capitalize() if self.markers else "Content note"
        self.add("content-note-missing", rel, f"no content note naming {names}",
                 f"add \"{marker}: {names}\" before the feature", where)

    def hope(self, rel: str, body: str) -> None:
        supports = [norm(t.support) for t in self.edition.themes]
        phrases = [norm(p) for p in self.book.hope_for(self.edition.locale)]
        if any(s and s in body for s in supports) or any(p in body for p in phrases):
            return
        example = self.book.hope_for(self.edition.locale)[:1]
        self.add("hope-line-missing", rel, "no help-seeking or hope line",
                 "render the theme's support text" + (f" or \"{example[0]}\"" if example else ""))

    def run(self) -> list[Finding]:
        book, edition = self.book, self.edition
        for rel, data in sorted(self.files.items()):
            if rel.endswith(CW_SUFFIX):
                continue
            first_part = not is_later_part(rel)
            body = None
            if _matches(rel, book.all_regions_helplines):
                body = body or self.visible(rel, data)
                self.helplines(rel, body, edition.regions)
            if first_part and _matches(rel, book.primary_helpline):
                body = body or self.visible(rel, data)
                self.helplines(rel, body, [edition.primary_region])
            if _matches(rel, book.content_note) and (first_part or not rel.startswith("social/")):
                body = body or self.visible(rel, data)
                platform = rel.removeprefix("social/").rsplit(".", 1)[0]
                self.content_note(rel, body, self.post_cws.get(platform, ""))
            if _matches(rel, book.hope_files):
                body = body or self.visible(rel, data)
                self.hope(rel, body)
            if rel.startswith("social/") and rel.endswith(".json"):
                self._posts_json(rel, data)
        return self.findings

    def _posts_json(self, rel: str, data: bytes) -> None:
        for index, post in enumerate(_posts(data)):
            if int(post.get("part", 1) or 1) != 1:
                continue
            where = f"[{index}]" + (f" ({post['platform']})" if post.get("platform") else "")
            body = norm(str(post["text"]))
            self.helplines(rel, body, [self.edition.primary_region], where)
            self.content_note(rel, body, norm(_post_cw(post)), where)


def check_required(edition: Edition, files: Mapping[str, bytes], settings: Settings,
                   book: RuleBook, texts: Mapping[str, list[Text]] | None = None
                   ) -> list[Finding]:
    """Every missing file, helpline block, content note and hope line in ``files``.

    ``texts`` (rendered path -> its visible texts) saves parsing the files again.
    """
    return _missing_files(files, settings, book) + _Checker(edition, files, book, texts).run()
