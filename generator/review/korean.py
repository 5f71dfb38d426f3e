"""Korean runs marked with ``lang="ko"`` so browsers break them between words.

``mark_korean`` marks the Korean runs of mixed text; ``keep_words`` is for text already
inside a Korean element (the Korean edition's posts on the review page).

Posts mix English and Korean (a title in Hangul inside an English sentence). With the
run marked as Korean, the page's ``:lang(ko)`` rule (``word-break: keep-all``) keeps
each Korean word whole at any width, and screen readers switch voice for it. The text
itself is unchanged: the spans add no characters, so copying a post copies exactly its
file.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
_RUN = re.compile(f"[{_HANGUL}]+(?:[ \u00a0]+[{_HANGUL}]+)*")


def mark_korean(text: str) -> Markup:
    """``text`` escaped, with each run of Korean words wrapped in ``<span lang="ko">``."""
    out: list[str] = []
    end = 0
    for match in _RUN.finditer(text):
        out.append(escape(text[end : match.start()]))
        out.append(Markup('<span lang="ko">{}</span>').format(match.group()))
        end = match.end()
    out.append(escape(text[end:]))
    return Markup("").join(out)


_MIXED = re.compile(f"[^\\s{_HANGUL}]*[{_HANGUL}]\\S*")
_LONGEST_KEPT = 24
"""A mixed word longer than this may wrap (it could be wider than a phone's line)."""


def keep_words(text: str) -> Markup:
    """``text`` escaped, for an element already marked ``lang="ko"``: each Korean word
    that also holds digits, Latin letters or brackets ("(24시간)", "(소방·구급)에",
    "SNS상담") is kept on one line. ``word-break: keep-all`` keeps Hangul together but
    browsers still break where Hangul meets other characters. Adds no characters."""
    out: list[str] = []
    end = 0
    for match in _MIXED.finditer(text):
        word = match.group()
        if len(word) > _LONGEST_KEPT or not re.search(f"[^{_HANGUL}]", word):
            continue
        out.append(escape(text[end : match.start()]))
        out.append(Markup('<span class="nw">{}</span>').format(word))
        end = match.end()
    out.append(escape(text[end:]))
    return Markup("").join(out)
