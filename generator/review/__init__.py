"""The review page (``outbox/index.html``): the latest and upcoming editions on one page.

It is for the people who send the edition, not for readers: a header with a row per
edition and a jump link per platform (marked when a post needs something before it can
go out), each edition a collapsible section (the current one open), the email in a frame with
width and colour-scheme toggles, each platform's post with its count against its
limit, a copy button per post and per thread part, the content warning, the safety
warnings from each manifest, and links to the feeds and the archive.

Which editions: "now" is the newest ``built_at`` in the ledger (the last build), so the
page is a pure function of the ledger and the edition folders; it shows the newest
edition whose send time had passed by then ("latest") and every built edition after it
("upcoming", at most ``MAX_UPCOMING``). Weeks planned but not built are not shown: build
one ahead (``mindreel build --week ...``) to review it.

Everything comes from the files the channels wrote: counts and limits from
``social/posts.json`` (never recounted), warnings from ``manifest.json``. Post text is
put into the HTML by the autoescaping template; the page's script only reads it back
from the DOM. CSS and script are inline and allowed by hash in a Content-Security-Policy,
so the page works from disk and over http with no other file.

- ``select``: which ledger entries the page shows (latest and upcoming);
- ``model``: the page model, one view object per edition, platform and post;
- ``folders``: reading an edition folder (manifest, posts, email) into that model;
- ``korean``: Korean runs marked ``lang="ko"`` so they break only between words;
- ``page``: the HTML itself, its inline assets and their Content-Security-Policy.

With more than one locale, each edition shows each language's email, posts, cards and
counts in its own part, and a switch in the header shows one language at a time
(``templates/review/languages.js``; without JavaScript every language is shown).
"""

from __future__ import annotations

from generator.review.page import REVIEW_FILE, render_review
from generator.review.select import MAX_UPCOMING, select, split

__all__ = ["MAX_UPCOMING", "REVIEW_FILE", "render_review", "select", "split"]
