"""Look-alike and hidden characters cannot dodge a rule, Hangul survives normalisation
intact, and findings still quote the original text at its line."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.safety import check_texts
from generator.safety.normalise import fold, normalise
from generator.safety.rules import BUNDLED_RULES, load_rulebook
from generator.safety.text import Text, artifact_texts
from tests.conftest import REPO

BOOK = load_rulebook(REPO / "data")
RAW = yaml.safe_load(BUNDLED_RULES.read_text("utf-8"))

# Letters from other scripts that look like Latin ones (Cyrillic, Greek, Cherokee...).
LOOKALIKES = {
    "a": "\u0430\u0251", "c": "\u0441\u1d04", "d": "\u0501", "e": "\u0435", "h": "\u04bb",
    "i": "\u0456\u0131\u13a5", "j": "\u0458", "o": "\u043e\u03bf", "p": "\u0440",
    "s": "\u0455", "x": "\u0445", "y": "\u0443", "A": "\u0410\u0391", "B": "\u0412\u0392",
    "C": "\u0421", "E": "\u0415\u0395", "H": "\u041d\u0397", "I": "\u0406\u0399",
    "K": "\u041a\u039a", "M": "\u041c\u039c", "N": "\u039d", "O": "\u041e\u039f",
    "P": "\u0420\u03a1", "T": "\u0422\u03a4", "X": "\u0425\u03a7",
}
HIDDEN = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164"]


def rules_in(text: str, place: str = "films.synopsis") -> set[str]:
    return {f.rule for f in check_texts([Text("t.txt", "", place, "", text)], BOOK)}


@pytest.mark.parametrize(("letter", "lookalike"),
                         [(k, c) for k, chars in LOOKALIKES.items() for c in chars])
def test_each_lookalike_folds_to_its_latin_letter(letter: str, lookalike: str) -> None:
    assert fold(lookalike) == letter


def test_the_issue_spellings_are_caught() -> None:
    for text in ("she c\u043emmitted suicide",
                 "\uff43\uff4f\uff4d\uff4d\uff49\uff54\uff54\uff45\uff44 "
                 "\uff53\uff55\uff49\uff43\uff49\uff44\uff45",
                 "com\u200bmitted suicide", "com\u00admitted suicide",
                 "com\u00a0mitted suicide", "committed\u00a0suicide"):
        assert "en-committed-suicide" in rules_in(text, "email"), repr(text)


def test_findings_quote_the_original_and_point_at_its_line() -> None:
    body = "first line\nsecond line\nthe \uff43\uff52\uff41\uff5a\uff59 one and a cra\u200bzy one\n"
    found = check_texts(artifact_texts("email.txt", body.encode()), BOOK)
    assert [(f.rule, f.line, f.text) for f in found] == [
        ("en-crazy", 3, "cra<U+200B>zy"),
        ("en-crazy", 3, "\uff43\uff52\uff41\uff5a\uff59"),
    ]


def test_html_entities_for_hidden_characters_are_seen_through() -> None:
    html = "<p>line</p>\n<p>she com&shy;mitted&#8203; suicide</p>\n"
    found = check_texts(artifact_texts("article.html", html.encode()), BOOK)
    assert [(f.rule, f.line) for f in found] == [("en-committed-suicide", 2)]


def test_hangul_is_unchanged_and_decomposed_hangul_is_composed() -> None:
    text = "괜찮아, 사랑이야 ㅋㅋ ㅣ 109"
    assert normalise(text).text == text
    decomposed = unicodedata.normalize("NFD", "목을 맸다")
    assert decomposed != "목을 맸다"
    assert normalise(decomposed).text == "목을 맸다"
    assert "ko-method-hang" in rules_in(decomposed)
    # Hangul compatibility letters are not turned into conjoining jamo
    assert normalise("ㄱㄴ\uff43").text == "ㄱㄴc"


def test_ascii_is_never_folded() -> None:
    # skeletons would turn "m" into "rn" and "1" into "l": plain text stays as written
    text = "Call 1393 or 109; mindreel, I and l."
    assert normalise(text).text == text


def test_offsets_map_every_normalised_character_back() -> None:
    original = "a\u200b\uff42\u0301c 한\u00a0글"
    view = normalise(original)
    assert view.text == "abc 한 글"
    assert view.original_span(1, 2) == (2, 4)  # the full-width b and its accent
    assert view.original_span(0, len(view.text)) == (0, len(original))


# --- the property: every blocking rule still blocks its own examples, disguised ----------

BLOCKING = [(rule["id"], bad) for rule in RAW["rules"] if rule["severity"] == "error"
            for bad in rule["examples"]["bad"]]
PLACE = {rule["id"]: ("social" if "social" in rule["scope"] else
                      "email" if "all" in rule["scope"] else rule["scope"][0])
         for rule in RAW["rules"]}


def full_width(ch: str) -> str:
    if ch == " ":
        return "\u3000"
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


@st.composite
def disguised(draw: st.DrawFn, text: str) -> str:
    """``text`` with some letters swapped for look-alikes, some made full-width, and
    invisible characters slipped in between any two characters."""
    out = []
    for ch in text:
        how = draw(st.sampled_from(["keep", "lookalike", "wide"]))
        if how == "lookalike" and ch in LOOKALIKES:
            ch = draw(st.sampled_from(LOOKALIKES[ch]))
        elif how == "wide":
            ch = full_width(ch)
        out.append(ch)
        if draw(st.booleans()):
            out.append(draw(st.sampled_from(HIDDEN)))
    return "".join(out)


@pytest.mark.parametrize(("rule_id", "example"), BLOCKING)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_every_blocking_rule_blocks_its_examples_in_disguise(
        rule_id: str, example: str, data: st.DataObject) -> None:
    text = data.draw(disguised(example))
    assert rule_id in rules_in(text, PLACE[rule_id]), repr(text)
