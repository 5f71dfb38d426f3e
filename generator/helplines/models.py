"""data/helplines.yaml -> Region and Helpline models.

A helpline record separates what readers use from how we know it:

- reader fields: ``name``, ``contacts`` (each number with the form a phone dials),
  ``hours``, ``website`` (the service's own site, or absent), ``note``, ``short``;
- evidence: ``sources`` (title, URL, date) and ``verified`` (the day we checked them);
- ``editorial``: research notes and doubts. ``mindreel catalogue`` prints them; no
  edition, page or post ever renders them (the edition's views do not carry them).

A ``website`` that is one of the line's sources is refused: a news article about a line
is evidence, never the place a reader in crisis should be sent.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationInfo, field_validator, model_validator

from generator.schema import HttpsUrl, Line, LocalLine, LocalText, RegionId, Slug, Strict, Text

DIAL_PATTERN = r"^\+?[0-9]{2,15}$"
Dial = Annotated[str, Field(pattern=DIAL_PATTERN)]
"""Digits as a phone dials them (a leading ``+`` for international form)."""

Kind = Literal["call", "text", "chat", "whatsapp", "kakaotalk", "app", "email", "web"]
DIALLED: frozenset[str] = frozenset({"call", "text", "whatsapp"})
"""Contact kinds that are phone numbers and so need a ``dial`` form."""

_LETTERS_TO_DIGITS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


class LineSource(Strict):
    """Evidence for a line: never shown to readers as the line's website."""

    title: Line
    url: HttpsUrl
    date: date
    """The source's own date, or the day it was read when the page carries none."""


class Contact(Strict):
    kind: Kind
    value: Line
    """The number or handle as readers know it: ``116 123``, ``0917-899-USAP``."""
    dial: Dial | None = None
    """What ``tel:``/``sms:`` links dial; required for calls, texts and WhatsApp."""
    keyword: Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,20}$")] | None = None
    """A word to text (``HOME`` to 741741); prefilled in the ``sms:`` link."""
    note: LocalLine | None = None

    @model_validator(mode="after")
    def _dialable(self) -> Contact:
        if self.kind in DIALLED and self.dial is None:
            raise ValueError(f"a {self.kind} contact needs 'dial': the digits a phone dials")
        if self.kind not in DIALLED and self.dial is not None:
            raise ValueError(f"'dial' is only for call, text and whatsapp contacts, "
                             f"not {self.kind}")
        if self.keyword is not None and self.kind != "text":
            raise ValueError("'keyword' is only for text contacts")
        if self.kind == "whatsapp" and self.dial is not None and not self.dial.startswith("+"):
            raise ValueError("a whatsapp 'dial' needs the international form (+65...)")
        if self.dial is not None and not _same_number(self.value, self.dial):
            raise ValueError(f"dial {self.dial!r} does not match value {self.value!r}")
        return self


def _same_number(value: str, dial: str) -> bool:
    """Whether ``dial`` is ``value``'s digits (letters as on a keypad; a ``+`` dial may add
    a country code and drop a trunk 0), so a typo in either is caught."""
    digits = re.sub(r"[^0-9]", "", value.upper().translate(_LETTERS_TO_DIGITS))
    plain = dial.lstrip("+")
    return plain == digits or (dial.startswith("+") and (
        plain.endswith(digits) or plain.endswith(digits.lstrip("0"))))


def same_page(a: str, b: str) -> bool:
    """Whether two https URLs name the same page (case of host, ``www.``, a trailing
    slash and a fragment do not count)."""
    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url)
        host = parts.netloc.lower().removeprefix("www.")
        return host, parts.path.rstrip("/") or "", parts.query

    return key(a) == key(b)


class Helpline(Strict):
    id: Slug
    name: LocalLine
    own_name: Line | None = None
    """The service's name as its own country writes it (Samaritans, よりそいホットライン).
    An edition whose name for the line does not hold it shows it in brackets after that
    name, so a reader abroad can search for the service; lines in the edition's own
    country leave it out."""
    contacts: list[Contact] = Field(min_length=1)
    hours: LocalLine
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(min_length=1)
    verified: date
    """The day we last checked this line against its sources."""
    sources: list[LineSource] = Field(min_length=1)
    website: HttpsUrl | None = None
    """The service's own site; left out when we could not confirm one."""
    short: LocalLine
    """The line in tight spaces (social posts): name and number only."""
    note: LocalText | None = None
    """A short remark for readers (who it is for, a language option)."""
    editorial: Text | None = None
    """Research notes and doubts for maintainers; never rendered for readers."""

    @field_validator("website")
    @classmethod
    def _not_a_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        sources = info.data.get("sources") or []
        if value is not None and any(same_page(value, s.url) for s in sources):
            raise ValueError("is one of the line's sources; link the service's own site, "
                             "or leave website out")
        return value


class Emergency(Strict):
    value: Line
    dial: Dial
    label: LocalLine | None = None
    """What it is for (police, fire and ambulance), where a region has several."""

    @model_validator(mode="after")
    def _matches(self) -> Emergency:
        if not _same_number(self.value, self.dial):
            raise ValueError(f"dial {self.dial!r} does not match value {self.value!r}")
        return self


class Region(Strict):
    id: RegionId
    name: LocalLine
    emergency: list[Emergency] = Field(default_factory=list)
    sources: list[LineSource] = Field(default_factory=list)
    """Evidence for the emergency numbers."""
    editorial: Text | None = None
    """Research notes on the region (never rendered)."""
    lines: list[Helpline] = Field(min_length=1)
    primary: Slug
    """The line social posts use for this region."""

    @model_validator(mode="after")
    def _primary_exists(self) -> Region:
        if self.primary not in {line.id for line in self.lines}:
            raise ValueError(f"primary line {self.primary!r} is not one of this region's lines")
        if self.id != "INTL" and not self.emergency:
            raise ValueError("needs its emergency number(s) in 'emergency'")
        return self

    @property
    def primary_line(self) -> Helpline:
        return next(line for line in self.lines if line.id == self.primary)


class HelplinesFile(Strict):
    regions: list[Region] = Field(min_length=1)
    international: RegionId = "INTL"
