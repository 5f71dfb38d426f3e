"""The Chromium every browser test and the email-height benchmark drive: one path, one
set of flags, one way to start and stop it (Debian's package; Playwright drives it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MISSING = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"


@contextmanager
def launched() -> Iterator[Any]:
    """A headless Chromium, closed again however the caller leaves."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
