"""The command line: parse arguments, call one function, map errors to exit codes.

Exit codes: 0 done · 1 safety check failed, nothing written · 2 bad input · 3 another
run holds the outbox lock.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import __version__
from generator.errors import EXIT_BAD_INPUT, BadInput, MindreelError, Problem

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 safety check failed (nothing written); 2 bad input "
    "(schedule.yaml or data/); 3 another mindreel run holds the outbox lock."
)
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Print expected failures as plain messages (no traceback) and exit with their code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MindreelError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(exc.exit_code)
        except ValueError as exc:  # e.g. a malformed --week or MINDREEL_NOW
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def config_option(func: F) -> F:
    func = click.option(
        "--outbox",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Outbox folder (default: schedule.yaml's `outbox`).",
    )(func)
    func = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("schedule.yaml"),
        show_default=True,
        help="The schedule file; data/ and templates/ resolve beside it.",
    )(func)
    return func


def week_value(text: str | None, option: str) -> Any:
    from generator.weeks import IsoWeek

    if text is None:
        return None
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise BadInput([Problem(option, 0, "", str(exc))]) from None


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mindreel")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (recovery, publishing).")
def main(verbose: bool) -> None:
    """mindreel: a weekly edition about a Korean film, drama or mental-health theme.

    It writes an HTML and plain-text email, feeds, web pages and social posts, each with
    awareness copy and crisis-helpline footers, into an outbox folder.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(message)s",
        stream=sys.stderr,
    )


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option(
    "--week", "week_text", metavar="YYYY-Www", help="Build this ISO week (default: this week)."
)
@click.option("--from", "from_text", metavar="YYYY-Www", help="First week of a range (backfill).")
@click.option("--to", "to_text", metavar="YYYY-Www", help="Last week of a range (backfill).")
@click.option("--rebuild", is_flag=True, help="In a range, rebuild weeks already built.")
@handle_errors
def build(
    config_path: Path,
    outbox: Path | None,
    week_text: str | None,
    from_text: str | None,
    to_text: str | None,
    rebuild: bool,
) -> None:
    """Build an edition (or a range of editions) into the outbox."""
    from generator.commands.build import run_build

    run_build(
        config_path,
        outbox,
        week_value(week_text, "--week"),
        week_value(from_text, "--from"),
        week_value(to_text, "--to"),
        rebuild,
    )


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 1040))
@click.option("--from", "from_text", metavar="YYYY-Www", help="First week (default: this week).")
@handle_errors
def plan(config_path: Path, outbox: Path | None, weeks: int, from_text: str | None) -> None:
    """Show upcoming weeks: send time, feature and why it was picked."""
    from generator.commands.plan import run_plan

    run_plan(config_path, outbox, weeks, week_value(from_text, "--from"))


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@handle_errors
def check(config_path: Path, outbox: Path | None) -> None:
    """Validate schedule.yaml and data/, reporting every problem at once."""
    from generator.commands.check import run_check

    run_check(config_path, outbox)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 1040),
              help="How many weeks of editions to render and check.")
@click.option("--from", "from_text", metavar="YYYY-Www", help="First week (default: this week).")
@handle_errors
def lint(config_path: Path, outbox: Path | None, weeks: int, from_text: str | None) -> None:
    """Run the safe-messaging checks over the catalogue and the coming weeks' editions.

    Renders in memory and writes nothing. Exit 1 if any check fails with an error.
    """
    from generator.commands.lint import run_lint

    run_lint(config_path, outbox, weeks, week_value(from_text, "--from"))


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@handle_errors
def preview(config_path: Path, outbox: Path | None, port: int) -> None:
    """Serve the outbox and its review page on 127.0.0.1 (builds this week if missing).

    It rebuilds when schedule.yaml, data/ or templates/ change and reloads the open
    page; a failed rebuild is shown on the page while the last good build is served.
    Ctrl-C stops it (exit 0).
    """
    from generator.commands.preview import run_preview

    run_preview(config_path, outbox, port)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@handle_errors
def catalogue(config_path: Path, outbox: Path | None) -> None:
    """Summarise the catalogue: counts, theme coverage, verification ages."""
    from generator.commands.check import run_catalogue

    run_catalogue(config_path, outbox)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--once", is_flag=True,
              help="Catch up on missed editions, then exit (for cron or a systemd timer).")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line per event on stderr: text, or a JSON object.")
@handle_errors
def run(config_path: Path, outbox: Path | None, once: bool, log_format: str) -> None:
    """Run as a service: build each edition at its send time, catch up on missed ones.

    SIGTERM or SIGINT stops it cleanly (exit 0) after the week being written.
    """
    from generator.commands.run import run_service

    code = run_service(config_path, outbox, once, "json" if log_format == "json" else "text")
    if code:
        sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
