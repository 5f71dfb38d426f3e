"""ESP presets: which unsubscribe and archive links the email carries, and how catalogue
text is kept inert for the ESP's own template language.

Templates render with *slots* (opaque tokens) where the ESP links go. After MJML and
CSS inlining, the finished HTML and text are (1) neutralised, so no ``{{``, ``{%``,
``{#`` or ``*|`` from catalogue text can reach listmonk's Go templates, Buttondown's
Django templates or Mailchimp's merge tags, and then (2) the slots are replaced by the
preset's placeholders. The placeholders are therefore data that no template engine in
this program ever evaluates, and they are the only live ESP syntax in the output.

A slot embeds a hash of the whole edition, so catalogue text cannot contain one.

The postal address (``site.postal_address``) goes through a slot too: Mailchimp gets its
list-address merge tags, every other preset the configured address as text.

``esp_files`` writes the hand-off file of the chosen ESP only: ``email.listmonk.json``
(a ``POST /api/campaigns`` body) or ``email.buttondown.json`` (a ``POST /v1/emails``
body). Mailchimp takes ``email.html`` itself, with its merge tags; ``plain`` has none.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from generator.config import EmailSettings
from generator.edition import Edition

ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class Preset:
    """One ESP's placeholders; ``None`` means the real URL."""

    name: str
    unsubscribe: str | None
    archive: str | None
    evaluates_templates: bool
    address_html: str | None = None
    address_text: str | None = None


PRESETS: dict[str, Preset] = {
    "plain": Preset("plain", None, None, evaluates_templates=False),
    "listmonk": Preset("listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}", True),
    # The list's postal address: the HTML tag of Mailchimp's own footer snippet, and the
    # one-line tag for the text part.
    "mailchimp": Preset("mailchimp", "*|UNSUB|*", "*|ARCHIVE|*", True,
                        "*|HTML:LIST_ADDRESS_HTML|*", "*|LIST:ADDRESSLINE|*"),
    "buttondown": Preset("buttondown", "{{ unsubscribe_url }}", None, True),
}


@dataclass(frozen=True)
class Slots:
    """Opaque tokens the templates use where an ESP link goes."""

    unsubscribe: str
    view: str
    address: str


def slots_for(edition: Edition) -> Slots:
    """Tokens derived from the edition's content (deterministic, never in the content).

    ``repr`` of the frozen edition covers every field, text and date included.
    """
    digest = hashlib.sha256(repr(edition).encode("utf-8")).hexdigest()[:24]
    return Slots(unsubscribe=f"mindreel-slot-{digest}-unsubscribe",
                 view=f"mindreel-slot-{digest}-view", address=f"mindreel-slot-{digest}-address")


# The opening delimiters of the ESP template languages we target.
_OPENERS = re.compile(r"\{(?=[{%#])|\*(?=\|)")
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>.*?</style>)", re.DOTALL | re.IGNORECASE)
_HTML_REFERENCE = {"{": "&#123;", "*": "&#42;"}


def neutralise_html(document: str) -> str:
    """Write the first character of every ESP opener as a character reference.

    Browsers show the same text; the ESP's template parser no longer sees a tag.
    ``<style>`` blocks are left alone (references are not decoded there, and our CSS
    has no openers).
    """
    parts = _STYLE_BLOCK.split(document)
    for index in range(0, len(parts), 2):
        parts[index] = _OPENERS.sub(lambda m: _HTML_REFERENCE[m.group(0)], parts[index])
    return "".join(parts)


def neutralise_text(text: str) -> str:
    """Put a zero-width space inside every ESP opener (plain text has no references)."""
    return _OPENERS.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


@dataclass(frozen=True)
class Finisher:
    """Turns rendered output into what the chosen ESP receives."""

    preset: Preset
    slots: Slots
    unsubscribe_url: str
    view_url: str
    postal_address: str | None = None

    @property
    def has_address(self) -> bool:
        """True if the footer prints an address (configured, or the ESP's merge tag)."""
        return self.postal_address is not None or self.preset.address_html is not None

    def html(self, document: str) -> str:
        neutral = neutralise_html if self.preset.evaluates_templates else _same
        return self._fill(neutral(document), lambda value: neutral(html.escape(value)),
                          self.preset.address_html)

    def text(self, text: str) -> str:
        neutral = neutralise_text if self.preset.evaluates_templates else _same
        return self._fill(neutral(text), neutral, self.preset.address_text)

    def _fill(self, output: str, real: Callable[[str], str], address: str | None) -> str:
        """Replace each slot: a placeholder verbatim, a real value made safe like the text."""
        fills = (
            (self.slots.unsubscribe, self.preset.unsubscribe, self.unsubscribe_url),
            (self.slots.view, self.preset.archive, self.view_url),
            (self.slots.address, address, self.postal_address or ""),
        )
        for slot, placeholder, url in fills:
            output = output.replace(slot, placeholder if placeholder is not None else real(url))
        return output


def _same(text: str) -> str:
    return text


def finisher_for(edition: Edition, esp: str) -> Finisher:
    return Finisher(PRESETS[esp], slots_for(edition), edition.links.unsubscribe,
                    edition.links.page, edition.site.postal_address)


# --- the hand-off files ---------------------------------------------------------------

LISTMONK_FILE = "email.listmonk.json"
BUTTONDOWN_FILE = "email.buttondown.json"
BUTTONDOWN_HTML_MODE = "<!-- buttondown-editor-mode: fancy -->\n"
"""Makes Buttondown treat the body as HTML rather than guess (its documented comment)."""


@dataclass(frozen=True)
class Handoff:
    """What an ESP file is made from: the finished parts and the message's headers."""

    edition: Edition
    settings: EmailSettings
    finisher: Finisher
    subject: str
    from_header: str
    list_id: str
    html: str
    text: str
    ahead: bool
    """The send time is still ahead at the build moment (else no time is scheduled)."""


def utc_z(when: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: the form listmonk documents for ``send_at``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


def listmonk_campaign(h: Handoff) -> bytes:
    """A body for listmonk's ``POST /api/campaigns``, keys sorted.

    listmonk writes ``List-Unsubscribe`` itself (per subscriber, when its
    ``privacy.unsubscribe_header`` setting is on) and *adds* campaign headers to it, so
    only ``List-Id`` goes in ``headers``. Subject, sender, name and header values are
    templates to listmonk too, so they are neutralised like the text part. ``send_at``
    is set only while the send time is ahead (listmonk refuses a past one); schedule the
    campaign after import (status ``scheduled``).
    """
    edition, neutral = h.edition, h.finisher.text
    campaign: dict[str, object] = {
        "name": neutral(f"{edition.site.title} {edition.id}: {edition.headline}"),
        "subject": h.subject,
        "lists": list(h.settings.listmonk.lists),
        "from_email": neutral(h.from_header),
        "type": "regular",
        "content_type": "html",
        "body": h.html,
        "altbody": h.text,
        "messenger": "email",
        "headers": [{"List-Id": neutral(h.list_id)}],
        "tags": [edition.kind],
    }
    if h.ahead:
        campaign["send_at"] = utc_z(edition.send_at)
    if h.settings.listmonk.template_id is not None:
        campaign["template_id"] = h.settings.listmonk.template_id
    return _json(campaign)


def buttondown_email(h: Handoff) -> bytes:
    """A body for Buttondown's ``POST /v1/emails``: scheduled at the send time while it is
    ahead, else a draft (``status`` is always explicit: its default sends at once)."""
    email: dict[str, object] = {
        "subject": h.subject,
        "body": BUTTONDOWN_HTML_MODE + h.html,
        "status": "scheduled" if h.ahead else "draft",
    }
    if h.ahead:
        email["publish_date"] = utc_z(h.edition.send_at)
    return _json(email)


def esp_files(h: Handoff) -> dict[str, bytes]:
    """The chosen ESP's hand-off file, if it has one."""
    if h.settings.esp == "listmonk":
        return {LISTMONK_FILE: listmonk_campaign(h)}
    if h.settings.esp == "buttondown":
        return {BUTTONDOWN_FILE: buttondown_email(h)}
    return {}
