"""Make a post fit its platform by swapping whole pieces of copy, in a fixed order.

A post is rendered from a ``Variant`` (which form of each piece it uses). When it is too
long, the next variant along the shortening order is tried: fewer hashtags, the short
tagline, the short helpline, no Korean title (and, in the first post of a thread, the
awareness line moved to the second post and the link to the last). Nothing is cut
mid-word, and the helpline and the content warning are never dropped. A post that fits
in no variant is an error, never a truncated post.

Threads (numbered posts) take paragraphs split at sentence ends; a paragraph that cannot
be placed whole is left out rather than cut.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import regex

from generator.channels.social.count import Count
from generator.errors import ChannelError

_SENTENCE_END = regex.compile(r"(?<=[.!?。！？])\s+")


@dataclass(frozen=True)
class Variant:
    """Which form of each piece of copy a post uses; ``step`` says how it was reached."""

    details: bool
    hashtags: int
    short_tagline: bool
    short_helpline: bool
    title_ko: bool
    awareness_moved: bool = False
    link_moved: bool = False
    step: str = ""


def shortenings(start: Variant, order: Sequence[str], min_hashtags: int) -> Iterator[Variant]:
    """``start``, then each shorter variant in ``order``; every step keeps the ones before."""
    current = start
    yield current
    for step in order:
        if step == "details" and current.details:
            current = replace(current, details=False, step=step)
            yield current
        elif step == "hashtags":
            while current.hashtags > min_hashtags:
                current = replace(current, hashtags=current.hashtags - 1, step=step)
                yield current
        elif step == "tagline" and not current.short_tagline:
            current = replace(current, short_tagline=True, step=step)
            yield current
        elif step == "helpline" and not current.short_helpline:
            current = replace(current, short_helpline=True, step=step)
            yield current
        elif step == "awareness" and not current.awareness_moved:
            current = replace(current, awareness_moved=True, step=step)
            yield current
        elif step == "link" and not current.link_moved:
            current = replace(current, link_moved=True, step=step)
            yield current
        elif step == "title-ko" and current.title_ko:
            current = replace(current, title_ko=False, step=step)
            yield current


@dataclass(frozen=True)
class Fitted:
    """A post that fits: its text, its count, its variant and the steps that changed it."""

    text: str
    count: Count
    variant: Variant
    steps: tuple[str, ...]


def fit(render: Callable[[Variant], str], measure: Callable[[str], Count], start: Variant,
        order: Sequence[str], min_hashtags: int, what: str) -> Fitted:
    """The first variant whose text fits; ``ChannelError`` naming ``what`` if none does."""
    steps: list[str] = []
    previous = None
    last: Count | None = None
    for variant in shortenings(start, order, min_hashtags):
        text = render(variant)
        if previous is not None and text == previous:
            continue  # the template does not use what this step removed
        if variant.step and variant.step not in steps:
            steps.append(variant.step)
        previous = text
        last = measure(text)
        if last.fits:
            return Fitted(text, last, variant, tuple(steps))
    assert last is not None
    if last.problems and all(m.fits for m in last.measures):
        raise ChannelError(f"{what} {'; '.join(last.problems)}")
    raise ChannelError(f"{what} is {last.overflow()} after every shortening step")


def sentences(paragraph: str) -> list[str]:
    """Split at sentence ends (whitespace collapsed); words are never split."""
    flat = " ".join(paragraph.split())
    return [s for s in _SENTENCE_END.split(flat) if s]


def pack(paragraphs: Sequence[str], fits: Callable[[str], bool], room: int) -> list[str]:
    """Chunks of whole sentences, each fitting one post, at most ``room`` in all.

    Each paragraph starts a new chunk. A paragraph with a sentence too long for a post,
    or that needs more chunks than are left, is left out whole.
    """
    chunks: list[str] = []
    for paragraph in paragraphs:
        pieces = _split(paragraph, fits)
        if pieces and len(chunks) + len(pieces) <= room:
            chunks += pieces
    return chunks


def _split(paragraph: str, fits: Callable[[str], bool]) -> list[str] | None:
    pieces: list[str] = []
    current = ""
    for sentence in sentences(paragraph):
        trial = f"{current} {sentence}" if current else sentence
        if fits(trial):
            current = trial
        elif current and fits(sentence):
            pieces.append(current)
            current = sentence
        else:
            return None
    if current:
        pieces.append(current)
    return pieces
