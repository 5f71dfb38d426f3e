"""The email channel end to end: goldens, the .eml, ESP presets, hostile text, budgets."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Callable
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.channels import RenderContext
from generator.channels.email import channel as email_channel
from generator.channels.email.html import DARK, LIGHT
from generator.config import load_config
from generator.edition import Edition
from generator.errors import BadInput, ChannelError
from generator.project import Project, load_project
from tests.conftest import GOLDEN_EDITIONS, copy_site, edition_of

FILES = {"email.html", "email.txt", "email.eml"}
ESP_FILE = {"listmonk": "email.listmonk.json", "buttondown": "email.buttondown.json"}
UNSUBSCRIBE = "https://mindreel.example.org/unsubscribe?list=weekly"
PLACEHOLDERS = {
    "listmonk": ("{{ UnsubscribeURL }}", "{{ MessageURL }}"),
    "mailchimp": ("*|UNSUB|*", "*|ARCHIVE|*"),
    "buttondown": ("{{ unsubscribe_url }}", None),
}
def esp_line(esp: str) -> str:
    """The schedule.yaml line that chooses ``esp`` (listmonk needs its list ids too)."""
    return f"esp: {esp}" + ("\n  listmonk: {lists: [3]}" if esp == "listmonk" else "")


def esp_texts(files: dict[str, bytes], esp: str) -> list[str]:
    """Every text value of the ESP's hand-off file (none for plain and Mailchimp)."""
    if esp not in ESP_FILE:
        return []
    doc = json.loads(files[ESP_FILE[esp]])
    values = [v for v in doc.values() if isinstance(v, str)]
    return values + [v for h in doc.get("headers", []) for v in h.values()]


HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %} {# c #} *|UNSUB|*"


# --- helpers -----------------------------------------------------------------------------

def site_with(root: Path, replacements: dict[str, str] | None = None,
              films: Callable[[list[dict[str, object]]], None] | None = None) -> Project:
    """A private fixture site with schedule.yaml lines replaced and films.yaml edited."""
    schedule = copy_site(root)
    text = schedule.read_text("utf-8")
    for old, new in (replacements or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    schedule.write_text(text, "utf-8")
    if films is not None:
        path = root / "data" / "films.yaml"
        doc = yaml.safe_load(path.read_text("utf-8"))
        films(doc["films"])
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return load_project(schedule)


def context(project: Project) -> RenderContext:
    return RenderContext(project.config.settings, project.config.templates_dir)


def render(project: Project, week: str = "2026-W48", feature: str = "marathon") -> dict[str, bytes]:
    return email_channel.render(edition_of(project, week, feature), context(project))


def parse_eml(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=email_policy.default)
    assert isinstance(message, EmailMessage)
    return message


def bodies(message: EmailMessage) -> tuple[str, str]:
    text_part, html_part = message.iter_parts()
    return tuple(str(part.get_content()).replace("\r\n", "\n")  # type: ignore[return-value]
                 for part in (text_part, html_part))


class Outline(HTMLParser):
    """Tags, headings, links and images of an HTML document, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.headings: list[int] = []
        self.images: list[dict[str, str | None]] = []
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._link_text = []
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._link_text).split())))
            self._href = None
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._link_text.append(data)
        if not self._skip:
            self.text.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


# --- goldens and shape -------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_golden_files(name: str, project: Project, ctx: RenderContext,
                      golden: Callable[[str, bytes], None]) -> None:
    week, feature = GOLDEN_EDITIONS[name]
    files = email_channel.render(edition_of(project, week, feature), ctx)
    assert set(files) == FILES
    golden(f"email/{name}.html", files["email.html"])
    golden(f"email/{name}.txt", files["email.txt"])
    golden(f"email/{name}.eml", files["email.eml"])


def test_rebuild_is_byte_identical(project: Project, ctx: RenderContext, tmp_path: Path) -> None:
    edition = edition_of(project, "2026-W50", "silenced")
    first = email_channel.render(edition, ctx)
    again = email_channel.render(edition_of(load_project(copy_site(tmp_path / "other")),
                                            "2026-W50", "silenced"), ctx)
    assert first == again


def test_eml_headers_are_exactly_as_intended(project: Project) -> None:
    data = render(project, "2026-W50", "silenced")["email.eml"]
    message = parse_eml(data)
    assert dict(message.items()) == {
        "Date": "Mon, 07 Dec 2026 09:00:00 +0900",
        "From": "mindreel <editor@mindreel.example.org>",
        "Reply-To": "editor@mindreel.example.org",
        "To": "weekly@mindreel.example.org",
        "Subject": "This week: Silenced (도가니, 2011)",
        "Message-ID": "<2026-W50.silenced@mindreel.example.org>",
        "List-Id": '"mindreel" <weekly.mindreel.example.org>',
        "List-Archive": "<https://mindreel.example.org/archive/>",
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>, <mailto:unsubscribe@mindreel.example.org>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": message["Content-Type"],
    }
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    head = data.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nSubject: =?utf-8?b?" in head  # Hangul: RFC 2047 encoded words
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout


def test_eml_parts_are_the_html_and_text_files(project: Project) -> None:
    files = render(project, "2026-W49", "depression")
    text, html = bodies(parse_eml(files["email.eml"]))
    assert text == files["email.txt"].decode("utf-8")
    assert html == files["email.html"].decode("utf-8")


def test_boundary_is_derived_from_content(project: Project, tmp_path: Path) -> None:
    first = parse_eml(render(project)["email.eml"]).get_boundary()
    other = site_with(tmp_path / "s", {"title: mindreel": "title: mindreel weekly"})
    second = parse_eml(render(other)["email.eml"]).get_boundary()
    assert first and second and first.startswith("=_mindreel_") and first != second


def test_long_unsubscribe_url_stays_on_one_line_unencoded(tmp_path: Path) -> None:
    url = "https://mindreel.example.org/unsubscribe?list=weekly&token="
    url += "a1b2c3d4" * ((120 - len(url)) // 8 + 1)
    url = url[:120]
    project = site_with(tmp_path / "s", {UNSUBSCRIBE: url})
    data = render(project)["email.eml"]
    expected = f"List-Unsubscribe: <{url}>, <mailto:unsubscribe@mindreel.example.org>\r\n"
    assert len(url) == 120
    assert expected.encode() in data
    assert parse_eml(data)["List-Unsubscribe"] == expected[len("List-Unsubscribe: "):-2]
    assert b"List-Unsubscribe: =?" not in data


def test_without_mailto_only_the_https_url(tmp_path: Path) -> None:
    project = site_with(tmp_path / "s", {
        "  unsubscribe_mailto: unsubscribe@mindreel.example.org\n": ""})
    message = parse_eml(render(project)["email.eml"])
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- ESP presets -------------------------------------------------------------------------

@pytest.mark.parametrize("esp", sorted(PLACEHOLDERS))
def test_esp_placeholders_reach_every_part_literally(esp: str, tmp_path: Path) -> None:
    project = site_with(tmp_path / "s", {"esp: plain": esp_line(esp)})
    files = render(project)
    assert set(files) == FILES | ({ESP_FILE[esp]} if esp in ESP_FILE else set())
    unsubscribe, archive = PLACEHOLDERS[esp]
    html = files["email.html"].decode("utf-8")
    text = files["email.txt"].decode("utf-8")
    assert f'href="{unsubscribe}"' in html
    assert f"\n{unsubscribe}\n" in text
    if esp in ESP_FILE:
        assert any(unsubscribe in value for value in esp_texts(files, esp))
    page = "https://mindreel.example.org/archive/2026-W48.html"
    if archive is None:
        assert f'href="{page}"' in html and page in text
    else:
        assert f'href="{archive}"' in html and f"\n{archive}\n" in text
        assert page not in html and page not in text
    assert UNSUBSCRIBE not in html and UNSUBSCRIBE not in text
    assert "mindreel-slot-" not in html + text
    # The header keeps the real URL: ESPs rewrite it per subscriber.
    assert parse_eml(files["email.eml"])["List-Unsubscribe"].startswith(f"<{UNSUBSCRIBE}>")


def test_plain_preset_uses_real_urls(project: Project) -> None:
    files = render(project)
    html = files["email.html"].decode("utf-8")
    text = files["email.txt"].decode("utf-8")
    assert f'href="{UNSUBSCRIBE}"' in html and f"\n{UNSUBSCRIBE}\n" in text
    for unsubscribe, archive in PLACEHOLDERS.values():
        assert unsubscribe not in html + text
        assert archive is None or archive not in html + text


# --- hostile catalogue text --------------------------------------------------------------

def _hostile_marathon(films: list[dict[str, object]]) -> None:
    for film in films:
        if film["id"] == "marathon":
            film["titles"] = {"en": f"Marathon {HOSTILE}", "ko": "말아톤", "rr": "Marathon"}
            film["synopsis"] = {"en": f"An autistic young man. {HOSTILE}\n\nSecond paragraph."}
            film["director"] = f"Jeong {HOSTILE}"


def _esp_syntax(text: str) -> list[str]:
    return re.findall(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\*\|.*?\|\*", text)


@pytest.mark.parametrize("esp", ["plain", *sorted(PLACEHOLDERS)])
def test_hostile_text_is_escaped_or_inert_everywhere(esp: str, tmp_path: Path) -> None:
    project = site_with(tmp_path / "s", {"esp: plain": esp_line(esp)}, films=_hostile_marathon)
    files = render(project)
    html = files["email.html"].decode("utf-8")
    text = files["email.txt"].decode("utf-8")
    handed = esp_texts(files, esp)
    message = parse_eml(files["email.eml"])
    page = outline(html)
    # No markup from the catalogue: the script is text a reader sees, never an element.
    assert "script" not in page.tags
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "alert(1)" in "".join(page.text)
    # Jinja never evaluated catalogue text.
    assert "49" not in html + text + "".join(handed) + str(message["Subject"])
    # Only our own placeholders are live ESP syntax; catalogue syntax is broken up.
    expected = [p for p in PLACEHOLDERS.get(esp, ()) if p]
    if esp == "mailchimp":  # the list's postal address
        expected += ["*|HTML:LIST_ADDRESS_HTML|*", "*|LIST:ADDRESSLINE|*"]
    for output in (html, text):
        found = _esp_syntax(output)
        if esp == "plain":
            assert "{{ 7*7 }}" in output
        else:
            assert found and set(found) <= set(expected), found
    for value in handed:  # the ESP file: never live catalogue syntax
        assert set(_esp_syntax(value)) <= set(expected), value
    assert esp not in ESP_FILE or any("7*7" in value for value in handed)
    if esp != "plain":
        assert not _esp_syntax(str(message["Subject"])) and "7*7" in str(message["Subject"])


def test_crlf_in_a_title_never_starts_a_header(project: Project, ctx: RenderContext) -> None:
    edition = edition_of(project, "2026-W48", "marathon")
    assert edition.film is not None
    evil = "Marathon\r\nBcc: victim@example.org\r\n\r\n<p>body</p>"
    hostile = dataclasses.replace(edition, headline=evil,
                                  film=dataclasses.replace(edition.film, title=evil))
    files = email_channel.render(hostile, ctx)
    data = files["email.eml"]
    head = data.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc:", head)
    message = parse_eml(data)
    assert "Bcc" not in message
    assert message["Subject"] == (
        "This week: Marathon Bcc: victim@example.org <p>body</p> (말아톤, 2005)")
    assert "email.listmonk.json" not in files  # esp: plain writes no ESP file


def test_the_catalogue_refuses_a_title_with_a_line_break(tmp_path: Path) -> None:
    # The first line of defence; the header builder above is the second.
    def crlf_title(films: list[dict[str, object]]) -> None:
        marathon = next(film for film in films if film["id"] == "marathon")
        marathon["titles"] = {"en": "Marathon\r\nBcc: x@y", "ko": "말아톤", "rr": "Marathon"}

    with pytest.raises(BadInput, match="problem"):
        site_with(tmp_path / "s", films=crlf_title)


def test_encoded_word_in_a_title_cannot_smuggle_a_header(project: Project,
                                                         ctx: RenderContext) -> None:
    edition = edition_of(project, "2026-W48", "marathon")
    assert edition.film is not None
    evil = "=?utf-8?q?Marathon=0D=0ABcc:_victim@example.org?="
    hostile = dataclasses.replace(edition, film=dataclasses.replace(edition.film, title=evil))
    data = email_channel.render(hostile, ctx)["email.eml"]
    assert not re.search(rb"(?im)^bcc:", data.split(b"\r\n\r\n", 1)[0])
    assert "Bcc" not in parse_eml(data)
    assert "\r" not in str(parse_eml(data)["Subject"])


# --- budgets and accessibility -----------------------------------------------------------

def test_over_budget_is_a_clear_channel_error(tmp_path: Path) -> None:
    project = site_with(tmp_path / "s", {"esp: plain": "esp: plain\n  size_budget_kb: 10"})
    budget = r"email HTML is \d+\.\d KB encoded, over the 10 KB budget"
    with pytest.raises(ChannelError, match=budget):
        render(project)


@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_html_is_well_under_the_default_budget(name: str, project: Project) -> None:
    files = render(project, *GOLDEN_EDITIONS[name])
    html_part = parse_eml(files["email.eml"]).get_payload()[1]
    encoded = html_part.as_bytes().split(b"\n\n", 1)[1]
    assert len(encoded) < 90 * 1024
    assert html_part["Content-Transfer-Encoding"] in ("7bit", "8bit")
    assert max(len(line) for line in files["email.html"].split(b"\n")) <= 998


def test_lang_on_html_and_wrapper(project: Project) -> None:
    html = render(project)["email.html"].decode("utf-8")
    assert re.search(r'<html lang="en"', html)
    assert re.search(r'<div[^>]*role="article"[^>]*lang="en"', html.replace("\n", " "))


def test_korean_edition(tmp_path: Path) -> None:
    project = site_with(tmp_path / "s", {"locales: [en]": "locales: [ko]"})
    files = render(project, "2026-W50", "silenced")
    html = files["email.html"].decode("utf-8")
    message = parse_eml(files["email.eml"])
    assert '<html lang="ko"' in html and "내용 주의" in html and "2026년 12월 7일" in html
    assert message["Subject"] == "이번 주: 〈도가니〉 (2011)"
    assert message["Content-Language"] == "ko"
    head = files["email.eml"].split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert all(len(line) <= 78 for line in head.split("\r\n") if not line.startswith("List-"))
    assert "<h1" in html and outline(html).headings.count(1) == 1
    text = files["email.txt"].decode("utf-8")
    assert "내용 주의: 이번 호에는 성폭력, 아동 학대, 자살에 관한 내용이" in text
    for line in text.splitlines():  # Hangul takes two columns; still 72 at most
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        assert width <= 72 or re.fullmatch(r"\s*(?:\S+: )?https://\S+", line), line


@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_outline_headings_images_and_links(name: str, project: Project) -> None:
    page = outline(render(project, *GOLDEN_EDITIONS[name])["email.html"].decode("utf-8"))
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        assert after <= before + 1, page.headings
    assert all((image.get("alt") or "").strip() for image in page.images)
    vague = {"click here", "here", "link", "more", "read more", "this", "this link"}
    assert page.links
    for href, label in page.links:
        assert label and label.lower() not in vague, (href, label)
        # https for pages; tel:, sms: and mailto: for the helplines' contacts
        assert href.startswith(("https://", "tel:", "sms:", "mailto:")), href


def test_no_external_assets_and_no_web_fonts(project: Project) -> None:
    html = render(project, "2026-W50", "silenced")["email.html"].decode("utf-8")
    page = outline(html)
    assert "link" not in page.tags and "img" not in page.tags and "script" not in page.tags
    assert not re.search(r"\bsrc=|@import|@font-face|fonts\.googleapis|url\(", html)


def test_layout_tables_are_presentational(project: Project) -> None:
    html = render(project)["email.html"].decode("utf-8").replace("\n", " ")
    tables = re.findall(r"<table\b[^>]*>", html)
    assert tables and all('role="presentation"' in t for t in tables)


def test_no_horizontal_scrolling_at_320px(project: Project) -> None:
    html = render(project, "2026-W50", "silenced")["email.html"].decode("utf-8")
    outside_outlook = re.sub(r"<!--\[if mso.*?<!\[endif\]-->", "", html, flags=re.DOTALL)
    widths = [int(w) for w in re.findall(r"(?<![-\w])width:\s*(\d+)px", outside_outlook)]
    widths += [int(w) for w in re.findall(r'\swidth="(\d+)"', outside_outlook)]
    assert all(w <= 320 for w in widths), widths
    assert "max-width:600px" in outside_outlook  # the fluid MJML container


def test_css_is_inlined_and_style_keeps_only_media_queries(project: Project) -> None:
    html = render(project)["email.html"].decode("utf-8")
    head = html.split("</head>", 1)[0]
    outside_outlook = re.sub(r"<!--\[if .*?<!\[endif\]-->", "", head, flags=re.DOTALL)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", outside_outlook, flags=re.DOTALL)
    assert len(styles) == 1
    assert re.fullmatch(r"\s*(@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}\s*)+", styles[0])
    assert "@media (prefers-color-scheme: dark)" in styles[0]
    assert '<meta name="color-scheme" content="light dark">' in head
    assert re.search(r'<h1 style="[^"]*font-size: 28px', html)
    assert re.search(rf'<a href="[^"]+"\s+style="color: {LIGHT.link}', html)


def test_colours_come_from_the_palettes(project: Project) -> None:
    html = render(project, "2026-W50", "silenced")["email.html"].decode("utf-8")
    style = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    assert style is not None
    preheader = re.search(r'<div style="display:none;[^"]*">', html)
    assert preheader is not None
    body = html.replace(style.group(0), "").replace(preheader.group(0), "")
    used = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", body)}
    assert used <= set(LIGHT.as_dict().values()), used - set(LIGHT.as_dict().values())
    dark = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", style.group(1))}
    assert dark <= set(DARK.as_dict().values())


# --- content -----------------------------------------------------------------------------

def _primary_numbers(edition: Edition) -> list[str]:
    return [c.value for region in edition.regions for c in region.primary.contacts
            if c.kind in ("call", "text")]


@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_helplines_for_every_region_in_both_parts(name: str, project: Project,
                                                  ctx: RenderContext) -> None:
    edition = edition_of(project, *GOLDEN_EDITIONS[name])
    files = email_channel.render(edition, ctx)
    html_text = " ".join("".join(outline(files["email.html"].decode("utf-8")).text).split())
    text = files["email.txt"].decode("utf-8")
    assert {"109", "988", "116 123"} <= set(_primary_numbers(edition))
    for region in (*edition.regions, edition.international):
        for part in (html_text, text):
            assert region.primary.name in part
    assert edition.help_page in text and f'href="{edition.help_page}"' in files[
        "email.html"].decode()
    for number in _primary_numbers(edition):
        assert f"Call {number}" in html_text or f"Text {number}" in html_text
        assert f"Call {number}" in text or f"Text {number}" in text
    for part in (html_text, text):
        assert "In an emergency, call 112 (police) or 119 (fire and ambulance)." in part
        assert edition.theme.support.split()[0] in part
        assert "you are not alone" in " ".join(part.split()).casefold()
        assert " ".join(part.split()).count("Checked on 25 November 2026.") == 1


def test_content_note_at_the_top_only_when_needed(project: Project) -> None:
    noted = render(project, "2026-W50", "silenced")
    plain = render(project, "2026-W48", "marathon")
    note = "This edition discusses sexual violence, child abuse and suicide."
    html = " ".join("".join(outline(noted["email.html"].decode()).text).split())
    assert html.index("Content note:") < html.index("Synopsis") and note in html
    text = " ".join(noted["email.txt"].decode().split())
    assert text.index(note) < text.index("SYNOPSIS")
    for part in (plain["email.html"], plain["email.txt"]):
        assert b"Content note" not in part


def test_where_to_watch(project: Project) -> None:
    # Keys to the Heart lists a service; Marathon lists none and must make no claim.
    listed = render(project, "2026-W48", "keys-to-the-heart")
    text = listed["email.txt"].decode()
    assert "- Example Stream (KR), checked on 20 November 2026" in text
    assert "Availability varies by region and changes over time." in text
    assert ("https://stream.example.org/keys", "Example Stream") in outline(
        listed["email.html"].decode()).links
    empty = render(project, "2026-W48", "marathon")["email.txt"].decode()
    section = empty.split("WHERE TO WATCH", 1)[1].split("\n\n", 1)[0]
    assert " ".join(section.split()) == (
        "Availability varies by region; check the streaming services in your area.")


def test_theme_edition_leads_with_awareness_then_titles(project: Project) -> None:
    files = render(project, "2026-W49", "depression")
    text = files["email.txt"].decode()
    assert text.index("DEPRESSION") < text.index("About 280 million") < text.index(
        "TITLES THAT DEPICT IT") < text.index("Keys to the Heart") < text.index("My Mister")
    page = outline(files["email.html"].decode())
    assert page.headings[:2] == [1, 2]
    assert "https://www.who.int/news-room/fact-sheets/detail/depression" in dict(page.links)


def test_text_part_reads_at_72_columns(project: Project) -> None:
    for week, feature in GOLDEN_EDITIONS.values():
        text = render(project, week, feature)["email.txt"].decode("utf-8")
        assert "<" not in text and "&amp;" not in text
        for line in text.splitlines():
            assert len(line) <= 72 or re.fullmatch(r"\s*(?:\S+: )?https://\S+", line), line


def test_preheader_and_title(project: Project) -> None:
    html = render(project, "2026-W50", "silenced")["email.html"].decode("utf-8")
    assert "<title>This week: Silenced (도가니, 2011)</title>" in html
    assert re.search(r'<div style="display:none;[^"]*">Content note: sexual violence, child abuse '
                     r"and suicide\. Recovery from trauma is possible", html)


# --- settings that could break the headers are refused when the schedule loads ----------

@pytest.mark.parametrize(("old", "new", "field"), [
    (UNSUBSCRIBE, UNSUBSCRIBE + "&t==?utf-8?q?x=0D=0ABcc:_y?=", "unsubscribe_url"),
    ("sender_address: editor@", "sender_address: a,b@", "sender_address"),
    ("list_address: weekly@", "list_address: =?utf-8?q?x?=@", "list_address"),
])
def test_header_breaking_settings_are_bad_input(old: str, new: str, field: str,
                                                tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "s")
    schedule.write_text(schedule.read_text("utf-8").replace(old, new), "utf-8")
    with pytest.raises(BadInput) as caught:
        load_config(schedule)
    report = caught.value.report()
    assert re.search(rf"schedule\.yaml:\d+: \S*{field}", report), report
