"""How tall the email is on a phone: ``python bench/email_heights.py``.

Renders every edition of a 52-week build of the bundled catalogue in Chromium at 375 px
and 600 px and prints each email's height, the help block's height and its share, then
the tallest against the budgets (4,500 px at 375 px, 3,400 px at 600 px, help block at
most 30 %). ``--shots DIR`` also saves full-page screenshots of the tallest edition at
both widths, in light and dark mode.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import email_layout as layout
from tests.browser import launched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--shots", type=Path, help="save screenshots of the tallest email here")
    parser.add_argument("--week", help="screenshot this edition instead of the tallest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, launched() as browser:
        schedule = layout.bundled_site(Path(tmp))
        emails = {e.id: (e.feature_id, layout.email_html(e, ctx))
                  for e, ctx in layout.year_of_editions(schedule, weeks=args.weeks)}
        print(f"{len(emails)} editions from {layout.FIRST_WEEK}")
        print(f"{'edition':<10} {'feature':<30} {'375 px':>7} {'help':>6} "
              f"{'600 px':>7} {'help':>6}")
        rows = []
        pages = {width: layout.open_page(browser, "", width) for width in (375, 600)}
        for week, (feature, html) in emails.items():
            narrow = layout.measure_page(pages[375], week, html, 375)
            wide = layout.measure_page(pages[600], week, html, 600)
            rows.append((narrow, wide))
            print(f"{week:<10} {feature[:30]:<30} {narrow.total:>7.0f} {narrow.help_share:>6.1%} "
                  f"{wide.total:>7.0f} {wide.help_share:>6.1%}")
        for page in pages.values():
            page.context.close()
        print("\nagainst the budgets")
        for index, width in enumerate(sorted(layout.BUDGET_PX)):
            tallest = max((r[index] for r in rows), key=lambda h: h.total)
            share = max(r[index].help_share for r in rows)
            print(f"{width} px: tallest {tallest.total:.0f} px ({tallest.week}), budget "
                  f"{layout.BUDGET_PX[width]}; largest help share {share:.1%}, budget "
                  f"{layout.HELP_SHARE:.0%}")
        if args.shots:
            week = args.week or max(rows, key=lambda r: r[0].total)[0].week
            args.shots.mkdir(parents=True, exist_ok=True)
            html = emails[week][1]
            for width in sorted(layout.BUDGET_PX):
                for scheme in ("light", "dark"):
                    page = layout.open_page(browser, html, width, scheme)
                    path = args.shots / f"email-{week}-{width}-{scheme}.png"
                    page.screenshot(path=str(path), full_page=True)
                    page.context.close()
                    print(f"wrote {path}")


if __name__ == "__main__":
    main()
