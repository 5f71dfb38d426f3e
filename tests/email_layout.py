"""Measure the email as a subscriber's phone shows it: a year of editions of the bundled
catalogue, rendered in Chromium at a given viewport width.

Shared by tests/test_email_browser.py (the budgets) and bench/email_heights.py (the
figures). Playwright and Chromium are test dependencies, so this lives under tests/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.channels import RenderContext
from generator.channels.email import channel as email_channel
from generator.edition import Edition, make_edition
from generator.picker import Picker
from generator.project import load_project
from generator.weeks import IsoWeek

REPO = Path(__file__).resolve().parent.parent
FIRST_WEEK = IsoWeek.parse("2026-W49")

BUDGET_PX = {375: 4500, 600: 3400}
"""The tallest email.html allowed at each viewport width (CSS px)."""
HELP_SHARE = 0.30
"""The help block's largest share of the email's height."""

HEIGHTS_JS = """
() => {
  const help = document.querySelector('.mr-help');
  return [document.documentElement.scrollHeight,
          help ? help.getBoundingClientRect().height : 0,
          document.documentElement.scrollWidth];
}
"""

LONG_NUMBER = r"\+?\d(?:[ -]?\d){6,14}"
"""Any run of 7 to 15 digits, spaced or hyphenated like a phone number."""

# Text that looks like a phone number, with the href of the link around it (or null);
# titles of cited sources (links marked mr-cite) are not places to call and are skipped.
NUMBERS_JS = """
(patterns) => {
  const res = patterns.map((p) => new RegExp(p, 'gu'));
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    const link = node.parentElement.closest('a');
    for (const re of res) {
      for (const m of text.matchAll(re)) {
        // a cited source's title may quote a number; it is a citation, not a way to call
        if (link && link.classList.contains('mr-cite')) continue;
        out.push([m[0], link ? link.getAttribute('href') : null, text.trim().slice(0, 80)]);
      }
    }
  }
  return out;
}
"""


def number_patterns(edition: Edition) -> list[str]:
    """JS patterns for every number the edition lists (as a whole word) and for anything
    shaped like a long phone number."""
    values = {c.value for region in (*edition.regions, edition.international)
              for line in region.lines for c in line.numbers}
    values |= {e.value for region in edition.regions for e in region.emergency_numbers}
    known = [r"(?<![\p{L}\p{N}+-])" + v.replace("+", r"\+") + r"(?![\p{L}\p{N}-])"
             for v in sorted(values)]
    return [*known, r"(?<![\p{L}\p{N}-])" + LONG_NUMBER + r"(?![\p{L}\p{N}-])"]


@dataclass(frozen=True)
class Heights:
    week: str
    width: int
    total: float
    help: float
    scroll_width: float

    @property
    def help_share(self) -> float:
        return self.help / self.total if self.total else 0.0


def bundled_site(dest: Path) -> Path:
    """A private copy of the repository's own schedule, data and templates."""
    shutil.copy2(REPO / "schedule.yaml", dest / "schedule.yaml")
    shutil.copytree(REPO / "data", dest / "data")
    shutil.copytree(REPO / "templates", dest / "templates")
    return dest / "schedule.yaml"


def year_of_editions(schedule: Path, first: IsoWeek = FIRST_WEEK, weeks: int = 52
                     ) -> Iterator[tuple[Edition, RenderContext]]:
    """Every edition a 52-week build from ``first`` makes (skipped weeks have none)."""
    project = load_project(schedule)
    settings = project.config.settings
    ctx = RenderContext(settings, project.config.templates_dir)
    for pick in Picker(project.catalogue, settings, {}, {}).plan(first, weeks):
        if pick.kind == "skip":
            continue
        yield make_edition(pick, project.catalogue, settings), ctx


def email_html(edition: Edition, ctx: RenderContext) -> str:
    return email_channel.render(edition, ctx)["email.html"].decode("utf-8")


def open_page(browser: Any, html: str, width: int, scheme: str = "light") -> Any:
    """A page showing ``html`` at ``width``; every network request is refused."""
    context = browser.new_context(viewport={"width": width, "height": 800},
                                  color_scheme=scheme)
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    page.set_content(html, wait_until="load")
    return page


def measure(browser: Any, week: str, html: str, width: int) -> Heights:
    page = open_page(browser, html, width)
    try:
        return measure_page(page, week, html, width)
    finally:
        page.context.close()


def measure_page(page: Any, week: str, html: str, width: int) -> Heights:
    """Heights of ``html`` shown in ``page`` (a page already at ``width``; reused across
    emails, which is several times faster than a new context for each)."""
    page.set_content(html, wait_until="load")
    total, help_px, scroll = page.evaluate(HEIGHTS_JS)
    return Heights(week, width, float(total), float(help_px), float(scroll))


def phone_numbers(page: Any, edition: Edition) -> list[tuple[str, str | None, str]]:
    """(number, href of the enclosing link or None, context) for every number shown."""
    found: list[tuple[str, str | None, str]] = page.evaluate(NUMBERS_JS,
                                                             number_patterns(edition))
    return found
