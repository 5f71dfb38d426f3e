"""``mindreel lint``: the safe-messaging guard over the whole catalogue and the weeks ahead.

It checks every catalogue text (each film, theme, helpline, observance and vocabulary
field, in every locale), then renders the editions of the next ``--weeks`` weeks in
memory, exactly as a build would, and checks them too. Nothing is written: not the
outbox, not the ledger. Findings are printed grouped by file; any error exits 1.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click

from generator import clock
from generator.build import render_pick
from generator.commands.plan import plan_weeks
from generator.errors import SafetyFailed
from generator.project import Project, load_project
from generator.safety import check_catalogue, check_edition
from generator.safety.finding import Finding
from generator.safety.rules import RuleException, rulebook_for
from generator.safety.text import catalogue_texts
from generator.weeks import IsoWeek, current_week


@dataclass
class LintReport:
    """Everything one lint run found, and what it looked at."""

    findings: list[Finding]
    rules: int
    exceptions: int
    texts: int
    editions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unused: list[RuleException] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def lint_project(project: Project, now: datetime, weeks: int, first: IsoWeek | None = None
                 ) -> LintReport:
    """Check the catalogue and the editions of ``weeks`` weeks from ``first`` (default: now)."""
    config = project.config
    catalogue = project.catalogue
    book = rulebook_for(config.data_dir, catalogue)
    today = now.date()
    used: set[RuleException] = set()
    findings = set(check_catalogue(catalogue, book, config.data_dir, today=today,
                                   settings=config.settings.safety, used=used))
    report = LintReport([], len(book.rules), len(book.exceptions),
                        len(catalogue_texts(catalogue, config.data_dir)))
    start = first or current_week(now, config.settings.tz)
    for pick in plan_weeks(project, start, weeks):
        if pick.kind == "skip":
            report.skipped.append(str(pick.week))
            continue
        rendered = render_pick(project, pick, now)
        report.editions.append(str(pick.week))
        findings.update(rendered.findings)
        if set(book.exceptions) - used:  # only then is it worth a second look for usage
            check_edition(rendered.edition, rendered.files, project, today, used=used)
    report.findings = sorted(findings, key=lambda f: (f.path, f.line, f.severity, f.rule, f.text))
    report.unused = [e for e in book.exceptions if e not in used]
    return report


def _finding_line(finding: Finding) -> str:
    where = f" {finding.where}:" if finding.where else ""
    around = (f" in \"{finding.context}\""
              if finding.context and finding.context != finding.text else "")
    line = f"{finding.line:>5}" if finding.line else "    -"
    return (f"{line}  {finding.severity:<7} [{finding.rule}]{where} \"{finding.text}\"{around}\n"
            f"{'':>7} better: {finding.better}")


def format_report(report: LintReport) -> str:
    """The report as printed: findings grouped by file, then a summary."""
    out: list[str] = []
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        groups[finding.path].append(finding)
    for path, items in groups.items():
        out.append(path)
        out.extend(_finding_line(f) for f in items)
        out.append("")
    for exc in report.unused:
        out.append(f"{exc.file}:{exc.line}: warning: exception for {exc.rule} in \"{exc.text}\" "
                   f"({exc.feature}) allowed nothing; remove it if the text is gone")
    if report.unused:
        out.append("")
    span = (f"{report.editions[0]}..{report.editions[-1]}" if report.editions else "none")
    skipped = f", {len(report.skipped)} skipped" if report.skipped else ""
    out.append(f"checked {report.texts} catalogue texts with {report.rules} rules and "
               f"{report.exceptions} exceptions, and {len(report.editions)} editions "
               f"({span}{skipped})")
    out.append(f"{len(report.errors)} error(s), {len(report.warnings) + len(report.unused)} "
               f"warning(s) in {len(groups)} file(s)")
    return "\n".join(out) + "\n"


def run_lint(config_path: Path, outbox: Path | None, weeks: int, first: IsoWeek | None) -> None:
    now = clock.now()
    project = load_project(config_path, outbox)
    report = lint_project(project, now, weeks, first)
    click.echo(format_report(report), nl=False)
    if report.errors:
        raise SafetyFailed(f"lint: {len(report.errors)} safe-messaging error(s) to fix")

