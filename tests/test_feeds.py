"""RSS, Atom and JSON Feed: valid, stable ids, a fixed window, byte-identical rebuilds.

Everything here goes through the real build (``build_weeks`` on a copy of the fixture
site), so the feeds are read back from the ledger exactly as in production.

The W3C feed validator is not published on PyPI, so validity is checked with feedparser
(well-formedness and format detection) plus explicit checks of what each spec requires.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
import yaml

from generator import GENERATOR_NAME
from generator.build import build_weeks
from generator.channels import RenderContext
from generator.channels.web.feeds import render_feeds
from generator.project import load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import copy_site, public_by

FEEDS_ONLY = "channels: {email: false, feeds: true, social: false}\n"
BASE = "https://mindreel.example.org"
HOSTILE = "<script>alert(1)</script> ]]> & {{ 7*7 }}"
NS = {"atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
FEEDS = ("feed.xml", "atom.xml", "feed.json")


def make_site(root: Path, items: int | None = None) -> Path:
    schedule = copy_site(root, FEEDS_ONLY)
    if items is not None:
        text = schedule.read_text("utf-8")
        assert "feeds:\n  items: 20\n" in text
        schedule.write_text(text.replace("feeds:\n  items: 20\n", f"feeds:\n  items: {items}\n"))
    return schedule


def build(schedule: Path, first: str, last: str, public_to: str | None = None) -> Path:
    """Build ``first``..``last`` at a moment when every week to ``public_to`` (default
    ``last``) has gone out."""
    project = load_project(schedule)
    weeks = list(week_range(IsoWeek.parse(first), IsoWeek.parse(last)))
    build_weeks(project, weeks, now=public_by(public_to or last), durable=False)
    return project.config.outbox


def edit_film(schedule: Path, film_id: str, **fields: object) -> None:
    path = schedule.parent / "data" / "films.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    next(f for f in data["films"] if f["id"] == film_id).update(fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def read_feeds(outbox: Path) -> dict[str, bytes]:
    return {name: (outbox / name).read_bytes() for name in FEEDS}


def json_feed_problems(doc: Any) -> list[str]:
    """What JSON Feed 1.1 requires (jsonfeed.org/version/1.1), checked field by field."""
    problems = []
    if not isinstance(doc, dict):
        return ["top level must be an object"]
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version must be https://jsonfeed.org/version/1.1")
    if not isinstance(doc.get("title"), str) or not doc["title"]:
        problems.append("title is required")
    for key in ("home_page_url", "feed_url", "description", "language"):
        if key in doc and not isinstance(doc[key], str):
            problems.append(f"{key} must be a string")
    known = {"version", "title", "home_page_url", "feed_url", "description", "user_comment",
             "next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"}
    problems += [f"unknown key {k}" for k in doc if k not in known and not k.startswith("_")]
    for author in doc.get("authors", []):
        if not isinstance(author, dict) or not ({"name", "url", "avatar"} & set(author)):
            problems.append("an author needs a name, url or avatar")
    items = doc.get("items")
    if not isinstance(items, list):
        return [*problems, "items must be an array"]
    ids = [item.get("id") for item in items]
    if len(set(ids)) != len(ids):
        problems.append("item ids must be unique")
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}.id must be a non-empty string")
        if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
            problems.append(f"{where} needs content_html or content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                try:
                    assert datetime.fromisoformat(item[key]).tzinfo is not None
                except (ValueError, AssertionError):
                    problems.append(f"{where}.{key} must be RFC 3339 with an offset")
        if "image" in item and not (isinstance(item["image"], str)
                                    and item["image"].startswith("https://")):
            problems.append(f"{where}.image must be an absolute URL")
        if "tags" in item and not all(isinstance(t, str) for t in item["tags"]):
            problems.append(f"{where}.tags must be strings")
    return problems


@pytest.fixture(scope="module")
def long_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 weeks built once for the tests that only read (29 editions: W52 is skipped)."""
    return build(make_site(tmp_path_factory.mktemp("long") / "site"), "2026-W40", "2027-W16")


# --- validity -----------------------------------------------------------------------

def test_the_three_feeds_parse_and_validate(long_run: Path) -> None:
    feeds = read_feeds(long_run)
    for name, version in (("feed.xml", "rss20"), ("atom.xml", "atom10")):
        parsed = feedparser.parse(feeds[name])
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.version == version
        assert len(parsed.entries) == 20
        for entry in parsed.entries:
            assert entry.id.startswith("tag:mindreel.example.org,2026:edition/")
            assert entry.link.startswith(f"{BASE}/archive/")
            assert entry.title and entry.summary and entry.content
    doc = json.loads(feeds["feed.json"])
    assert json_feed_problems(doc) == []
    assert len(doc["items"]) == 20
    assert feeds["feed.json"].endswith(b"}\n")
    assert feeds["feed.json"] == (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True)
                                  + "\n").encode()


def test_rss_channel_and_items(long_run: Path) -> None:
    root = lxml.etree.fromstring(read_feeds(long_run)["feed.xml"])
    channel = root.find("channel")
    assert channel.findtext("title") == "mindreel"
    assert channel.findtext("link") == BASE  # the site, not the feed (feedgen's last-link trap)
    assert channel.findtext("description") == \
        "Korean films and dramas on mental health, one a week."
    assert channel.findtext("language") == "en"
    assert channel.findtext("generator") == GENERATOR_NAME
    assert "feedgen" not in lxml.etree.tostring(root).decode()
    self_link = channel.find("atom:link", NS)
    assert self_link.get("rel") == "self" and self_link.get("href") == f"{BASE}/feed.xml"
    items = channel.findall("item")
    newest = parsedate_to_datetime(items[0].findtext("pubDate"))
    assert parsedate_to_datetime(channel.findtext("lastBuildDate")) == newest
    assert newest.isoformat() == "2027-04-19T09:00:00+09:00"  # Monday of 2027-W16, 09:00 Seoul
    first = items[0]
    guid = first.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text == "tag:mindreel.example.org,2026:edition/2027-W16"
    assert first.findtext("link") == f"{BASE}/archive/2027-W16.html"
    assert first.findtext("description")
    content = first.findtext("content:encoded", namespaces=NS)
    assert content.startswith('<article class="edition" lang="en">')
    assert b"<content:encoded><![CDATA[<article" in read_feeds(long_run)["feed.xml"]
    assert [c.text for c in first.findall("category")]  # a category per theme


def test_atom_entries(long_run: Path) -> None:
    root = lxml.etree.fromstring(read_feeds(long_run)["atom.xml"])
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.findtext(f"{atom}id") == "tag:mindreel.example.org,2026:feed"
    assert root.findtext(f"{atom}updated") == "2027-04-19T09:00:00+09:00"
    assert root.findtext(f"{atom}generator") == GENERATOR_NAME
    assert root.find(f"{atom}author/{atom}name") is not None
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{atom}link")}
    assert links == {"self": f"{BASE}/atom.xml", "alternate": BASE}
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 20
    for entry in entries:
        week = entry.findtext(f"{atom}id").rsplit("/", 1)[1]
        published = entry.findtext(f"{atom}published")
        assert entry.findtext(f"{atom}updated") == published  # the send time, never now
        assert datetime.fromisoformat(published).isoformat() == published
        link, enclosure = entry.findall(f"{atom}link")
        assert link.get("rel") == "alternate" and link.get("type") == "text/html"
        assert link.get("href") == f"{BASE}/archive/{week}.html"
        assert enclosure.get("rel") == "enclosure" and enclosure.get("type") == "image/png"
        assert enclosure.get("href") == f"{BASE}/{week}/cards/link.png"
        assert int(enclosure.get("length")) > 0
        content = entry.find(f"{atom}content")
        assert content.get("type") == "html"
        assert content.text.startswith('<article class="edition"')
        assert entry.findtext(f"{atom}summary")
        assert entry.findall(f"{atom}category")


def test_empty_ledger_gives_valid_empty_feeds(ctx: RenderContext) -> None:
    feeds = render_feeds([], ctx)
    assert feeds == render_feeds([], ctx)
    for name in ("feed.xml", "atom.xml"):
        parsed = feedparser.parse(feeds[name])
        assert not parsed.bozo and parsed.entries == []
    atom = lxml.etree.fromstring(feeds["atom.xml"])
    assert atom.findtext("{http://www.w3.org/2005/Atom}updated") == "2026-01-01T00:00:00+09:00"
    doc = json.loads(feeds["feed.json"])
    assert json_feed_problems(doc) == [] and doc["items"] == []


# --- the window and the order -------------------------------------------------------

def test_window_holds_the_latest_n_newest_first(long_run: Path) -> None:
    doc = json.loads((long_run / "feed.json").read_bytes())
    built = [w for w in map(str, week_range(IsoWeek.parse("2026-W40"), IsoWeek.parse("2027-W16")))
             if w != "2026-W52"]
    assert len(built) == 29
    expected = list(reversed(built))[:20]
    assert [item["id"].rsplit("/", 1)[1] for item in doc["items"]] == expected
    dates = [datetime.fromisoformat(item["date_published"]) for item in doc["items"]]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 20
    rss_ids = [e.id for e in feedparser.parse(long_run / "feed.xml").entries]
    atom_ids = [e.id for e in feedparser.parse(long_run / "atom.xml").entries]
    assert rss_ids == atom_ids == [item["id"] for item in doc["items"]]


def test_window_size_follows_the_setting(tmp_path: Path) -> None:
    outbox = build(make_site(tmp_path / "site", items=7), "2026-W45", "2027-W03")
    doc = json.loads((outbox / "feed.json").read_bytes())
    assert [i["id"][-8:] for i in doc["items"]] == ["2027-W03", "2027-W02", "2027-W01", "2026-W53",
                                                     "2026-W51", "2026-W50", "2026-W49"]
    assert len(feedparser.parse(outbox / "feed.xml").entries) == 7
    assert len(list((outbox / "archive").glob("*-W*.html"))) == 11  # the archive keeps all


# --- stability ----------------------------------------------------------------------

def test_two_builds_give_byte_identical_feeds(tmp_path: Path) -> None:
    first = read_feeds(build(make_site(tmp_path / "one"), "2026-W44", "2027-W02"))
    second = read_feeds(build(make_site(tmp_path / "two"), "2026-W44", "2027-W02"))
    assert first == second
    schedule = tmp_path / "one" / "schedule.yaml"
    again = read_feeds(build(schedule, "2026-W44", "2027-W02"))  # rebuild in place
    assert again == first


def _ids_by_week(outbox: Path) -> dict[str, str]:
    doc = json.loads((outbox / "feed.json").read_bytes())
    return {item["url"].rsplit("/", 1)[1]: item["id"] for item in doc["items"]}


def test_ids_never_change(tmp_path: Path) -> None:
    schedule = make_site(tmp_path / "site")
    outbox = build(schedule, "2026-W44", "2027-W02")
    ids = _ids_by_week(outbox)
    guids = [e.id for e in feedparser.parse(outbox / "feed.xml").entries]

    # An edit to another title changes other editions' text (related titles), not ids.
    edit_film(schedule, "marathon", synopsis={"en": "A young autistic runner and his mother "
                                                     "train for a full marathon together."})
    outbox = build(schedule, "2026-W44", "2027-W02")
    assert _ids_by_week(outbox) == ids
    assert b"train for a full marathon together" in (outbox / "feed.json").read_bytes()

    # Its own feature's data changes and its week is rebuilt: new content, same id.
    before = json.loads((outbox / "2026-W50" / "item.json").read_bytes())
    edit_film(schedule, "silenced", synopsis={"en": "A teacher and a human-rights worker help "
                                                    "Deaf students be heard in court."})
    outbox = build(schedule, "2026-W50", "2026-W50", public_to="2027-W02")
    after = json.loads((outbox / "2026-W50" / "item.json").read_bytes())
    assert after["content_html"] != before["content_html"]
    assert after["id"] == before["id"] == "tag:mindreel.example.org,2026:edition/2026-W50"
    assert _ids_by_week(outbox) == ids
    assert [e.id for e in feedparser.parse(outbox / "feed.xml").entries] == guids
    rss_w50 = next(e for e in feedparser.parse(outbox / "feed.xml").entries
                   if e.id.endswith("2026-W50"))
    assert "Deaf students be heard in court" in rss_w50.content[0].value


# --- escaping and links -------------------------------------------------------------

def test_hostile_catalogue_text_is_escaped(tmp_path: Path) -> None:
    schedule = make_site(tmp_path / "site")
    edit_film(schedule, "silenced", synopsis={"en": HOSTILE},
              titles={"en": HOSTILE, "ko": "도가니", "rr": "Dogani"})
    outbox = build(schedule, "2026-W49", "2026-W51")
    feeds = read_feeds(outbox)
    title = f"{HOSTILE} (도가니, 2011)"

    def check_html(html: str) -> None:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
        assert not list(fragment.iter("script"))
        assert HOSTILE in fragment.text_content()

    rss = lxml.etree.fromstring(feeds["feed.xml"])
    item = next(i for i in rss.iter("item") if i.findtext("guid").endswith("2026-W50"))
    assert item.findtext("title") == title
    # RSS description is HTML: the plain-text summary arrives escaped, shown as text.
    check_html(item.findtext("description"))
    check_html(item.findtext("content:encoded", namespaces=NS))

    atom = lxml.etree.fromstring(feeds["atom.xml"])
    a = "{http://www.w3.org/2005/Atom}"
    entry = next(e for e in atom.iter(f"{a}entry") if e.findtext(f"{a}id").endswith("2026-W50"))
    assert entry.findtext(f"{a}title") == title
    assert HOSTILE in entry.findtext(f"{a}summary")
    check_html(entry.findtext(f"{a}content"))

    doc = json.loads(feeds["feed.json"])
    json_item = next(i for i in doc["items"] if i["id"].endswith("2026-W50"))
    assert json_item["title"] == title and HOSTILE in json_item["summary"]
    check_html(json_item["content_html"])

    for name in ("feed.xml", "atom.xml"):
        assert b"<script" not in feeds[name]
        assert not feedparser.parse(feeds[name]).bozo
    page = (outbox / "archive" / "2026-W50.html").read_text("utf-8")
    check_html(page)
    assert "<script" not in page
    parsed = lxml.html.document_fromstring(page)
    assert parsed.findtext(".//title") == f"{title} · mindreel"
    for neighbour in ("2026-W49", "2026-W51"):  # the pager names it too
        assert "<script" not in (outbox / "archive" / f"{neighbour}.html").read_text("utf-8")
    assert "<script" not in (outbox / "archive" / "index.html").read_text("utf-8")


def test_every_link_is_absolute_and_every_item_has_its_page(long_run: Path) -> None:
    feeds = read_feeds(long_run)
    rss = lxml.etree.fromstring(feeds["feed.xml"])
    atom = lxml.etree.fromstring(feeds["atom.xml"])
    doc = json.loads(feeds["feed.json"])
    atom_link = f"{{{NS['atom']}}}link"
    site_links = [rss.findtext("channel/link"), *[a.get("href") for a in rss.iter(atom_link)],
                  *[i.findtext("link") for i in rss.iter("item")],
                  *[a.get("href") for a in atom.iter(atom_link)],
                  doc["home_page_url"], doc["feed_url"], *[i["url"] for i in doc["items"]]]
    assert len(site_links) == 1 + 1 + 20 + 2 + 20 + 20 + 2 + 20  # Atom: page and card
    for link in site_links:
        assert link == BASE or link.startswith(f"{BASE}/"), link
    item_links = {i["url"] for i in doc["items"]}
    assert item_links == {i.findtext("link") for i in rss.iter("item")}
    for link in item_links:
        path = long_run / urlsplit(link).path.lstrip("/")
        assert path.is_file(), f"{link} has no archive page"
    for item in doc["items"]:
        fragment = lxml.html.fragment_fromstring(item["content_html"])
        for anchor in fragment.iter("a"):
            parts = urlsplit(anchor.get("href"))
            if parts.scheme in ("tel", "sms", "mailto"):  # a helpline's contact
                continue
            assert parts.scheme == "https" and parts.netloc, anchor.get("href")


# --- golden files -------------------------------------------------------------------

def test_feeds_match_golden(tmp_path: Path, golden: Any) -> None:
    outbox = build(make_site(tmp_path / "site"), "2026-W47", "2026-W51")
    for name, data in read_feeds(outbox).items():
        golden(f"feeds/{name}", data)


def test_card_images_in_the_feeds_are_files_in_the_outbox(long_run: Path) -> None:
    """Every RSS enclosure, Atom enclosure link and JSON Feed image is a card the build
    wrote, with the length the feed states; feedparser sees them as enclosures."""
    feeds = read_feeds(long_run)
    seen: dict[str, set[str]] = {}
    for name in ("feed.xml", "atom.xml"):
        for entry in feedparser.parse(feeds[name]).entries:
            [enclosure] = entry.enclosures
            assert enclosure["type"] == "image/png"
            path = long_run / urlsplit(enclosure["href"]).path.lstrip("/")
            assert path.is_file() and path.stat().st_size == int(enclosure["length"])
            seen.setdefault(name, set()).add(enclosure["href"])
    doc = json.loads(feeds["feed.json"])
    images = {item["image"] for item in doc["items"]}
    assert images == seen["feed.xml"] == seen["atom.xml"] and len(images) == 20
    for item in doc["items"]:
        week = item["id"].rsplit("/", 1)[1]
        assert item["image"] == f"{BASE}/{week}/cards/link.png"


def test_feeds_without_cards_have_no_images(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site",
                         "channels: {email: false, feeds: true, social: false, cards: false}\n")
    outbox = build(schedule, "2026-W48", "2026-W50")
    feeds = read_feeds(outbox)
    assert b"enclosure" not in feeds["feed.xml"] and b"enclosure" not in feeds["atom.xml"]
    assert all("image" not in item for item in json.loads(feeds["feed.json"])["items"])
    assert not (outbox / "2026-W50" / "cards").exists()
    page = (outbox / "archive" / "2026-W50.html").read_text("utf-8")
    assert "og:title" in page and "og:image" not in page and "twitter:card" not in page
