"""MJML source -> the HTML that goes out: compiled, CSS inlined, lines kept short.

mjml-python (MRML) leaves ``<mj-style inline="inline">`` CSS in a ``<style>`` block, and
Naver, Nate and GANGA drop ``<style>`` entirely, so css-inline moves every plain rule
onto the elements. Only at-rules (the responsive and dark-mode media queries) stay in
``<style>``, where they are an enhancement, not a requirement.

MRML writes the whole document on very few lines; SMTP caps lines at 998 octets. The
reflow step breaks lines only between two attributes inside a tag, where a newline is
the same whitespace as a space, so rendering is unchanged and the part can go out as
8bit instead of quoted-printable.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import css_inline
from mjml import mjml2html

from generator.errors import ChannelError

LINE_TARGET = 200
"""Reflowed lines aim for this many characters (readable diffs, far below 998)."""


@dataclass(frozen=True)
class Palette:
    """The email's colours; tests check every text/background pair for 4.5:1 contrast."""

    page: str
    surface: str
    note: str
    accent: str
    text: str
    muted: str
    link: str
    help: str
    """The help block's tint: a card that does not look like the body."""
    help_edge: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


LIGHT = Palette(page="#f3f4f6", surface="#ffffff", note="#fff4e0", accent="#b45309",
                text="#1f2933", muted="#4b5563", link="#1a56db",
                help="#e7f0fb", help_edge="#1a56db")
DARK = Palette(page="#0f1115", surface="#1a1d23", note="#2e2414", accent="#f59e0b",
               text="#e6e8eb", muted="#b3bac4", link="#8ab4f8",
               help="#132338", help_edge="#8ab4f8")

TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "surface"), ("muted", "surface"), ("link", "surface"),
    ("text", "note"), ("link", "note"),
    ("text", "help"), ("muted", "help"), ("link", "help"),
    ("text", "page"), ("muted", "page"), ("link", "page"),
)
"""(foreground, background) pairs that occur in the layout, in both palettes."""


def compile_mjml(source: str) -> str:
    """MJML -> HTML with inlined CSS and short lines; no web fonts, no comments."""
    try:
        html = mjml2html(source, disable_comments=True, fonts={})
    except ValueError as error:
        raise ChannelError(f"email template is not valid MJML: {error}") from None
    inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
    inlined = inliner.inline(undo_attribute_escapes(html))
    return reflow(escape_attribute_brackets(inlined)).rstrip("\n") + "\n"


# MRML writes attribute values through Rust's ``str::escape_debug``: a backslash comes
# out doubled, and format or combining characters (a zero-width joiner in an emoji, an
# accent in decomposed text) as ``\u{200d}``. Our templates escape ``"``, ``<`` and ``>``
# as entities, so inside a tag every backslash is one of these escapes; decode them.
_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ATTRIBUTE_VALUE = re.compile(r'="([^"]*)"')
_DEBUG_ESCAPE = re.compile(r"\\(?:u\{([0-9a-fA-F]{1,6})\}|(.))")
_SIMPLE_ESCAPES = {"\\": "\\", "'": "'", '"': "&quot;", "n": "\n", "r": "\r", "t": "\t",
                   "0": ""}


def undo_attribute_escapes(html: str) -> str:
    """Reverse MRML's debug escaping inside attribute values (text content is untouched)."""

    def character(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return chr(int(match.group(1), 16))
        return _SIMPLE_ESCAPES.get(match.group(2), match.group(0))

    def value(match: re.Match[str]) -> str:
        return '="' + _DEBUG_ESCAPE.sub(character, match.group(1)) + '"'

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        return _ATTRIBUTE_VALUE.sub(value, text) if "\\" in text else text

    return _TAG.sub(tag, html)


# A tag as css-inline serialises it: attribute values always double-quoted, where a raw
# '<' or '>' is legal but trips regex-based sanitizers and link rewriters.
_SERIALISED_TAG = re.compile(r'<[A-Za-z][^\s/>]*(?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*\s*/?>')


def escape_attribute_brackets(html: str) -> str:
    """Write ``<`` and ``>`` inside attribute values as ``&lt;`` and ``&gt;``."""

    def value(match: re.Match[str]) -> str:
        return '="' + match.group(1).replace("<", "&lt;").replace(">", "&gt;") + '"'

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        if "<" in text[1:] or ">" in text[:-1]:
            return _ATTRIBUTE_VALUE.sub(value, text)
        return text

    return _SERIALISED_TAG.sub(tag, html)


# A space between a closing attribute quote and the next attribute name. Serialised
# HTML always double-quotes attribute values and escapes '"' inside them, so this
# only matches between attributes (or in text, where a newline renders as a space).
_ATTRIBUTE_GAP = re.compile(r'(?<=") (?=[A-Za-z_:][-A-Za-z0-9_:.]*=")')


def reflow(html: str, target: int = LINE_TARGET) -> str:
    """Break long lines at attribute gaps so no line runs far past ``target``."""
    out: list[str] = []
    for line in html.split("\n"):
        start = 0
        last_gap = -1
        for gap in _ATTRIBUTE_GAP.finditer(line):
            position = gap.start()
            if position - start > target and last_gap > start:
                out.append(line[start:last_gap])
                start = last_gap + 1
            last_gap = position
        if len(line) - start > target and last_gap > start:
            out.append(line[start:last_gap])
            start = last_gap + 1
        out.append(line[start:])
    return "\n".join(out)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 to 21."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
