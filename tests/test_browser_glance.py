"""The review page at a glance, measured in a real Chromium: four editions at 1280 px
fit in 6,000 px with sections in their default state, the email sits beside the posts,
a jump link opens a closed edition, and at 375 px nothing scrolls sideways and no
Korean word is broken. Screenshots at both widths go to test-artifacts/ to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.review import REVIEW_FILE
from tests.browser import CHROMIUM, MISSING, launched
from tests.conftest import copy_site
from tests.test_browser_review import ARTIFACTS, open_page
from tests.test_review import build

MAX_HEIGHT = 6000
FOUR = ("2026-W48", "2026-W49", "2026-W50", "2026-W51")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
pytest.importorskip("playwright.sync_api")

KOREAN_BREAKS = """() => {
  // Every line break that falls between two Hangul syllables of one word.
  const hangul = /[\\uac00-\\ud7a3]/;
  const broken = [];
  for (const el of document.querySelectorAll('[lang="ko"]')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      let before = null;
      for (let i = 0; i < text.length; i += 1) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) { continue; }
        const top = rects[0].top;
        const inWord = hangul.test(text[i]) && hangul.test(text[i - 1]);
        if (before !== null && top > before + 2 && inWord) {
          broken.push(text.slice(Math.max(0, i - 6), i) + "|" + text.slice(i, i + 6));
        }
        before = top;
      }
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Four editions (W48 latest, W49..W51 upcoming), opened from disk."""
    outbox = build(copy_site(tmp_path_factory.mktemp("glance") / "site"), "2026-W47", "2026-W51")
    return (outbox / REVIEW_FILE).as_uri()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


def _context(browser: Any, width: int) -> Any:
    return browser.new_context(viewport={"width": width, "height": 900})


def _height(page: Any) -> int:
    height: int = page.evaluate("document.documentElement.scrollHeight")
    return height


def test_four_editions_at_1280_px_fit_in_6000_px(browser: Any, url: str) -> None:
    ctx = _context(browser, 1280)
    try:
        page, console = open_page(ctx, url, expand=False)
        shown = page.locator("article.edition").evaluate_all(
            "as => as.map(a => [a.id, a.querySelector('details').open])")
        assert shown == [[f"edition-{w}", w == "2026-W48"] for w in FOUR]
        height = _height(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-1280.png"), full_page=True)
        assert height <= MAX_HEIGHT, f"{height} px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert console.errors == []
    finally:
        ctx.close()


def test_the_email_fills_the_column_beside_the_posts(browser: Any, url: str) -> None:
    ctx = _context(browser, 1280)
    try:
        page, _ = open_page(ctx, url, expand=False)
        email, beside = page.evaluate("""() => {
          const box = e => e.getBoundingClientRect();
          const mail = box(document.getElementById('edition-2026-W48-email'));
          const panels = [...document.querySelectorAll('#edition-2026-W48 .panel.platform')]
            .map(box).filter(b => b.left >= mail.right && b.top < mail.bottom);
          return [[mail.top, mail.bottom], panels.map(b => [b.top, b.bottom])];
        }""")
        assert beside, "posts sit to the right of the email"
        assert beside[0][0] == pytest.approx(email[0], abs=1)
        # No tall empty column: the email reaches down as far as the posts beside it.
        assert max(bottom for _, bottom in beside) <= email[1] + 1
        assert email[1] - max(bottom for _, bottom in beside) < 50
    finally:
        ctx.close()


def test_a_jump_link_opens_a_closed_edition_at_its_platform(browser: Any, url: str) -> None:
    ctx = _context(browser, 1280)
    try:
        page, console = open_page(ctx, url, expand=False)
        target = page.locator("#edition-2026-W50-instagram")
        assert not target.is_visible()
        page.locator('header a.chip[href="#edition-2026-W50-instagram"]').click()
        page.wait_for_function("() => location.hash === '#edition-2026-W50-instagram'")
        assert page.locator("#edition-2026-W50 > details").get_attribute("open") is not None
        assert target.is_visible()
        assert target.evaluate("e => e.getBoundingClientRect().top") < 900
        assert console.errors == []
    finally:
        ctx.close()


@pytest.mark.parametrize("expand", [False, True], ids=["default", "all-open"])
def test_at_375_px_nothing_scrolls_sideways_and_korean_stays_whole(
    browser: Any, url: str, expand: bool
) -> None:
    ctx = _context(browser, 375)
    try:
        page, console = open_page(ctx, url, expand=expand)
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert page.locator('[lang="ko"]').count() > 0
        assert page.evaluate(KOREAN_BREAKS) == []
        if not expand:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "review-375.png"), full_page=True)
        assert console.errors == []
    finally:
        ctx.close()
