"""The email's fixed wording, by locale, and the phrases built from catalogue fields.

Phrases are built here, as plain strings, rather than in Jinja macros: a macro imported
from a plain-text template and called from an autoescaped one returns its output marked
safe *without* escaping it. Plain strings are escaped exactly once by the MJML template
and left alone by the text template.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from generator.edition import Edition, HelplineView, NoteView, TitleView

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
        "help_heading": "If you need support",
        "help_intro": "If you are struggling, or worried about someone, you can talk to "
                      "someone now. These services can help.",
        "emergency": "In an emergency, call {number}.",
        "hours": "Hours: {hours}",
        "verified": "Details checked on {date}.",
        "website": "{name} website",
        "elsewhere": "Everywhere else",
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
        "help_heading": "도움이 필요할 때",
        "help_intro": "힘들거나 주변 사람이 걱정된다면 지금 이야기할 수 있습니다. 아래 기관이 "
                      "도와드립니다.",
        "emergency": "긴급한 상황에서는 {number}에 전화하세요.",
        "hours": "운영 시간: {hours}",
        "verified": "{date}에 정보를 확인했습니다.",
        "website": "{name} 웹사이트",
        "elsewhere": "그 밖의 지역",
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

    def contacts(self, line: HelplineView) -> str:
        parts = []
        for contact in line.contacts:
            phrase = self.label(f"contact_{contact.kind}", value=contact.value)
            parts.append(f"{phrase} ({contact.note})" if contact.note else phrase)
        return " · ".join(parts)

    def verified(self, lines: tuple[HelplineView, ...]) -> str:
        """When the region's details were checked: the oldest line's date, to be honest."""
        return self.label("verified", date=self.day(min(line.verified for line in lines)))

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
