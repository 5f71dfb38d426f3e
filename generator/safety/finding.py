"""Finding: one safe-messaging problem, located precisely enough to fix.

Kept apart from the checks so that every safety module (rules, text, required elements)
can produce findings without importing the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One safety problem, located in an artifact (or in the catalogue).

    ``artifact`` is a rendered file's path inside its edition folder (``email.txt``) or a
    data file (``data/films.yaml``); ``line`` is 1-based, 0 for "the whole file".
    ``where`` is the field inside it (``films[2].synopsis.en``, a JSON path), ``context``
    the words around ``text``, and ``edition`` the edition id for rendered files.
    """

    severity: Severity
    rule: str
    artifact: str
    line: int
    text: str
    better: str
    where: str = ""
    context: str = ""
    edition: str = ""

    def __str__(self) -> str:
        place = f"{self.path}:{self.line}" if self.line else self.path
        field = f" {self.where}:" if self.where else ""
        around = f" in \"{self.context}\"" if self.context and self.context != self.text else ""
        better = f" (better: {self.better})" if self.better else ""
        return f"{self.severity}: {place}:{field} [{self.rule}] \"{self.text}\"{around}{better}"

    @property
    def path(self) -> str:
        """Where to look: the edition folder's file for rendered text, else the data file."""
        return f"{self.edition}/{self.artifact}" if self.edition else self.artifact

    def in_edition(self, edition_id: str) -> Finding:
        return replace(self, edition=edition_id)
