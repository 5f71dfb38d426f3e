"""Every locale in ``locales`` is built each week, beside the first, and adding one
changes no byte of the first locale's outputs apart from the links between languages.

Through the real CLI: the fixture site built with ``locales: [en]`` and with
``locales: [en, ko]`` is compared file by file.
"""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import feedparser
import lxml.html
import pytest

from tests.conftest import copy_site, mindreel

LATER = "2026-12-20T10:00:00+09:00"  # every week below has gone out
WEEKS = ("--from", "2026-W47", "--to", "2026-W50")
BASE = "https://mindreel.example.org"


def build(folder: Path, locales: str) -> Path:
    schedule = copy_site(folder)
    text = schedule.read_text("utf-8").replace("locales: [en]", f"locales: {locales}")
    schedule.write_text(text, "utf-8")
    result = mindreel("build", *WEEKS, cwd=folder, now=LATER)
    assert result.returncode == 0, result.stderr
    return folder / "outbox"


@pytest.fixture(scope="module")
def outboxes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("locales")
    return build(root / "en", "[en]"), build(root / "both", "[en, ko]")


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".mindreel" not in p.parts}


_CROSS_LINKS = re.compile(rb'<link rel="alternate" hreflang="[a-z]+" href="[^"]*">\n'
                          rb'|<a href="[^"]*" hreflang="[a-z]+" lang="[a-z]+">[^<]*</a>\n')


def test_adding_korean_changes_no_english_byte_but_the_links_between_languages(
        outboxes: tuple[Path, Path]) -> None:
    english, both = (files_of(root) for root in outboxes)
    korean = {rel for rel in both if rel.startswith("ko/") or "/ko/" in rel}
    assert set(both) - korean == set(english)
    for rel, data in english.items():
        if rel.endswith("manifest.json") or rel == "index.html":
            continue  # the manifest lists the Korean files too; the review page shows them
        if rel.startswith("archive/"):
            assert _CROSS_LINKS.sub(b"", both[rel]) == data, rel
            assert both[rel] != data, f"{rel} has no link to its Korean edition"
        else:
            assert both[rel] == data, rel
    for rel in (r for r in english if r.endswith("manifest.json")):
        listed = json.loads(both[rel])["files"]
        mine = [f for f in listed if not f["path"].startswith("ko/")]
        assert mine == json.loads(english[rel])["files"], rel


def test_each_week_has_a_korean_edition_beside_the_english(outboxes: tuple[Path, Path]) -> None:
    both = outboxes[1]
    for week in ("2026-W47", "2026-W48", "2026-W49", "2026-W50"):
        folder = both / week / "ko"
        for name in ("email.html", "email.txt", "email.eml", "article.html", "item.json",
                     "social/x.txt", "social/mastodon.txt", "social/bluesky.txt"):
            assert (folder / name).is_file(), f"{week}/ko/{name}"
        listed = {f["path"] for f in json.loads((both / week / "manifest.json").read_bytes())
                  ["files"]}
        assert "ko/email.html" in listed


def test_the_korean_email_is_its_own_message_on_its_own_list(
        outboxes: tuple[Path, Path]) -> None:
    both = outboxes[1]
    en, ko = (email.message_from_bytes((both / "2026-W49" / rel).read_bytes(),
                                       policy=policy.default)
              for rel in ("email.eml", "ko/email.eml"))
    assert en["List-Id"] != ko["List-Id"]
    assert "<ko." in ko["List-Id"]
    assert en["Message-ID"] != ko["Message-ID"]
    assert ko["Content-Language"] == "ko"
    assert f"{BASE}/ko/archive/" in ko["List-Archive"]


def test_each_language_has_its_own_feeds(outboxes: tuple[Path, Path]) -> None:
    both = outboxes[1]
    en, ko = (feedparser.parse((both / rel).read_bytes()) for rel in ("feed.xml", "ko/feed.xml"))
    assert ko.feed.language == "ko" and en.feed.language == "en"
    assert [e.link for e in ko.entries] == [
        f"{BASE}/ko/archive/{week}.html" for week in ("2026-W50", "2026-W49", "2026-W48",
                                                     "2026-W47")]
    assert not {e.id for e in ko.entries} & {e.id for e in en.entries}
    atom = feedparser.parse((both / "ko/atom.xml").read_bytes())
    assert atom.feed.id != feedparser.parse((both / "atom.xml").read_bytes()).feed.id


@pytest.mark.parametrize(("rel", "other", "lang"), [
    ("archive/2026-W49.html", f"{BASE}/ko/archive/2026-W49.html", "ko"),
    ("ko/archive/2026-W49.html", f"{BASE}/archive/2026-W49.html", "en"),
    ("archive/index.html", f"{BASE}/ko/archive/", "ko"),
    ("ko/archive/index.html", f"{BASE}/archive/", "en"),
])
def test_archive_pages_point_at_each_other(outboxes: tuple[Path, Path], rel: str, other: str,
                                           lang: str) -> None:
    page = lxml.html.document_fromstring((outboxes[1] / rel).read_bytes())
    alternates = {link.get("hreflang"): link.get("href")
                  for link in page.cssselect('link[rel=alternate][hreflang]')}
    canonical = page.cssselect("link[rel=canonical]")[0].get("href")
    assert alternates == {page.get("lang"): canonical, lang: other}
    assert [a.get("href") for a in page.cssselect(f'a[hreflang="{lang}"]')] == [other]
