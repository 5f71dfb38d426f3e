"""The review page with more than one language: each language's email, posts, cards and
counts in its own part, a switch between them, and a page in one language unchanged.

Parsed HTML of a real build of the fixture site with ``locales: [en, ko]`` (2026-W48
latest, W49 and W50 upcoming). The switch itself is tested in Chromium
(tests/test_browser_languages.py).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build import build_weeks
from generator.project import load_project
from generator.review import REVIEW_FILE
from generator.review.korean import keep_words
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, copy_site

WEEKS = ("2026-W48", "2026-W49", "2026-W50")


def build(folder: Path, locales: str, first: str = "2026-W47", last: str = "2026-W50",
          now: datetime = NOW) -> Path:
    schedule = copy_site(folder)
    schedule.write_text(schedule.read_text("utf-8").replace(
        "locales: [en]", f"locales: {locales}"), "utf-8")
    project = load_project(schedule)
    weeks = list(week_range(IsoWeek.parse(first), IsoWeek.parse(last)))
    build_weeks(project, weeks, now=now, durable=False)
    return project.config.outbox


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("review-languages") / "site", "[en, ko]")


def page(outbox: Path) -> Any:
    return lxml.html.fromstring((outbox / REVIEW_FILE).read_bytes())


def test_the_switch_names_each_language_in_itself(both: Path) -> None:
    doc = page(both)
    [switch] = doc.cssselect("header fieldset#langs")
    assert switch.get("hidden") is not None  # shown by the script; without it, both parts
    radios = switch.cssselect("input[type=radio][name=review-lang]")
    assert [r.get("value") for r in radios] == ["en", "ko"]
    assert radios[0].get("checked") is not None and radios[1].get("checked") is None
    labels = {label.get("for"): (label.text_content(), label.get("lang"))
              for label in switch.cssselect("label")}
    assert labels == {"lang-en": ("English", "en"), "lang-ko": ("한국어", "ko")}


@pytest.mark.parametrize("week", WEEKS)
def test_each_language_has_its_own_email_posts_and_cards(both: Path, week: str) -> None:
    doc = page(both)
    article = doc.get_element_by_id(f"edition-{week}")
    parts = {part.get("data-lang"): part for part in article.cssselect("div.lang-part")}
    assert set(parts) == {"en", "ko"}
    for lang, home, anchor in (("en", "", f"edition-{week}"), ("ko", "ko/", f"edition-{week}-ko")):
        part = parts[lang]
        [frame] = part.cssselect("iframe")
        assert frame.get("src") == f"{week}/{home}email.html"
        assert part.cssselect(f"#{anchor}-email")
        posts = json.loads((both / week / home / "social" / "posts.json").read_bytes())
        shown = part.cssselect(".post .count")
        assert [int(c.get("data-count")) for c in shown] == [p["count"] for p in posts]
        texts = [pre.text_content().removeprefix("\n")
                 for pre in part.cssselect("pre.text:not([id$='-cw'])")]
        assert texts == [p["text"] for p in posts]
        assert all(pre.get("lang") == lang for pre in part.cssselect("pre.text"))
        images = [img.get("src") for img in part.cssselect("section.cards img")]
        assert images == [f"{week}/{home}cards/{kind}.png"
                          for kind in ("portrait", "square", "link", "help")]
        assert all((both / src).is_file() for src in images)
        for link in part.cssselect(".details a"):
            assert (both / link.get("href")).is_file(), link.get("href")
        for button in part.cssselect("button.copy"):
            assert (", Korean)" in button.get("aria-label")) == (lang == "ko")


def test_the_header_has_each_languages_jump_links(both: Path) -> None:
    doc = page(both)
    for week in WEEKS:
        chips = {ul.get("data-lang"): ul for ul in doc.cssselect(
            f'nav.toc a.ed[href="#edition-{week}"] ~ ul.chips')}
        assert set(chips) == {"en", "ko"}
        for lang, ul in chips.items():
            for link in ul.cssselect("a.chip"):
                target = link.get("href")[1:]
                assert doc.get_element_by_id(target) is not None, target
                assert target.startswith(f"edition-{week}-ko-") == (lang == "ko")
    ids = Counter(el.get("id") for el in doc.iter() if el.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []


def test_each_languages_feeds_are_linked(both: Path) -> None:
    doc = page(both)
    links = {(li.get("data-lang"), li.cssselect("a")[0].get("href"))
             for li in doc.cssselect("header ul.links li")}
    assert ("en", "feed.xml") in links and ("ko", "ko/feed.xml") in links
    assert ("ko", "ko/archive/index.html") in links
    assert all((both / href).is_file() for _, href in links)


def test_a_page_in_one_language_has_no_switch(tmp_path: Path) -> None:
    doc = page(build(tmp_path / "site", "[en]", last="2026-W48"))
    assert not doc.cssselect("#langs") and not doc.cssselect("[data-lang]")
    assert "review-lang" not in (tmp_path / "site" / "outbox" / REVIEW_FILE).read_text("utf-8")


def test_an_edition_built_before_korean_was_added_says_so(tmp_path: Path) -> None:
    outbox = build(tmp_path / "site", "[en]", "2026-W48", "2026-W48")
    schedule = tmp_path / "site" / "schedule.yaml"
    schedule.write_text(schedule.read_text("utf-8").replace(
        "locales: [en]", "locales: [en, ko]"), "utf-8")
    project = load_project(schedule)
    build_weeks(project, [IsoWeek.parse("2026-W49")], now=NOW, durable=False)
    doc = page(outbox)
    [old] = doc.cssselect('#edition-2026-W48 div.lang-part[data-lang="ko"]')
    assert "built before this language was added" in old.text_content()
    assert "mindreel build --week 2026-W48" in old.text_content()
    assert not old.cssselect("iframe, .post")
    assert doc.cssselect('#edition-2026-W49 div.lang-part[data-lang="ko"] iframe')


def _language(node: Any) -> str | None:
    return next((n.get("lang") for n in (node, *node.iterancestors()) if n.get("lang")), None)


def test_korean_text_in_a_korean_part_is_marked_korean(both: Path) -> None:
    """Every Hangul run in a Korean part sits in an element whose language is Korean."""
    found = 0
    for part in page(both).cssselect('div.lang-part[data-lang="ko"]'):
        for node in part.iter():
            tail = node.tail if node is not part else None
            for text, owner in ((node.text, node), (tail, node.getparent())):
                if text and re.search(r"[\uac00-\ud7a3]", text):
                    found += 1
                    assert _language(owner) == "ko", text
    assert found > 10


@given(st.text(alphabet=st.sampled_from(list("가나다한국어 ()·,.:#24SNSab\n☎<&>")), max_size=80))
def test_keeping_korean_words_whole_never_changes_the_text(text: str) -> None:
    marked = keep_words(text)
    assert html.unescape(re.sub(r"<[^>]+>", "", str(marked))) == text
    assert all(" " not in word and "\n" not in word
               for word in re.findall(r'<span class="nw">([^<]*)</span>', str(marked)))
