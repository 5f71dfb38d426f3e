"""ESP presets: which unsubscribe and archive links the email carries, and how catalogue
text is kept inert for the ESP's own template language.

Templates render with *slots* (opaque tokens) where the ESP links go. After MJML and
CSS inlining, the finished HTML and text are (1) neutralised, so no ``{{``, ``{%``,
``{#`` or ``*|`` from catalogue text can reach listmonk's Go templates, Buttondown's
Django templates or Mailchimp's merge tags, and then (2) the slots are replaced by the
preset's placeholders. The placeholders are therefore data that no template engine in
this program ever evaluates, and they are the only live ESP syntax in the output.

A slot embeds a hash of the whole edition, so catalogue text cannot contain one.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.edition import Edition

ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class Preset:
    """One ESP's placeholders; ``None`` means the real URL."""

    name: str
    unsubscribe: str | None
    archive: str | None
    evaluates_templates: bool


PRESETS: dict[str, Preset] = {
    "plain": Preset("plain", None, None, evaluates_templates=False),
    "listmonk": Preset("listmonk", "{{ UnsubscribeURL }}", "{{ MessageURL }}", True),
    "mailchimp": Preset("mailchimp", "*|UNSUB|*", "*|ARCHIVE|*", True),
    "buttondown": Preset("buttondown", "{{ unsubscribe_url }}", None, True),
}


@dataclass(frozen=True)
class Slots:
    """Opaque tokens the templates use where an ESP link goes."""

    unsubscribe: str
    view: str


def slots_for(edition: Edition) -> Slots:
    """Tokens derived from the edition's content (deterministic, never in the content).

    ``repr`` of the frozen edition covers every field, text and date included.
    """
    digest = hashlib.sha256(repr(edition).encode("utf-8")).hexdigest()[:24]
    return Slots(unsubscribe=f"mindreel-slot-{digest}-unsubscribe",
                 view=f"mindreel-slot-{digest}-view")


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

    def html(self, document: str) -> str:
        neutral = neutralise_html if self.preset.evaluates_templates else _same
        return self._fill(neutral(document), lambda value: neutral(html.escape(value)))

    def text(self, text: str) -> str:
        neutral = neutralise_text if self.preset.evaluates_templates else _same
        return self._fill(neutral(text), neutral)

    def _fill(self, output: str, real: Callable[[str], str]) -> str:
        """Replace each slot: a placeholder verbatim, a real URL made safe like the text."""
        fills = (
            (self.slots.unsubscribe, self.preset.unsubscribe, self.unsubscribe_url),
            (self.slots.view, self.preset.archive, self.view_url),
        )
        for slot, placeholder, url in fills:
            output = output.replace(slot, placeholder if placeholder is not None else real(url))
        return output


def _same(text: str) -> str:
    return text


def finisher_for(edition: Edition, esp: str) -> Finisher:
    return Finisher(PRESETS[esp], slots_for(edition), edition.links.unsubscribe, edition.links.page)
