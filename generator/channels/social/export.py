"""Fitted posts -> the files a social media manager uses.

- ``social/<platform>.txt`` (``-2``, ``-3`` for thread parts): exactly what to paste.
- ``social/mastodon.cw.txt``: what to paste into Mastodon's content-warning field.
- ``social/posts.json``: every post with its count by the platform's own rule, limit,
  content warning, link, hashtags, schedule and image description (for APIs and review).
- ``social/bulk.json``: per platform, the one post a bulk-import tool schedules. Bulk
  files hold single posts, so for a platform that threads this edition it is a
  standalone post (title, link and helpline; the awareness line gives way first), never
  part 1 of a thread. The outbox-level bulk files (``generator.channels.social.bulk``)
  are made from it across every upcoming edition.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.channels import Files
from generator.channels.social.count import Count
from generator.channels.social.rules import PlatformRule
from generator.edition import Edition

BULK_FILE = "social/bulk.json"


@dataclass(frozen=True)
class Post:
    """One post (or one part of a thread) as it will be published."""

    platform: str
    rule: PlatformRule
    part: int
    parts: int
    text: str
    count: Count
    cw: str | None
    link: str | None
    hashtags: tuple[str, ...]
    steps: tuple[str, ...]
    alt_text: str | None
    image_url: str | None
    text_without_link: str

    @property
    def file(self) -> str:
        suffix = "" if self.part == 1 else f"-{self.part}"
        return f"social/{self.platform}{suffix}.txt"

    @property
    def native_cw(self) -> str | None:
        """The content warning for the platform's own CW field, if it has one."""
        return self.cw if self.rule.cw == "spoiler_text" else None

    def bulk(self, with_link: bool = True) -> str:
        """The text for tools with no CW field: a native CW becomes the first line."""
        body = self.text if with_link else self.text_without_link
        return f"{self.native_cw}\n{body}" if self.native_cw else body


def export(edition: Edition, posts: list[Post], bulk: list[Post], ahead: bool = True) -> Files:
    """Every file of the social channel; ``bulk`` holds one single post per platform.

    ``ahead``: the send time is still ahead at the build moment; otherwise posts.json
    carries no ``scheduled_at`` (no file a tool imports holds a time in the past).
    """
    files: Files = {post.file: post.text.encode("utf-8") for post in posts}
    for post in posts:
        if post.part == 1 and post.native_cw:
            files[f"social/{post.platform}.cw.txt"] = post.native_cw.encode("utf-8")
    files["social/posts.json"] = posts_json(edition, posts, ahead)
    threads = {post.platform for post in posts if post.parts > 1}
    files[BULK_FILE] = bulk_json(edition, bulk, threads)
    return files


def bulk_json(edition: Edition, bulk: list[Post], threads: set[str]) -> bytes:
    """``{"edition", "send_at", "posts": [...]}``: what each tool's bulk row says. The
    outbox-level bulk files are made from it, and only while ``send_at`` is ahead.

    ``text`` is the whole post as a tool with no content-warning field publishes it (a
    native CW as its first line); ``message`` the same without the link, for tools that
    take the link in a column of its own. ``standalone`` marks a post written for the
    bulk file because the edition threads on that platform.
    """
    body = {
        "edition": edition.id,
        "send_at": edition.send_at.isoformat(),
        "posts": [{
            "platform": post.platform,
            "label": post.rule.label,
            "part": 1,
            "standalone": post.platform in threads,
            "text": post.bulk(),
            "message": post.bulk(with_link=False),
            "link": post.link,
            "cw": post.cw,
            "image_url": post.image_url,
        } for post in bulk],
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _entry(edition: Edition, post: Post, ahead: bool) -> dict[str, Any]:
    primary = post.count.primary
    return {
        "platform": post.platform,
        "label": post.rule.label,
        "part": post.part,
        "parts": post.parts,
        "file": post.file,
        "text": post.text,
        "count": primary.count,
        "limit": primary.limit,
        "unit": primary.unit,
        "checks": [{"unit": m.unit, "count": m.count, "limit": m.limit}
                   for m in post.count.measures],
        "cw": post.cw,
        "cw_placement": None if post.cw is None else
        ("spoiler_text" if post.native_cw else "first line"),
        "sensitive": post.cw is not None,
        "link": post.link,
        "hashtags": list(post.hashtags),
        "scheduled_at": edition.send_at.isoformat() if ahead else None,
        "image_url": post.image_url,
        "alt_text": post.alt_text,
        "shortened": list(post.steps),
    }


def posts_json(edition: Edition, posts: list[Post], ahead: bool = True) -> bytes:
    body = [_entry(edition, post, ahead) for post in posts]
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
