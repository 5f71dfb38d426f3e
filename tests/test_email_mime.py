"""The .eml builder: header safety for any text, folding rules, transfer encodings."""

from __future__ import annotations

import re
from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.channels.email.mime import (
    Envelope,
    build_message,
    header_text,
    list_id,
    list_unsubscribe,
    message_id,
)
from generator.errors import ChannelError

SEOUL = ZoneInfo("Asia/Seoul")
NAMES = ["Date", "From", "Reply-To", "To", "Subject", "Message-ID", "List-Id", "List-Archive",
         "List-Unsubscribe", "List-Unsubscribe-Post", "Content-Language", "MIME-Version",
         "Content-Type"]


def envelope(subject: str = "This week: Marathon (말아톤, 2005)", sender_name: str = "mindreel",
             title: str = "mindreel",
             unsubscribe: str = "https://mindreel.example.org/unsubscribe?list=weekly") -> Envelope:
    return Envelope(
        subject=subject, sender_name=sender_name, sender_address="editor@mindreel.example.org",
        to="weekly@mindreel.example.org", reply_to="editor@mindreel.example.org",
        date=datetime(2026, 11, 23, 9, 0, tzinfo=SEOUL),
        message_id=message_id("2026-W48", "marathon", "mindreel.example.org"),
        list_id=list_id(title, "weekly@mindreel.example.org"),
        list_archive="https://mindreel.example.org/archive/",
        list_unsubscribe=list_unsubscribe(unsubscribe, "unsubscribe@mindreel.example.org"),
        language="en",
    )


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=email_policy.default)
    assert isinstance(message, EmailMessage)
    return message


def header_block(data: bytes) -> list[bytes]:
    return data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def header_names(data: bytes) -> list[str]:
    return [line.split(b":", 1)[0].decode() for line in header_block(data)
            if not line[:1].isspace()]


def subject_lines(data: bytes) -> list[bytes]:
    lines = header_block(data)
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i][:1].isspace())
    return lines[start:end]


# Any text a catalogue or a schedule could hold, and then some: controls, line and
# paragraph separators, encoded-word look-alikes, quotes, Hangul, emoji.
hostile_text = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=12),
        st.sampled_from(["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029", "\x00", "\x0b", "\x0c",
                         "=?", "?=", "=?utf-8?q?", "=0D=0A", "Bcc: x@y", '"', "\\", "(", ")",
                         "<", ">", ",", ";", ":", "@", "도가니", "👩\u200d💻", "\u200b", " ",
                         "침묵을 깨고 진실을 밝힌 사람들의 이야기"]),
    ),
    max_size=16,
).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=hostile_text, sender_name=hostile_text, title=hostile_text)
def test_any_text_gives_one_line_headers_that_parse_back(subject: str, sender_name: str,
                                                        title: str) -> None:
    data = build_message(envelope(subject, sender_name, title), "text\n", "<p>html</p>\n").data
    for line in header_block(data):
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 998
    assert header_names(data) == NAMES  # nothing injected, nothing lost
    message = parse(data)
    assert message["Subject"] == header_text(subject)
    # Python's parser adds a space between adjacent encoded words of a display name
    # (RFC 2047 says to drop it); compare without spaces.
    name = message["From"].addresses[0].display_name
    assert name.replace(" ", "") == header_text(sender_name).replace(" ", "")
    if sender_name.isascii() or len(header_text(sender_name).encode()) < 30:
        assert name == header_text(sender_name)
    assert message["From"].addresses[0].addr_spec == "editor@mindreel.example.org"
    assert message["List-Id"].endswith("<weekly.mindreel.example.org>")
    assert "\r" not in str(message["Subject"]) and "\n" not in str(message["Subject"])


@given(st.text(max_size=200))
def test_header_text_is_a_single_clean_line(value: str) -> None:
    cleaned = header_text(value)
    assert cleaned == cleaned.strip()
    assert not re.search(r"[\x00-\x1f\x7f\x85\u2028\u2029]", cleaned)
    assert "=?" not in cleaned
    assert "  " not in cleaned


def test_encoded_word_look_alike_cannot_inject() -> None:
    # Python's email package decodes =?..?= in assigned values; this one would write a raw
    # CR LF and a Bcc header if passed through unchanged.
    evil = "=?utf-8?q?hi=0D=0ABcc:_victim@example.org?="
    data = build_message(envelope(subject=evil), "t\n", "<p>h</p>\n").data
    assert not re.search(rb"(?im)^bcc:", data.split(b"\r\n\r\n", 1)[0])
    assert parse(data)["Subject"] == evil.replace("=?", "=\u2060?")


def test_url_that_would_be_decoded_is_refused() -> None:
    evil = "https://mindreel.example.org/u?t==?utf-8?q?x=0D=0ABcc:_y?="
    with pytest.raises(ChannelError, match="percent-encode"):
        build_message(envelope(unsubscribe=evil), "t\n", "<p>h</p>\n")


def test_long_hangul_subject_folds_into_short_encoded_words() -> None:
    subject = "이번 주: 도가니 — 침묵을 깨고 진실을 밝힌 사람들의 이야기와 우리가 함께 " * 3
    data = build_message(envelope(subject=subject), "t\n", "<p>h</p>\n").data
    lines = header_block(data)
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    subject_lines = [lines[start]] + [line for line in lines[start + 1:start + 40]
                                      if line[:1] == b" "]
    assert len(subject_lines) > 3
    assert all(len(line) <= 78 for line in subject_lines)
    words = [word for line in subject_lines for word in re.findall(rb"=\?.*?\?=", line)]
    assert words and all(len(word) <= 75 for word in words)
    assert parse(data)["Subject"] == header_text(subject)


def test_list_headers_stay_on_one_line_however_long() -> None:
    url = "https://mindreel.example.org/unsubscribe?list=weekly&token=" + "x" * 300
    data = build_message(envelope(unsubscribe=url), "t\n", "<p>h</p>\n").data
    line = next(line for line in header_block(data) if line.startswith(b"List-Unsubscribe:"))
    assert line == f"List-Unsubscribe: <{url}>, <mailto:unsubscribe@mindreel.example.org>".encode()


def test_parts_transfer_encodings() -> None:
    long_line = "<p>" + "x" * 1200 + "</p>\n"
    data = build_message(envelope(), "plain ascii\n", long_line).data
    text_part, html_part = parse(data).iter_parts()
    assert text_part["Content-Transfer-Encoding"] == "7bit"
    assert html_part["Content-Transfer-Encoding"] == "quoted-printable"
    assert str(html_part.get_content()).replace("\r\n", "\n") == long_line
    data = build_message(envelope(), "한글\n", "<p>한글</p>\n").data
    assert [p["Content-Transfer-Encoding"] for p in parse(data).iter_parts()] == ["8bit", "8bit"]


def test_headers_of_a_plain_message() -> None:
    data = build_message(envelope(), "t\n", "<p>h</p>\n").data
    message = parse(data)
    assert message["Date"] == "Mon, 23 Nov 2026 09:00:00 +0900"
    assert message["Message-ID"] == "<2026-W48.marathon@mindreel.example.org>"
    assert message["List-Id"] == '"mindreel" <weekly.mindreel.example.org>'
    assert message["MIME-Version"] == "1.0"
    assert [p.get("MIME-Version") for p in message.iter_parts()] == [None, None]
    assert data == build_message(envelope(), "t\n", "<p>h</p>\n").data


def test_long_ascii_subject_folds_at_spaces_and_unfolds_exactly() -> None:
    subject = "word " * 40 + "end"
    data = build_message(envelope(subject=subject), "t\n", "<p>h</p>\n").data
    lines = subject_lines(data)
    assert len(lines) > 2 and b"=?" not in b"".join(lines)
    assert all(len(line) <= 78 for line in lines)
    assert parse(data)["Subject"] == header_text(subject)


@pytest.mark.parametrize("subject", ["x" * 3000, "short then " + "y" * 200])
def test_unbreakable_words_become_encoded_words(subject: str) -> None:
    data = build_message(envelope(subject=subject, sender_name=subject), "t\n", "<p>h</p>\n").data
    assert all(len(line) <= 78 for line in subject_lines(data))
    assert all(len(line) <= 998 for line in header_block(data))
    message = parse(data)
    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name.replace(" ", "") == subject.replace(" ", "")


def test_list_id_phrase_only_when_plain_ascii() -> None:
    assert list_id("mindreel", "weekly@example.org") == '"mindreel" <weekly.example.org>'
    assert list_id('say "hi"', "w@example.org") == '"say hi" <w.example.org>'
    assert list_id("마음 영화", "w@example.org") == "<w.example.org>"
