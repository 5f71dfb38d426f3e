"""The review page in a real Chromium, driven by Playwright.

One browser and one real build (W47..W50 of the fixture site, all channels) serve the
whole module. The page is loaded over http from the preview server (on 127.0.0.1, a
free port, in a thread) and from disk (file://), as a social media manager would.
A screenshot is written to test-artifacts/review.png for a person to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.review import REVIEW_FILE
from tests.browser import CHROMIUM, MISSING, launched
from tests.conftest import REPO, copy_site
from tests.test_preview import serving
from tests.test_review import build

ARTIFACTS = REPO / "test-artifacts"
SHOWN = ("2026-W48", "2026-W49", "2026-W50")

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_site(tmp_path_factory.mktemp("browser") / "site"))


@pytest.fixture(scope="module")
def base_url(outbox: Path) -> Iterator[str]:
    """The preview server's handler on a free loopback port, in a thread."""
    with serving(outbox) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched() as chromium:
        yield chromium


class Console:
    """Errors the page reports: console errors, uncaught exceptions, failed requests."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))


@pytest.fixture
def context(browser: Any, base_url: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    try:
        yield ctx
    finally:
        ctx.close()


def open_page(context: Any, url: str, expand: bool = True) -> tuple[Any, Console]:
    """The page, loaded; with ``expand`` every edition is opened, as a reviewer would."""
    page = context.new_page()
    console = Console(page)
    page.goto(url, wait_until="load")
    if expand:
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page, console


def posts(outbox: Path, week: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((outbox / week / "social/posts.json").read_bytes())
    return data


def clipboard_reader(context: Any, base_url: str) -> Any:
    """A page of the granted origin, to read the clipboard from."""
    reader = context.new_page()
    reader.goto(base_url + "archive/index.html")
    return reader


# --- loading ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_the_page_loads_with_no_console_errors(
    context: Any, base_url: str, outbox: Path, scheme: str
) -> None:
    url = base_url if scheme == "http" else (outbox / REVIEW_FILE).as_uri()
    page, console = open_page(context, url)
    for week in SHOWN:
        frame = page.frame_locator(f"#edition-{week}-frame")
        frame.locator("body").wait_for()
    page.wait_for_timeout(200)
    assert console.errors == []
    assert page.title() == "Review · mindreel"
    assert len(page.frames) == 1 + len(SHOWN)
    for frame in page.frames[1:]:  # each frame holds its email, not a blocked-frame page
        assert frame.url.endswith("/email.html")
        assert frame.evaluate("document.title").startswith("This week: ")


def test_screenshot_for_review(context: Any, base_url: str) -> None:
    page, console = open_page(context, base_url)
    page.locator("#edition-2026-W48-frame").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "review.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert console.errors == []


# --- copying ---------------------------------------------------------------------------------


def test_each_copy_button_copies_exactly_its_post(
    context: Any, base_url: str, outbox: Path
) -> None:
    page, console = open_page(context, base_url)
    for week in SHOWN:
        for post in posts(outbox, week):
            targets = [(f"post-{week}-{post['platform']}-{post['part']}", post["text"])]
            if post["cw_placement"] == "spoiler_text":
                targets.append((targets[0][0] + "-cw", post["cw"]))
            for target, expected in targets:
                page.evaluate("navigator.clipboard.writeText('')")
                page.locator(f'button[data-copy="{target}"]').click()
                page.wait_for_function("b => b.dataset.state === 'done'",
                                       arg=page.locator(f'button[data-copy="{target}"]')
                                       .element_handle())
                assert page.evaluate("navigator.clipboard.readText()") == expected, target
    assert "Copied: " in page.locator("#status").text_content()
    assert console.errors == []


def test_copy_works_from_disk_with_the_fallback(
    context: Any, base_url: str, outbox: Path
) -> None:
    page, console = open_page(context, (outbox / REVIEW_FILE).as_uri())
    # Refuse the async clipboard, as browsers may for a file:// page.
    page.evaluate(
        "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('no')); }")
    expected = posts(outbox, "2026-W50")
    thread = [p for p in expected if p["platform"] == "bluesky"]
    assert len(thread) > 1
    reader = clipboard_reader(context, base_url)
    for part in thread:
        reader.evaluate("navigator.clipboard.writeText('')")
        page.bring_to_front()
        button = page.locator(f'button[data-copy="post-2026-W50-bluesky-{part["part"]}"]')
        button.click()
        page.wait_for_function("b => b.dataset.state === 'done'", arg=button.element_handle())
        reader.bring_to_front()
        assert reader.evaluate("navigator.clipboard.readText()") == part["text"]
    assert console.errors == []


# --- what is shown ---------------------------------------------------------------------------


def test_counts_shown_equal_the_counts_in_posts_json(
    context: Any, base_url: str, outbox: Path
) -> None:
    page, _ = open_page(context, base_url)
    for week in SHOWN:
        shown = page.locator(f"#edition-{week} .post").evaluate_all(
            """nodes => nodes.map(n => [n.dataset.platform, Number(n.dataset.part),
                 n.querySelector('.count .n').textContent,
                 n.querySelector('.count .limit').textContent])""")
        expected = [[p["platform"], p["part"], str(p["count"]), str(p["limit"])]
                    for p in posts(outbox, week)]
        assert shown == expected


def test_post_text_in_the_dom_is_the_text_of_the_file(
    context: Any, base_url: str, outbox: Path
) -> None:
    page, _ = open_page(context, base_url)
    for post in posts(outbox, "2026-W50"):
        node = page.locator(f"#post-2026-W50-{post['platform']}-{post['part']}")
        assert node.text_content() == (outbox / "2026-W50" / post["file"]).read_text("utf-8")


# --- the email frame ---------------------------------------------------------------------------


def _frame(page: Any, week: str) -> Any:
    handle = page.locator(f"#edition-{week}-frame").element_handle()
    frame = handle.content_frame()
    frame.wait_for_load_state("load")
    return frame


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_the_email_at_375_px_has_no_horizontal_overflow(
    context: Any, base_url: str, outbox: Path, scheme: str
) -> None:
    url = base_url if scheme == "http" else (outbox / REVIEW_FILE).as_uri()
    page, _ = open_page(context, url)
    for week in SHOWN:
        page.locator(f"label[for='edition-{week}-w375']").click()
        frame = _frame(page, week)
        page.wait_for_function(
            "f => f.getBoundingClientRect().width === 375",
            arg=page.locator(f"#edition-{week}-frame").element_handle())
        assert frame.evaluate("window.innerWidth") == 375
        assert frame.evaluate("document.documentElement.scrollWidth") <= 375, week
        page.locator(f"label[for='edition-{week}-w600']").click()
        page.wait_for_function(
            "f => f.getBoundingClientRect().width === 600",
            arg=page.locator(f"#edition-{week}-frame").element_handle())


def test_dark_over_http_switches_on_the_emails_own_dark_styles(
    context: Any, base_url: str
) -> None:
    page, console = open_page(context, base_url)
    frame = _frame(page, "2026-W48")
    background = "getComputedStyle(document.body).backgroundColor"
    light = frame.evaluate(background)
    page.locator("label[for='edition-2026-W48-dark']").click()
    assert page.locator("#edition-2026-W48-viewer-emulated").is_visible()
    dark = frame.evaluate(background)
    assert dark != light
    assert _luminance(dark) < _luminance(light)
    page.locator("label[for='edition-2026-W48-light']").click()
    assert frame.evaluate(background) == light
    assert console.errors == []


def test_dark_from_disk_is_an_announced_approximation(
    context: Any, base_url: str, outbox: Path
) -> None:
    page, console = open_page(context, (outbox / REVIEW_FILE).as_uri())
    _frame(page, "2026-W48")
    page.locator("label[for='edition-2026-W48-dark']").click()
    assert page.locator("#edition-2026-W48-viewer-approximate").is_visible()
    assert not page.locator("#edition-2026-W48-viewer-emulated").is_visible()
    scheme = page.locator("#edition-2026-W48-frame").evaluate(
        "f => getComputedStyle(f).colorScheme")
    assert scheme == "dark"
    assert console.errors == []


def _luminance(css_rgb: str) -> float:
    r, g, b = (int(v) for v in css_rgb[css_rgb.index("(") + 1 : css_rgb.index(")")].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# --- keyboard ------------------------------------------------------------------------------


def test_tab_reaches_every_copy_button_with_a_visible_focus_ring(
    context: Any, base_url: str
) -> None:
    page, _ = open_page(context, base_url)
    wanted = set(page.locator("button[data-copy]").evaluate_all(
        "bs => bs.map(b => b.dataset.copy)"))
    reached: set[str] = set()
    rings: set[str] = set()
    for _ in range(2000):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement;
                 if (!e || !e.matches('button[data-copy]')) return null;
                 return [e.dataset.copy, getComputedStyle(e).outlineStyle]; }""")
        if focused:
            reached.add(focused[0])
            rings.add(focused[1])
        if reached == wanted:
            break
    assert reached == wanted
    assert rings == {"solid"}


def test_toggles_work_from_the_keyboard(context: Any, base_url: str) -> None:
    page, _ = open_page(context, base_url)
    page.locator("#edition-2026-W49-w600").focus()
    page.keyboard.press("ArrowRight")
    frame = page.locator("#edition-2026-W49-frame")
    page.wait_for_function("f => f.getBoundingClientRect().width === 375",
                           arg=frame.element_handle())
    assert page.locator("#edition-2026-W49-w375").is_checked()
    label = page.locator("label[for='edition-2026-W49-w375']")
    assert label.evaluate("l => getComputedStyle(l).outlineStyle") == "solid"
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("f => f.getBoundingClientRect().width === 600",
                           arg=frame.element_handle())


def test_copy_buttons_are_labelled_with_platform_and_part(context: Any, base_url: str) -> None:
    page, _ = open_page(context, base_url)
    button = page.get_by_role("button", name="Copy Bluesky post, part 3 of 3 (2026-W50)")
    assert button.count() == 1
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("b => b.dataset.state === 'done'", arg=button.element_handle())
    assert page.get_by_role("status").text_content() == (
        "Copied: Bluesky post, part 3 of 3 (2026-W50)")
