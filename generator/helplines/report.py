"""The helplines' research record, for the people who keep data/helplines.yaml.

``mindreel catalogue`` prints it after the summary: per line, its verified date, its
website (or that it has none), its sources and the ``editorial`` notes, which no
edition, page or post ever shows. Pure text: same catalogue, same report.
"""

from __future__ import annotations

import textwrap

from generator.catalogue import Catalogue

WIDTH = 88


def helpline_report(catalogue: Catalogue) -> str:
    """Every region and line with its evidence and research notes, as plain text."""
    out = ["Helplines: sources and research notes (never shown to readers)"]
    for region in catalogue.regions:
        numbers = ", ".join(e.value for e in region.emergency) or "none"
        out.append("")
        out.append(f"{region.id} {region.name['en']}: emergency {numbers}")
        out += [f"  source: {s.title} <{s.url}> ({s.date})" for s in region.sources]
        out += _note(region.editorial, "  ")
        for line in region.lines:
            site = line.website or "(no website: none confirmed)"
            out.append(f"  {line.id}: verified {line.verified}; website {site}")
            out += [f"    source: {s.title} <{s.url}> ({s.date})" for s in line.sources]
            out += _note(line.editorial, "    ")
    return "\n".join(out) + "\n"


def _note(text: str | None, indent: str) -> list[str]:
    if not text:
        return []
    return textwrap.wrap(" ".join(text.split()), WIDTH, initial_indent=f"{indent}note: ",
                         subsequent_indent=f"{indent}      ")
