"""Fitted posts -> the files a social media manager uses.

- ``social/<platform>.txt`` (``-2``, ``-3`` for thread parts): exactly what to paste.
- ``social/mastodon.cw.txt``: what to paste into Mastodon's content-warning field.
- ``social/posts.json``: every post with its count by the platform's own rule, limit,
  content warning, link, hashtags, schedule and image description (for APIs and review).
- ``social/buffer/<platform>.csv`` and ``social/hootsuite/<platform>.csv``: bulk-import
  files, one per platform, because both tools import a file into the channels chosen
  at upload. Thread replies cannot be expressed in either, so each holds part 1.

CSV files are UTF-8 with a BOM (Excel), every field quoted, CRLF line ends.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from generator.channels import Files
from generator.channels.social.count import Count
from generator.channels.social.rules import PlatformRule
from generator.edition import Edition

BUFFER_HEADER = ("Text", "Image URL", "Tags", "Posting Time")
BUFFER_TIME = "%Y-%m-%d %H:%M"
HOOTSUITE_TIME = "%m/%d/%Y %H:%M"


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


def export(edition: Edition, posts: list[Post]) -> Files:
    """Every file of the social channel."""
    files: Files = {post.file: post.text.encode("utf-8") for post in posts}
    for post in posts:
        if post.part == 1 and post.native_cw:
            files[f"social/{post.platform}.cw.txt"] = post.native_cw.encode("utf-8")
    files["social/posts.json"] = posts_json(edition, posts)
    for post in posts:
        if post.part == 1:
            files[f"social/buffer/{post.platform}.csv"] = buffer_csv(edition, post)
            files[f"social/hootsuite/{post.platform}.csv"] = hootsuite_csv(edition, post)
    return files


def _entry(edition: Edition, post: Post) -> dict[str, Any]:
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
        "scheduled_at": edition.send_at.isoformat(),
        "image_url": post.image_url,
        "alt_text": post.alt_text,
        "shortened": list(post.steps),
    }


def posts_json(edition: Edition, posts: list[Post]) -> bytes:
    body = [_entry(edition, post) for post in posts]
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # lineterminator defaults to CRLF
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def buffer_csv(edition: Edition, post: Post) -> bytes:
    """Buffer: ``Text,Image URL,Tags,Posting Time``; time ``YYYY-MM-DD HH:mm``, 24-hour,
    in the schedule's timezone (set the Buffer channel to the same timezone)."""
    row = (post.bulk(), post.image_url or "", "", edition.send_at.strftime(BUFFER_TIME))
    return _csv([BUFFER_HEADER, row])


def hootsuite_csv(edition: Edition, post: Post) -> bytes:
    """Hootsuite Bulk Composer: date (``MM/DD/YYYY HH:mm``, pick that format at upload),
    message, link, and the image's URL when the post has one; no header row. The link is
    its own column, so the message omits it."""
    row = (edition.send_at.strftime(HOOTSUITE_TIME), post.bulk(with_link=False), post.link or "")
    return _csv([(*row, post.image_url)] if post.image_url else [row])
