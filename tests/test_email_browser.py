"""The email HTML in a real Chromium: no horizontal scrolling at 320 px, no network
requests, and readable text in light and dark mode (computed colours, WCAG contrast).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.channels import RenderContext
from generator.channels.email import channel as email_channel
from generator.channels.email.html import contrast_ratio
from generator.project import Project
from tests.conftest import GOLDEN_EDITIONS, edition_of

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"),
]
sync_api = pytest.importorskip("playwright.sync_api")

# Every element with its own text: its computed colour and the first opaque background
# found walking up the tree.
COLOURS_JS = """
() => {
  const rgb = (c) => { const m = c.match(/rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([\\d.]+))?\\)/);
    return m && (m[4] === undefined || parseFloat(m[4]) > 0.99)
      ? '#' + [m[1], m[2], m[3]].map((v) => (+v).toString(16).padStart(2, '0')).join('') : null; };
  const background = (el) => { for (; el; el = el.parentElement) {
    const c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; } return '#ffffff'; };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.display === 'none' || style.opacity === '0') continue;
    out.push([el.tagName, rgb(style.color), background(el), el.textContent.trim().slice(0, 40)]);
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def load(browser: Any, html: str, width: int, scheme: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    requests: list[str] = []
    context.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_content(html, wait_until="load")
    return page, requests


@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_fits_320px_and_text_keeps_contrast(name: str, scheme: str, browser: Any,
                                            project: Project, ctx: RenderContext) -> None:
    edition = edition_of(project, *GOLDEN_EDITIONS[name])
    html = email_channel.render(edition, ctx)["email.html"].decode("utf-8")
    page, requests = load(browser, html, 320, scheme)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert requests == []  # no fonts, images or stylesheets fetched
        checked = 0
        for tag, colour, background, text in page.evaluate(COLOURS_JS):
            assert colour is not None, (tag, text)
            ratio = contrast_ratio(colour, background)
            assert ratio >= 4.5, (scheme, tag, text, colour, background, round(ratio, 2))
            checked += 1
        assert checked > 20
        if scheme == "dark":
            body = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert body == "rgb(15, 17, 21)"  # the dark page colour applied
    finally:
        page.context.close()
