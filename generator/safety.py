"""Safe-messaging guard: checks run over every rendered artifact before anything is written.

Errors block the write (exit 1); warnings go to the console and the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from generator.config import Settings
from generator.edition import Edition
from generator.project import Project

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One safety problem, located in an artifact (or in the catalogue)."""

    severity: Severity
    rule: str
    artifact: str
    line: int
    text: str
    better: str

    def __str__(self) -> str:
        better = f" (better: {self.better})" if self.better else ""
        return f"{self.severity}: {self.artifact}:{self.line}: [{self.rule}] {self.text}{better}"


def check_edition(edition: Edition, files: Mapping[str, bytes], project: Project,
                  today: date) -> list[Finding]:
    """Every finding for one edition's rendered files."""
    findings: list[Finding] = []
    findings += _helpline_freshness(edition, project.config.settings, today)
    return sorted(findings)


def _helpline_freshness(edition: Edition, settings: Settings, today: date) -> list[Finding]:
    findings = []
    seen = set()
    for region in (*edition.regions, edition.international):
        for line in region.lines:
            if line.id in seen:
                continue
            seen.add(line.id)
            age = (today - line.verified).days
            if age > settings.safety.helpline_error_days:
                findings.append(Finding("error", "helpline-stale", "data/helplines.yaml", 0,
                                        f"{line.id} last verified {line.verified} ({age} days ago)",
                                        "check the number against its source and update `verified`"))
            elif age > settings.safety.helpline_warn_days:
                findings.append(Finding("warning", "helpline-aging", "data/helplines.yaml", 0,
                                        f"{line.id} last verified {line.verified} ({age} days ago)",
                                        "re-check the number soon"))
    return findings
