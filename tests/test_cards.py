"""Share cards: golden PNGs, text inside the safe area, contrast, alt text, clear failures.

Goldens are compared byte for byte (Pillow with its bundled FreeType and zlib draws the
same pixels and writes the same bytes on every machine with the same Pillow release).
The layout tests read the boxes the drawing code paints from, and the painted pixels
themselves: outside the safe area a card holds nothing but its background and band.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.build import build_weeks
from generator.channels import RenderContext
from generator.channels.cards.alt import OG_ALT_LIMIT
from generator.channels.cards.channel import CARDS_FILE, edition_cards, render
from generator.channels.cards.design import (
    EDITION_KINDS,
    PLATFORM_CARD,
    SPECS,
    Kind,
    blocks,
    card_text,
)
from generator.channels.cards.draw import lay_out, paint
from generator.channels.cards.palette import (
    AA_TEXT,
    BAND_BG,
    DEFAULT_PALETTE,
    MAIN_BG,
    PALETTES,
    contrast,
    palette_for,
)
from generator.channels.social.rules import packaged_rules
from generator.edition import Edition, make_edition
from generator.errors import ChannelError
from generator.picker import Pick
from generator.project import Project, load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, REPO, copy_site, edition_of, mindreel

Golden = Callable[[str, bytes], None]
BUDGET_BYTES = 400 * 1024


# --- fixtures -----------------------------------------------------------------------

def with_category(edition: Edition, category_id: str) -> Edition:
    """A theme edition recoloured as another category (the fixture lacks some)."""
    theme = replace(edition.theme, category_id=category_id)
    return replace(edition, theme=theme, themes=(theme, *edition.themes[1:]))


def retitled(edition: Edition, title: str, title_ko: str) -> Edition:
    assert edition.film is not None
    film = replace(edition.film, title=title, title_ko=title_ko)
    return replace(edition, film=film, headline=title)


LONG_TITLE = ("The Long Way Home: Two Brothers, One Piano and the Summer That Changed "
              "Everything")
LONG_TITLE_KO = "그것만이 내 세상, 그리고 우리가 함께 걸어온 긴 여름날의 이야기"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return load_project(copy_site(tmp_path_factory.mktemp("cards") / "site"))


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The bundled catalogue rendered in Korean: every word on the card but the English
    title is Hangul."""
    folder = tmp_path_factory.mktemp("ko")
    text = (REPO / "schedule.yaml").read_text("utf-8")
    for old, new in (("locales: [en, ko]", "locales: [ko]"),
                     ("data: data", f"data: {REPO / 'data'}"),
                     ("templates: templates", f"templates: {REPO / 'templates'}")):
        assert old in text
        text = text.replace(old, new)
    (folder / "schedule.yaml").write_text(text, "utf-8")
    return load_project(folder / "schedule.yaml")


def korean_edition(korean: Project, week: str, feature_id: str) -> Edition:
    """The Korean edition of a site with ``locales: [en, ko]``: its files (and cards) sit
    in the edition folder's ``ko/``."""
    settings = korean.config.settings.model_copy(update={"locales": ["en", "ko"]})
    kind = "film" if korean.catalogue.film(feature_id) else "theme"
    pick = Pick(IsoWeek.parse(week), kind, feature_id, "fixture", "pin")  # type: ignore[arg-type]
    return make_edition(pick, korean.catalogue, settings.for_locale("ko"))


def fixtures(shared: Project, korean: Project) -> dict[str, Edition]:
    """Each category once, plus a content note, a long title, an all-Hangul card and the
    Korean edition beside an English one."""
    depression = edition_of(shared, "2026-W49", "depression")
    return {
        "disability-content-note": edition_of(shared, "2026-W50", "silenced"),
        "neurodivergence": edition_of(shared, "2026-W48", "marathon"),
        "mental-health": depression,
        "grief-trauma": edition_of(shared, "2026-W49", "trauma"),
        "dementia-ageing": with_category(depression, "dementia-ageing"),
        "wellbeing": with_category(depression, "wellbeing"),
        "long-title": retitled(edition_of(shared, "2026-W48", "marathon"), LONG_TITLE,
                               LONG_TITLE_KO),
        "all-hangul": edition_of(korean, "2026-W50", "silenced"),
        "korean-edition": korean_edition(korean, "2026-W50", "a-moment-to-remember"),
    }


@pytest.fixture(scope="module")
def editions(shared: Project, korean: Project) -> dict[str, Edition]:
    return fixtures(shared, korean)


FULL_SETS = ("disability-content-note", "long-title", "all-hangul", "korean-edition")
"""Fixtures with a golden of every card kind; the rest have a golden link card each."""


def cases() -> Iterator[tuple[str, Kind]]:
    for name in ("disability-content-note", "neurodivergence", "mental-health", "grief-trauma",
                 "dementia-ageing", "wellbeing", "long-title", "all-hangul",
                 "korean-edition"):
        for kind in EDITION_KINDS if name in FULL_SETS else ("link",):
            yield name, kind


# --- goldens and budgets ------------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), list(cases()))
def test_golden_cards(editions: dict[str, Edition], golden: Golden, name: str,
                      kind: Kind) -> None:
    card = edition_cards(editions[name])[kind]
    golden(f"cards/{name}/{kind}.png", card.png)


def test_golden_korean_edition_listing(editions: dict[str, Edition], golden: Golden,
                                      shared: Project) -> None:
    """The Korean edition's cards.json: its cards' URLs under ``ko/``, Korean alt text."""
    ctx = RenderContext(shared.config.settings, shared.config.templates_dir)
    files = render(editions["korean-edition"], ctx)
    golden("cards/korean-edition/cards.json", files[CARDS_FILE])
    for entry in json.loads(files[CARDS_FILE]):
        assert entry["url"] == f"https://mindreel.example.org/2026-W50/ko/{entry['file']}"
        assert entry["alt"].startswith("텍스트 카드.")


def test_cards_are_pngs_of_their_size_within_the_budget(editions: dict[str, Edition]) -> None:
    for edition in editions.values():
        for kind, card in edition_cards(edition).items():
            image = Image.open(io.BytesIO(card.png))
            assert image.format == "PNG" and image.mode == "P"
            assert image.size == (SPECS[kind].width, SPECS[kind].height) == (card.width,
                                                                              card.height)
            assert len(card.png) <= BUDGET_BYTES, (edition.id, kind, len(card.png))
            assert not image.info.keys() - {"transparency"}, image.info  # no text chunks


def test_rendering_is_deterministic_and_nfd_draws_as_nfc(editions: dict[str, Edition]) -> None:
    edition = editions["all-hangul"]
    first = {k: c.png for k, c in edition_cards(edition).items()}
    edition_cards.cache_clear()
    assert {k: c.png for k, c in edition_cards(edition).items()} == first
    assert edition.film is not None
    decomposed = unicodedata.normalize("NFD", edition.film.title_ko)
    nfd = replace(edition, film=replace(edition.film, title_ko=decomposed))
    assert {k: c.png for k, c in edition_cards(nfd).items()} == first


def test_the_channel_writes_every_card_and_its_listing(editions: dict[str, Edition],
                                                       shared: Project) -> None:
    ctx = RenderContext(shared.config.settings, shared.config.templates_dir)
    edition = editions["disability-content-note"]
    files = render(edition, ctx)
    listing = json.loads(files[CARDS_FILE])
    assert sorted(files) == sorted([CARDS_FILE, *(SPECS[k].file for k in EDITION_KINDS)])
    for entry in listing:
        assert files[entry["file"]] and entry["bytes"] == len(files[entry["file"]])
        assert entry["url"] == f"https://mindreel.example.org/2026-W50/{entry['file']}"
        assert entry["type"] == "image/png" and entry["alt"]


# --- layout -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["disability-content-note", "neurodivergence", "mental-health",
                                  "long-title", "all-hangul"])
@pytest.mark.parametrize("kind", EDITION_KINDS)
def test_text_boxes_lie_inside_the_safe_area(editions: dict[str, Edition], name: str,
                                             kind: Kind) -> None:
    spec = SPECS[kind]
    layout = lay_out(spec, *blocks(kind, card_text(editions[name])))
    safe = spec.safe
    for placed in layout.placed:
        assert safe.contains(placed.text_box), (placed.block.name, placed.text_box, safe)
        assert safe.contains(placed.panel), (placed.block.name, placed.panel, safe)
        assert placed.size >= placed.block.floor
    column = layout.column
    for above, below in itertools.pairwise(column):
        assert above.panel.bottom <= below.panel.y, (above.block.name, below.block.name)
    if layout.band_box is not None:
        assert column[-1].panel.bottom <= layout.band_box.y
        assert all(layout.band_box.contains(p.panel) for p in layout.band)
    names = [p.block.name for p in layout.placed]
    assert ("title_ko" in names or "title" in names) and names == list(dict.fromkeys(names))


@pytest.mark.parametrize("kind", EDITION_KINDS)
def test_no_ink_outside_the_safe_area(editions: dict[str, Edition], kind: Kind) -> None:
    """The painted pixels agree with the boxes: outside the safe area a card holds only
    its background and its band, whatever the text."""
    spec = SPECS[kind]
    for name in ("long-title", "all-hangul", "disability-content-note"):
        image = paint(lay_out(spec, *blocks(kind, card_text(editions[name]))))
        assert len(image.getcolors(256) or []) > 3  # text was drawn
        safe = spec.safe
        image.paste(MAIN_BG, (safe.x, safe.y, safe.right, safe.bottom))
        outside = {value for _, value in image.getcolors(256) or []}
        assert outside <= {MAIN_BG, BAND_BG}, (name, outside)


def test_a_long_title_wraps_and_shrinks(editions: dict[str, Edition]) -> None:
    layout = lay_out(SPECS["portrait"], *blocks("portrait", card_text(editions["long-title"])))
    title = {p.block.name: p for p in layout.placed}
    assert len(title["title_ko"].lines) > 1 and len(title["title_en"].lines) > 1
    assert title["title_ko"].size < title["title_ko"].block.size


def test_a_title_too_long_for_the_floor_fails_naming_it(editions: dict[str, Edition]) -> None:
    edition = retitled(editions["neurodivergence"], "A Very Long Title " * 12, "아주 긴 제목 " * 20)
    with pytest.raises(ChannelError, match=r"^cards for 2026-W48: 'marathon' does not fit the "
                                           r"(Instagram post|square post|link preview) card "
                                           r"\(\d+x\d+\): .*; shorten it in data/$") as caught:
        edition_cards(edition)
    assert caught.value.exit_code == 2


def test_a_character_the_font_lacks_fails_naming_it(editions: dict[str, Edition]) -> None:
    edition = retitled(editions["neurodivergence"], "Marathon \U0001F3C3", "말아톤")
    with pytest.raises(ChannelError, match="'marathon' uses characters the card font cannot "
                                           "draw \\(\U0001F3C3\\)"):
        edition_cards(edition)


def test_symbols_the_font_lacks_but_means_nothing_by_are_dropped(
        editions: dict[str, Edition]) -> None:
    # The Korean 109 line is written "☎109": the card says "109".
    text = card_text(editions["all-hangul"])
    assert "☎" not in text.helpline and "109" in text.helpline


TEXT = st.text(st.sampled_from(list("가나다라마바사아자차카타파하 abcdefghij XYZ,.:'-—…·é")),
               min_size=1, max_size=140).filter(lambda s: bool(s.strip()))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=TEXT, title_ko=TEXT, tagline=TEXT)
def test_any_text_fits_inside_the_safe_area_or_fails_clearly(
        editions: dict[str, Edition], title: str, title_ko: str, tagline: str) -> None:
    base = retitled(editions["disability-content-note"], title, title_ko)
    theme = replace(base.theme, tagline_short=tagline)
    edition = replace(base, theme=theme, themes=(theme, *base.themes[1:]))
    text = card_text(edition)
    for kind in EDITION_KINDS:
        spec = SPECS[kind]
        try:
            layout = lay_out(spec, *blocks(kind, text))
        except ValueError as exc:
            assert re.match(r"^(\w+ needs \d+ lines at \d+ px \(at most \d+\)|the text runs "
                            r"past the card's bottom at \w+|\w+ has a word wider than the card "
                            r"at \d+ px \(.*\); Korean words are never split)$",
                            str(exc), re.S), str(exc)
            with pytest.raises(ChannelError, match="'silenced' does not fit"):
                edition_cards(edition)
            return
        for placed in layout.placed:
            assert spec.safe.contains(placed.text_box) and spec.safe.contains(placed.panel)
            assert " ".join(placed.lines).replace(" ", "") == placed.block.text.replace(" ", "")


# --- colour -------------------------------------------------------------------------

def test_every_palette_meets_wcag_aa_for_every_pair() -> None:
    for category, palette in {**PALETTES, "default": DEFAULT_PALETTE}.items():
        for pair, (text, surface) in palette.pairs().items():
            ratio = contrast(text, surface)
            assert ratio >= AA_TEXT, f"{category} {pair}: {ratio:.2f}"


def test_contrast_formula_matches_wcag_reference_values() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((0x76, 0x76, 0x76), (255, 255, 255)), 2) == 4.54
    assert contrast((10, 20, 30), (10, 20, 30)) == 1.0


def test_every_category_in_the_vocabulary_has_its_own_palette() -> None:
    vocabulary = yaml.safe_load((REPO / "data" / "vocabulary.yaml").read_text("utf-8"))
    for term in vocabulary["categories"]:
        assert term["id"] in PALETTES, term["id"]
    colours = {palette_for(c["id"]).background for c in vocabulary["categories"]}
    assert len(colours) == len(vocabulary["categories"])


# --- alt text -----------------------------------------------------------------------

def test_alt_text_says_what_the_card_says(editions: dict[str, Edition]) -> None:
    edition = editions["disability-content-note"]
    cards = edition_cards(edition)
    portrait = cards["portrait"].alt
    for words in ("도가니", "Silenced", "Film, 2011, Disability",
                  "Content note: sexual violence, child abuse, suicide",
                  "Recovery is possible.", "Korea: call 109 (24/7)", "mindreel"):
        assert words in portrait, words
    assert "109" in cards["help"].alt and "Silenced" not in cards["help"].alt
    korean = edition_cards(editions["all-hangul"])["portrait"].alt
    assert korean.startswith("텍스트 카드.") and "내용 주의" in korean and "109" in korean


def test_alt_text_is_within_every_limit_it_goes_to(editions: dict[str, Edition]) -> None:
    rules = packaged_rules()
    for edition in editions.values():
        cards = edition_cards(edition)
        assert len(cards["link"].alt) <= OG_ALT_LIMIT and len(cards["help"].alt) <= OG_ALT_LIMIT
        for platform, kind in PLATFORM_CARD.items():
            limit = rules.platforms[platform].alt_text_limit
            assert cards[kind].alt and (limit is None or len(cards[kind].alt) <= limit)


# --- wired everywhere: a real build -------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = load_project(copy_site(tmp_path_factory.mktemp("built") / "site"))
    weeks = list(week_range(IsoWeek.parse("2026-W46"), IsoWeek.parse("2026-W50")))
    build_weeks(project, weeks, now=NOW, durable=False)
    return project.config.outbox


OG_PROPERTIES = ("og:title", "og:description", "og:image", "og:image:alt", "og:image:width",
                 "og:image:height", "og:url", "og:type")


def meta(page: Path) -> dict[str, str]:
    doc = lxml.html.fromstring(page.read_bytes())
    found = {m.get("property") or m.get("name"): m.get("content") for m in doc.iter("meta")}
    return {k: v for k, v in found.items() if k}


def test_every_archive_page_has_open_graph_and_twitter_tags(built: Path) -> None:
    # Only editions whose send time has passed are public (NOW is in W48), and the help
    # page carries the support-lines card like the archive index.
    pages = [*sorted((built / "archive").glob("*.html")), built / "help.html"]
    assert {p.name for p in pages} == {"2026-W46.html", "2026-W47.html", "2026-W48.html",
                                       "index.html", "help.html"}
    for page in pages:
        tags = meta(page)
        for name in OG_PROPERTIES:
            assert tags.get(name), (page.name, name)
        assert tags["twitter:card"] == "summary_large_image"
        assert tags["og:image"].startswith("https://mindreel.example.org/")
        assert len(tags["og:image:alt"]) <= OG_ALT_LIMIT
        image = built / tags["og:image"].removeprefix("https://mindreel.example.org/")
        assert image.is_file(), tags["og:image"]  # every og:image is a file in the outbox
        with Image.open(image) as png:
            assert png.size == (int(tags["og:image:width"]), int(tags["og:image:height"]))
        expected = "help.png" if page.name in ("index.html", "help.html") else "link.png"
        assert image.name == expected


def test_every_edition_has_its_cards_and_posts_carry_them(built: Path) -> None:
    for folder in sorted(p for p in built.iterdir() if p.name.startswith("2026-W")):
        listing = json.loads((folder / CARDS_FILE).read_bytes())
        assert {entry["kind"] for entry in listing} == set(EDITION_KINDS)
        posts = json.loads((folder / "social" / "posts.json").read_bytes())
        for post in posts:
            if post["part"] > 1:
                assert post["image_url"] is None
                continue
            kind = PLATFORM_CARD[post["platform"]]
            assert post["image_url"] == f"https://mindreel.example.org/{folder.name}/cards/{kind}.png"
            assert (folder / "cards" / f"{kind}.png").is_file()
            assert post["alt_text"] == next(e["alt"] for e in listing if e["kind"] == kind)


def test_the_review_page_shows_cards_with_a_download_link(built: Path) -> None:
    doc = lxml.html.fromstring((built / "index.html").read_bytes())
    figures = doc.cssselect("section.cards figure")
    assert figures and len(figures) % len(EDITION_KINDS) == 0
    for figure in figures:
        [img] = figure.cssselect("img")
        [download] = figure.cssselect("a[download]")
        assert (built / img.get("src")).is_file() and img.get("alt")
        assert download.get("href") == img.get("src")
    assert "needs an image" not in doc.text_content()


def test_the_review_page_marks_an_instagram_post_without_an_image(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, cards: false}\n")
    project = load_project(schedule)
    build_weeks(project, [IsoWeek.parse("2026-W48")], now=NOW, durable=False)
    outbox = project.config.outbox
    doc = lxml.html.fromstring((outbox / "index.html").read_bytes())
    [flag] = doc.cssselect(".post[data-platform=instagram] .needs-box")
    assert "needs an image: Instagram takes no text-only post" in flag.text_content()
    [chip] = doc.cssselect("nav.toc a.chip.needs")  # the one platform marked at the top
    assert chip.get("href").endswith("-instagram") and "needs an image" in chip.get("title")
    assert not doc.cssselect(".post[data-platform=x] .needs-box")
    assert not doc.cssselect("section.cards")


def test_a_title_too_long_for_a_card_stops_the_build_with_exit_2(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", "channels: {email: false, feeds: false, "
                                            "social: false}\n")
    films = schedule.parent / "data" / "films.yaml"
    data = yaml.safe_load(films.read_text("utf-8"))
    film = next(f for f in data["films"] if f["id"] == "silenced")  # pinned to 2026-W50
    film["titles"]["en"] = "A Very Long Title " * 10
    films.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = mindreel("build", "--week", "2026-W50", cwd=schedule.parent)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "'silenced' does not fit the Instagram post card" in result.stderr
    assert not (schedule.parent / "outbox" / "2026-W50").exists()
