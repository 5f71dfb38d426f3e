"""Visible-text extraction: rules see what readers see, and findings point at real lines."""

from __future__ import annotations

import json
from email.message import EmailMessage

from generator.safety import check_texts
from generator.safety.rules import load_rulebook
from generator.safety.text import artifact_texts
from tests.conftest import REPO

BOOK = load_rulebook(REPO / "data")


def found(rel: str, data: str | bytes) -> list[tuple[str, int, str, str]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return [(f.rule, f.line, f.text, f.where)
            for f in check_texts(artifact_texts(rel, raw), BOOK)]


def test_html_markup_is_stripped_and_entities_decoded() -> None:
    html = ("<html><head><style>.crazy { color: red }</style>\n"
            "<script>var psycho = 1;</script></head>\n<body>\n"
            '<p class="crazy-box" data-x="lunatic">He <em>com</em>mitted&nbsp;suicide</p>\n'
            "<p>a &#x63;razy idea</p>\n</body></html>\n")
    assert found("article.html", html) == [
        ("en-committed-suicide", 4, "committed suicide", ""),
        ("en-crazy", 5, "crazy", ""),
    ]


def test_block_elements_do_not_glue_words_together() -> None:
    assert found("email.html", "<table><tr><td>psy</td><td>cho</td></tr></table>") == []
    assert found("email.html", "<p>lunatic</p><p>s</p>")[0][:3] == ("en-lunatic", 1, "lunatic")


def test_alt_text_is_checked_because_screen_readers_say_it() -> None:
    assert found("article.html", '<p>\n<img src="x.png" alt="a crazy scene"></p>')[0][:2] == (
        "en-crazy", 2)


def test_invisible_characters_cannot_hide_a_word() -> None:
    assert [r for r, *_ in found("email.txt", "a cra\u200bzy plan")] == ["en-crazy"]
    assert [r for r, *_ in found("email.html", "<p>a cra&shy;zy plan</p>")] == ["en-crazy"]


def test_urls_neither_trigger_nor_hide_a_rule() -> None:
    text = ("Read more: https://example.org/films/crazy-love-committed-suicide\n"
            "mail jo@psycho.example.org\n"
            "so crazyhttps://example.org/x\n")
    assert found("email.txt", text) == [("en-crazy", 3, "crazy", "")]
    assert found("article.html", '<a href="https://x.org/psycho">the film</a>') == []


def test_wrapped_plain_text_is_matched_across_lines_and_located_at_the_first() -> None:
    text = "line one\nsecond line: he committed\nsuicide when\n"
    assert found("email.txt", text) == [("en-committed-suicide", 2, "committed suicide", "")]


def test_json_strings_are_checked_with_their_line_and_path() -> None:
    data = {"id": "crazy-love", "items": [{"title": "A calm title", "url": "https://x/psycho"},
                                          {"content_html": "<p>a <b>crazy</b> plan</p>"}]}
    raw = json.dumps(data, indent=2)
    line = raw.splitlines().index('      "content_html": "<p>a <b>crazy</b> plan</p>"') + 1
    assert found("item.json", raw) == [("en-crazy", line, "crazy", "items[1].content_html")]


def test_eml_subject_is_decoded_and_checked() -> None:
    message = EmailMessage()
    message["Subject"] = "이번 주: 정신병자라는 말"
    message["From"] = "a@example.org"
    message.set_content("body text is checked in email.txt")
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # encoded-word on the wire
    assert found("email.eml", raw) == [("ko-jeongsinbyeongja", 1, "정신병자", "Subject")]


def test_social_posts_and_csv_exports_are_plain_text() -> None:
    assert found("social/x.txt", "CW: suicide\nShe suffers from depression")[0][:2] == (
        "en-suffers-from", 2)
    assert found("social/buffer/x.csv", '"Text"\r\n"a lunatic plan"\r\n')[0][:2] == (
        "en-lunatic", 2)


def test_binary_files_are_skipped() -> None:
    assert artifact_texts("image.png", b"\x89PNG\r\n\x1a\n\xff\xfe") == []
