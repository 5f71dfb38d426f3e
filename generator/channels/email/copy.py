"""The email's fixed wording, by locale, and the phrases built from catalogue fields.

Phrases are built here, as plain strings, rather than in Jinja macros: a macro imported
from a plain-text template and called from an autoescaped one returns its output marked
safe *without* escaping it. Plain strings are escaped exactly once by the MJML template
and left alone by the text template.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from generator.edition import (
    ContactView,
    Edition,
    HelplineView,
    NoteView,
    RegionView,
    TitleView,
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "subject_film": "This week: {title} ({title_ko}, {year})",
        "subject_theme": "This week: {name}",
        "subject_theme_ko": "This week: {name} ({name_ko})",
        "edition": "Edition {id}",
        "view_in_browser": "View this edition in your browser",
        "content_note": "Content note",
        "content_note_body": "This edition discusses {notes}. Read at your own pace; support "
                             "lines are listed at the end of this email.",
        "kicker_film": "This week's film",
        "kicker_drama": "This week's drama",
        "kicker_theme": "This week's theme",
        "directed_by": "dir. {name}",
        "episodes": "{network}, {count} episodes",
        "aka": "Also known as {names}",
        "synopsis": "Synopsis",
        "why_it_matters": "Why it matters",
        "sources": "Sources",
        "about": "About {name}",
        "observances": "This week includes {names}.",
        "fact_source": "Source",
        "where_to_watch": "Where to watch",
        "checked_on": "checked on {date}",
        "availability_varies": "Availability varies by region and changes over time.",
        "availability_unknown": "Availability varies by region; check the streaming services "
                                "in your area.",
        "related_film": "More titles on this theme",
        "related_theme": "Titles that depict it",
        "title_notes": "Content note: {notes}.",
        "help_heading": "Need to talk? You are not alone",
        "emergency": "In an emergency, call {number}.",
        "emergency_or": " or ",
        "other_regions": "In other countries",
        "help_page": "Every helpline, in full",
        "directory": "Anywhere else: {name}, {value}",
        "verified": "Checked on {date}.",
        "hope": "Difficult feelings can ease with support. You do not have to face them alone.",
        "footer_why": "You are receiving this because you subscribed to {site}.",
        "unsubscribe": "Unsubscribe from {site}",
        "feeds": "Follow by feed",
        "feed_rss": "RSS feed",
        "feed_atom": "Atom feed",
        "feed_json": "JSON Feed",
        "archive": "All past editions",
        "contact_call": "Call {value}",
        "contact_text": "Text {value}",
        "contact_text_keyword": "Text {keyword} to {value}",
        "contact_chat": "Chat online at {value}",
        "contact_whatsapp": "WhatsApp {value}",
        "contact_kakaotalk": "KakaoTalk {value}",
        "contact_app": "App: {value}",
        "contact_email": "Email {value}",
        "contact_web": "Online at {value}",
    },
    "ko": {
        "subject_film": "이번 주: {title_ko} ({title}, {year})",
        "subject_theme": "이번 주: {name}",
        "subject_theme_ko": "이번 주: {name}",
        "edition": "{id}호",
        "view_in_browser": "브라우저에서 이번 호 보기",
        "content_note": "내용 주의",
        "content_note_body": "이번 호에는 {notes}에 관한 내용이 있습니다. 편한 속도로 읽어 "
                             "주세요. 상담 기관은 메일 끝에 있습니다.",
        "kicker_film": "이번 주의 영화",
        "kicker_drama": "이번 주의 드라마",
        "kicker_theme": "이번 주의 주제",
        "directed_by": "감독 {name}",
        "episodes": "{network}, {count}부작",
        "aka": "다른 제목: {names}",
        "synopsis": "줄거리",
        "why_it_matters": "왜 중요한가",
        "sources": "출처",
        "about": "{name}에 대하여",
        "observances": "이번 주 기념일: {names}.",
        "fact_source": "출처",
        "where_to_watch": "어디서 볼 수 있나",
        "checked_on": "{date} 확인",
        "availability_varies": "시청 가능 여부는 지역과 시기에 따라 다릅니다.",
        "availability_unknown": "시청 가능 여부는 지역마다 다릅니다. 계신 지역의 서비스를 "
                                "확인해 주세요.",
        "related_film": "같은 주제의 다른 작품",
        "related_theme": "이 주제를 다룬 작품",
        "title_notes": "내용 주의: {notes}.",
        "help_heading": "이야기가 필요할 때, 혼자가 아닙니다",
        "emergency": "긴급한 상황에서는 {number}에 전화하세요.",
        "emergency_or": " 또는 ",
        "other_regions": "다른 나라",
        "help_page": "모든 상담 기관 전체 보기",
        "directory": "그 밖의 나라: {name}, {value}",
        "verified": "{date} 확인.",
        "hope": "힘든 마음은 도움을 받으며 나아질 수 있습니다. 혼자 견디지 않아도 됩니다.",
        "footer_why": "{site} 뉴스레터를 구독하셔서 이 메일을 받으셨습니다.",
        "unsubscribe": "{site} 구독 취소",
        "feeds": "피드로 구독",
        "feed_rss": "RSS 피드",
        "feed_atom": "Atom 피드",
        "feed_json": "JSON 피드",
        "archive": "지난 호 모두 보기",
        "contact_call": "전화 {value}",
        "contact_text": "문자 {value}",
        "contact_text_keyword": "문자 {value} ({keyword})",
        "contact_chat": "온라인 채팅 {value}",
        "contact_whatsapp": "왓츠앱 {value}",
        "contact_kakaotalk": "카카오톡 {value}",
        "contact_app": "앱: {value}",
        "contact_email": "이메일 {value}",
        "contact_web": "웹사이트 {value}",
    },
}


@dataclass(frozen=True)
class Copy:
    """Wording for one locale; every method returns plain, unescaped text."""

    locale: str

    def label(self, key: str, **values: object) -> str:
        """A fixed phrase with its ``{slots}`` filled (values are never parsed as formats)."""
        return LABELS[self.locale][key].format(**values)

    def columns(self, text: str, width: int = 72) -> int:
        """Characters per line for the ``wrap`` filter so ``text`` fits ``width`` columns.

        ``wrap`` counts characters; Hangul and other wide characters take two columns.
        """
        wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
        return max(24, width * len(text) // (len(text) + wide)) if text else width

    def day(self, value: date) -> str:
        if self.locale == "ko":
            return f"{value.year}년 {value.month}월 {value.day}일"
        return f"{value.day} {value:%B %Y}"

    def words(self, items: list[str] | tuple[str, ...]) -> str:
        """"a, b and c" in English, "a, b, c" in Korean."""
        items = list(items)
        if self.locale == "ko" or len(items) < 2:
            return ", ".join(items)
        return ", ".join(items[:-1]) + " and " + items[-1]

    def notes(self, notes: tuple[NoteView, ...]) -> str:
        return self.words([note.label for note in notes])

    def name(self, title: TitleView) -> str:
        """The title readers of this locale know it by."""
        return title.title_ko if self.locale == "ko" else title.title

    def credit(self, title: TitleView) -> str:
        if title.type == "drama" and title.network:
            return self.label("episodes", network=title.network, count=title.episodes)
        return self.label("directed_by", name=title.director)

    def title_line(self, title: TitleView) -> str:
        """The other-language title, romanisation, year, credit and category."""
        other = title.title if self.locale == "ko" else title.title_ko
        credit = self.credit(title)
        return f"{other} ({title.title_rr}) · {title.year} · {credit} · {title.category}"

    def around(self, key: str, slot: str) -> tuple[str, str]:
        """The text before and after ``{slot}`` in a phrase, so a template can put links
        there (``In an emergency, call `` ... ``.``) and still escape the words."""
        before, _, after = LABELS[self.locale][key].partition("{" + slot + "}")
        return before, after

    def emergency(self, region: RegionView) -> str:
        """"In an emergency, call 112 (police) or 119 (fire and ambulance).", as text."""
        joiner = self.label("emergency_or")
        numbers = joiner.join(f"{e.value} ({e.label})" if e.label else e.value
                              for e in region.emergency_numbers)
        return self.label("emergency", number=numbers)

    def contact(self, contact: ContactView) -> str:
        """"Call 109", "Text HOME to 741741": the words a contact's link carries."""
        if contact.kind == "text" and contact.keyword:
            return self.label("contact_text_keyword", value=contact.value,
                              keyword=contact.keyword)
        return self.label(f"contact_{contact.kind}", value=contact.value)

    def contacts(self, line: HelplineView) -> str:
        """Every contact of a line as plain text (the text part)."""
        parts = []
        for contact in line.contacts:
            phrase = self.contact(contact)
            parts.append(f"{phrase} ({contact.note})" if contact.note else phrase)
        return " · ".join(parts)

    def segments(self, text: str, edition: Edition) -> list[tuple[str, str | None]]:
        """``text`` cut into (piece, link) pairs: each number of the edition's helplines,
        as a whole word, gets its tap link; everything else gets None."""
        hrefs: dict[str, str] = {}
        for region in (*edition.regions, edition.international):
            for line in region.lines:
                for contact in line.numbers:
                    if contact.href:
                        hrefs.setdefault(contact.value, contact.href)
            for number in region.emergency_numbers:
                hrefs.setdefault(number.value, number.href)
        if not hrefs or not any(ch.isdigit() for ch in text):
            return [(text, None)]
        values = sorted(hrefs, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w+-])(" + "|".join(map(re.escape, values)) + r")(?![\w-])")
        pieces: list[tuple[str, str | None]] = []
        cursor = 0
        for match in pattern.finditer(text):
            if match.start() > cursor:
                pieces.append((text[cursor:match.start()], None))
            pieces.append((match.group(1), hrefs[match.group(1)]))
            cursor = match.end()
        if cursor < len(text):
            pieces.append((text[cursor:], None))
        return pieces

    def name_href(self, line: HelplineView) -> str | None:
        """Where a tap on a line's name goes when the name holds its number ("Youth
        Counselling Line 1388"): that number's link, so no number is left untappable."""
        for contact in line.numbers:
            if contact.value in line.name and contact.href:
                return contact.href
        return None

    def compact(self, line: HelplineView) -> tuple[ContactView, ...]:
        """The numbers a compact line shows: the first of each kind (call, text, ...)."""
        seen: dict[str, ContactView] = {}
        for contact in line.numbers:
            if contact.kind == "whatsapp" and seen:
                continue
            seen.setdefault(contact.kind, contact)
        return tuple(seen.values())

    def compact_text(self, line: HelplineView) -> str:
        """"Call 988 · Text 988": a compact line's numbers as text."""
        return " · ".join(self.contact(c) for c in self.compact(line))

    def checked(self, edition: Edition) -> str:
        """"Checked on" once for the block: the oldest date among the lines it shows."""
        shown = (*edition.regions, edition.international)
        return self.label("verified", date=self.day(min(r.verified for r in shown)))

    def related(self, edition: Edition) -> tuple[TitleView, ...]:
        """Related titles the email shows: two after a film (the page has all three), every
        one in a theme edition, where they are the substance."""
        return edition.related[:2] if edition.film else edition.related

    def others(self, edition: Edition) -> tuple[RegionView, ...]:
        """Audience regions other than the primary, in schedule order."""
        return tuple(r for r in edition.regions if r.id != edition.primary_region.id)

    def subject(self, edition: Edition) -> str:
        film, theme = edition.film, edition.theme
        if film is not None:
            return self.label("subject_film", title=film.title, title_ko=film.title_ko,
                              year=film.year)
        if theme.name_ko and self.locale != "ko":
            return self.label("subject_theme_ko", name=theme.name, name_ko=theme.name_ko)
        return self.label("subject_theme", name=theme.name)

    def preheader(self, edition: Edition) -> str:
        """The inbox preview: the content note first when there is one, then the tagline."""
        if edition.content_notes:
            note = f"{self.label('content_note')}: {self.notes(edition.content_notes)}."
            return f"{note} {edition.theme.tagline}"
        return edition.theme.tagline
