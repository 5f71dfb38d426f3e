"""The command line: parse arguments, call one function, map errors to exit codes.

Exit codes: 0 done · 1 safety check failed, nothing written · 2 bad input (or damaged
state that cannot be repaired) · 3 another run holds the outbox lock · 4 cannot write
(permissions, disk full), nothing half-written.
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
from generator.errors import EXIT_BAD_INPUT, BadInput, CannotWrite, MindreelError, Problem

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 safety check failed (nothing written); 2 bad input "
    "(schedule.yaml or data/, or damaged state mindreel cannot repair); 3 another mindreel "
    "run holds the outbox lock; 4 cannot write or send (permissions, disk full, SMTP; "
    "nothing half-written)."
)
F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Print expected failures as plain messages (no traceback) and exit with their code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MindreelError as exc:
            click.echo(_ending(exc.report(), func), err=True)
            sys.exit(exc.exit_code)
        except ValueError as exc:  # e.g. a malformed --week or MINDREEL_NOW
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OSError as exc:  # the environment, wherever it surfaced: one line, exit 4
            failure = CannotWrite.from_os_error(exc)
            click.echo(failure.report(), err=True)
            sys.exit(failure.exit_code)

    return wrapper  # type: ignore[return-value]


WROTE_NOTHING = "; nothing was written"


def read_only(func: F) -> F:
    """Mark a command that never writes: its errors do not say "nothing was written"."""
    func.read_only = True  # type: ignore[attr-defined]
    return func


def _ending(report: str, func: Callable[..., Any]) -> str:
    if not getattr(func, "read_only", False):
        return report
    return "\n".join(line.removesuffix(WROTE_NOTHING) for line in report.splitlines())


class _BadOption(click.ClickException):
    """An option value that is bad input, printed like any other (one line, exit 2)."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problem: Problem) -> None:
        self.failure = BadInput([problem])
        super().__init__(str(problem))

    def show(self, file: Any = None) -> None:
        click.echo(self.failure.report(), err=True)


def _outbox_text(ctx: click.Context, param: click.Parameter, value: str | None
                 ) -> Path | None:
    if value is None:
        return None
    if not value.strip():
        raise _BadOption(Problem("--outbox", 0, "", "is empty; give the outbox folder's path"))
    return Path(value)


def config_option(func: F) -> F:
    func = click.option(
        "--outbox",
        type=str,
        callback=_outbox_text,
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
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--empty", is_flag=True,
              help="Start data/ with one example of each kind of record, not the catalogue.")
@click.option("--templates", is_flag=True,
              help="Copy mindreel's templates into templates/ to customise them (in a "
                   "folder that has a schedule.yaml, only the templates).")
@handle_errors
def init(folder: Path, empty: bool, templates: bool) -> None:
    """Start a newsletter in FOLDER (default: here): schedule.yaml and data/.

    `mindreel build` then works there. Nothing that exists is overwritten.
    """
    from generator.commands.init import run_init

    run_init(folder, empty, templates)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option(
    "--week", "week_text", metavar="YYYY-Www",
    help="Build this ISO week (default: the next edition to go out).",
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

    written = run_build(
        config_path,
        outbox,
        week_value(week_text, "--week"),
        week_value(from_text, "--from"),
        week_value(to_text, "--to"),
        rebuild,
    )
    click.echo(next_steps(written, config_path))


def next_steps(outbox: Path, config_path: Path) -> str:
    """Where to look after a build: the review page, and the command that serves it."""
    from generator.review import REVIEW_FILE

    config = "" if config_path == Path("schedule.yaml") else f" --config {config_path}"
    return (f"next: open {outbox / REVIEW_FILE} (the review page), or run "
            f"`mindreel preview{config}` to see it served with the archive")


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@handle_errors
def publish(config_path: Path, outbox: Path | None) -> None:
    """Refresh the public files (feeds, archive) and the review page; build nothing.

    An edition appears in them once its send time has passed. Run it from cron or a
    timer at each send time when `mindreel run` is not serving the outbox.
    """
    from generator.commands.publish import run_publish

    run_publish(config_path, outbox)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--week", "week_text", metavar="YYYY-Www",
              help="The edition to send (default: the newest whose send time has passed).")
@click.option("--to", "to", metavar="ADDRESS",
              help="Send to this address instead of the list address (a test send).")
@click.option("--resend", is_flag=True, help="Send again to a recipient it already went to.")
@handle_errors
def send(config_path: Path, outbox: Path | None, week_text: str | None, to: str | None,
         resend: bool) -> None:
    """Send an edition's email.eml by SMTP (email.smtp), once per recipient.

    The password comes from the environment variable email.smtp.password_env names.
    Exit 4 if the server cannot be reached or refuses; nothing is recorded then.
    """
    from generator.commands.send import run_send

    run_send(config_path, outbox, week_value(week_text, "--week"), to, resend)


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 1040))
@click.option("--from", "from_text", metavar="YYYY-Www", help="First week (default: this week).")
@handle_errors
@read_only
def plan(config_path: Path, outbox: Path | None, weeks: int, from_text: str | None) -> None:
    """Show upcoming weeks: send time, feature and why it was picked."""
    from generator.commands.plan import run_plan

    run_plan(config_path, outbox, weeks, week_value(from_text, "--from"))


@main.command(epilog=EXIT_CODES_HELP)
@config_option
@handle_errors
@read_only
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
@read_only
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
@read_only
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
