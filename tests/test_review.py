"""The review page (outbox/index.html), without a browser.

The page is checked as parsed HTML: which editions it shows, that every post, count and
warning comes from the edition's own files, that text is escaped, that the inline style
and script are the ones its Content-Security-Policy allows, and that it is byte-stable.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from generator.build import build_weeks
from generator.channels import RenderContext
from generator.ledger import Ledger, LedgerEntry
from generator.outbox import Outbox
from generator.project import load_project
from generator.review import MAX_UPCOMING, REVIEW_FILE, render_review, select, split
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, NOW_TEXT, copy_site

Golden = Callable[[str, bytes], None]
WEEKS = ("2026-W47", "2026-W50")
HOSTILE = '<img src=x onerror="alert(1)"> </pre><script>alert(2)</script> & {{ 7*7 }}'


def build(schedule: Path, first: str = WEEKS[0], last: str = WEEKS[1], now: datetime = NOW) -> Path:
    """Build a range through the real flow (all channels); return the outbox."""
    project = load_project(schedule)
    weeks = list(week_range(IsoWeek.parse(first), IsoWeek.parse(last)))
    build_weeks(project, weeks, now=now, durable=False)
    return project.config.outbox


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of W47..W50 at NOW (Wed of W48), shared by the read-only tests."""
    return build(copy_site(tmp_path_factory.mktemp("review") / "site"))


def page(outbox: Path) -> Any:
    return lxml.html.fromstring((outbox / REVIEW_FILE).read_bytes())


def posts_of(outbox: Path, week: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((outbox / week / "social" / "posts.json").read_bytes())
    return data


def pre_text(node: Any) -> str:
    """A <pre>'s text as a browser has it: HTML5 drops one newline right after <pre>
    (the page puts one there so a text's own leading newline survives); lxml keeps it."""
    text: str = node.text_content()
    return text.removeprefix("\n")


def shown_weeks(doc: Any) -> list[str]:
    return [a.get("id").removeprefix("edition-") for a in doc.cssselect("article.edition")]


# --- which editions ---------------------------------------------------------------------


def test_shows_the_latest_sent_edition_then_the_upcoming_ones(built: Path) -> None:
    doc = page(built)
    # NOW is Wednesday of W48: W48 went out on Monday, W49 and W50 are built ahead, and
    # W47 is history (it stays in the archive, not on the review page).
    assert shown_weeks(doc) == ["2026-W48", "2026-W49", "2026-W50"]
    badges = [a.cssselect(".kicker .badge")[0].text for a in doc.cssselect("article.edition")]
    assert badges == ["latest", "upcoming", "upcoming"]


def _entry(week: str, built_at: datetime) -> LedgerEntry:
    iso = IsoWeek.parse(week)
    send = iso.send_at("mon", datetime(2000, 1, 1, 9).time(), NOW.tzinfo)  # type: ignore[arg-type]
    return LedgerEntry(iso, "film", "x", "r", send.isoformat(), "h", built_at.isoformat(), {})


def test_now_is_the_last_build_not_the_clock() -> None:
    entries = [_entry("2026-W47", NOW), _entry("2026-W48", NOW), _entry("2026-W49", NOW)]
    latest, upcoming = split(entries)
    assert latest is not None and str(latest.week) == "2026-W48"
    assert [str(e.week) for e in upcoming] == ["2026-W49"]
    # One later build (of any week) moves "now" for the whole page.
    later = [*entries[:2], _entry("2026-W49", NOW + timedelta(days=6))]
    latest, upcoming = split(later)
    assert latest is not None and str(latest.week) == "2026-W49" and upcoming == []


def test_with_nothing_sent_yet_every_edition_is_upcoming_up_to_the_cap() -> None:
    early = NOW - timedelta(days=60)
    weeks = week_range(IsoWeek.parse("2026-W48"), IsoWeek.parse("2027-W08"))
    entries = [_entry(str(w), early) for w in weeks]
    chosen = select(entries)
    assert all(status == "upcoming" for _, status in chosen)
    assert [str(e.week) for e, _ in chosen] == [str(e.week) for e in entries[:MAX_UPCOMING]]
    assert select([]) == [] and split([]) == (None, [])


def test_editions_beyond_the_cap_are_counted_not_shown(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    outbox = build(schedule, "2026-W48", "2027-W10")
    doc = page(outbox)
    shown = shown_weeks(doc)
    assert shown[0] == "2026-W48" and len(shown) == 1 + MAX_UPCOMING
    built_after = len(Outbox(outbox).edition_ids()) - len(shown)
    note = " ".join(doc.cssselect(".toc p.meta")[0].text_content().split())
    assert note == f"{built_after} more editions built further ahead are not shown here."


def test_an_empty_outbox_gets_a_page_that_says_so(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site")
    outbox = build(schedule, "2026-W52", "2026-W52")  # skipped in the fixture schedule
    doc = page(outbox)
    assert shown_weeks(doc) == []
    assert "No editions built yet" in doc.cssselect("main")[0].text_content()


# --- what each edition shows -----------------------------------------------------------


def test_every_post_and_thread_part_is_shown_with_its_own_count(built: Path) -> None:
    doc = page(built)
    for week in ("2026-W48", "2026-W49", "2026-W50"):
        article = doc.get_element_by_id(f"edition-{week}")
        shown = article.cssselect(".post")
        posts = posts_of(built, week)
        assert len(shown) == len(posts)
        for node, post in zip(shown, posts, strict=True):
            assert (node.get("data-platform"), int(node.get("data-part"))) == (
                post["platform"], post["part"])
            count = node.cssselect(".count")[0]
            assert int(count.get("data-count")) == post["count"]
            assert int(count.get("data-limit")) == post["limit"]
            assert count.cssselect(".n")[0].text == str(post["count"])
            assert post["unit"] in count.text_content()
            text = node.get_element_by_id(f"post-{week}-{post['platform']}-{post['part']}")
            assert pre_text(text) == post["text"]
            assert pre_text(text) == (built / week / post["file"]).read_text("utf-8")


def test_threads_have_a_labelled_copy_button_per_part(built: Path) -> None:
    doc = page(built)
    labels = [b.get("aria-label") for b in doc.cssselect("button.copy")]
    assert "Copy Bluesky post, part 2 of 3 (2026-W50)" in labels
    assert "Copy X post (2026-W50)" in labels
    assert len(labels) == len(set(labels)), "every copy button needs its own name"
    for button in doc.cssselect("button.copy"):
        assert button.get("type") == "button"
        assert doc.get_element_by_id(button.get("data-copy")) is not None


def test_a_native_content_warning_gets_its_own_field_and_copy_button(built: Path) -> None:
    doc = page(built)
    mastodon = next(p for p in posts_of(built, "2026-W50") if p["platform"] == "mastodon")
    assert mastodon["cw_placement"] == "spoiler_text"
    field = doc.get_element_by_id("post-2026-W50-mastodon-1-cw")
    assert pre_text(field) == mastodon["cw"]
    assert pre_text(field) == (built / "2026-W50/social/mastodon.cw.txt").read_text("utf-8")
    assert doc.cssselect('button[aria-label="Copy Mastodon content warning (2026-W50)"]')


def test_the_content_warning_and_notes_are_shown(built: Path) -> None:
    article = page(built).get_element_by_id("edition-2026-W50")
    box = " ".join(article.cssselect("section.cw")[0].text_content().split())
    assert "CW: sexual violence, child abuse, suicide" in box
    assert "Content notes: sexual violence, child abuse, suicide" in box


def test_the_email_is_framed_with_width_and_colour_toggles(built: Path) -> None:
    article = page(built).get_element_by_id("edition-2026-W48")
    frame = article.cssselect("iframe")[0]
    assert frame.get("src") == "2026-W48/email.html"
    assert frame.get("title").startswith("Email for 2026-W48")
    assert "allow-scripts" not in frame.get("sandbox")
    groups = article.cssselect(".toggles fieldset")
    assert [g.cssselect("legend")[0].text for g in groups] == ["Width", "Colours"]
    values = [[i.get("value") for i in g.cssselect("input[type=radio]")] for g in groups]
    assert values == [["600", "375"], ["light", "dark"]]
    for radio in article.cssselect("input[type=radio]"):
        assert article.cssselect(f'label[for="{radio.get("id")}"]'), "every toggle is labelled"
    subject = article.cssselect(".meta strong")[0].text_content()
    assert subject == "This week: Marathon (말아톤, 2005)"


def test_feed_and_archive_links_are_relative_and_exist(built: Path) -> None:
    doc = page(built)
    links = {a.text: a.get("href") for a in doc.cssselect("nav[aria-label] .links a")}
    assert links == {"RSS": "feed.xml", "Atom": "atom.xml", "JSON Feed": "feed.json",
                     "Archive": "archive/index.html"}
    hrefs = [a.get("href") for a in doc.cssselect("main a")]
    for href in [*links.values(), *hrefs]:
        if not href.startswith("#"):
            assert (built / href.split("#")[0]).is_file(), href


def test_without_feeds_or_email_the_page_says_what_is_missing(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    doc = page(build(schedule, "2026-W48", "2026-W48"))
    assert doc.cssselect("nav[aria-label] .links a") == []
    assert not doc.cssselect("iframe")
    assert "has no email" in doc.get_element_by_id("edition-2026-W48").text_content()


def _with_manifest(outbox: Path, week: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = outbox / week / "manifest.json"
    manifest = json.loads(path.read_bytes())
    change(manifest)
    path.write_text(json.dumps(manifest), "utf-8")


def _render(schedule: Path) -> Any:
    project = load_project(schedule)
    outbox = Outbox(project.config.outbox)
    ctx = RenderContext(project.config.settings, project.config.templates_dir)
    with Ledger(outbox.ledger_path) as ledger:
        files = render_review(outbox, ledger.entries(), ctx)
    return lxml.html.fromstring(files[REVIEW_FILE])


def test_safety_warnings_from_the_manifest_are_shown(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W49")
    warning = "helpline kr-109 was last verified 200 days ago; check it"
    _with_manifest(outbox, "2026-W49", lambda m: m.update(warnings=[warning]))
    doc = _render(schedule)
    alert = doc.get_element_by_id("edition-2026-W49").cssselect("section.alert")
    assert [li.text for li in alert[0].cssselect("li")] == [warning]
    assert "1 safety warning" in doc.cssselect(".toc")[0].text_content()
    assert doc.get_element_by_id("edition-2026-W48").cssselect("p.ok")[0].text == (
        "No safety warnings.")


def test_post_text_is_escaped_not_markup(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W48")
    posts_path = outbox / "2026-W48" / "social" / "posts.json"
    posts = json.loads(posts_path.read_bytes())
    posts[0]["text"] = HOSTILE
    posts[0]["cw"] = HOSTILE
    posts_path.write_text(json.dumps(posts), "utf-8")
    doc = _render(schedule)
    node = doc.get_element_by_id(f"post-2026-W48-{posts[0]['platform']}-1")
    assert pre_text(node) == HOSTILE
    assert doc.cssselect(".post img") == []
    assert len(doc.cssselect("script")) == 1


def test_an_unreadable_posts_file_is_reported_not_fatal(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W48")
    (outbox / "2026-W48" / "social" / "posts.json").write_text("{not json", "utf-8")
    doc = _render(schedule)
    problems = doc.get_element_by_id("edition-2026-W48").cssselect("section.alert li")
    assert problems and problems[0].text.startswith("posts.json cannot be read")


def test_a_posts_entry_without_a_count_is_reported_not_fatal(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W48")
    path = outbox / "2026-W48" / "social" / "posts.json"
    posts = json.loads(path.read_bytes())
    del posts[0]["count"]
    path.write_text(json.dumps(posts), "utf-8")
    problems = _render(schedule).get_element_by_id("edition-2026-W48").cssselect(
        "section.alert li")
    assert "social/posts.json has an entry the page cannot read" in problems[0].text


# --- a self-contained, stable page --------------------------------------------------------


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_inline_style_and_script_are_exactly_what_the_policy_allows(built: Path) -> None:
    doc = page(built)
    policy = doc.cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    (style,) = doc.cssselect("style")
    (script,) = doc.cssselect("script")
    assert directives["style-src"] == _csp_hash(style.text)
    assert directives["script-src"] == _csp_hash(script.text)
    assert not doc.cssselect("[style]"), "style attributes would be blocked by the policy"


def test_no_external_assets(built: Path) -> None:
    html = (built / REVIEW_FILE).read_text("utf-8")
    doc = lxml.html.fromstring(html)
    assert not doc.cssselect("script[src], link[rel=stylesheet], object, embed")
    for node in doc.cssselect("[src]"):  # the share cards, from the edition folders
        assert "//" not in node.get("src"), node.get("src")
        assert (built / node.get("src")).is_file(), node.get("src")
    assert not re.search(r"@import|@font-face|url\(", html)


def test_the_page_is_byte_identical_on_rebuild_and_holds_no_build_time(tmp_path: Path) -> None:
    first = build(copy_site(tmp_path / "a"))
    second = build(copy_site(tmp_path / "b"))
    data = (first / REVIEW_FILE).read_bytes()
    assert data == (second / REVIEW_FILE).read_bytes()
    build(copy_site(tmp_path / "a"))  # the same build again over the same outbox
    assert (first / REVIEW_FILE).read_bytes() == data
    assert NOW_TEXT.encode() not in data and b"2026-11-25" not in data


def test_golden(built: Path, golden: Golden) -> None:
    golden("review/index.html", (built / REVIEW_FILE).read_bytes())


def test_review_page_is_written_by_every_build(tmp_path: Path) -> None:
    no_channels = "channels: {email: false, feeds: false, social: false}\n"
    schedule = copy_site(tmp_path / "site", no_channels)
    outbox = build(schedule, "2026-W48", "2026-W48")
    assert (outbox / REVIEW_FILE).is_file()
    shutil.rmtree(outbox / "2026-W48")
    build(schedule, "2026-W49", "2026-W49", now=NOW + timedelta(days=7))
    assert shown_weeks(page(outbox)) == ["2026-W49"]
