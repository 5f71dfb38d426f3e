"""The email HTML in a real Chromium: no horizontal scrolling at 320 px, no network
requests, and readable text in light and dark mode (computed colours, WCAG contrast).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from generator.catalogue import load_catalogue
from generator.channels import RenderContext
from generator.channels.email import channel as email_channel
from generator.channels.email.html import contrast_ratio
from generator.edition import Edition
from generator.project import Project
from tests import email_layout as layout
from tests.browser import CHROMIUM, MISSING, launched
from tests.conftest import GOLDEN_EDITIONS, edition_of

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
pytest.importorskip("playwright.sync_api")

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
    with launched() as chromium:
        yield chromium


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


# --- budgets: a year of the bundled catalogue, as a phone shows it --------------------------

@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Edition, str]]:
    """Every edition of a 52-week build of the bundled catalogue, with its email.html."""
    schedule = layout.bundled_site(tmp_path_factory.mktemp("bundled"))
    editions = [(e, layout.email_html(e, ctx)) for e, ctx in layout.year_of_editions(schedule)]
    assert len(editions) >= 50
    return editions


@pytest.mark.parametrize("width", sorted(layout.BUDGET_PX))
def test_a_year_of_emails_fits_the_height_budgets(width: int, browser: Any,
                                                  year: list[tuple[Edition, str]]) -> None:
    over = []
    page = layout.open_page(browser, "", width)
    try:
        for edition, html in year:
            h = layout.measure_page(page, edition.id, html, width)
            assert h.scroll_width <= width, (edition.id, h)
            assert h.help > 0, edition.id  # the help block is there, and measurable
            if h.total > layout.BUDGET_PX[width] or h.help_share > layout.HELP_SHARE:
                over.append((edition.id, edition.feature_id, h.total, round(h.help_share, 3)))
    finally:
        page.context.close()
    assert not over, f"over budget at {width} px: {over}"


def test_every_phone_number_in_a_year_of_emails_is_a_tap_link(
        browser: Any, year: list[tuple[Edition, str]]) -> None:
    page = layout.open_page(browser, "", 375)
    for edition, html in year:
        page.set_content(html, wait_until="load")
        found = layout.phone_numbers(page, edition)
        assert any(href and href.startswith("tel:") for _, href, _ in found), edition.id
        for number, href, context in found:
            assert href is not None and href.startswith(("tel:", "sms:", "https://wa.me/")), (
                edition.id, number, context)
            digits = "".join(ch for ch in number if ch.isdigit())
            assert digits in "".join(ch for ch in href if ch.isdigit()) or (
                href.startswith("https://wa.me/")), (edition.id, number, href)
    page.context.close()


def test_no_editorial_and_no_source_as_a_link_in_a_year_of_emails(
        year: list[tuple[Edition, str]], tmp_path: Path) -> None:
    catalogue = load_catalogue(layout.REPO / "data")
    notes = [line.editorial for r in catalogue.regions for line in r.lines if line.editorial]
    notes += [r.editorial for r in catalogue.regions if r.editorial]
    sources = {s.url for r in catalogue.regions for line in r.lines for s in line.sources}
    sources |= {s.url for r in catalogue.regions for s in r.sources}
    assert notes and sources
    for edition, html in year:
        flat = " ".join(html.split())
        for note in notes:
            # any eight consecutive words of a research note would be a leak
            words = note.split()
            for i in range(0, max(1, len(words) - 7), 4):
                assert " ".join(words[i:i + 8]) not in flat, (edition.id, note[:60])
        doc = lxml.html.document_fromstring(html)
        hrefs = set(doc.xpath('//*[contains(@class, "mr-help") or contains(@class, "mr-note")]'
                              '//a/@href'))
        assert "tel:109" in hrefs
        assert not hrefs & sources, (edition.id, hrefs & sources)
