"""MJML compilation, the MRML attribute repair, line reflow, colours and ESP neutralising."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mjml import mjml2html

from generator.channels.email.esp import (
    ZERO_WIDTH_SPACE,
    neutralise_html,
    neutralise_text,
)
from generator.channels.email.html import (
    DARK,
    LIGHT,
    TEXT_PAIRS,
    compile_mjml,
    contrast_ratio,
    escape_attribute_brackets,
    reflow,
    undo_attribute_escapes,
)
from generator.errors import ChannelError


def document(title: str, href: str = "https://example.org/") -> str:
    return (f'<mjml lang="en"><mj-head><mj-title>{title}</mj-title></mj-head><mj-body>'
            f'<mj-section><mj-column><mj-text><h1>{title}</h1><a href="{href}">x</a>'
            "</mj-text></mj-column></mj-section></mj-body></mjml>")


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
@pytest.mark.parametrize(("foreground", "background"), TEXT_PAIRS)
def test_text_contrast_is_at_least_4_5(palette: object, foreground: str, background: str) -> None:
    colours = palette.as_dict()  # type: ignore[attr-defined]
    assert contrast_ratio(colours[foreground], colours[background]) >= 4.5


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("title", [
    "back\\slash", "zero\u200bwidth", "emoji 👩\u200d💻 joiner",
    unicodedata.normalize("NFD", "Café 한글"), "tab\there", "soft\u00adhyphen",
])
def test_mrml_attribute_escapes_are_undone(title: str) -> None:
    raw = mjml2html(document(title), disable_comments=True, fonts={})
    assert "\\u{" in raw or "\\\\" in raw or "\\t" in raw  # the MRML quirk being repaired
    html = compile_mjml(document(title))
    label = re.search(r'aria-label="([^"]*)"', html)
    assert label is not None and label.group(1) == title


def test_attribute_repair_leaves_text_alone() -> None:
    html = '<p title="a\\\\b\\u{200b}c">x\\\\y \\u{41}</p>'
    assert undo_attribute_escapes(html) == '<p title="a\\b\u200bc">x\\\\y \\u{41}</p>'


def test_brackets_in_attribute_values_become_references() -> None:
    html = '<div aria-label="a <b> c" class="x">1 &lt; 2</div><br>'
    assert escape_attribute_brackets(html) == (
        '<div aria-label="a &lt;b&gt; c" class="x">1 &lt; 2</div><br>')


def test_invalid_mjml_is_a_channel_error() -> None:
    with pytest.raises(ChannelError, match="not valid MJML"):
        compile_mjml("<mjml><mj-body><mj-section>")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(['<td class="a" style="b:c"', ' id="x"', "text ", '" y="z"',
                                 "\n", "<p>", "é한", ' role="presentation">']),
                max_size=200).map("".join))
def test_reflow_only_turns_spaces_into_newlines(html: str) -> None:
    flowed = reflow(html, target=40)
    assert flowed.replace("\n", " ") == html.replace("\n", " ")
    assert flowed.count("\n") >= html.count("\n")


def test_reflow_keeps_lines_near_the_target() -> None:
    tag = '<td class="a" style="color: red" role="presentation">'
    flowed = reflow(tag * 50, target=120)
    assert max(len(line) for line in flowed.split("\n")) <= 120 + len(tag)
    assert len(flowed.split("\n")) > 10


def test_neutralise_html_breaks_every_opener_but_not_style() -> None:
    html = "<style>a{color:red}</style><p>{{ x }} {% y %} {# z #} *|UNSUB|* {a}</p>"
    expected = "<p>&#123;{ x }} &#123;% y %} &#123;# z #} &#42;|UNSUB|* {a}</p>"
    assert neutralise_html(html) == "<style>a{color:red}</style>" + expected


def test_neutralise_text_inserts_a_zero_width_space() -> None:
    z = ZERO_WIDTH_SPACE
    assert neutralise_text("{{{ x }}} *|A|*") == "{" + z + "{" + z + "{ x }}} *" + z + "|A|*"
