"""What ``mindreel preview`` adds to the pages it serves: reloading, and links that stay local.

The files in the outbox are never changed. Only the copy sent over http gets:

- a small script that asks ``STATE_PATH`` once a second whether a rebuild finished (then
  it reloads the page) or failed (then it shows the error at the top of the page);
  the page's Content-Security-Policy, if it has one, is widened by exactly that script's
  hash and ``connect-src 'self'``, so a page opened from disk keeps its own strict policy
  and has no reload code at all;
- every link to ``site.base_url`` (the public site, which does not exist on the
  operator's machine) rewritten to the same path on this server, so the archive, the
  feeds and the email's links can be followed locally.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import threading
from dataclasses import dataclass

STATE_PATH = "/__preview__/state"
"""Where the page asks for the rebuild state (a path no outbox file can have)."""

POLL_MS = 1000

RELOAD_JS = """"use strict";
(function () {
  if (window.top !== window) { return; }
  var seen = null;
  var banner = null;
  function show(message) {
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "preview-error";
      banner.setAttribute("role", "alert");
      var style = banner.style;
      style.position = "sticky"; style.top = "0"; style.zIndex = "9";
      style.padding = "0.75rem 1.25rem"; style.whiteSpace = "pre-wrap";
      style.background = "#fdecea"; style.color = "#1b1d21";
      style.borderBottom = "4px solid #b3261e"; style.font = "1rem/1.5 system-ui, sans-serif";
      document.body.insertBefore(banner, document.body.firstChild);
    }
    banner.textContent = "The last rebuild failed; this is the last good build.\\n" + message;
  }
  function poll() {
    fetch("STATE_PATH", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (seen !== null && state.generation !== seen) { window.location.reload(); return; }
        seen = state.generation;
        if (state.error) { show(state.error); } else if (banner) { banner.remove(); banner = null; }
      }, function () { return null; })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }
  poll();
}());""".replace("STATE_PATH", STATE_PATH).replace("POLL_MS", str(POLL_MS))
"""The reload script: only in pages served by ``mindreel preview``, never in the outbox."""


@dataclass(frozen=True)
class Snapshot:
    generation: int
    error: str | None


class LiveState:
    """The rebuild counter and the last error, shared by the watcher and the server."""

    def __init__(self, base_url: str | None = None) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._error: str | None = None
        self._base_url = base_url

    def rebuilt(self, base_url: str | None = None) -> None:
        """A rebuild finished: open pages reload; any earlier error is cleared."""
        with self._lock:
            self._generation += 1
            self._error = None
            if base_url is not None:
                self._base_url = base_url

    def failed(self, message: str) -> None:
        """A rebuild failed: the outbox is as it was; open pages show ``message``."""
        with self._lock:
            self._error = message

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self._generation, self._error)

    @property
    def base_url(self) -> str | None:
        with self._lock:
            return self._base_url

    def state_json(self) -> bytes:
        snap = self.snapshot()
        return json.dumps({"generation": snap.generation, "error": snap.error}).encode()


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


_CSP_META = re.compile(
    r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE)


def widen_policy(policy: str, script_hash: str) -> str:
    """``policy`` with ``script_hash`` allowed to run and to fetch from this server."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    names = [d.split(" ", 1)[0].lower() for d in directives]
    if "script-src" in names:
        i = names.index("script-src")
        directives[i] = f"{directives[i]} {script_hash}"
    else:
        directives.append(f"script-src {script_hash}")
    if "connect-src" in names:
        i = names.index("connect-src")
        directives[i] = "connect-src 'self'"
    else:
        directives.append("connect-src 'self'")
    return "; ".join(directives)


def local_links(text: str, base_url: str | None) -> str:
    """Every ``base_url`` link in ``text`` made a root-relative link on this server."""
    if not base_url:
        return text
    base = re.escape(base_url.rstrip("/"))
    return re.sub(base + r"(?:/|(?=[\"'?#<\s])|$)", "/", text)


def live_page(page: bytes, base_url: str | None, *, script: bool = True) -> bytes:
    """The served copy of an HTML page: local links, and the reload script if it has a body."""
    text = local_links(page.decode("utf-8", errors="replace"), base_url)
    end = text.lower().rfind("</body>")
    if end < 0 or not script:
        return text.encode("utf-8")
    script_hash = _hash(RELOAD_JS)
    text = _CSP_META.sub(
        lambda m: m.group(1)
        + html.escape(widen_policy(html.unescape(m.group(2)), script_hash), quote=True)
        + m.group(3),
        text,
        count=1,
    )
    end = text.lower().rfind("</body>")
    return (text[:end] + f"<script>{RELOAD_JS}</script>\n" + text[end:]).encode("utf-8")
