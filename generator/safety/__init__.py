"""The safe-messaging guard: every rendered artifact is checked before anything is written.

- ``guard``: runs the checks over an edition and its files, and over the whole catalogue;
- ``rules``: wording rules and their scoped exceptions, loaded from data;
- ``required``: elements every edition must carry (helplines, content notes, a hope line);
- ``text``: the visible text of each artifact and catalogue field, with its place;
- ``finding``: what a check reports, and how severe it is.
"""

from generator.safety.finding import Finding, Severity
from generator.safety.guard import check_catalogue, check_edition, check_texts, helpline_freshness

__all__ = ["Finding", "Severity", "check_catalogue", "check_edition", "check_texts",
           "helpline_freshness"]
