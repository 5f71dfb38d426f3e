"""Read one edition folder (manifest, posts, email) into the review page's model.

Everything comes from the files the channels wrote: counts and limits from
``social/posts.json`` (never recounted), warnings from ``manifest.json``, the subject
from the ``.eml``. A file that is missing or unreadable becomes a problem shown on the
page, never an error that stops the build.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from generator.channels.social.count import Measure
from generator.ledger import LedgerEntry
from generator.locales import LANGUAGE_NAMES, TRANSLATIONS, prefix
from generator.manifest import MANIFEST
from generator.review.model import (
    CardView,
    EditionView,
    LanguageView,
    PlatformView,
    PostView,
    Status,
)

log = logging.getLogger(__name__)

EMAIL_FILE = "email.html"
POSTS_FILE = "social/posts.json"
CARDS_FILE = "cards/cards.json"


ENGLISH_NAMES = {"en": "English", "ko": "Korean"}
"""Each language's name in the page's own language, for accessible names."""


def edition_view(
    folder: Path, entry: LedgerEntry, status: Status, timezone: str, present: Collection[str],
    *, current: bool = False, locales: Sequence[str] = (),
) -> EditionView:
    """Read one edition folder (manifest, then each locale's posts, cards and email) into
    what the page shows. ``locales`` are the site's, the first at the top of the folder;
    without them, the manifest's own locale alone."""
    problems: list[str] = []
    manifest = _read_json(folder / MANIFEST, problems) or {}
    files = tuple(
        str(f["path"]) for f in manifest.get("files", []) if isinstance(f, dict) and "path" in f
    )
    codes = list(locales) or [str(manifest.get("locale") or "en")]
    warnings = tuple(str(w) for w in manifest.get("warnings", []))
    feature = manifest.get("feature", {}) if isinstance(manifest.get("feature"), dict) else {}
    fallback = str(feature.get("title") or entry.feature_id)
    found = entry.item.get(TRANSLATIONS)
    items = {codes[0]: entry.item, **(found if isinstance(found, dict) else {})}
    languages = tuple(
        language_view(folder, entry, code, prefix(code, codes[0]), files, warnings, present,
                      items.get(code) or {}, fallback, len(codes) > 1,
                      problems if index == 0 else [])
        for index, code in enumerate(codes)
    )
    send_at = datetime.fromisoformat(entry.send_at)
    return EditionView(
        id=str(entry.week),
        status=status,
        kind=entry.feature_kind,
        reason=entry.reason,
        send_at=send_at,
        send_text=_send_text(send_at, timezone),
        warnings=warnings,
        files=files,
        languages=languages,
        current=current,
    )


def language_view(
    folder: Path, entry: LedgerEntry, lang: str, home: str, files: Collection[str],
    warnings: Sequence[str], present: Collection[str], item: Mapping[str, Any],
    fallback: str, several: bool, problems: list[str],
) -> LanguageView:
    """One locale's part of an edition folder: the files under ``home`` ("" or "ko/")."""
    week = str(entry.week)
    built = not home or any(rel.startswith(home) for rel in files)
    platforms: tuple[PlatformView, ...] = ()
    posts_file = home + POSTS_FILE
    if posts_file in files:
        raw = _read_json(folder / posts_file, problems)
        if isinstance(raw, list):
            try:
                platforms = group_posts(week, raw, warnings, home,
                                        ENGLISH_NAMES.get(lang, lang) if several else "")
            except (KeyError, TypeError, ValueError) as exc:
                problems.append(f"{posts_file} has an entry the page cannot read ({exc!r})")
        elif raw is not None:
            problems.append(f"{posts_file} is not a list of posts")
    cards_file = home + CARDS_FILE
    cards = card_views(week, _read_json(folder / cards_file, problems), home) \
        if cards_file in files else ()
    notes = tuple(str(n) for n in item.get("content_notes", []) if isinstance(n, str))
    cw = next((p.cw for pv in platforms for p in pv.posts if p.cw), None)
    archive_page = f"{home}archive/{week}.html"
    email_file = home + EMAIL_FILE
    return LanguageView(
        lang=lang,
        name=LANGUAGE_NAMES.get(lang, lang),
        folder=home,
        anchor=f"edition-{_key(week, home)}",
        title=str(item.get("title") or fallback),
        content_notes=notes,
        cw=cw,
        subject=_subject(folder, files, home),
        email=f"{week}/{email_file}" if email_file in files else None,
        archive_page=archive_page if archive_page in present else None,
        platforms=platforms,
        problems=tuple(problems),
        cards=cards,
        built=built,
        language=ENGLISH_NAMES.get(lang, lang) if several else "",
    )


def _key(edition: str, home: str) -> str:
    """'2026-W50' for the first locale, '2026-W50-ko' for another: ids and file names."""
    return f"{edition}-{home.strip('/')}" if home else edition


def card_views(edition: str, raw: Any, home: str = "") -> tuple[CardView, ...]:
    """The cards listed in cards.json, as the page links them (relative to the outbox);
    a Korean card downloads as ``2026-W50-ko-link.png``."""
    if not isinstance(raw, list):
        return ()
    stem = _key(edition, home)
    return tuple(
        CardView(f"{edition}/{home}{c['file']}", f"{stem}-{Path(str(c['file'])).name}",
                 int(c["width"]), int(c["height"]), str(c["alt"]))
        for c in raw if isinstance(c, Mapping) and {"file", "width", "height", "alt"} <= set(c)
    )


def group_posts(
    edition: str, raw: Sequence[Any], warnings: Sequence[str] = (), home: str = "",
    language: str = "",
) -> tuple[PlatformView, ...]:
    """posts.json entries grouped by platform, in the file's order, parts in order.
    ``home`` is the locale's folder in the edition ("" or "ko/")."""
    groups: dict[str, list[PostView]] = {}
    labels: dict[str, str] = {}
    for entry in raw:
        if not isinstance(entry, Mapping):
            continue
        post = post_view(edition, entry, warnings, home, language)
        groups.setdefault(post.platform, []).append(post)
        labels.setdefault(post.platform, post.label)
    return tuple(
        PlatformView(platform, labels[platform], tuple(sorted(posts, key=lambda p: p.part)))
        for platform, posts in groups.items()
    )


def post_view(
    edition: str, entry: Mapping[str, Any], warnings: Sequence[str] = (), home: str = "",
    language: str = "",
) -> PostView:
    """One posts.json entry; counts and limits are taken as written, never recounted.

    ``warnings`` are the edition's safety warnings; the post keeps those that name one
    of its own files (its text, and for the first part its CW file and bulk rows).
    """
    platform = str(entry["platform"])
    part = int(entry.get("part", 1))
    primary = Measure(str(entry.get("unit", "characters")), int(entry["count"]),
                      int(entry["limit"]))
    others = tuple(
        Measure(str(c["unit"]), int(c["count"]), int(c["limit"]))
        for c in entry.get("checks", [])
        if isinstance(c, Mapping) and str(c.get("unit")) != primary.unit
    )
    placement = entry.get("cw_placement")
    key = _key(edition, home)
    files = tuple(home + rel for rel in _post_files(entry, platform, part))
    return PostView(
        dom_id=f"post-{key}-{platform}-{part}",
        edition=edition,
        platform=platform,
        label=str(entry.get("label") or platform),
        part=part,
        parts=int(entry.get("parts", 1)),
        text=str(entry["text"]),
        primary=primary,
        others=others,
        cw=entry.get("cw") or None,
        cw_native=placement == "spoiler_text",
        link=entry.get("link") or None,
        hashtags=tuple(str(h) for h in entry.get("hashtags", [])),
        alt_text=entry.get("alt_text") or None,
        file=entry.get("file") or None,
        shortened=tuple(str(s) for s in entry.get("shortened", [])),
        image=entry.get("image") or None,
        image_url=entry.get("image_url") or None,
        warnings=tuple(w for w in warnings if _names_any(w, files)),
        folder=home,
        language=language,
    )


def _post_files(entry: Mapping[str, Any], platform: str, part: int) -> tuple[str, ...]:
    """The files a post's text is written to: a warning on any of them is the post's."""
    own = (str(entry["file"]),) if entry.get("file") else ()
    if part != 1:
        return own
    return (*own, f"social/{platform}.cw.txt", f"social/buffer/{platform}.csv",
            f"social/hootsuite/{platform}.csv")


def _names_any(warning: str, files: Sequence[str]) -> bool:
    """Whether a finding (``warning: PATH[:LINE]: ...``) is about one of ``files``."""
    place = warning.removeprefix("warning: ")
    return any(place.startswith(f"{rel}:") for rel in files)


def _read_json(path: Path, problems: list[str]) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        problems.append(f"{path.name} is missing")
    except (OSError, ValueError) as exc:
        problems.append(f"{path.name} cannot be read: {exc}")
    log.warning("review page: %s/%s: %s", path.parent.name, path.name, problems[-1])
    return None


def _subject(folder: Path, files: Collection[str], home: str = "") -> str | None:
    """The Subject header of the locale's .eml, decoded, if the email channel wrote one."""
    eml = next((rel for rel in sorted(files) if rel.endswith(".eml") and rel.startswith(home)
                and "/" not in rel.removeprefix(home)), None)
    if eml is None:
        return None
    try:
        with open(folder / eml, "rb") as handle:
            headers = BytesHeaderParser(policy=default_policy).parse(handle)
    except OSError:
        return None
    subject = headers.get("Subject")
    return str(subject) if subject is not None else None


def _send_text(send_at: datetime, timezone: str) -> str:
    """'Mon 7 Dec 2026, 09:00 Asia/Seoul' (the schedule's wall clock, as stored)."""
    return f"{send_at:%a} {send_at.day} {send_at:%b %Y}, {send_at:%H:%M} {timezone}"
