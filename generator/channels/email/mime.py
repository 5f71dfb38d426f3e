"""The .eml: RFC 5322 headers and a multipart/alternative body, byte-identical on rebuild.

Four traps of Python's ``email`` package (3.11) are handled here:

* A URL longer than about 78 characters in ``List-Unsubscribe`` is folded into RFC 2047
  encoded words, which breaks one-click unsubscribe. ``List-*`` headers are folded with
  ``max_line_length=998`` (one line, never encoded); others keep 78 columns.
* With 998 columns a long Hangul Subject becomes one huge encoded word (RFC 2047 allows
  75 characters), and with 78 columns the modern folder drops the space between some
  encoded words. So Subject and From phrases are encoded here with the long-standing
  ``email.header.Header`` encoder and stored pre-folded (``Prefolded``), verbatim.
* A value containing ``=?charset?q?...?=`` is *decoded* when assigned, so text like
  ``=?utf-8?q?x=0D=0ABcc:_y?=`` would write a raw CR LF, a new header, on output. Free
  text is collapsed to one line, stripped of control characters and every ``=?`` gets a
  word joiner; URLs containing ``=?`` are refused.
* Boundaries are random unless set; ours is derived from the content.

After serialising, the bytes are parsed back and must carry exactly the intended headers
and values, in order, each once, or the build fails: the guard behind all of the above.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.errors import MessageError
from email.header import Header
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesHeaderParser
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr
from typing import Any

from generator.errors import ChannelError

SMTP_LINE_LIMIT = 998
HEADER_LINE = 78
LONGEST_WORD = 72
ENCODER_LINE = 76
"""``Header``'s own default: keeps every encoded word within RFC 2047's 75 characters."""
ONE_LINE_HEADERS = frozenset({"list-id", "list-archive", "list-unsubscribe",
                              "list-unsubscribe-post"})
WORD_JOINER = "\u2060"


class Prefolded(str):
    """A header value already encoded and folded (lines joined by LF); written verbatim."""


class KeptHeaders(HeaderRegistry):
    """The standard header classes; a (name, value) parsed again is kept, parsed once
    per process from then on.

    Parsing a header value is most of the cost of writing and reading back a message,
    and most headers (From, To, the List-* set, every part's Content-Type) are the same
    every week. Header objects are immutable strings with their parse tree, which
    folding only reads, so one object serves every message. A parse tree is large
    (kilobytes), so only values seen twice are kept (not each week's Date or Subject),
    and at most ``KEPT`` of them."""

    KEPT = 64
    SEEN = 4_096

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], BaseHeader] = {}
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, name: str, value: str) -> BaseHeader:
        key = (name, value)
        found = self.kept.get(key)
        if found is not None:
            return found
        header: BaseHeader = super().__call__(name, value)
        if key in self.seen:
            if len(self.kept) >= self.KEPT:
                self.kept.clear()
            self.kept[key] = header
        else:
            if len(self.seen) >= self.SEEN:
                self.seen.clear()
            self.seen.add(key)
        return header


class MailPolicy(EmailPolicy):
    """SMTP's CRLF and 78 columns; ``List-*`` headers on one line; ``Prefolded`` verbatim."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if isinstance(value, Prefolded):
            return (name, str(value))
        return super().header_store_parse(name, value)

    def fold(self, name: str, value: str) -> str:
        folded: str = EmailPolicy.fold(self._for(name), name, value)
        return folded

    def fold_binary(self, name: str, value: str) -> bytes:
        return EmailPolicy.fold_binary(self._for(name), name, value)

    def _for(self, name: str) -> EmailPolicy:
        if name.lower() in ONE_LINE_HEADERS:
            return self.clone(max_line_length=SMTP_LINE_LIMIT)
        return self


POLICY = MailPolicy(linesep="\r\n", refold_source="none", header_factory=KeptHeaders())
READ_BACK = email_policy.default.clone(header_factory=KeptHeaders())
"""Python's default policy, for reading our bytes back as a mail client would."""


def header_text(value: str) -> str:
    """Catalogue or settings text made safe for a header: one line, no controls, no ``=?``."""
    visible = "".join(ch for ch in " ".join(value.split())
                      if unicodedata.category(ch) not in ("Cc", "Cs"))
    return " ".join(visible.split()).replace("=?", "=" + WORD_JOINER + "?")


@dataclass(frozen=True)
class Envelope:
    """Every header of the message, already resolved."""

    subject: str
    sender_name: str
    sender_address: str
    to: str
    reply_to: str | None
    date: datetime
    message_id: str
    list_id: str
    list_archive: str
    list_unsubscribe: str
    language: str


def message_id(edition_id: str, feature_id: str, domain: str) -> str:
    """``<2026-W48.film-id@domain>``: the same edition always has the same id."""
    return f"<{edition_id}.{feature_id}@{domain}>"


def list_id(title: str, list_address: str) -> str:
    """RFC 2919 ``List-Id``: ``"title" <local.domain>`` (the phrase only when plain ASCII)."""
    local, _, domain = list_address.partition("@")
    label = f"<{local}.{domain}>"
    phrase = header_text(title).replace("\\", "").replace('"', "")
    if phrase and phrase.isascii() and phrase.isprintable() and len(phrase) <= LONGEST_WORD:
        return f'"{phrase}" {label}'
    return label


def list_unsubscribe(url: str, mailto: str | None) -> str:
    """RFC 2369 / 8058: the https URL first, then ``mailto:`` when configured."""
    for value in (url, mailto or ""):
        if "=?" in value:
            raise ChannelError(f"{value!r} contains '=?', which mail software decodes as an "
                               "encoded word; percent-encode the '?' as %3F")
    return f"<{url}>, <mailto:{mailto}>" if mailto else f"<{url}>"


def sender(envelope: Envelope) -> Address:
    """The From mailbox as readers see it (display name cleaned like any header text)."""
    return _address(envelope.sender_name, envelope.sender_address)


def _address(display: str, address: str) -> Address:
    username, _, domain = address.rpartition("@")
    return Address(display_name=header_text(display), username=username, domain=domain)


def _mailbox(mailbox: Address, header: str) -> Prefolded:
    """``name <address>``; a name that is not short ASCII as RFC 2047 words, folded."""
    name = mailbox.display_name
    plain = formataddr((name, mailbox.addr_spec))
    if not name or (name.isascii() and len(plain) + len(header) + 2 <= HEADER_LINE):
        return Prefolded(plain)
    words = Header(name, "utf-8", maxlinelen=ENCODER_LINE, header_name=header).encode(linesep="\n")
    last = words.rsplit("\n", 1)[-1]
    gap = "\n " if len(last) + len(mailbox.addr_spec) + 3 > HEADER_LINE else " "
    return Prefolded(f"{words}{gap}<{mailbox.addr_spec}>")


def _unstructured(text: str, header: str) -> Prefolded:
    """ASCII folded at spaces; other text, or words too long to fold, as RFC 2047 words."""
    if text.isascii() and all(len(word) <= LONGEST_WORD for word in text.split(" ")):
        return Prefolded(_fold_words(text, len(header) + 2))
    return Prefolded(Header(text, "utf-8", maxlinelen=ENCODER_LINE,
                            header_name=header).encode(linesep="\n"))


def _fold_words(text: str, used: int) -> str:
    """Fold single-spaced text before a space so lines stay within 78 columns where words
    allow; unfolding (dropping each line break) gives the text back exactly."""
    lines: list[str] = []
    line = ""
    room = HEADER_LINE - used
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > room:
            lines.append(line)
            line, room = word, HEADER_LINE - 1
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n ".join(lines)


@dataclass(frozen=True)
class HeaderItem:
    """A header as written (``value``) and as a reader must get it back (``expected``)."""

    name: str
    value: str
    expected: str | Address


def header_items(envelope: Envelope) -> list[HeaderItem]:
    """The headers in the order they are written."""
    mailbox = sender(envelope)
    subject = header_text(envelope.subject)
    items = [
        HeaderItem("Date", format_datetime(envelope.date), format_datetime(envelope.date)),
        HeaderItem("From", _mailbox(mailbox, "From"), mailbox),
    ]
    if envelope.reply_to:
        reply_to = _address("", envelope.reply_to)
        items.append(HeaderItem("Reply-To", Prefolded(reply_to), reply_to))
    plain = [
        ("Message-ID", envelope.message_id),
        ("List-Id", envelope.list_id),
        ("List-Archive", f"<{envelope.list_archive}>"),
        ("List-Unsubscribe", envelope.list_unsubscribe),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Content-Language", envelope.language),
        ("MIME-Version", "1.0"),
    ]
    to = _address("", envelope.to)
    items += [
        HeaderItem("To", Prefolded(to), to),
        HeaderItem("Subject", _unstructured(subject, "Subject"), subject),
        *(HeaderItem(name, value, value) for name, value in plain),
    ]
    return items


@dataclass(frozen=True)
class Built:
    """The serialised message and the size of its encoded HTML part."""

    data: bytes
    html_part_bytes: int


def build_message(envelope: Envelope, text: str, html: str) -> Built:
    """Headers + multipart/alternative (text/plain first, text/html second), CRLF."""
    items = header_items(envelope)
    message = EmailMessage(policy=POLICY)
    for item in items:
        message[item.name] = item.value
    boundary = _boundary(items, text, html)
    message["Content-Type"] = f'multipart/alternative; boundary="{boundary}"'
    parts = [_part(text, "plain"), _part(html, "html")]
    payload: list[Message[str, str] | str] = [*parts]
    message.set_payload(payload)
    data = message.as_bytes()
    _verify(data, items)
    return Built(data, len(_body_bytes(parts[1])))


def _part(body: str, subtype: str) -> MIMEPart[str, str]:
    part = MIMEPart(policy=POLICY)
    body = body.replace("\r\n", "\n")
    part.set_content(body, subtype=subtype, charset="utf-8", cte=_transfer_encoding(body))
    return part


def _transfer_encoding(body: str) -> str:
    """8bit when every line fits SMTP's 998 octets (7bit for ASCII), else quoted-printable."""
    if any(len(line.encode("utf-8")) > SMTP_LINE_LIMIT - 2 for line in body.split("\n")):
        return "quoted-printable"
    return "7bit" if body.isascii() else "8bit"


def _body_bytes(part: MIMEPart[str, str]) -> bytes:
    return part.as_bytes(policy=POLICY).split(b"\r\n\r\n", 1)[1]


def _boundary(items: list[HeaderItem], text: str, html: str) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.name}: {item.value}\n".encode())
    digest.update(text.encode("utf-8") + b"\0" + html.encode("utf-8"))
    return f"=_mindreel_{digest.hexdigest()[:32]}"


def _same_mailbox(got: Address, want: Address) -> bool:
    """Equal mailboxes. Python's parser puts a space between adjacent encoded words in a
    display name (RFC 2047 says to drop it, as mail clients do), so spaces are ignored."""
    return got.addr_spec == want.addr_spec and (
        got.display_name.replace(" ", "") == want.display_name.replace(" ", ""))


def _verify(data: bytes, items: list[HeaderItem]) -> None:
    """Parse the bytes back: exactly our headers, in order, each once, with our values."""
    parsed = BytesHeaderParser(policy=READ_BACK).parsebytes(data)
    expected = [item.name.lower() for item in items] + ["content-type"]
    found = [name.lower() for name in parsed]
    if found != expected:
        raise ChannelError(f"email headers did not survive serialisation: {found} != {expected}")
    for item in items:
        try:
            header: Any = parsed[item.name]
            if isinstance(item.expected, Address):
                same = (len(header.addresses) == 1
                        and _same_mailbox(header.addresses[0], item.expected))
            else:
                same = str(header) == item.expected
        except (ValueError, LookupError, MessageError) as error:
            raise ChannelError(f"email header {item.name} does not parse back: {error}") from None
        if not same:
            raise ChannelError(f"email header {item.name} would be changed by serialisation: "
                               f"{str(item.expected)!r} became {str(header)!r}")
    current = ""
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if b"\r" in line or b"\n" in line or len(line) > SMTP_LINE_LIMIT:
            raise ChannelError("email header contains a bare line break or an overlong line")
        if line[:1] in (b" ", b"\t"):
            if current in ONE_LINE_HEADERS:
                raise ChannelError(f"email header {current} was folded; it must stay on one line")
            continue
        current = line.split(b":", 1)[0].decode("ascii").lower()
        if current in ONE_LINE_HEADERS and b"=?" in line:
            raise ChannelError(f"email header {current} was encoded; it must stay plain")
