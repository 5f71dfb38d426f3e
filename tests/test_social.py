"""Social channel: every post fits its platform as that platform counts, carries the primary
helpline and the content warning, and the files scheduling tools import parse back.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.catalogue import Catalogue, load_catalogue
from generator.channels import Files, RenderContext
from generator.channels.social.channel import render
from generator.channels.social.count import count, hashtags_in
from generator.channels.social.rules import PlatformRule, platform_rules
from generator.config import PLATFORM_LIST, SocialSettings
from generator.edition import Edition, RegionView, make_edition
from generator.errors import ChannelError
from generator.picker import Pick
from generator.project import Project, load_project
from generator.weeks import IsoWeek
from tests.conftest import FIXTURE_SITE, GOLDEN_EDITIONS, REPO, copy_site, edition_of

FIRST_WEEK = IsoWeek(2026, 48)
ERROR = re.compile(r"^(?P<platform>[a-z]+): post for (?P<edition>\d{4}-W\d\d) "
                   r"(is \d+/\d+ [a-z ]+ after every shortening step"
                   r"(?: \(the single post for bulk import\))?"
                   r"|contains characters \w+ rejects)"
                   r"; shorten the (title of '[a-z0-9-]+' in data/films\.yaml or the "
                   r"|name or )tagline_short of theme '[a-z0-9-]+' in data/themes\.yaml$")
GOLDEN_FILES_EDITION = "film-content-note"


# --- helpers ------------------------------------------------------------------------

def posts_of(files: Files) -> list[dict[str, Any]]:
    posts = json.loads(files["social/posts.json"])
    assert isinstance(posts, list)
    return posts


def helpline_shown(text: str, region: RegionView) -> bool:
    """The primary line's short form, or its name with every contact value."""
    line = region.primary
    return line.short in text or (line.name in text and all(c.value in text for c in line.contacts))


def plan(catalogue: Catalogue) -> list[tuple[IsoWeek, str, str]]:
    """Every feature of a catalogue, one a week from FIRST_WEEK: films, then themes."""
    features = [("film", f.id) for f in catalogue.films if f.in_rotation]
    features += [("theme", t.id) for t in catalogue.themes]
    return [(FIRST_WEEK + i, kind, feature_id) for i, (kind, feature_id) in enumerate(features)]


def problems_with(edition: Edition, files: Files, rules: Mapping[str, PlatformRule]) -> list[str]:
    """Everything wrong with one edition's posts, checked from the files alone."""
    problems: list[str] = []
    posts = posts_of(files)
    labels = [n.short or n.label for n in edition.content_notes]
    platforms = [p["platform"] for p in posts]
    assert set(platforms) == set(rules), platforms
    for post in posts:
        platform, part, text = post["platform"], post["part"], post["text"]
        rule = rules[platform]
        where = f"{edition.id} {platform} part {part}"
        if files[post["file"]].decode("utf-8") != text:
            problems.append(f"{where}: {post['file']} differs from posts.json")
        if unicodedata.normalize("NFC", text) != text:
            problems.append(f"{where}: text is not NFC")
        native = post["cw"] if rule.cw == "spoiler_text" else None
        counted = count(text, rule, native)
        if not counted.fits:
            problems.append(f"{where}: does not fit: {counted.overflow()}")
        if (post["count"], post["limit"], post["unit"]) != (
                counted.primary.count, counted.primary.limit, counted.primary.unit):
            problems.append(f"{where}: posts.json count disagrees with a recount")
        if part == 1 and not helpline_shown(text, edition.primary_region):
            problems.append(f"{where}: no primary helpline")
        if post["parts"] > 1 and not text.endswith(f"\n{part}/{post['parts']}"):
            problems.append(f"{where}: not numbered")
        if not 1 <= post["parts"] <= 3:
            problems.append(f"{where}: {post['parts']} parts")
        if part == 1 and len(post["hashtags"]) > rule.hashtags.max:
            problems.append(f"{where}: {len(post['hashtags'])} hashtags")
        if labels:
            cw = "CW: " + ", ".join(labels)
            if rule.cw == "spoiler_text":
                if post["cw"] != cw or text.startswith("CW") or (
                        part == 1 and files[f"social/{platform}.cw.txt"].decode() != cw):
                    problems.append(f"{where}: content warning not in the CW field")
            elif not text.startswith(cw + "\n"):
                problems.append(f"{where}: no leading content warning")
        elif post["cw"] is not None or text.startswith("CW"):
            problems.append(f"{where}: content warning where none is needed")
    return problems


@pytest.fixture(scope="module")
def shared_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One fixture-site project for tests that do not write (property tests reuse it)."""
    return load_project(copy_site(tmp_path_factory.mktemp("social") / "site"))


@pytest.fixture(scope="module")
def shared_ctx(shared_project: Project) -> RenderContext:
    """Cards off: these tests are about the posts (tests/test_cards.py covers the cards)."""
    return without_cards(RenderContext(shared_project.config.settings,
                                       shared_project.config.templates_dir))


def without_cards(ctx: RenderContext) -> RenderContext:
    """The same settings with the cards channel off (posts then use the film's image)."""
    channels = ctx.settings.channels.model_copy(update={"cards": False})
    return RenderContext(ctx.settings.model_copy(update={"channels": channels}),
                         ctx.templates_dir)


def with_social(ctx: RenderContext, **changes: Any) -> RenderContext:
    social = ctx.settings.social.model_copy(update=changes)
    return RenderContext(ctx.settings.model_copy(update={"social": social}), ctx.templates_dir)


# --- every feature, every platform ---------------------------------------------------

FIXTURE_PLAN = plan(load_catalogue(FIXTURE_SITE / "data"))


@pytest.mark.parametrize(("week", "kind", "feature_id"), FIXTURE_PLAN,
                         ids=[f"{w}-{f}" for w, _, f in FIXTURE_PLAN])
def test_every_fixture_feature_fits_every_platform(
        shared_project: Project, shared_ctx: RenderContext, week: IsoWeek, kind: str,
        feature_id: str) -> None:
    edition = make_edition(Pick(week, kind, feature_id, "plan", "pin"),  # type: ignore[arg-type]
                           shared_project.catalogue, shared_project.config.settings)
    files = render(edition, shared_ctx)
    assert problems_with(edition, files, platform_rules(shared_ctx.settings.social)) == []


def test_every_bundled_feature_fits_every_platform(shared_project: Project,
                                                   shared_ctx: RenderContext) -> None:
    catalogue = load_catalogue(REPO / "data")  # bad input here is a failure, not a skip
    settings = shared_project.config.settings
    missing = [r for r in settings.audience.regions if catalogue.region(r) is None]
    assert missing == [], "the bundled catalogue lacks helplines for these regions"
    rules = platform_rules(shared_ctx.settings.social)
    problems: list[str] = []
    for week, kind, feature_id in plan(catalogue):
        edition = make_edition(Pick(week, kind, feature_id, "plan", "pin"),  # type: ignore[arg-type]
                               catalogue, settings)
        try:
            files = render(edition, shared_ctx)
        except ChannelError as exc:
            problems.append(f"{feature_id}: {exc}")
            continue
        problems += [f"{feature_id}: {p}" for p in problems_with(edition, files, rules)]
    assert problems == []


# --- golden files ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_golden_posts(name: str, project: Project, ctx: RenderContext,
                      golden: Callable[[str, bytes], None]) -> None:
    week, feature = GOLDEN_EDITIONS[name]
    files = render(edition_of(project, week, feature), ctx)
    assert files == render(edition_of(project, week, feature), ctx), "not deterministic"
    for rel, data in sorted(files.items()):
        if rel.endswith(".txt") or name == GOLDEN_FILES_EDITION:
            golden(f"social/{name}/{rel.removeprefix('social/')}", data)


# --- threads --------------------------------------------------------------------------

def test_theme_edition_threads_on_x_and_bluesky(project: Project, ctx: RenderContext) -> None:
    edition = edition_of(project, "2026-W49", "depression")
    files = render(edition, ctx)
    posts = posts_of(files)
    for platform in ("x", "bluesky"):
        parts = [p for p in posts if p["platform"] == platform]
        assert [p["part"] for p in parts] == [1, 2, 3]
        assert [p["file"] for p in parts] == [f"social/{platform}.txt", f"social/{platform}-2.txt",
                                              f"social/{platform}-3.txt"]
        assert helpline_shown(parts[0]["text"], edition.primary_region)
        assert edition.theme.support in parts[2]["text"]
        assert "Depression can make ordinary days feel heavy." in parts[1]["text"]
    single = {p["platform"] for p in posts if p["parts"] == 1}
    assert single == {"mastodon", "threads", "instagram", "linkedin", "facebook"}


def test_film_edition_threads_when_its_awareness_line_does_not_fit(
        project: Project, ctx: RenderContext) -> None:
    """Marathon fits X whole; on Bluesky (full link counted) its tagline does not."""
    edition = edition_of(project, "2026-W48", "marathon")
    posts = posts_of(render(edition, ctx))
    x = [p for p in posts if p["platform"] == "x"]
    bluesky = [p for p in posts if p["platform"] == "bluesky"]
    assert len(x) == 1 and edition.theme.tagline in x[0]["text"]
    assert len(bluesky) == 3 and "tagline" in bluesky[0]["shortened"]
    assert edition.theme.tagline_short in bluesky[0]["text"]
    assert bluesky[1]["text"].startswith(edition.theme.awareness.split(".")[0])


# --- errors, never truncation ---------------------------------------------------------

def retitled(edition: Edition, title: str) -> Edition:
    assert edition.film is not None
    return replace(edition, film=replace(edition.film, title=title), headline=title)


def test_a_200_character_title_fails_with_a_clear_message(project: Project,
                                                          ctx: RenderContext) -> None:
    title = ("A Very Long Title " * 12)[:200].strip()
    edition = retitled(edition_of(project, "2026-W48", "marathon"), title)
    with pytest.raises(ChannelError) as caught:
        render(edition, ctx)
    match = ERROR.match(str(caught.value))
    assert match, str(caught.value)
    assert match["platform"] == "x" and match["edition"] == "2026-W48"
    assert "weighted characters after every shortening step" in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_long_title_fits_where_there_is_room(project: Project, ctx: RenderContext) -> None:
    title = ("A Very Long Title " * 12)[:200].strip()
    edition = retitled(edition_of(project, "2026-W48", "marathon"), title)
    # Cards off: a 200-character title is too long for a card (tests/test_cards.py).
    roomy = with_social(without_cards(ctx),
                        platforms=["mastodon", "instagram", "linkedin", "facebook"])
    files = render(edition, roomy)
    assert problems_with(edition, files, platform_rules(roomy.settings.social)) == []
    assert all(title in p["text"] for p in posts_of(files))


FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467"


@pytest.mark.parametrize("title", ["\U0001F60A" * 40, FAMILY * 25, "\U0001F3AC\U0001F3A5" * 70])
def test_an_emoji_title_fits_or_fails_clearly(project: Project, ctx: RenderContext,
                                              title: str) -> None:
    edition = retitled(edition_of(project, "2026-W50", "silenced"), title)
    ctx = without_cards(ctx)  # the card font has no emoji: cards fail (tests/test_cards.py)
    try:
        files = render(edition, ctx)
    except ChannelError as exc:
        assert ERROR.match(str(exc)), str(exc)
        return
    assert problems_with(edition, files, platform_rules(ctx.settings.social)) == []


LINE_ALPHABET = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    st.sampled_from(["가", "말", "톤", "\U0001F60A", "\u200D", "#", ".", " ", "—", "…", "a", "e"]),
)
# Lengths spread evenly from 1 to 220, so long titles and taglines are common.
LINE_TEXT = st.integers(1, 220).flatmap(
    lambda n: st.text(LINE_ALPHABET, min_size=n, max_size=n)).filter(lambda s: bool(s.strip()))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=LINE_TEXT, tagline=LINE_TEXT, theme=st.booleans())
def test_any_title_and_tagline_fit_or_fail_clearly(
        shared_project: Project, shared_ctx: RenderContext, title: str, tagline: str,
        theme: bool) -> None:
    """Whatever the catalogue says: every post fits with its helpline and warnings, the
    title and the awareness line whole, or the build stops with a clear message."""
    if theme:
        base = edition_of(shared_project, "2026-W49", "depression")
        theme_view = replace(base.theme, name=title, tagline=tagline)
        edition = replace(base, theme=theme_view, themes=(theme_view, *base.themes[1:]),
                          headline=title)
    else:
        base = edition_of(shared_project, "2026-W50", "silenced")
        theme_view = replace(base.theme, tagline=tagline)
        edition = replace(retitled(base, title), theme=theme_view,
                          themes=(theme_view, *base.themes[1:]))
    try:
        files = render(edition, shared_ctx)
    except ChannelError as exc:
        match = ERROR.match(str(exc))
        assert match and match["edition"] == edition.id, str(exc)
        event(f"fails on {match['platform']}")
        return
    event("fits")
    assert problems_with(edition, files, platform_rules(shared_ctx.settings.social)) == []
    nfc = unicodedata.normalize("NFC", title).strip()
    lines = (unicodedata.normalize("NFC", tagline).strip(),
             unicodedata.normalize("NFC", edition.theme.tagline_short))
    by_platform: dict[str, list[str]] = {}
    for post in posts_of(files):
        by_platform.setdefault(post["platform"], []).append(post["text"])
    for platform, texts in by_platform.items():
        assert nfc in texts[0], f"{platform}: title not whole"
        assert any(line in text for text in texts for line in lines), f"{platform}: awareness"


# --- content warnings, alt text, links, hashtags ------------------------------------

def test_content_warning_goes_first_or_in_mastodons_field(project: Project,
                                                          ctx: RenderContext) -> None:
    files = render(edition_of(project, "2026-W50", "silenced"), ctx)
    cw = "CW: sexual violence, child abuse, suicide"
    assert files["social/mastodon.cw.txt"] == cw.encode()
    for post in posts_of(files):
        if post["platform"] == "mastodon":
            assert (post["cw"], post["cw_placement"], post["sensitive"]) == (cw, "spoiler_text",
                                                                               True)
            assert not post["text"].startswith("CW")
        else:
            assert post["text"].splitlines()[0] == cw
            assert post["cw_placement"] == "first line"


def test_no_content_warning_when_the_edition_needs_none(project: Project,
                                                        ctx: RenderContext) -> None:
    files = render(edition_of(project, "2026-W48", "marathon"), ctx)
    assert "social/mastodon.cw.txt" not in files
    assert all(p["cw"] is None and not p["sensitive"] for p in posts_of(files))


def with_image(edition: Edition, alt: str) -> Edition:
    assert edition.film is not None
    film = replace(edition.film, image_url="https://img.example.org/silenced.jpg", image_alt=alt)
    return replace(edition, film=film)


def test_alt_text_travels_with_the_first_part(project: Project, ctx: RenderContext) -> None:
    alt = "Two students and their teacher sit on a courtroom bench, facing forward."
    files = render(with_image(edition_of(project, "2026-W50", "silenced"), alt),
                   without_cards(ctx))
    for post in posts_of(files):
        expected = (alt, "https://img.example.org/silenced.jpg") if post["part"] == 1 else (None,
                                                                                            None)
        assert (post["alt_text"], post["image_url"]) == expected
    bulk = json.loads(files["social/bulk.json"])["posts"]
    assert {p["image_url"] for p in bulk} == {"https://img.example.org/silenced.jpg"}


def test_too_long_alt_text_fails_rather_than_being_cut(project: Project,
                                                       ctx: RenderContext) -> None:
    edition = with_image(edition_of(project, "2026-W50", "silenced"), "word " * 100)
    with pytest.raises(ChannelError, match=r"^x: image description for 2026-W50 is 499/420 "
                                           r"characters; shorten image_alt of 'silenced'"):
        render(edition, without_cards(ctx))


def test_links_carry_utm_tags_per_platform(project: Project, ctx: RenderContext) -> None:
    custom = with_social(ctx, utm={"utm_source": "{platform}", "utm_campaign": "weekly-{edition}"})
    posts = posts_of(render(edition_of(project, "2026-W48", "marathon"), custom))
    for post in posts:
        if post["link"]:
            assert post["link"] == ("https://mindreel.example.org/archive/2026-W48.html"
                                    f"?utm_campaign=weekly-2026-W48&utm_source={post['platform']}")
            assert post["link"] in post["text"]
    assert {p["platform"] for p in posts if p["link"]} == set(PLATFORM_LIST)


def test_platform_choice_and_a_local_limit(project: Project, ctx: RenderContext) -> None:
    local = with_social(ctx, platforms=["mastodon", "x"], limits={"mastodon": 1000})
    files = render(edition_of(project, "2026-W50", "silenced"), local)
    posts = posts_of(files)
    assert [p["platform"] for p in posts] == ["mastodon", "x"]
    assert posts[0]["limit"] == 1000 and posts[0]["shortened"] == []
    assert not any(rel.startswith("social/threads") for rel in files)


def test_hashtags_are_camel_case_and_within_each_platforms_norm(
        project: Project, ctx: RenderContext) -> None:
    base = edition_of(project, "2026-W49", "depression")
    tags = ("mentalHealth", "Depression", "depression", "AskTwice", "우울증", "HopeHelps",
            "TalkingHelps")
    theme = replace(base.theme, hashtags=tags)
    edition = replace(base, theme=theme, themes=(theme,))
    posts = [p for p in posts_of(render(edition, ctx)) if p["part"] == 1]
    for post in posts:
        assert post["hashtags"][:1] == ["#MentalHealth"]
        assert len({t.casefold() for t in post["hashtags"]}) == len(post["hashtags"])
    limits = {p["platform"]: len(p["hashtags"]) for p in posts}
    assert limits["threads"] == 1 and limits["x"] <= 2 and limits["instagram"] == 5


def test_instagram_counts_hashtags_in_the_title_too(project: Project, ctx: RenderContext) -> None:
    edition = retitled(edition_of(project, "2026-W50", "silenced"), "#Alive #Together")
    only = with_social(ctx, platforms=["instagram"])
    post = posts_of(render(edition, only))[0]
    assert len(hashtags_in(post["text"])) == 5 and len(post["hashtags"]) == 3


# --- the bulk post per platform (social/bulk.json) ------------------------------------

@pytest.fixture
def silenced_files(project: Project, ctx: RenderContext) -> Iterator[Files]:
    yield render(edition_of(project, "2026-W50", "silenced"), ctx)


def bulk_posts(files: Files) -> dict[str, dict[str, Any]]:
    doc = json.loads(files["social/bulk.json"])
    return {p["platform"]: p for p in doc["posts"]}


def test_bulk_post_is_part_one_where_nothing_threads(silenced_files: Files) -> None:
    firsts = {p["platform"]: p for p in posts_of(silenced_files) if p["part"] == 1}
    for platform, post in bulk_posts(silenced_files).items():
        first = firsts[platform]
        assert post["standalone"] is (first["parts"] > 1)
        assert post["image_url"] == first["image_url"]  # the card, threaded or not
        assert post["image_url"].startswith("https://mindreel.example.org/2026-W50/cards/")
        if post["standalone"]:
            continue
        expected = first["text"] if platform != "mastodon" else f"{first['cw']}\n{first['text']}"
        assert post["text"] == expected and "도가니" in post["text"]
        assert post["link"] == first["link"] and post["link"] not in post["message"]


def test_mastodon_bulk_text_carries_the_cw_and_still_fits(silenced_files: Files) -> None:
    rule = platform_rules(SocialSettings())["mastodon"]
    text = bulk_posts(silenced_files)["mastodon"]["text"]
    assert text.startswith("CW: sexual violence, child abuse, suicide\n")
    assert count(text, rule).fits


def test_a_threaded_platform_gets_a_standalone_bulk_post(project: Project,
                                                        ctx: RenderContext) -> None:
    files = render(edition_of(project, "2026-W49", "depression"), ctx)
    threaded = {p["platform"] for p in posts_of(files) if p["parts"] > 1}
    assert threaded >= {"x", "bluesky"}
    rules = platform_rules(SocialSettings())
    for platform, post in bulk_posts(files).items():
        assert post["standalone"] is (platform in threaded)
        text = post["text"]
        assert not re.search(r"(?m)^\d/\d$", text), "a thread number in a single post"
        assert post["link"] and post["link"] in text
        assert "Depression" in text and "109" in text  # title and the primary helpline
        assert count(text, rules[platform]).fits


def test_posts_json_describes_each_post(silenced_files: Files) -> None:
    keys = {"platform", "label", "part", "parts", "file", "text", "count", "limit", "unit",
            "checks", "cw", "cw_placement", "sensitive", "link", "hashtags", "scheduled_at",
            "image_url", "alt_text", "shortened"}
    posts = posts_of(silenced_files)
    assert all(set(p) == keys for p in posts)
    assert {p["scheduled_at"] for p in posts} == {"2026-12-07T09:00:00+09:00"}

    units = {p["platform"]: p["unit"] for p in posts}
    assert units == {"x": "weighted characters", "bluesky": "graphemes", "mastodon": "graphemes",
                     "threads": "characters", "instagram": "characters",
                     "linkedin": "characters", "facebook": "characters"}
    bluesky = next(p for p in posts if p["platform"] == "bluesky")
    assert [c["unit"] for c in bluesky["checks"]] == ["graphemes", "bytes"]


def test_a_past_send_time_is_not_scheduled(project: Project) -> None:
    late = RenderContext(project.config.settings, project.config.templates_dir,
                         datetime(2026, 12, 8, tzinfo=UTC))
    files = render(edition_of(project, "2026-W50", "silenced"), late)
    assert {p["scheduled_at"] for p in posts_of(files)} == {None}


def test_every_file_is_listed_by_path(silenced_files: Files) -> None:
    listed = {p["file"] for p in posts_of(silenced_files)}
    texts = {rel for rel in silenced_files if rel.endswith(".txt") and ".cw." not in rel}
    assert listed == texts
    assert all(Path(rel).parts[0] == "social" for rel in silenced_files)
