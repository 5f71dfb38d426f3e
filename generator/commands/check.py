"""``mindreel check`` and ``mindreel catalogue``: validation and a summary."""

from __future__ import annotations

from pathlib import Path

import click

from generator import clock
from generator.errors import BadInput
from generator.project import Project, load_project
from generator.sources import refused_source_problems


def run_check(config_path: Path, outbox: Path | None) -> None:
    project = load_project(config_path, outbox)
    refused = refused_source_problems(project.config.data_dir)
    if refused:
        raise BadInput(refused)
    cat = project.catalogue
    click.echo(
        f"ok: {config_path} and {project.config.data_dir}: {len(cat.films)} titles, "
        f"{len(cat.themes)} themes, {len(cat.regions)} helpline regions, "
        f"{len(cat.observances)} observances"
    )
    for warning in config_warnings(project):
        click.echo(f"warning: {warning}", err=True)


def config_warnings(project: Project) -> list[str]:
    """Settings that are allowed but probably wrong; reported, never fatal."""
    settings = project.config.settings
    warnings = []
    if settings.site.postal_address is None and settings.email.esp != "mailchimp":
        warnings.append(
            f"{project.config.doc.name}: site.postal_address is not set: commercial email "
            "must carry a physical postal address (CAN-SPAM); it goes in every email footer")
    return warnings


def run_catalogue(config_path: Path, outbox: Path | None) -> None:
    from generator.helplines.report import helpline_report
    from generator.stats import catalogue_summary

    project = load_project(config_path, outbox)
    click.echo(catalogue_summary(project.catalogue, clock.now().date()), nl=False)
    click.echo("")
    click.echo(helpline_report(project.catalogue), nl=False)
