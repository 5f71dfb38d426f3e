"""The email channel: Edition -> email.html, email.txt, email.eml and the ESP's file.

Flow: Jinja2 (autoescaped MJML, and a separate plain-text template) -> mjml-python ->
css-inline -> ESP finishing (neutralise template syntax, fill the unsubscribe and
view-in-browser links) -> size budget -> MIME message and the chosen ESP's hand-off
file (``esp.esp_files``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.channels import Files, RenderContext
from generator.channels.email.copy import Copy
from generator.channels.email.esp import LISTMONK_FILE, Handoff, esp_files, finisher_for
from generator.channels.email.html import DARK, LIGHT, compile_mjml
from generator.channels.email.mime import (
    Envelope,
    build_message,
    header_text,
    list_id,
    list_unsubscribe,
    message_id,
    sender,
)
from generator.config import EmailSettings
from generator.edition import Edition
from generator.errors import ChannelError
from generator.render import render as render_template

HTML_FILE = "email.html"
TEXT_FILE = "email.txt"
EML_FILE = "email.eml"
__all__ = ["EML_FILE", "HTML_FILE", "LISTMONK_FILE", "TEXT_FILE", "render"]


@dataclass(frozen=True)
class EmailLinks:
    """The links the templates print; ``unsubscribe`` and ``view`` are ESP slots."""

    unsubscribe: str
    view: str
    site: str
    archive: str
    feed_rss: str
    feed_atom: str
    feed_json: str
    postal_address: str | None


def render(edition: Edition, ctx: RenderContext) -> Files:
    """Render the four email files for ``edition``."""
    settings = ctx.settings.email
    finisher = finisher_for(edition, settings.esp)
    links = EmailLinks(
        unsubscribe=finisher.slots.unsubscribe, view=finisher.slots.view,
        site=edition.links.site, archive=edition.links.archive_index,
        feed_rss=edition.links.feed_rss, feed_atom=edition.links.feed_atom,
        feed_json=edition.links.feed_json,
        postal_address=finisher.slots.address if finisher.has_address else None,
    )
    copy = Copy(edition.locale)
    title = " ".join(copy.subject(edition).split())
    context = {"edition": edition, "links": links, "copy": copy, "subject": title}
    mjml = render_template(ctx.templates_dir, "email/edition.mjml.j2", palette=LIGHT.as_dict(),
                           dark=DARK.as_dict(), **context)
    html = finisher.html(compile_mjml(without_controls(mjml)))
    text = finisher.text(without_controls(
        render_template(ctx.templates_dir, "email/edition.txt.j2", **context)))
    subject = finisher.text(header_text(title))
    envelope = envelope_for(edition, settings, subject, ctx.settings.locale_prefix)
    built = build_message(envelope, text, html)
    check_budget(built.html_part_bytes, settings.size_budget_kb)
    handoff = Handoff(edition, settings, finisher, subject, str(sender(envelope)),
                      envelope.list_id, html, text, ctx.ahead(edition.send_at))
    return {
        HTML_FILE: html.encode("utf-8"),
        TEXT_FILE: text.encode("utf-8"),
        EML_FILE: built.data,
        **esp_files(handoff),
    }


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """Drop control characters (not tab or line breaks): MJML cannot parse them, and in
    the text part an escape sequence would reach the reader's terminal."""
    return _CONTROLS.sub("", text)


def envelope_for(edition: Edition, settings: EmailSettings, subject: str, home: str = ""
                 ) -> Envelope:
    """``home`` is a second language's folder ("ko/"): its message is another message
    (its own Message-ID) on another list (``List-Id: <ko.weekly.example.org>``), so
    readers and mail filters can tell the two editions apart."""
    site = edition.site
    tag = home.strip("/")
    return Envelope(
        subject=subject, sender_name=site.sender_name, sender_address=site.sender_address,
        to=site.list_address, reply_to=site.reply_to, date=edition.send_at,
        message_id=message_id(edition.id + (f".{tag}" if tag else ""), edition.feature_id,
                              site.domain),
        list_id=list_id(site.title, (f"{tag}." if tag else "") + site.list_address),
        list_archive=edition.links.archive_index,
        list_unsubscribe=list_unsubscribe(settings.unsubscribe_url, settings.unsubscribe_mailto),
        language=edition.locale,
    )


def check_budget(html_bytes: int, budget_kb: int) -> None:
    """Gmail clips large messages; the encoded HTML part must stay under the budget."""
    if html_bytes > budget_kb * 1024:
        raise ChannelError(
            f"email HTML is {html_bytes / 1024:.1f} KB encoded, over the "
            f"{budget_kb} KB budget (email.size_budget_kb); shorten the catalogue text "
            "or the number of related titles")
