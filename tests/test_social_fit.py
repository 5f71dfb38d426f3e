"""The shortening order, sentence packing for threads, and the error when nothing fits."""

from __future__ import annotations

import pytest

from generator.channels.social.count import Count, Measure
from generator.channels.social.fit import Variant, fit, pack, sentences, shortenings
from generator.errors import ChannelError

START = Variant(details=True, hashtags=3, short_tagline=False, short_helpline=False, title_ko=True)
ORDER = ["details", "hashtags", "tagline", "helpline", "title-ko"]


def by_length(limit: int):  # type: ignore[no-untyped-def]
    return lambda text: Count((Measure("characters", len(text), limit),))


def test_shortenings_follow_the_order_and_keep_earlier_steps() -> None:
    steps = list(shortenings(START, ORDER, min_hashtags=1))
    assert [v.step for v in steps] == ["", "details", "hashtags", "hashtags", "tagline",
                                       "helpline", "title-ko"]
    last = steps[-1]
    assert (last.details, last.hashtags, last.short_tagline, last.short_helpline,
            last.title_ko) == (False, 1, True, True, False)
    assert all(not v.awareness_moved and not v.link_moved for v in steps)


def test_shortenings_skip_what_is_already_short() -> None:
    start = Variant(details=True, hashtags=1, short_tagline=False, short_helpline=True,
                    title_ko=False)
    assert [v.step for v in shortenings(start, ORDER, min_hashtags=1)] == ["", "details",
                                                                          "tagline"]


def test_thread_steps_move_whole_pieces() -> None:
    order = ["hashtags", "awareness", "link", "title-ko"]
    last = list(shortenings(START, order, min_hashtags=0))[-1]
    assert (last.hashtags, last.awareness_moved, last.link_moved, last.title_ko) == (
        0, True, True, False)


def render(variant: Variant) -> str:
    parts = ["Title", "(제목)" if variant.title_ko else "",
             "short tagline" if variant.short_tagline else "a much longer tagline here",
             "Help: 109" if variant.short_helpline else "Helpline: call 109, 24/7",
             " ".join(["#Tag"] * variant.hashtags)]
    return " ".join(p for p in parts if p)


def test_fit_returns_the_first_variant_that_fits_and_its_steps() -> None:
    fitted = fit(render, by_length(60), START, ORDER, 1, "x: post for 2026-W48")
    assert len(fitted.text) <= 60
    assert fitted.steps == ("hashtags", "tagline")  # details changed nothing: not reported
    assert "Helpline: call 109, 24/7" in fitted.text and "(제목)" in fitted.text


def test_fit_raises_a_clear_error_instead_of_truncating() -> None:
    with pytest.raises(ChannelError) as caught:
        fit(render, by_length(20), START, ORDER, 1, "x: post for 2026-W48")
    assert str(caught.value) == (
        "x: post for 2026-W48 is 34/20 characters after every shortening step")


def test_fit_reports_problems_that_no_step_can_fix() -> None:
    def measure(text: str) -> Count:
        return Count((Measure("weighted characters", 5, 280),), ("contains characters X rejects",))

    with pytest.raises(ChannelError, match=r"^x: post for 2026-W48 contains characters X rejects$"):
        fit(render, measure, START, ORDER, 1, "x: post for 2026-W48")


def test_sentences_split_at_sentence_ends_only() -> None:
    assert sentences("One two.  Three?\nFour! Five") == ["One two.", "Three?", "Four!", "Five"]
    assert sentences("It is treatable: therapy, medication and support help.") == [
        "It is treatable: therapy, medication and support help."]


def test_pack_keeps_sentences_whole_and_paragraphs_apart() -> None:
    def fits(text: str) -> bool:
        return len(text) <= 30

    awareness = "First sentence is here. Second one too. Third."
    support = "Ask, listen."
    assert pack([awareness, support], fits, room=3) == [
        "First sentence is here.", "Second one too. Third.", "Ask, listen."]
    # Not enough room for the whole first paragraph: it is left out, never cut.
    assert pack([awareness, support], fits, room=1) == ["Ask, listen."]
    # A sentence longer than a post leaves its paragraph out.
    assert pack(["x" * 40 + ". Short.", support], fits, room=3) == ["Ask, listen."]
