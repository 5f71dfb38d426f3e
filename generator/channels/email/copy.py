"""The email's fixed wording, by locale, and the phrases built from catalogue fields.

Phrases are built here, as plain strings, rather than in Jinja macros: a macro imported
from a plain-text template and called from an autoescaped one returns its output marked
safe *without* escaping it. Plain strings are escaped exactly once by the MJML template
and left alone by the text template.
"""

from __future__ import annotations

import re
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
from generator.i18n import long_date, pgettext, week_label

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
        "standard_kr": "If low mood or another worry is hard to talk about, or someone close "
                       "to you is going through it, counsellors at the suicide prevention line "
                       "109 or the social-media counselling service Madeullaen can help you, "
                       "24 hours a day.",
    },
}
"""The English wording; every other locale's is in its gettext catalogue (msgctxt
``email.<key>``, see generator.i18n)."""


@dataclass(frozen=True)
class Copy:
    """Wording for one locale; every method returns plain, unescaped text."""

    locale: str

    def phrase(self, key: str) -> str:
        """A fixed phrase in this locale, ``{slots}`` unfilled."""
        return pgettext(self.locale, f"email.{key}", LABELS["en"][key])

    def label(self, key: str, **values: object) -> str:
        """A fixed phrase with its ``{slots}`` filled (values are never parsed as formats)."""
        return self.phrase(key).format(**values)

    def columns(self, text: str, width: int = 72) -> int:
        """Columns for the ``wrap`` filter, which measures display width itself (a Hangul
        syllable takes two), so every locale gets the same 72."""
        return width

    def day(self, value: date) -> str:
        return long_date(value, self.locale)

    def send_day(self, edition: Edition) -> str:
        """The masthead's date: with the weekday in Korean ("2026년 11월 30일 월요일")."""
        return long_date(edition.send_at, self.locale, weekday=True)

    def edition_name(self, edition: Edition) -> str:
        """"Edition 2026-W49"; "2026년 49주차" in Korean."""
        week = edition.week
        return self.label("edition", id=week_label(week.year, week.week, self.locale))

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
        if self.locale == "ko":  # the English title helps; a romanisation does not
            return f"{other} · {title.year} · {credit} · {title.category}"
        return f"{other} ({title.title_rr}) · {title.year} · {credit} · {title.category}"

    def around(self, key: str, slot: str) -> tuple[str, str]:
        """The text before and after ``{slot}`` in a phrase, so a template can put links
        there (``In an emergency, call `` ... ``.``) and still escape the words."""
        before, _, after = self.phrase(key).partition("{" + slot + "}")
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

    def standard(self, edition: Edition) -> str | None:
        """The Ministry of Health and Welfare's standard sentence (109 and 마들랜), which
        Korean guidance asks for wherever suicide is discussed: in the Korean edition when
        its readers are in Korea."""
        if self.locale == "ko" and edition.primary_region.id == "KR":
            return self.label("standard_kr")
        return None

    def contacts(self, line: HelplineView) -> str:
        """Every contact of a line as plain text (the text part). In Korean a number the
        line's name already holds is not said again ("자살예방상담전화 109", not
        "자살예방상담전화 109: 전화 109")."""
        parts = []
        for contact in line.contacts_after_name:
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
        for contact in (c for c in line.contacts_after_name if c.is_number):
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
