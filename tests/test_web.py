"""The web channel: the article fragment, the feed item it stores, and the web archive."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
import yaml

from generator.build import build_weeks
from generator.channels import RenderContext
from generator.channels.web import pages as web
from generator.ledger import Ledger, LedgerEntry
from generator.outbox import Outbox
from generator.project import Project, load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import GOLDEN_EDITIONS, NOW, copy_site, edition_of, public_by

FEEDS_ONLY = "channels: {email: false, feeds: true, social: false}\n"
BASE = "https://mindreel.example.org"
HOSTILE = "<script>alert(1)</script> ]]> & {{ 7*7 }}"

Golden = Callable[[str, bytes], None]


def build(schedule: Path, first: str, last: str) -> Path:
    """Build a range through the real flow; return the outbox."""
    project = load_project(schedule)
    weeks = list(week_range(IsoWeek.parse(first), IsoWeek.parse(last)))
    build_weeks(project, weeks, now=public_by(last), durable=False)
    return project.config.outbox


def edit_film(schedule: Path, film_id: str, **fields: object) -> None:
    """Change fields of one film in the copied site's data/films.yaml."""
    path = schedule.parent / "data" / "films.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    film = next(f for f in data["films"] if f["id"] == film_id)
    film.update(fields)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def article_of(project: Project, ctx: RenderContext, week: str,
               feature: str) -> lxml.html.HtmlElement:
    files = web.render(edition_of(project, week, feature), ctx)
    return lxml.html.fragment_fromstring(files["article.html"].decode("utf-8"))


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


# --- the article --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_article_matches_golden(name: str, project: Project, ctx: RenderContext,
                                golden: Golden) -> None:
    week, feature = GOLDEN_EDITIONS[name]
    files = web.render(edition_of(project, week, feature), ctx)
    golden(f"web/article-{name}.html", files["article.html"])


def test_article_opens_with_the_content_note(project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W50", "silenced")
    first = article[0]
    assert first.tag == "aside" and "content-note" in first.classes
    assert text(first) == ("Content note: this edition discusses sexual violence, child abuse "
                           "and suicide. Support lines are listed at the end.")
    assert first.find(".//a").get("href") == f"{BASE}/archive/2026-W50.html#help"
    assert article.get("lang") == "en"


def test_article_without_notes_has_no_content_note(project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W48", "marathon")
    assert article.cssselect("aside.content-note") == []
    assert article[0].tag == "header"


def test_article_says_everything_about_a_film(project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W50", "silenced")
    assert len(article.cssselect("h1")) == 1
    h1 = article.cssselect("h1")[0]
    assert text(h1) == "Silenced 도가니"
    assert h1.cssselect("span[lang=ko]")[0].text == "도가니"
    credit = text(article.cssselect("p.credit")[0])
    assert "2011" in credit and "dir. Hwang Dong-hyuk" in credit and "125 min" in credit
    assert "Disability" in text(article.cssselect("p.kicker")[0])
    body = text(article)
    assert "uncovers abuse by its staff" in body  # synopsis
    assert '"Dogani Act"' in body  # why it matters
    # Awareness copy of every theme, each fact with its cited source, and the support line.
    for theme in ("trauma", "disability-rights"):
        section = article.cssselect(f"section[aria-labelledby=about-{theme}]")[0]
        assert section.cssselect("ul.facts li cite a[href^='https://']")
        assert section.cssselect("p.support")
    assert "Believe people who tell you what happened" in body
    # No streaming claim in the data: say so rather than guess.
    assert "Availability varies by region" in body
    assert "My Mister" in text(article.cssselect("section[aria-labelledby=related]")[0])
    assert article.cssselect("section[aria-labelledby=sources] a[href^='https://en.wikipedia.org']")
    assert article.cssselect("table") == []  # not email layout


def test_where_to_watch_carries_its_checked_date(project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W47", "keys-to-the-heart")
    watch = text(article.cssselect("section[aria-labelledby=watch]")[0])
    assert "Example Stream (South Korea), checked 20 November 2026" in watch
    assert "Availability varies by region" in watch


def test_theme_article(project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W49", "depression")
    assert text(article.cssselect("h1")[0]) == "Depression 우울증"
    assert "Depression is common and treatable" in text(article)
    related = text(article.cssselect("section[aria-labelledby=related]")[0])
    assert "Keys to the Heart" in related and "My Mister" in related
    assert "Content note: violence." in related  # related titles carry their own notes
    assert article.cssselect("section[aria-labelledby=watch]") == []


def test_helpline_block_lists_every_audience_region_and_the_directory(
        project: Project, ctx: RenderContext) -> None:
    article = article_of(project, ctx, "2026-W48", "marathon")
    help_block = article.cssselect("section#help")[0]
    assert help_block is article[-1]  # last, after everything else
    regions = [text(h3) for h3 in help_block.cssselect("h3")]
    assert regions == ["South Korea", "United States", "United Kingdom", "Everywhere else"]
    body = text(help_block)
    for needle in ("Call 109", "Call 988 (Press 2 for Spanish) · Text 988", "Call 116 123",
                   "Text HOME to 741741", "findahelpline.com",
                   "For young people and their parents.",
                   "In an emergency, call 112 (police) or 119 (fire and ambulance).",
                   "Checked on 25 November 2026."):
        assert needle in body
    assert body.count("Checked on") == 1
    assert "FIXTURE-EDITORIAL" not in body
    links = [a.get("href") for a in help_block.cssselect("a")]
    assert links == [
        "tel:109", "https://www.1388.go.kr", "tel:1388", "sms:1388", "tel:112", "tel:119",
        "https://988lifeline.org", "tel:988", "sms:988", "https://988lifeline.org",
        "sms:741741?body=HOME", "tel:911",
        "https://www.samaritans.org", "tel:116123", "mailto:jo@samaritans.org", "tel:999",
        "https://findahelpline.com", "https://findahelpline.com",
        "https://mindreel.example.org/help.html"]
    sources = {"https://www.newspim.com/news/view/20240102000281",
               "https://988lifeline.org/get-help/what-to-expect/"}
    assert not sources & set(links)  # evidence is never a helpline's link


def test_every_link_in_an_article_is_absolute_https(project: Project, ctx: RenderContext) -> None:
    for week, feature in GOLDEN_EDITIONS.values():
        article = article_of(project, ctx, week, feature)
        for a in article.iter("a"):
            parts = urlsplit(a.get("href"))
            if parts.scheme in ("tel", "sms", "mailto"):  # a helpline's contact
                continue
            assert parts.scheme == "https" and parts.netloc, a.get("href")


# --- the feed item ------------------------------------------------------------------

def test_item_json(project: Project, ctx: RenderContext) -> None:
    edition = edition_of(project, "2026-W50", "silenced")
    files = web.render(edition, ctx)
    raw = files["item.json"]
    item = json.loads(raw)
    assert raw == (json.dumps(item, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    assert "도가니".encode() in raw  # UTF-8, not \u escapes
    assert item["id"] == "tag:mindreel.example.org,2026:edition/2026-W50"
    assert item["url"] == f"{BASE}/archive/2026-W50.html" == edition.links.page
    assert item["title"] == "Silenced (도가니, 2011)"
    assert item["content_html"] == files["article.html"].decode()
    assert item["date_published"] == "2026-12-07T09:00:00+09:00"
    assert item["categories"] == ["Trauma and PTSD", "Disability rights"]
    assert item["language"] == "en"
    assert item["content_notes"] == ["sexual violence", "child abuse", "suicide"]
    summary = item["summary"]
    assert summary.startswith("Content note: this edition discusses sexual violence")
    assert "Korea: call 109 (24/7)" in summary and "<" not in summary and "\n" not in summary


def test_item_id_depends_only_on_domain_year_and_week(project: Project, ctx: RenderContext) -> None:
    ids = {json.loads(web.render(edition_of(project, "2026-W50", feature), ctx)["item.json"])["id"]
           for feature in ("silenced", "marathon", "depression")}
    assert ids == {"tag:mindreel.example.org,2026:edition/2026-W50"}


def test_hostile_catalogue_text_is_escaped_in_the_article(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", FEEDS_ONLY)
    edit_film(schedule, "silenced", synopsis={"en": HOSTILE},
              titles={"en": HOSTILE, "ko": "도가니", "rr": "Dogani"})
    project = load_project(schedule)
    ctx = RenderContext(project.config.settings, project.config.templates_dir)
    files = web.render(edition_of(project, "2026-W50", "silenced"), ctx)
    html = files["article.html"].decode()
    assert "<script>" not in html and "]]>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; {{ 7*7 }}" in html
    article = lxml.html.fragment_fromstring(html)
    assert not list(article.iter("script"))
    assert text(article.cssselect("section[aria-labelledby=story]")[0]).endswith(HOSTILE)
    item = json.loads(files["item.json"])
    assert item["title"] == f"{HOSTILE} (도가니, 2011)"


# --- the archive --------------------------------------------------------------------

def test_archive_page_matches_golden(tmp_path: Path, golden: Golden) -> None:
    outbox = build(copy_site(tmp_path / "site", FEEDS_ONLY), "2026-W47", "2026-W51")
    golden("web/2026-W50.html", (outbox / "archive" / "2026-W50.html").read_bytes())


def test_archive_pages_are_whole_accessible_pages(tmp_path: Path) -> None:
    outbox = build(copy_site(tmp_path / "site", FEEDS_ONLY), "2026-W47", "2026-W51")
    weeks = ["2026-W47", "2026-W48", "2026-W49", "2026-W50", "2026-W51"]
    assert sorted(p.name for p in (outbox / "archive").iterdir()) == \
        sorted([f"{w}.html" for w in weeks] + ["index.html"])
    for week in weeks:
        raw = (outbox / "archive" / f"{week}.html").read_bytes()
        assert raw.startswith(b"<!DOCTYPE html>\n")
        page = lxml.html.document_fromstring(raw.decode())
        assert page.get("lang") == "en"
        assert len(page.cssselect("h1")) == 1
        skip = page.cssselect("body > a.skip")[0]
        assert skip is page.find("body")[0] and skip.get("href") == "#main"
        assert page.cssselect("main#main article")
        alternates = {a.get("type"): a.get("href") for a in page.cssselect("link[rel=alternate]")}
        assert alternates == {"application/rss+xml": f"{BASE}/feed.xml",
                              "application/atom+xml": f"{BASE}/atom.xml",
                              "application/feed+json": f"{BASE}/feed.json"}
        assert page.cssselect(f"a[href='{BASE}/archive/']")  # back to the index
        assert page.cssselect("link[rel=canonical]")[0].get("href") == f"{BASE}/archive/{week}.html"
        assert page.cssselect("section#help h3")  # the helpline footer
        # Self-contained: inline CSS only, no scripts, fonts, images or stylesheets to fetch.
        assert not page.cssselect("script, img, iframe, link[rel=stylesheet], [src]")
        assert b"@import" not in raw and b"url(" not in raw
        for a in page.iter("a"):
            href = a.get("href")
            assert href == "#main" or urlsplit(href).scheme in ("https", "tel", "sms",
                                                                 "mailto"), href
    first = lxml.html.document_fromstring((outbox / "archive" / "2026-W47.html").read_bytes())
    assert not first.cssselect("a[rel=prev]")
    assert first.cssselect("a[rel=next]")[0].get("href") == f"{BASE}/archive/2026-W48.html"


def test_archive_index_lists_every_edition_newest_first(tmp_path: Path) -> None:
    outbox = build(copy_site(tmp_path / "site", FEEDS_ONLY), "2026-W47", "2027-W02")
    index = lxml.html.document_fromstring((outbox / "archive" / "index.html").read_bytes())
    links = [a.get("href") for a in index.cssselect("ol.editions li > a")]
    weeks = [w for w in map(str, week_range(IsoWeek.parse("2026-W47"), IsoWeek.parse("2027-W02")))
             if w != "2026-W52"]  # the fixture skips W52
    assert links == [f"{BASE}/archive/{w}.html" for w in reversed(weeks)]
    for link in links:
        assert (outbox / urlsplit(link).path.lstrip("/")).is_file()
    assert len(index.cssselect("h1")) == 1 and index.get("lang") == "en"
    assert index.cssselect("section#help h3")
    assert "Content note: sexual violence, child abuse and suicide" in text(index)


def test_empty_archive(ctx: RenderContext) -> None:
    files = web.render_archive([], ctx)
    assert list(files) == ["archive/index.html"]
    assert b"No editions yet." in files["archive/index.html"]


def test_rows_without_an_item_are_left_out(tmp_path: Path) -> None:
    """A week built while the feeds were off has no item; the archive skips it, then adds it."""
    schedule = copy_site(tmp_path / "site")
    original = schedule.read_text("utf-8")
    schedule.write_text(original + "channels: {email: false, feeds: false, social: false}\n")
    build(schedule, "2026-W48", "2026-W48")
    schedule.write_text(original + FEEDS_ONLY)
    outbox = build(schedule, "2026-W49", "2026-W49")
    assert sorted(p.name for p in (outbox / "archive").iterdir()) == ["2026-W49.html", "index.html"]
    outbox = build(schedule, "2026-W48", "2026-W48")
    assert (outbox / "archive" / "2026-W48.html").is_file()


def test_archive_of_520_editions(ctx: RenderContext, project: Project) -> None:
    """Ten years of editions: a page each, the index and the help page (bench/ prints how
    long it takes)."""
    entries = _entries(project, ctx, 520)
    files = web.render_archive(entries, ctx)
    assert len(files) == 522
    index = lxml.html.document_fromstring(files["archive/index.html"])
    assert len(index.cssselect("ol.editions > li")) == 520


def _entries(project: Project, ctx: RenderContext, count: int) -> list[LedgerEntry]:
    """``count`` ledger rows, oldest first, made from the fixture editions in turn."""
    features = [f for _name, (_week, f) in sorted(GOLDEN_EDITIONS.items())]
    first = IsoWeek.parse("2026-W01")
    entries = []
    for n in range(count):
        week = first + n
        edition = edition_of(project, str(week), features[n % len(features)])
        item = json.loads(web.render(edition, ctx)["item.json"])
        entries.append(LedgerEntry(week, edition.kind, edition.feature_id, "fixture",
                                   edition.send_at.isoformat(), "0" * 64, NOW.isoformat(), item))
    return entries


def test_the_ledger_round_trip_keeps_the_item(tmp_path: Path) -> None:
    outbox = build(copy_site(tmp_path / "site", FEEDS_ONLY), "2026-W50", "2026-W50")
    with Ledger(Outbox(outbox).ledger_path) as ledger:
        entry = ledger.get(IsoWeek.parse("2026-W50"))
    assert entry is not None
    assert entry.item == json.loads((outbox / "2026-W50" / "item.json").read_bytes())


def test_a_korean_edition_speaks_korean(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", FEEDS_ONLY)
    schedule.write_text(schedule.read_text("utf-8").replace("locales: [en]", "locales: [ko]"))
    project = load_project(schedule)
    ctx = RenderContext(project.config.settings, project.config.templates_dir)
    files = web.render(edition_of(project, "2026-W50", "silenced"), ctx)
    article = lxml.html.fragment_fromstring(files["article.html"].decode())
    assert article.get("lang") == "ko"
    assert text(article[0]).startswith(
        "내용 주의: 이번 호는 성폭력, 아동 학대, 자살 내용을 다룹니다.")
    assert "2026년 12월 7일" in text(article.cssselect("p.kicker")[0])
    assert text(article.cssselect("section#help h2")[0]) == "지금 도움이 필요하다면"
    assert "대한민국" in [text(h3) for h3 in article.cssselect("section#help h3")]
    assert json.loads(files["item.json"])["language"] == "ko"
