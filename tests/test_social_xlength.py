"""Our X counter against twitter-text, the oracle: every generated post, hostile strings.

``xlength`` counts from twitter-text's published v3 configuration and hands anything it
does not recognise back to twitter-text; these tests hold it to the library's answer.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twitter_text import extract_urls_with_indices, parse_tweet
from twitter_text.config import config
from twitter_text.regexp.emoji import parse_emoji_list

import generator.channels.social.count as count_module
from generator.catalogue import load_catalogue
from generator.channels import RenderContext
from generator.channels.social import xlength
from generator.channels.social.channel import render
from generator.channels.social.count import mastodon_countable, x_weighted
from generator.edition import make_edition
from generator.picker import Pick
from generator.project import load_project
from generator.weeks import IsoWeek
from tests.conftest import copy_site

REPO = Path(__file__).resolve().parent.parent


def oracle(text: str) -> int:
    return int(parse_tweet(unicodedata.normalize("NFC", text)).weightedLength)


def oracle_mastodon(text: str, url_length: int = 23) -> str:
    found = extract_urls_with_indices(text, extract_urls_without_protocol=False)
    out, at = [], 0
    for entity in found:
        start, end = entity["indices"]
        out += [text[at:start], "x" * url_length]
        at = end
    return "".join([*out, text[at:]])


def test_the_configuration_is_twitter_texts_v3() -> None:
    v3 = config["defaults"]
    assert v3["version"] == 3 and v3["emoji_parsing_enabled"]
    assert (v3["scale"], v3["default_weight"]) == (xlength.SCALE, xlength.DEFAULT_WEIGHT)
    assert v3["transformed_url_length"] * v3["scale"] == xlength.URL_WEIGHT
    assert tuple((r["start"], r["end"]) for r in v3["ranges"]) == xlength.RANGES
    assert {r["weight"] for r in v3["ranges"]} == {xlength.SCALE}


def test_every_multi_code_point_emoji_holds_a_sequence_character() -> None:
    """The fast path refuses text with any of these; an emoji made of several code points
    without one of them would be counted per code point instead of as 2."""
    import twitter_text.regexp.emoji as emoji_module

    listing = (Path(emoji_module.__file__).parent / "emoji-test.txt").read_text("utf-8")
    emoji = [e.emoji for e in parse_emoji_list(listing)]
    assert len(emoji) > 3000
    several = [e for e in emoji if len(e) > 1]
    assert [e for e in several if not xlength._EMOJI_SEQUENCE.search(e)] == []
    # One-code-point emoji the v3 ranges weigh 1 would count 2 as emoji: refused too.
    light = [e for e in emoji if len(e) == 1
             and any(lo <= ord(e) <= hi for lo, hi in xlength.RANGES)]
    assert [e for e in light if not xlength._EMOJI_SEQUENCE.search(e)] == []


@pytest.mark.parametrize("tld", sorted(xlength.TLDS))
def test_every_recognised_domain_is_a_link_to_twitter_text(tld: str) -> None:
    for text in (f"see example.{tld} now", f"https://www.example.{tld}/a/b.html?x=1&y=2",
                 f"go to sub.example.{tld}/path.", f"http://example.{tld}"):
        assert xlength.weighted_length(text) == oracle(text), text
        assert mastodon_countable(text, 23) == oracle_mastodon(text), text


def _generated_texts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str]]:
    """Every text the social channel measures for every feature of the bundled catalogue
    and the fixture site: posts and every shortening step, for X and for Mastodon."""
    seen: list[tuple[str, str]] = []
    real_x, real_m = count_module.x_weighted, count_module.mastodon_countable

    def spy_x(text: str, limit: int = 280) -> Any:
        seen.append(("x", text))
        return real_x(text, limit)

    def spy_m(text: str, url_length: int) -> str:
        seen.append(("mastodon", text))
        return real_m(text, url_length)

    monkeypatch.setattr(count_module, "x_weighted", spy_x)
    monkeypatch.setattr(count_module, "mastodon_countable", spy_m)
    project = load_project(copy_site(tmp_path / "site"))
    ctx = RenderContext(project.config.settings, project.config.templates_dir)
    for data in (REPO / "data", tmp_path / "site" / "data"):
        catalogue = load_catalogue(data)
        features = [("film", f.id) for f in catalogue.films if f.in_rotation]
        features += [("theme", t.id) for t in catalogue.themes]
        for n, (kind, feature_id) in enumerate(features):
            pick = Pick(IsoWeek.parse("2026-W01") + n, kind, feature_id, "plan", "pin")  # type: ignore[arg-type]
            render(make_edition(pick, catalogue, project.config.settings), ctx)
    return seen


def test_every_generated_post_counts_as_twitter_text_counts_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen = _generated_texts(monkeypatch, tmp_path)
    x_texts = {t for kind, t in seen if kind == "x"}
    m_texts = {t for kind, t in seen if kind == "mastodon"}
    assert len(x_texts) > 50 and len(m_texts) > 50
    assert [t for t in x_texts if x_weighted(t)[0] != oracle(t)] == []
    assert [t for t in m_texts if mastodon_countable(t, 23) != oracle_mastodon(t)] == []
    # And the posts mindreel writes never need twitter-text at all.
    assert [t for t in x_texts if xlength.weighted_length(unicodedata.normalize("NFC", t))
            is None] == []
    assert [t for t in m_texts if xlength.links(t, bare=False) is None] == []


PIECES = ["가", "a", " ", "\n", "\r\n", ".", ",", "?", "!", ":", "/", "#", "@", "(", ")",
          "1", "-", "_", "é", "\u20e3", "\ufe0f", "\u200d", "\U0001F468", "\u2764", "©",
          "\ufeff", "\u3002", "\U0001F1F0\U0001F1F7", "https://", "http://", "www.",
          "example", ".com", ".org", ".kr", ".co", ".example", "t.co/x", "/path",
          "?q=1&r=2", "988lifeline.org", "https://mindreel.example.org/archive/2026-W48.html",
          "마음.com", "xn--3e0b707e", ".한국", "\u2014", "\u2019"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
def test_hostile_strings_count_as_twitter_text_counts_them(text: str) -> None:
    assert x_weighted(text)[0] == oracle(text)
    assert mastodon_countable(text, 23) == oracle_mastodon(text)
    own = xlength.weighted_length(unicodedata.normalize("NFC", text))
    assert own is None or own == oracle(text)
