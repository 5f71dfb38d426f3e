"""`mindreel preview` in a real Chromium: the open page reloads after a rebuild, shows a
failed rebuild's error over the last good build, and a page opened from disk makes no
request at all (its policy allows none, and it has no reload code).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from generator.commands.preview_live import STATE_PATH
from generator.review import REVIEW_FILE
from tests.browser import CHROMIUM, MISSING, launched
from tests.test_browser_review import Console
from tests.test_preview import stop
from tests.test_preview_live import REBUILD_WITHIN, edit, own_site, running

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


def test_the_open_page_reloads_after_a_rebuild_and_shows_a_failed_one(
    browser: Any, tmp_path: Any
) -> None:
    site = own_site(tmp_path)
    with running(site) as (proc, url):
        page = browser.new_page()
        console = Console(page)
        page.goto(url, wait_until="load")
        page.evaluate("window.beforeRebuild = true")
        page.wait_for_timeout(1200)  # the script has seen the first state
        edit(site / "data" / "films.yaml", "titles: {en: Keys to the Heart,",
             "titles: {en: Keys to the Heart Revised,")
        page.wait_for_function("() => window.beforeRebuild === undefined",
                               timeout=REBUILD_WITHIN * 1000)
        page.wait_for_load_state("load")
        assert "Keys to the Heart Revised" in page.locator("#edition-2026-W48 h2").inner_text()

        films = site / "data" / "films.yaml"
        films.write_text(films.read_text("utf-8") + "  - id: [broken\n", "utf-8")
        banner = page.locator("#preview-error")
        banner.wait_for(timeout=REBUILD_WITHIN * 1000)
        assert banner.get_attribute("role") == "alert"
        assert "The last rebuild failed" in banner.inner_text()
        assert "data/films.yaml:" in banner.inner_text()
        assert "Keys to the Heart Revised" in page.locator("#edition-2026-W48 h2").inner_text()
        assert console.errors == []
        page.close()
        stop(proc)


def test_from_disk_the_page_makes_no_request(browser: Any, tmp_path: Any) -> None:
    site = own_site(tmp_path)
    with running(site) as (proc, _):
        stop(proc)
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    console = Console(page)
    page.goto((site / "outbox" / REVIEW_FILE).as_uri(), wait_until="load")
    page.wait_for_timeout(1500)
    assert not [r for r in requests if STATE_PATH in r or r.startswith("http")]
    assert console.errors == []
    page.close()
