"""The review page's language switch in a real Chromium (Playwright).

Two builds with ``locales: [en, ko]``: the fixture site's four editions (the height
budget of tests/test_browser_glance.py holds in each language) and the bundled
catalogue's (Korean throughout; screenshots at 375 and 1280 px in both languages go to
test-artifacts/review-languages-*.png to look at).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_weeks
from generator.project import load_project
from generator.review import REVIEW_FILE
from generator.weeks import IsoWeek, week_range
from tests.browser import CHROMIUM, MISSING, launched
from tests.conftest import BUNDLED_NOW_TEXT, bundled_schedule
from tests.test_browser_glance import KOREAN_BREAKS, MAX_HEIGHT
from tests.test_browser_review import ARTIFACTS, open_page
from tests.test_review_languages import build

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
pytest.importorskip("playwright.sync_api")

PARTS = "#edition-{week} div.lang-part[data-lang={lang}]"
EOJEOL_BREAKS = """() => {
  // Every line break inside a Korean word (eojeol) in the Korean parts, also where the
  // word meets digits or Latin letters ("(24|시간)") across the page's own spans.
  const hangul = /[\\uac00-\\ud7a3]/;
  const broken = [];
  const blocks = document.querySelectorAll(
    'div.lang-part[data-lang="ko"] :is(p, dd, pre, li, h2, h3, summary)');
  for (const block of blocks) {
    if (!block.getClientRects().length || block.querySelector(
      'p, dd, pre, li, h2, h3, summary, figcaption, div')) { continue; }
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    let before = null;
    let last = " ";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      for (let i = 0; i < text.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        const ch = text[i];
        if (!rects.length) { last = ch; continue; }  // a space the line broke at
        const top = rects[0].top;
        const inWord = /\\S/.test(ch) && /\\S/.test(last)
          && (hangul.test(ch) || hangul.test(last));
        if (before !== null && top > before + 2 && inWord) {
          broken.push(last + "|" + text.slice(i, i + 6));
        }
        before = top;
        last = ch;
      }
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def fixture_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Four editions (W48 latest, W49..W51 upcoming) in English and Korean, from disk."""
    outbox = build(tmp_path_factory.mktemp("languages") / "site", "[en, ko]",
                   "2026-W47", "2026-W51")
    return (outbox / REVIEW_FILE).as_uri()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled catalogue, W49 latest and W50..W52 upcoming, in both languages."""
    project = load_project(bundled_schedule(tmp_path_factory.mktemp("languages-bundled")))
    weeks = list(week_range(IsoWeek.parse("2026-W49"), IsoWeek.parse("2026-W52")))
    build_weeks(project, weeks, now=datetime.fromisoformat(BUNDLED_NOW_TEXT), durable=False)
    return project.config.outbox


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield ctx
    finally:
        ctx.close()


def shown(page: Any, week: str, lang: str) -> bool:
    visible: bool = page.locator(PARTS.format(week=week, lang=lang)).is_visible()
    return visible


def test_english_first_then_korean_alone_after_the_switch(context: Any, bundled: Path) -> None:
    page, console = open_page(context, (bundled / REVIEW_FILE).as_uri())
    assert page.locator("#langs").is_visible()
    assert page.locator("#lang-en").is_checked()
    for week in ("2026-W49", "2026-W50"):
        assert shown(page, week, "en") and not shown(page, week, "ko")
    page.locator("label[for=lang-ko]").click()
    assert page.locator("#lang-ko").is_checked()
    for week in ("2026-W49", "2026-W50"):
        assert shown(page, week, "ko") and not shown(page, week, "en")
    # The Korean part shows the Korean files: its email, its posts' counts, its cards.
    part = page.locator(PARTS.format(week="2026-W50", lang="ko"))
    assert part.locator("iframe").get_attribute("src") == "2026-W50/ko/email.html"
    posts = json.loads((bundled / "2026-W50/ko/social/posts.json").read_bytes())
    counts = part.locator(".post .count .n").all_text_contents()
    assert [int(n) for n in counts] == [p["count"] for p in posts]
    assert part.locator("section.cards img").first.get_attribute("src") == \
        "2026-W50/ko/cards/portrait.png"
    # The header's jump links and titles follow the switch too.
    assert page.locator('header ul.chips[data-lang="ko"]').first.is_visible()
    assert not page.locator('header ul.chips[data-lang="en"]').first.is_visible()
    assert page.locator('header ul.links li[data-lang="ko"] a[href="ko/feed.xml"]').is_visible()
    assert console.errors == []


def test_the_switch_works_from_the_keyboard_with_a_visible_focus(context: Any,
                                                                 bundled: Path) -> None:
    page, console = open_page(context, (bundled / REVIEW_FILE).as_uri())
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the switch's checked radio
    assert page.evaluate("document.activeElement.id") == "lang-en"
    outline = page.evaluate("getComputedStyle(document.querySelector('label[for=lang-en]'))"
                            ".outlineStyle")
    assert outline != "none"
    page.keyboard.press("ArrowRight")
    assert page.locator("#lang-ko").is_checked()
    assert shown(page, "2026-W49", "ko") and not shown(page, "2026-W49", "en")
    page.keyboard.press("ArrowLeft")
    assert shown(page, "2026-W49", "en") and not shown(page, "2026-W49", "ko")
    assert console.errors == []


def test_the_choice_is_remembered_across_reloads(context: Any, bundled: Path) -> None:
    page, console = open_page(context, (bundled / REVIEW_FILE).as_uri())
    page.locator("label[for=lang-ko]").click()
    page.reload(wait_until="load")
    assert page.locator("#lang-ko").is_checked()
    assert shown(page, "2026-W49", "ko") and not shown(page, "2026-W49", "en")
    page.locator("label[for=lang-en]").click()
    page.reload(wait_until="load")
    assert shown(page, "2026-W49", "en") and not shown(page, "2026-W49", "ko")
    assert console.errors == []


def test_a_link_to_a_korean_post_shows_the_korean_part(context: Any, bundled: Path) -> None:
    page, console = open_page(context, (bundled / REVIEW_FILE).as_uri()
                              + "#edition-2026-W50-ko-instagram", expand=False)
    assert page.locator("#lang-ko").is_checked()
    target = page.locator("#edition-2026-W50-ko-instagram")
    assert target.is_visible()
    assert target.evaluate("e => e.getBoundingClientRect().top") < 900
    page.locator("label[for=lang-en]").click()
    page.locator('header ul.chips[data-lang="en"] a[href="#edition-2026-W51-x"]').click()
    assert page.locator("#edition-2026-W51-x").is_visible()
    assert console.errors == []


def test_without_javascript_both_languages_are_shown(browser: Any, bundled: Path) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto((bundled / REVIEW_FILE).as_uri(), wait_until="load")
        assert not page.locator("#langs").is_visible()
        assert shown(page, "2026-W49", "en") and shown(page, "2026-W49", "ko")
        assert page.locator("div.lang-part h3.lang-name:visible").all_text_contents() == [
            "English", "한국어"]
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_four_editions_fit_the_height_budget_in_each_language(browser: Any, fixture_url: str,
                                                              lang: str) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page, console = open_page(ctx, fixture_url, expand=False)
        page.locator(f"label[for=lang-{lang}]").click()
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= MAX_HEIGHT, f"{height} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert console.errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_screenshots_in_each_language(browser: Any, bundled: Path, width: int,
                                      lang: str) -> None:
    """Full-page screenshots to look at; at 375 px nothing scrolls sideways and no Korean
    word is broken across lines."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page, console = open_page(ctx, (bundled / REVIEW_FILE).as_uri(), expand=False)
        page.locator(f"label[for=lang-{lang}]").click()
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate(KOREAN_BREAKS) == []
        assert page.evaluate(EOJEOL_BREAKS) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"review-languages-{lang}-{width}.png"),
                        full_page=True)
        assert console.errors == []
    finally:
        ctx.close()
