"""Counting as each platform counts: the cases measured in the social reference sheet."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.channels.social.count import (
    code_points,
    count,
    graphemes,
    hashtags_in,
    mastodon_countable,
    utf8_bytes,
    x_weighted,
)
from generator.channels.social.rules import (
    PlatformRule,
    packaged_rules,
    platform_rules,
)
from generator.config import PLATFORM_LIST, SocialSettings

FAMILY = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466"  # 👨‍👩‍👧‍👦
US_FOOTER = ("If you or someone you know is struggling or in crisis, help is available. "
             "Call or text 988 or chat 988lifeline.org.")
MOHW_FOOTER = ("우울감 등 말하기 어려운 고민이 있거나 주변에 이런 어려움을 "
               "겪는 가족·지인이 있을 경우 자살예방 상담전화 109 또는 "
               "SNS상담 마들랜(마음을 들어주는 랜선친구)에서 24시간 "
               "전문가의 상담을 받을 수 있습니다.")
SHORT_KO_FOOTER = "힘들 땐 자살예방상담전화 ☎109 (24시간) · SNS상담 마들랜"


@pytest.fixture(scope="module")
def rules() -> dict[str, PlatformRule]:
    return platform_rules(SocialSettings())


def test_x_counts_hangul_double_at_the_limit(rules: dict[str, PlatformRule]) -> None:
    at_limit = count("가" * 140, rules["x"])
    over = count("가" * 141, rules["x"])
    assert (at_limit.primary.count, at_limit.fits) == (280, True)
    assert (over.primary.count, over.fits) == (282, False)
    assert over.overflow() == "282/280 weighted characters"


def test_zwj_family_is_two_weighted_one_grapheme(rules: dict[str, PlatformRule]) -> None:
    assert x_weighted(FAMILY) == (2, True)
    assert graphemes(FAMILY) == 1
    assert count(FAMILY, rules["bluesky"]).primary.count == 1
    assert count(FAMILY, rules["mastodon"]).primary.count == 1
    # Threads: Meta counts emoji as their UTF-8 bytes (4 people x 4 + 3 ZWJ x 3).
    assert count(FAMILY, rules["threads"]).primary.count == utf8_bytes(FAMILY) == 25


def test_nfd_counts_as_nfc_on_x() -> None:
    nfd = unicodedata.normalize("NFD", "기생충")
    assert len(nfd) == 8  # 2 + 3 + 3 jamo
    assert x_weighted(nfd)[0] == x_weighted("기생충")[0] == 6
    assert utf8_bytes(nfd) == 24 and utf8_bytes("기생충") == 9


def test_nfd_counts_as_nfc_everywhere(rules: dict[str, PlatformRule]) -> None:
    nfd = unicodedata.normalize("NFD", "기생충")
    for platform in PLATFORM_LIST:
        rule = rules[platform]
        assert count(nfd, rule).primary.count == count("기생충", rule).primary.count


def test_bare_domains_count_23_on_x_but_full_length_on_mastodon(
        rules: dict[str, PlatformRule]) -> None:
    assert x_weighted("988lifeline.org")[0] == 23
    assert x_weighted("https://988lifeline.org/a/very/long/path?with=query&and=more")[0] == 23
    assert count("988lifeline.org", rules["mastodon"]).primary.count == len("988lifeline.org")


def test_mastodon_counts_each_http_url_as_23(rules: dict[str, PlatformRule]) -> None:
    url = "https://mindreel.example.org/archive/2026-W48.html?utm_source=mastodon&utm_medium=social"
    text = f"Read it: {url} today"
    assert mastodon_countable(text, 23) == "Read it: " + "x" * 23 + " today"
    assert count(text, rules["mastodon"]).primary.count == len("Read it:  today") + 23


def test_mastodon_counts_the_content_warning(rules: dict[str, PlatformRule]) -> None:
    cw = "CW: suicide, sexual violence"
    assert count("Hello", rules["mastodon"], cw=cw).primary.count == len(cw) + 5
    # Other platforms have no native field: a cw argument is not theirs to count.
    assert count("Hello", rules["x"], cw=cw).primary.count == 5


def test_bluesky_counts_the_full_url_and_bytes(rules: dict[str, PlatformRule]) -> None:
    url = "https://mindreel.example.org/archive/2026-W48.html?utm_source=bluesky"
    counted = count(f"기생충 {url}", rules["bluesky"])
    assert [(m.unit, m.count, m.limit) for m in counted.measures] == [
        ("graphemes", 4 + len(url), 300), ("bytes", 10 + len(url), 3000)]


def test_bluesky_byte_limit_binds_on_its_own(rules: dict[str, PlatformRule]) -> None:
    text = FAMILY * 150  # 150 graphemes of 25 bytes each
    counted = count(text, rules["bluesky"])
    assert counted.primary.count == 150 and counted.primary.fits
    assert not counted.fits and counted.overflow() == "3750/3000 bytes"


def test_punctuation_weights_from_the_reference() -> None:
    assert x_weighted("\u201c\u201d\u2014\u2013\u2026")[0] == 6  # … counts 2


def test_reference_footers() -> None:
    assert (x_weighted(US_FOOTER)[0], graphemes(US_FOOTER)) == (123, 115)
    assert x_weighted(MOHW_FOOTER)[0] == 198  # too long for an X post with anything else
    assert (x_weighted(SHORT_KO_FOOTER)[0], graphemes(SHORT_KO_FOOTER)) == (56, 37)


def test_x_rejects_invalid_characters(rules: dict[str, PlatformRule]) -> None:
    counted = count("a\ufeffb", rules["x"])
    assert counted.primary.fits and not counted.fits
    assert counted.problems == ("contains characters X rejects",)


def test_code_points_and_emoji_bytes() -> None:
    assert code_points("가나") == 2
    assert code_points("a\U0001F3AC", emoji_as_utf8=True) == 5


def test_instagram_counts_every_hashtag_in_the_text(rules: dict[str, PlatformRule]) -> None:
    assert hashtags_in("#Alive (#살아있다) #1 a#b &#123; #AutismAcceptance") == [
        "#Alive", "#살아있다", "#AutismAcceptance"]
    six = " ".join(f"#Tag{i}x" for i in range(6))
    counted = count(six, rules["instagram"])
    assert not counted.fits and "6/5 hashtags" in counted.overflow()
    assert count(six, rules["linkedin"]).fits  # a norm elsewhere, not a platform rule


def test_rules_cover_every_platform_and_come_from_configuration() -> None:
    rules = packaged_rules()
    assert set(rules.platforms) == set(PLATFORM_LIST)
    assert rules.platforms["x"].limit == 280
    assert rules.platforms["bluesky"].byte_limit == 3000
    assert rules.platforms["mastodon"].url_length == 23
    assert rules.platforms["instagram"].hashtags.hard_max == 5
    assert rules.platforms["threads"].hashtags.max == 1
    assert rules.platforms["facebook"].limit == 5000
    assert "title-ko" == rules.shortening[-1] == rules.thread_shortening[-1]


def test_schedule_can_override_a_limit() -> None:
    rules = platform_rules(SocialSettings(platforms=["mastodon", "x"], limits={"mastodon": 1000}))
    assert list(rules) == ["mastodon", "x"]
    assert rules["mastodon"].limit == 1000 and rules["x"].limit == 280
    assert count("a" * 900, rules["mastodon"]).fits


def test_twitter_text_is_imported_only_for_text_outside_our_shape() -> None:
    """It costs about a quarter of a second: our own counter measures the posts we write,
    and twitter-text is asked only about text that counter does not recognise."""
    code = ("import sys, generator.channels.social.channel as s\n"
            "assert 'twitter_text' not in sys.modules, 'imported eagerly'\n"
            "from generator.channels.social.count import x_weighted\n"
            "assert x_weighted('가 https://example.org/a')[0] == 26\n"
            "assert 'twitter_text' not in sys.modules, 'imported for a plain post'\n"
            "assert x_weighted('가 a.b')[0] == 6 and 'twitter_text' in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


def _first_code_points(seq: list[tuple[object, object]]) -> set[int]:
    """Every code point a match of a parsed ``re`` sequence can begin with."""
    import re._constants as c  # type: ignore[import-not-found]

    firsts: set[int] = set()
    for op, arg in seq:
        if op is c.LITERAL:
            return firsts | {arg}  # type: ignore[arg-type]
        if op is c.IN:
            for kind, value in arg:  # type: ignore[attr-defined]
                assert kind in (c.LITERAL, c.RANGE), kind
                firsts |= {value} if kind is c.LITERAL else set(range(value[0], value[1] + 1))
            return firsts
        if op is c.BRANCH:
            for branch in arg[1]:  # type: ignore[index]
                firsts |= _first_code_points(branch)
            return firsts
        if op is c.SUBPATTERN:
            return firsts | _first_code_points(arg[3])  # type: ignore[index]
        assert op in (c.MAX_REPEAT, c.MIN_REPEAT), op
        low, _high, inner = arg  # type: ignore[misc]
        firsts |= _first_code_points(inner)
        if low > 0:
            return firsts
    return firsts


def test_the_emoji_pre_check_covers_every_emoji_twitter_text_knows() -> None:
    """Skipping the emoji scan is safe only if no emoji can begin outside the pre-check."""
    import re._parser as sre  # type: ignore[import-not-found]

    from twitter_text.regexp.emoji import emoji

    from generator.channels.social.count import MAY_HOLD_EMOJI

    firsts = _first_code_points(list(sre.parse(emoji.pattern, emoji.flags)))
    assert len(firsts) > 1000
    keycaps = {chr(cp) for cp in firsts if not MAY_HOLD_EMOJI.match(chr(cp))}
    assert keycaps <= set("#*0123456789")
    # A keycap's second code point must be in the class too (astral ones all are).
    seconds = {chr(cp) for cp in range(0x10000) if not MAY_HOLD_EMOJI.match(chr(cp))}
    glued = sorted(k + s for k in keycaps for s in seconds if emoji.match(k + s))
    assert glued == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.lists(st.sampled_from(["가", "a", " ", "1", "#", "\u20e3", "\ufe0f", "\u200d",
                                   "\U0001F468", "\u2764", "©", "https://example.org/x", "é"]),
                  max_size=20).map("".join))
def test_x_weighted_equals_twitter_text_with_emoji_parsing(text: str) -> None:
    from twitter_text import parse_tweet

    full = parse_tweet(unicodedata.normalize("NFC", text)).weightedLength
    assert x_weighted(text)[0] == full
