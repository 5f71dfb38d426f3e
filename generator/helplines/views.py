"""Helpline views: what readers see of data/helplines.yaml, resolved for one locale.

Views carry names, contacts with their tap links, hours, the service's own website,
the reader note and the verified date. They carry no sources and no ``editorial``
notes, so no template can render them by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from generator.helplines.models import DIALLED, Helpline, Region
from generator.schema import pick_locale


@dataclass(frozen=True)
class ContactView:
    """One way to reach a line. ``href`` is what a tap opens: ``tel:`` for calls,
    ``sms:`` (with the keyword prefilled) for texts, WhatsApp's click-to-chat link,
    ``mailto:``, or the https page of a chat or web contact; None for app handles."""

    kind: str
    value: str
    note: str | None
    href: str | None = None
    keyword: str | None = None

    @property
    def is_number(self) -> bool:
        return self.kind in DIALLED


@dataclass(frozen=True)
class HelplineView:
    """What readers see of a line: no sources, no research notes (``editorial``)."""

    id: str
    name: str
    contacts: tuple[ContactView, ...]
    hours: str
    languages: tuple[str, ...]
    website: str | None
    verified: date
    short: str
    note: str | None
    said_in_name: ContactView | None = None
    """In Korean, the call whose number the line's name already holds ("자살예방상담전화
    109"): every block makes the name that call's tap link and does not say the number
    again. English names keep their numbers in the list ("Youth Counselling Line 1388:
    call 1388"), so in English this is None."""

    @property
    def numbers(self) -> tuple[ContactView, ...]:
        """The contacts a phone dials (calls, texts, WhatsApp)."""
        return tuple(c for c in self.contacts if c.is_number)

    @property
    def contacts_after_name(self) -> tuple[ContactView, ...]:
        """The contacts a block lists after the line's name: all but ``said_in_name``."""
        if self.said_in_name is None:
            return self.contacts
        return tuple(c for c in self.contacts if c is not self.said_in_name)


@dataclass(frozen=True)
class EmergencyView:
    value: str
    href: str
    label: str | None


@dataclass(frozen=True)
class RegionView:
    id: str
    name: str
    emergency: str | None
    """The emergency numbers as one phrase: "112 (police), 119 (fire and ambulance)"."""
    lines: tuple[HelplineView, ...]
    primary: HelplineView
    emergency_numbers: tuple[EmergencyView, ...] = ()

    @property
    def verified(self) -> date:
        """The oldest check among the region's lines: the honest "checked on" date."""
        return min(line.verified for line in self.lines)


def contact_href(kind: str, value: str, dial: str | None, keyword: str | None) -> str | None:
    """What a tap on a contact opens (see ``ContactView``)."""
    if kind == "call" and dial:
        return f"tel:{dial}"
    if kind == "text" and dial:
        return f"sms:{dial}?body={keyword}" if keyword else f"sms:{dial}"
    if kind == "whatsapp" and dial:
        return f"https://wa.me/{dial.lstrip('+')}"
    if kind == "email":
        return f"mailto:{value}"
    if kind in ("chat", "web") and " " not in value and "." in value:
        return f"https://{value}"
    return None


def display_name(name: str, own_name: str | None) -> str:
    """A line's name as an edition shows it: its own name in brackets after a translated
    one ("사마리탄스(Samaritans)"), so readers abroad can search for the service; a name
    that already holds it (every English name) is left as it is."""
    if not own_name or own_name in name:
        return name
    return f"{name}({own_name})"


def _call_in_name(name: str, contacts: tuple[ContactView, ...]) -> ContactView | None:
    """The call (no note of its own) whose number stands whole in ``name``."""
    for contact in contacts:
        if contact.kind == "call" and contact.href and not contact.note and re.search(
                rf"(?<!\d){re.escape(contact.value)}(?!\d)", name):
            return contact
    return None


def helpline_view(line: Helpline, locale: str) -> HelplineView:
    name = display_name(pick_locale(line.name, locale), line.own_name)
    contacts = tuple(
        ContactView(c.kind, c.value, pick_locale(c.note, locale) if c.note else None,
                    contact_href(c.kind, c.value, c.dial, c.keyword), c.keyword)
        for c in line.contacts
    )
    return HelplineView(
        id=line.id,
        name=name,
        contacts=contacts,
        hours=pick_locale(line.hours, locale),
        languages=tuple(line.languages),
        website=line.website,
        verified=line.verified,
        short=pick_locale(line.short, locale),
        note=pick_locale(line.note, locale) if line.note else None,
        said_in_name=_call_in_name(name, contacts) if locale == "ko" else None,
    )


def region_view(region: Region, locale: str) -> RegionView:
    lines = tuple(helpline_view(line, locale) for line in region.lines)
    primary = next(line for line in lines if line.id == region.primary)
    numbers = tuple(
        EmergencyView(e.value, f"tel:{e.dial}", pick_locale(e.label, locale) if e.label else None)
        for e in region.emergency
    )
    phrase = ", ".join(f"{e.value} ({e.label})" if e.label else e.value for e in numbers)
    return RegionView(region.id, pick_locale(region.name, locale), phrase or None, lines,
                      primary, numbers)
