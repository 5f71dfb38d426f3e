"""The review page at a glance, without a browser: the header, the collapsed sections,
the marks on posts that need something, and Korean text marked as Korean.

The browser measures (height at 1280 px, no horizontal scroll and no Korean broken
mid-word at 375 px) are in tests/test_browser_review.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.review.korean import mark_korean
from generator.review.model import IMAGE_REQUIRED
from tests.conftest import copy_site
from tests.test_review import _render, build, page

FOUR = ("2026-W48", "2026-W49", "2026-W50", "2026-W51")
NO_MAIL = "channels: {email: false, feeds: false}\n"
NO_CARDS = "channels: {cards: false}\n"
"""Without share cards no post has an image, so an image platform's post is marked."""


@pytest.fixture(scope="module")
def four(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """W47..W51 built at NOW (Wednesday of W48): W48 latest, W49..W51 upcoming."""
    return build(copy_site(tmp_path_factory.mktemp("glance") / "site", NO_CARDS),
                 "2026-W47", "2026-W51")


def _posts(outbox: Path, week: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((outbox / week / "social/posts.json").read_bytes())
    return data


def _edit_posts(outbox: Path, week: str, change: Callable[[list[dict[str, Any]]], None]) -> None:
    path = outbox / week / "social" / "posts.json"
    posts = _posts(outbox, week)
    change(posts)
    path.write_text(json.dumps(posts, ensure_ascii=False), "utf-8")


# --- header and sections -----------------------------------------------------------------


def test_the_header_has_one_row_per_edition_and_a_chip_per_platform(four: Path) -> None:
    doc = page(four)
    rows = doc.cssselect("header.top nav.toc li.row")
    assert [r.cssselect("a.ed strong")[0].text for r in rows] == list(FOUR)
    for row, week in zip(rows, FOUR, strict=True):
        chips = [a.get("href") for a in row.cssselect("a.chip")]
        platforms = list(dict.fromkeys(p["platform"] for p in _posts(four, week)))
        assert chips == [f"#edition-{week}-email"] + [f"#edition-{week}-{p}" for p in platforms]
        for href in chips:  # every jump link lands on an element of the page
            assert doc.get_element_by_id(href[1:]) is not None


def test_the_current_edition_is_open_and_the_others_are_closed(four: Path) -> None:
    doc = page(four)
    opened = {a.get("id"): a.cssselect("details")[0].get("open") is not None
              for a in doc.cssselect("article.edition")}
    assert opened == {f"edition-{w}": w == "2026-W48" for w in FOUR}
    for article in doc.cssselect("article.edition"):  # the summary names the edition
        summary = article.cssselect("details > summary")[0]
        assert summary.cssselect("h2")[0].get("id") == article.get("aria-labelledby")


def test_with_nothing_sent_yet_the_first_upcoming_edition_is_open(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", NO_MAIL)
    outbox = build(schedule, "2026-W49", "2026-W50")
    opened = [a.cssselect("details")[0].get("open") is not None
              for a in page(outbox).cssselect("article.edition")]
    assert opened == [True, False]


# --- what a post needs ---------------------------------------------------------------------


def _needs(doc: Any, week: str, platform: str, part: int = 1) -> list[str]:
    post = doc.get_element_by_id(f"post-{week}-{platform}-{part}").getparent()
    return [" ".join(li.text_content().split()) for li in post.cssselect(".needs-box li")]


def _chip(doc: Any, week: str, platform: str) -> str:
    chip = doc.cssselect(f'a.chip[href="#edition-{week}-{platform}"]')[0]
    return str(chip.get("class"))


def test_an_image_platform_without_an_image_is_marked_and_the_others_are_not(
    four: Path,
) -> None:
    doc = page(four)
    for post in _posts(four, "2026-W48"):
        needs = _needs(doc, "2026-W48", post["platform"], post["part"])
        if post["platform"] in IMAGE_REQUIRED:
            assert needs == ["needs an image: Instagram takes no text-only post"]
            assert _chip(doc, "2026-W48", post["platform"]) == "chip needs"
        else:
            assert needs == [], post["platform"]
            assert _chip(doc, "2026-W48", post["platform"]) == "chip ready"
    badge = doc.get_element_by_id("edition-2026-W48").cssselect("summary .badge.needs")
    assert badge[0].text == "1 to fix"


@pytest.mark.parametrize("key", ["image", "image_url"])
def test_an_image_clears_the_mark(tmp_path: Path, key: str) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false, "
                                            "cards: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W48")
    before = _render(schedule)  # marked first, so the test can fail
    assert _needs(before, "2026-W48", "instagram")
    assert before.get_element_by_id("edition-2026-W48").cssselect("summary .badge.needs")
    value = "social/cards/instagram.png" if key == "image" else "https://img.example/c.png"

    def add(posts: list[dict[str, Any]]) -> None:
        for post in posts:
            post[key] = value

    _edit_posts(outbox, "2026-W48", add)
    doc = _render(schedule)
    assert _needs(doc, "2026-W48", "instagram") == []
    assert not doc.get_element_by_id("edition-2026-W48").cssselect("summary .badge.needs")
    if key == "image":  # a local image is shown with the post, from the edition folder
        images = doc.get_element_by_id("edition-2026-W48-x").cssselect("figure.image img")
        assert images[0].get("src") == "2026-W48/social/cards/instagram.png"


def test_a_post_over_its_limit_is_marked(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", NO_MAIL)
    outbox = build(schedule, "2026-W48", "2026-W48")

    def over(posts: list[dict[str, Any]]) -> None:
        posts[0]["count"] = posts[0]["limit"] + 1

    _edit_posts(outbox, "2026-W48", over)
    first = _posts(outbox, "2026-W48")[0]
    doc = _render(schedule)
    unit = first["unit"]
    assert _needs(doc, "2026-W48", first["platform"]) == [
        f"over the limit: {first['limit'] + 1} / {first['limit']} {unit}"]
    assert _chip(doc, "2026-W48", first["platform"]) == "chip needs"


def test_a_safety_warning_on_a_posts_file_marks_that_post_only(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", NO_MAIL)
    outbox = build(schedule, "2026-W48", "2026-W48")
    warning = 'warning: social/mastodon.txt:3: text [stigma-x] "word"'
    path = outbox / "2026-W48" / "manifest.json"
    manifest = json.loads(path.read_bytes())
    manifest["warnings"] = [warning, "warning: email.html:4: text [y] \"other\""]
    path.write_text(json.dumps(manifest), "utf-8")
    doc = _render(schedule)
    assert _needs(doc, "2026-W48", "mastodon") == [f"safety warning: {warning}"]
    assert _needs(doc, "2026-W48", "x") == []


# --- Korean --------------------------------------------------------------------------------


HANGUL = re.compile("[\uac00-\ud7a3]")


def test_korean_in_posts_and_titles_is_marked_as_korean(four: Path) -> None:
    doc = page(four)
    assert doc.cssselect('span[lang="ko"]'), "the fixture's titles and posts have Korean"
    assert [t for t in _texts_outside_ko(doc.body) if HANGUL.search(t)] == []


def _texts_outside_ko(node: Any) -> list[str]:
    """Text of ``node`` that is not inside an element with lang="ko" (title/alt aside)."""
    if node.get("lang") == "ko" or node.tag in ("script", "style"):
        return []
    out = [node.text or ""]
    for child in node:
        out += _texts_outside_ko(child)
        out.append(child.tail or "")
    return out


@given(st.text(alphabet=st.sampled_from([*"ab 말아톤<&\"'\n,.\u00a0"]), max_size=40))
def test_marking_korean_never_changes_the_text(text: str) -> None:
    html = str(mark_korean(text))
    fragment = lxml.html.fragment_fromstring(f"<pre>{html}</pre>")
    assert fragment.text_content() == text
    assert [t for t in _texts_outside_ko(fragment) if HANGUL.search(t)] == []
