"""Social channel: one post (or a short numbered thread) per platform, each fitting that
platform as it counts, with a content warning first and the primary helpline always.

Files (relative to the edition folder): ``social/<platform>.txt`` (and ``-2``, ``-3`` for
thread parts), ``social/mastodon.cw.txt`` (the text for Mastodon's CW field),
``social/posts.json``, and ``social/bulk.json`` (the single post per platform that the
outbox-level bulk-import files are made from). Wording lives in templates/social/,
limits and counting rules in platforms.yaml; this module chooses the pieces of copy and
fits them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from jinja2 import Template

from generator.channels import Files, RenderContext
from generator.channels.social.count import Count, count
from generator.channels.social.export import Post, export
from generator.channels.social.fit import Fitted, Variant, fit, pack
from generator.channels.social.rules import PlatformRule, packaged_rules, platform_rules
from generator.edition import ContactView, Edition, TitleView
from generator.errors import ChannelError
from generator.render import environment

_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class FeatureCopy:
    """The feature as posts name it: "Marathon (말아톤, 2005)", "a Korean film on ..."."""

    title: str
    title_ko: str | None
    year: int | None
    kind: str
    about: str
    credit: str | None


@dataclass(frozen=True)
class HelpCopy:
    """The primary region's primary line; ``short`` picks the form a post shows."""

    short: bool
    line: str
    region: str
    name: str
    contacts: tuple[ContactView, ...]
    hours: str
    emergency: str | None


@dataclass(frozen=True)
class DetailsCopy:
    """The longer paragraphs roomy posts carry (dropped first when a post is too long)."""

    synopsis: str | None
    why: str | None
    credit: str | None
    awareness: str
    support: str
    related: tuple[FeatureCopy, ...]


@dataclass(frozen=True)
class Copy:
    """Everything a platform template may say about one edition, in every form."""

    site: str
    feature: FeatureCopy
    tagline: str
    tagline_short: str
    details: DetailsCopy
    hashtags: tuple[str, ...]
    help: HelpCopy
    cw_labels: tuple[str, ...]


def render(edition: Edition, ctx: RenderContext) -> Files:
    """Every enabled platform's posts and the files scheduling tools import."""
    copy = edition_copy(edition)
    posts: list[Post] = []
    bulk: list[Post] = []
    for platform, rule in platform_rules(ctx.settings.social).items():
        composed, single = compose(edition, ctx, platform, rule, copy)
        posts += composed
        bulk.append(single)
    return export(edition, posts, bulk, ctx.ahead(edition.send_at))


def lower_first(text: str) -> str:
    """"Trauma and PTSD" -> "trauma and PTSD"; "ADHD" stays "ADHD"."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def camel_hashtag(tag: str) -> str:
    """``#`` plus the tag with a capital first letter (CamelCase reads aloud well)."""
    return "#" + tag[:1].upper() + tag[1:]


def _feature_of(title: TitleView, about: str, locale: str = "en") -> FeatureCopy:
    if locale == "ko":  # 〈말아톤〉 (2005): the Korean title in Korean title marks
        return FeatureCopy(f"〈{title.title_ko}〉", None, title.year, title.type, about,
                           title.credit)
    return FeatureCopy(title.title, title.title_ko, title.year, title.type, about, title.credit)


def _in_script(tag: str, locale: str) -> bool:
    """A hashtag for ``locale``'s readers: Hangul ones for Korean (#정신건강), the others
    for English."""
    hangul = any("\uac00" <= ch <= "\ud7a3" for ch in tag)
    return hangul == (locale == "ko")


def edition_copy(edition: Edition) -> Copy:
    """The edition's copy pieces, independent of platform."""
    theme = edition.theme
    locale = edition.locale
    about = lower_first(theme.name)
    film = edition.film
    if film is not None:
        feature = _feature_of(film, about, locale)
        details = DetailsCopy(film.synopsis, film.why_it_matters, film.credit, theme.awareness,
                              theme.support, ())
    else:
        name_ko = None if locale == "ko" else theme.name_ko
        feature = FeatureCopy(theme.name, name_ko, None, "theme", about, None)
        related = tuple(_feature_of(r, about, locale) for r in edition.related)
        details = DetailsCopy(None, None, None, theme.awareness, theme.support, related)
    seen: set[str] = set()
    tags: list[str] = []
    for view in edition.themes:
        for tag in view.hashtags:
            if tag.casefold() not in seen and _in_script(tag, locale):
                seen.add(tag.casefold())
                tags.append(camel_hashtag(tag))
    region = edition.primary_region
    line = region.primary
    help_copy = HelpCopy(False, line.short, region.name, line.name, line.contacts_after_name,
                         line.hours, region.emergency)
    notes = tuple(note.short or note.label for note in edition.content_notes)
    return Copy(edition.site.title, feature, theme.tagline, theme.tagline_short, details,
                tuple(tags), help_copy, notes)


def tagged_link(edition: Edition, ctx: RenderContext, platform: str) -> str:
    """The edition page with the site's UTM tags, ``{platform}``/``{edition}`` filled in."""
    params = {key: value.replace("{platform}", platform).replace("{edition}", edition.id)
              for key, value in ctx.settings.social.utm.items()}
    return edition.links.tagged(params)


def tidy(text: str) -> str:
    """NFC, no trailing spaces, at most one blank line in a row, no outer whitespace."""
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Composer:
    """Renders and measures one platform's posts for one edition."""

    edition: Edition
    platform: str
    rule: PlatformRule
    copy: Copy
    template: Template
    cw: str | None
    link: str
    texts: dict[tuple[Variant, int, int, str, bool], str] = field(
        default_factory=dict, compare=False, repr=False)
    """Texts rendered so far: fitting a thread tries the same variant and part again."""
    counts: dict[str, Count] = field(default_factory=dict, compare=False, repr=False)

    @property
    def native_cw(self) -> str | None:
        return self.cw if self.rule.cw == "spoiler_text" else None

    def text(self, variant: Variant, part: int = 1, total: int = 1, continuation: str = "",
             show_link: bool | None = None) -> str:
        """The post's text; the link goes in part 1, or in the last part once moved."""
        if show_link is None:
            show_link = part == total if variant.link_moved else part == 1
        key = (replace(variant, step=""), part, total, continuation, show_link)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = self._render(variant, part, total, continuation, show_link)
        return text

    def _render(self, variant: Variant, part: int, total: int, continuation: str,
                show_link: bool) -> str:
        copy = self.copy
        feature = copy.feature if variant.title_ko else replace(copy.feature, title_ko=None)
        awareness = None if variant.awareness_moved else (
            copy.tagline_short if variant.short_tagline else copy.tagline)
        return tidy(self.template.render({
            "site": copy.site,
            "cw": self.cw if self.rule.cw == "line" else None,
            "feature": feature,
            "awareness": awareness,
            "details": copy.details if variant.details else None,
            "link": self.link if show_link else None,
            "hashtags": list(copy.hashtags[:variant.hashtags]),
            "help": replace(copy.help, short=variant.short_helpline),
            "part": part,
            "total": total,
            "continuation": continuation,
        }))

    def measure(self, text: str) -> Count:
        """The platform's count; a native CW must also fit as a first line (bulk files)."""
        found = self.counts.get(text)
        if found is None:
            native = self.native_cw
            found = self.counts[text] = count(f"{native}\n{text}" if native else text,
                                              self.rule)
        return found

    def what(self, part: int = 1, total: int = 1) -> str:
        which = "post" if total == 1 else f"part {part}/{total}"
        return f"{self.platform}: {which} for {self.edition.id}"

    def fit(self, order: Sequence[str], part: int = 1, total: int = 1,
            min_hashtags: int | None = None) -> Fitted:
        copy, rule = self.copy, self.rule
        start = Variant(
            details=True,
            hashtags=min(rule.hashtags.max, len(copy.hashtags)),
            short_tagline=False,
            short_helpline=rule.helpline == "short",
            title_ko=copy.feature.title_ko is not None,
        )
        least = min(rule.hashtags.min, len(copy.hashtags)) if min_hashtags is None \
            else min_hashtags
        return fit(partial(self.text, part=part, total=total), self.measure, start, order,
                   least, self.what(part, total))

    def thread(self, order: Sequence[str], most: int) -> tuple[Fitted, list[str]] | None:
        """Part 1 and the follow-up texts of a thread; None when nothing follows part 1.

        Follow-ups hold the awareness paragraph and the support line, split at sentence
        ends; if part 1 gave up its awareness line or its link, they carry those too (the
        link in the last part; every follow-up is packed with room for it).
        """
        first = self.fit(order, 1, most)
        copy, moved = self.copy, first.variant

        def fits(text: str, link: bool = False) -> bool:
            return self.measure(self.text(moved, most, most, text, show_link=link)).fits

        rest = [copy.details.awareness, copy.details.support]
        required = 0
        if not moved.awareness_moved:
            chunks = pack(rest, fits, most - 1)
        else:  # the awareness line opens part 2, with its paragraph when that fits
            for paragraphs in ([f"{copy.tagline} {rest[0]}", rest[1]], [copy.tagline, *rest]):
                chunks = pack(paragraphs, fits, most - 1)
                if chunks and chunks[0].startswith(copy.tagline):
                    break
            else:
                raise ChannelError(f"{self.what(2, most)}: the awareness line does not fit in "
                                   "the second post of the thread")
            required = 1
        if moved.link_moved and not (chunks and fits(chunks[-1], link=True)):
            # The link goes last: in a post of its own, for which optional text gives way.
            if not fits("", link=True):
                raise ChannelError(f"{self.what(most, most)}: no follow-up post has room "
                                   "for the link")
            while len(chunks) >= most - 1 and len(chunks) > required:
                chunks.pop()
            if len(chunks) >= most - 1:
                raise ChannelError(f"{self.what(most, most)}: no follow-up post has room "
                                   "for the link")
            chunks.append("")
        if not chunks:
            return None
        total = len(chunks) + 1  # "1/2" is as long as "1/3": the trial's fit still holds
        texts = [self.text(moved, number, total, chunk)
                 for number, chunk in enumerate(["", *chunks], start=1)]
        for number, text in enumerate(texts, start=1):
            if not self.measure(text).fits:  # measured while packing: a guard, not a path
                raise ChannelError(f"{self.what(number, total)} is "
                                   f"{self.measure(text).overflow()}")
        return Fitted(texts[0], self.measure(texts[0]), moved, first.steps), texts[1:]


def compose(edition: Edition, ctx: RenderContext, platform: str, rule: PlatformRule,
            copy: Copy) -> tuple[list[Post], Post]:
    """One platform's post, or its numbered thread, fitted, and the single post bulk files
    carry; ``ChannelError`` if impossible.

    X and Bluesky thread a theme edition, and a film edition whose awareness line does
    not fit whole in one post; every other post stands alone. For a thread, the bulk
    post is fitted on its own: title, link and helpline, the awareness line giving way
    before the helpline shortens, and hashtags may all go (bulk tools post no replies,
    so no "1/3").
    """
    env = environment(ctx.templates_dir, edition.locale)
    cw = None
    if copy.cw_labels:
        parts = env.get_template("social/_parts.j2").module
        cw = tidy(str(vars(parts)["cw"](list(copy.cw_labels))))
    composer = Composer(edition, platform, rule, copy,
                        env.get_template(f"social/{platform}.txt.j2"), cw,
                        tagged_link(edition, ctx, platform))
    rules = packaged_rules()
    single: Fitted | None = None
    failure: ChannelError | None = None
    try:
        single = composer.fit(rules.shortening)
    except ChannelError as exc:
        failure = ChannelError(f"{exc}; {_what_to_shorten(edition)}")
    threaded = None
    if rule.thread is not None and (copy.feature.kind == "theme" or single is None
                                    or "tagline" in single.steps):
        try:
            threaded = composer.thread(rules.thread_shortening, rule.thread.max_parts)
        except ChannelError as exc:
            if failure is not None:  # report the single post, the form most editions take
                raise failure from exc
    if threaded is None:
        if single is None:
            assert failure is not None
            raise failure
        threaded = (single, [])
    first, follow_ups = threaded
    total = len(follow_ups) + 1
    native = composer.native_cw
    link_moved = first.variant.link_moved
    image_url, alt_text = _image(edition, ctx, rule, platform)
    posts = [Post(
        platform=platform, rule=rule, part=1, parts=total, text=first.text,
        count=count(first.text, rule, native), cw=cw,
        link=None if link_moved else composer.link,
        hashtags=copy.hashtags[:first.variant.hashtags], steps=first.steps,
        alt_text=alt_text, image_url=image_url,
        text_without_link=composer.text(first.variant, 1, total, show_link=False),
    )]
    for number, text in enumerate(follow_ups, start=2):
        carries_link = link_moved and number == total
        posts.append(Post(platform=platform, rule=rule, part=number, parts=total, text=text,
                          count=count(text, rule, native), cw=cw,
                          link=composer.link if carries_link else None, hashtags=(),
                          steps=(), alt_text=None, image_url=None, text_without_link=text))
    if total == 1:
        return posts, posts[0]
    order = [step for step in rules.thread_shortening if step != "link"]
    try:
        alone = composer.fit(order, min_hashtags=0)  # a bulk post may go without hashtags
    except ChannelError as exc:
        raise ChannelError(f"{exc} (the single post for bulk import); "
                           f"{_what_to_shorten(edition)}") from exc
    return posts, replace(
        posts[0], parts=1, text=alone.text, count=count(alone.text, rule, native),
        link=composer.link, hashtags=copy.hashtags[:alone.variant.hashtags], steps=alone.steps,
        text_without_link=composer.text(alone.variant, show_link=False))


def _what_to_shorten(edition: Edition) -> str:
    """The catalogue text a too-long post comes from, for the error message."""
    theme = f"the tagline_short of theme {edition.theme.id!r} in data/themes.yaml"
    if edition.film is not None:
        return f"shorten the title of {edition.film.id!r} in data/films.yaml or {theme}"
    return f"shorten the name or {theme.removeprefix('the ')}"


def _image(edition: Edition, ctx: RenderContext, rule: PlatformRule,
           platform: str) -> tuple[str | None, str | None]:
    """(image URL, alt text) of part 1: the platform's share card when cards are on."""
    if ctx.settings.channels.cards:
        from generator.channels.cards.channel import post_image

        return post_image(edition, platform, rule.alt_text_limit)
    url = edition.film.image_url if edition.film is not None else None
    return url, _alt_text(edition, rule, platform)


def _alt_text(edition: Edition, rule: PlatformRule, platform: str) -> str | None:
    """The image description, checked against the platform's limit (never truncated)."""
    film = edition.film
    if film is None or film.image_url is None or not film.image_alt:
        return None
    alt = unicodedata.normalize("NFC", " ".join(film.image_alt.split()))
    if rule.alt_text_limit is not None and len(alt) > rule.alt_text_limit:
        raise ChannelError(f"{platform}: image description for {edition.id} is "
                           f"{len(alt)}/{rule.alt_text_limit} characters; shorten image_alt "
                           f"of {film.id!r} in data/films.yaml")
    return alt
