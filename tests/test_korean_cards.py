"""Korean share cards: every locale draws its own cards into its own folder, and every
Korean page, feed, post and bulk file points at the Korean cards, never the English.

A real build of the bundled catalogue with ``locales: [en, ko]``: 2026-W49 has gone out
(its archive page, feeds and help page are public) and 2026-W50 and W51 are upcoming
(their posts are in the Buffer files). Cards wrap Korean only between words (eojeol),
which a property test checks on the wrap itself and the build checks on every card.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from generator.build import build_weeks
from generator.channels.cards.alt import OG_ALT_LIMIT
from generator.channels.cards.design import EDITION_KINDS, LABELS, PLATFORM_CARD, labels
from generator.channels.cards.layout import Block, Box, Overflow, fit, wrap
from generator.channels.social.rules import packaged_rules
from generator.project import load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import BUNDLED_NOW_TEXT, bundled_schedule

BASE = "https://mindreel.example.org"
WEEKS = ("2026-W49", "2026-W50", "2026-W51")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
CARD_URL = re.compile(r"https://mindreel\.example\.org/[^\s\"'<>,]*?/cards/[a-z]+\.png")


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = load_project(bundled_schedule(tmp_path_factory.mktemp("korean-cards")))
    weeks = list(week_range(IsoWeek.parse(WEEKS[0]), IsoWeek.parse(WEEKS[-1])))
    build_weeks(project, weeks, now=datetime.fromisoformat(BUNDLED_NOW_TEXT), durable=False)
    return project.config.outbox


def listing(outbox: Path, week: str, home: str) -> dict[str, dict[str, object]]:
    entries = json.loads((outbox / week / home / "cards" / "cards.json").read_bytes())
    return {str(entry["kind"]): entry for entry in entries}


def meta(page: Path) -> dict[str, str]:
    doc = lxml.html.fromstring(page.read_bytes())
    found = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    return {k: v for k, v in found.items() if k}


@pytest.mark.parametrize("week", WEEKS)
def test_every_locale_draws_its_cards_into_its_own_folder(outbox: Path, week: str) -> None:
    english, korean = listing(outbox, week, ""), listing(outbox, week, "ko")
    assert set(korean) == set(EDITION_KINDS)
    for kind, entry in korean.items():
        assert entry["url"] == f"{BASE}/{week}/ko/cards/{kind}.png"
        path = outbox / week / "ko" / "cards" / f"{kind}.png"
        with Image.open(path) as png:
            assert png.size == (entry["width"], entry["height"])
        assert path.stat().st_size == entry["bytes"]
        assert path.read_bytes() != (outbox / week / "cards" / f"{kind}.png").read_bytes()
        assert english[kind]["url"] == f"{BASE}/{week}/cards/{kind}.png"


@pytest.mark.parametrize("week", WEEKS)
def test_korean_cards_say_everything_in_korean(outbox: Path, week: str) -> None:
    """The alt text is what the card draws: Korean labels, the English title only as the
    title's second line, nothing else in Latin letters but the site's name and domain."""
    english = listing(outbox, week, "")
    for kind, entry in listing(outbox, week, "ko").items():
        alt = str(entry["alt"])
        assert alt.startswith("텍스트 카드.") and HANGUL.search(alt), alt
        if kind in ("portrait", "square", "help"):
            assert "지금 도움이 필요하다면" in alt
        assert "Text card" not in alt and "If you need support" not in alt
        assert "Content note" not in alt and "Film," not in alt and "Theme," not in alt
        assert str(english[kind]["alt"]).startswith("Text card.")


def _artifacts(outbox: Path) -> list[Path]:
    return [p for p in sorted(outbox.rglob("*")) if p.is_file()
            and p.suffix in (".html", ".xml", ".json", ".csv", ".txt")
            and ".mindreel" not in p.parts and p != outbox / "index.html"]


def test_every_korean_artifact_references_its_own_locales_cards(outbox: Path) -> None:
    """Each card URL in a Korean file is a Korean card, and in an English file an English
    one, and every one of them is a file in the outbox."""
    seen: dict[str, set[str]] = {"ko": set(), "en": set()}
    for path in _artifacts(outbox):
        rel = path.relative_to(outbox)
        locale = "ko" if "ko" in rel.parts else "en"
        for url in set(CARD_URL.findall(path.read_text("utf-8"))):
            assert ("/ko/cards/" in url) == (locale == "ko"), (str(rel), url)
            assert (outbox / url.removeprefix(BASE + "/")).is_file(), url
            seen[locale].add(str(rel))
    korean = seen["ko"]
    for name in ("ko/archive/2026-W49.html", "ko/archive/index.html", "ko/help.html",
                 "ko/feed.xml", "ko/atom.xml", "ko/feed.json", "2026-W50/ko/cards/cards.json",
                 "2026-W50/ko/item.json", "2026-W50/ko/social/posts.json",
                 "2026-W50/ko/social/bulk.json", "ko/social/buffer/instagram.csv"):
        assert name in korean, name
    assert {r.removeprefix("ko/").replace("/ko/", "/") for r in korean} <= seen["en"]


def test_korean_pages_carry_the_korean_card_in_their_open_graph_tags(outbox: Path) -> None:
    week = listing(outbox, "2026-W49", "ko")
    page = meta(outbox / "ko" / "archive" / "2026-W49.html")
    assert page["og:image"] == f"{BASE}/2026-W49/ko/cards/link.png"
    assert page["og:image:alt"] == page["twitter:image:alt"] == week["link"]["alt"]
    assert page["twitter:card"] == "summary_large_image"
    assert page["og:locale"] == "ko_KR"
    for rel in ("ko/archive/index.html", "ko/help.html"):
        tags = meta(outbox / rel)
        assert tags["og:image"] == f"{BASE}/2026-W49/ko/cards/help.png", rel
        assert tags["og:image:alt"] == week["help"]["alt"], rel


def test_korean_feeds_carry_the_korean_link_card(outbox: Path) -> None:
    url = f"{BASE}/2026-W49/ko/cards/link.png"
    [item] = json.loads((outbox / "ko" / "feed.json").read_bytes())["items"]
    assert item["image"] == url
    assert f'<enclosure url="{url}"' in (outbox / "ko" / "feed.xml").read_text("utf-8")
    assert f'rel="enclosure" type="image/png" href="{url}"' in \
        (outbox / "ko" / "atom.xml").read_text("utf-8") or \
        f'href="{url}" rel="enclosure"' in (outbox / "ko" / "atom.xml").read_text("utf-8")


def test_korean_posts_and_buffer_files_carry_the_korean_cards(outbox: Path) -> None:
    rules = packaged_rules()
    for week in WEEKS:
        cards = listing(outbox, week, "ko")
        posts = json.loads((outbox / week / "ko" / "social" / "posts.json").read_bytes())
        for post in (p for p in posts if p["part"] == 1):
            kind = PLATFORM_CARD[post["platform"]]
            assert post["image_url"] == f"{BASE}/{week}/ko/cards/{kind}.png"
            assert post["alt_text"] == cards[kind]["alt"]
            limit = rules.platforms[post["platform"]].alt_text_limit
            assert limit is None or len(post["alt_text"]) <= limit
        assert len(str(cards["link"]["alt"])) <= OG_ALT_LIMIT
        assert len(str(cards["help"]["alt"])) <= OG_ALT_LIMIT
    rows = list(csv.DictReader(io.StringIO(
        (outbox / "ko" / "social" / "buffer" / "instagram.csv").read_text("utf-8"))))
    assert [row["Image URL"] for row in rows] == [
        f"{BASE}/{week}/ko/cards/portrait.png" for week in WEEKS[1:]]


def test_the_review_page_shows_each_locales_cards(outbox: Path) -> None:
    doc = lxml.html.fromstring((outbox / "index.html").read_bytes())
    sources = {img.get("src") for img in doc.cssselect("section.cards figure img")}
    for week in WEEKS[1:]:
        assert f"{week}/cards/portrait.png" in sources
        assert f"{week}/ko/cards/portrait.png" in sources


# --- wrapping between words -----------------------------------------------------------

SYLLABLES = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
EOJEOL = st.text(SYLLABLES, min_size=1, max_size=7)


@given(st.lists(EOJEOL, min_size=1, max_size=12), st.integers(200, 900))
def test_wrap_never_breaks_inside_a_korean_word(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = wrap(text, "bold", 60, width)
    assert " ".join(lines) == text
    assert all(word in words for line in lines for word in line.split(" "))


def test_every_line_on_every_korean_card_ends_between_words(outbox: Path) -> None:
    from generator.channels.cards.channel import edition_cards
    from generator.edition import make_edition
    from generator.picker import Pick

    project = load_project(outbox.parent / "schedule.yaml")
    settings = project.config.settings.for_locale("ko")
    catalogue = project.catalogue
    features = [("film", f.id) for f in catalogue.films] + [("theme", t.id)
                                                           for t in catalogue.themes]
    from generator.channels.cards.design import SPECS, blocks, card_text
    from generator.channels.cards.draw import lay_out

    for kind, feature in features:
        pick = Pick(IsoWeek.parse("2026-W49"), kind, feature, "test", "pin")  # type: ignore[arg-type]
        edition = make_edition(pick, catalogue, settings)
        edition_cards(edition)  # draws, or fails the test
        text = card_text(edition)
        for card in EDITION_KINDS:
            column, band = blocks(card, text)
            for placed in lay_out(SPECS[card], column, band).placed:
                words = placed.block.text.split(" ")
                for line in placed.lines:
                    for word in line.split(" "):
                        assert word in words, (feature, card, placed.block.name, line)



def test_a_korean_word_too_wide_for_a_line_shrinks_the_block_rather_than_splitting() -> None:
    word = "가나다라마바사아자차카타파하"
    [placed] = fit([Block("title_ko", word, "bold", 124, 40, 3)], Box(0, 0, 900, 600))
    assert placed.lines == (word,) and placed.size < 124
    assert placed.text_box.width <= 900


def test_a_korean_word_too_wide_even_at_the_floor_fails_naming_the_block() -> None:
    with pytest.raises(Overflow, match="title_ko has a word wider than the card at 60 px"):
        fit([Block("title_ko", "가" * 40, "bold", 80, 60, 3)], Box(0, 0, 900, 600))


def _flat(labels: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in labels.items():
        if isinstance(value, Mapping):
            found |= _flat(value, f"{prefix}{key}.")
        else:
            found[prefix + key] = str(value)
    return found


def test_every_card_label_has_a_korean_translation() -> None:
    english, korean = _flat(LABELS), _flat(labels("ko"))
    assert english.keys() == korean.keys()
    for key, text in english.items():
        assert korean[key] != text and HANGUL.search(korean[key]), key
        assert re.findall(r"\{\w+\}", korean[key]) == re.findall(r"\{\w+\}", text), key
