"""The command line as a user meets it: output, exit codes, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_site, mindreel

NO_CHANNELS = "channels: {email: false, feeds: false, social: false}\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site", NO_CHANNELS).parent


def test_build_prints_where_it_wrote(folder: Path) -> None:
    # NOW is Wednesday of W48, after its Monday send: the next edition to go out is W49.
    result = mindreel("build", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2026-W49: wrote ")
    assert result.stdout.splitlines()[0].endswith("-> outbox/2026-W49")
    assert (folder / "outbox" / "2026-W49" / "manifest.json").is_file()


def test_build_uses_the_schedule_timezone_for_this_week(folder: Path) -> None:
    # Sunday 29 Nov 20:00 UTC is already Monday in Seoul: week 49 there.
    result = mindreel("build", cwd=folder, now="2026-11-29T20:00:00+00:00")
    assert result.stdout.startswith("2026-W49: ")


def test_build_of_a_skipped_week_writes_nothing(folder: Path) -> None:
    result = mindreel("build", "--week", "2026-W52", cwd=folder)
    assert result.returncode == 0
    assert "skipped" in result.stdout
    assert not (folder / "outbox" / "2026-W52").exists()


def test_plan_shows_twelve_weeks_with_reasons(folder: Path) -> None:
    result = mindreel("plan", "--weeks", "12", cwd=folder, env={"COLUMNS": "250"})
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0].split()[:3] == ["week", "send", "time"]
    assert len(rows) == 13
    assert rows[1].startswith("2026-W48  Mon 23 Nov 09:00 KST")
    assert all(
        ("rotation" in r or "pinned" in r or "skipped" in r or "falls in" in r) for r in rows[1:]
    )


def test_check_passes_on_the_fixture(folder: Path) -> None:
    result = mindreel("check", cwd=folder)
    assert result.returncode == 0
    assert result.stdout.startswith("ok: ")


def test_check_reports_problems_in_several_files_at_once(folder: Path) -> None:
    schedule = folder / "schedule.yaml"
    schedule.write_text(
        schedule.read_text().replace("timezone: Asia/Seoul", "timezone: Mars/Olympus")
    )
    films = folder / "data" / "films.yaml"
    films.write_text(films.read_text().replace("    year: 2005\n", "    year: 1850\n"))
    at = films.read_text().splitlines().index("    year: 1850") + 1
    result = mindreel("check", cwd=folder)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert (
        f"data/films.yaml:{at}: films[1].year: input should be greater than or equal to 1950"
        in lines
    )
    assert any(line.startswith("schedule.yaml:2: timezone: unknown timezone") for line in lines)
    assert lines[-1] == "bad input: 2 problem(s)"  # check writes nothing, so it does not say so


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "--week", "2026-W60"], "--week: 2026 has 53 ISO weeks; week 60 does not exist"),
        (["build", "--week", "48"], "--week: '48' is not an ISO week like 2026-W48"),
        (["build", "--from", "2026-W10"], "--from/--to: a range needs both --from and --to"),
        (
            ["build", "--from", "2026-W10", "--to", "2026-W01"],
            "--to: 2026-W01 comes before 2026-W10",
        ),
        (
            ["build", "--week", "2026-W10", "--from", "2026-W10", "--to", "2026-W11"],
            "use either --week",
        ),
    ],
)
def test_bad_arguments_exit_2(folder: Path, args: list[str], message: str) -> None:
    result = mindreel(*args, cwd=folder)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_missing_schedule_is_bad_input(tmp_path: Path) -> None:
    result = mindreel("build", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("schedule.yaml: not found") and "mindreel init" in result.stderr


def test_help_documents_the_exit_codes(folder: Path) -> None:
    for args in (["--help"], ["build", "--help"]):
        result = mindreel(*args, cwd=folder)
        assert "3 another mindreel run holds the outbox lock" in " ".join(result.stdout.split())


def _statuses(stdout: str) -> list[str]:
    """The status word of each per-week line (the summary line has no colon-space after a week)."""
    return [
        line.split(": ", 1)[1].split(" ")[0]
        for line in stdout.splitlines()
        if line[:8].count("-W") == 1 and line[8:10] == ": "
    ]


def test_backfill_prints_plain_lines_and_resumes(folder: Path) -> None:
    first = mindreel("build", "--from", "2026-W40", "--to", "2026-W44", cwd=folder)
    assert first.returncode == 0, first.stderr
    assert _statuses(first.stdout) == ["wrote"] * 5
    assert first.stdout.splitlines()[-2] == "2026-W40..2026-W44: wrote 5 -> outbox"
    again = mindreel("build", "--from", "2026-W40", "--to", "2026-W46", cwd=folder)
    assert _statuses(again.stdout) == ["already"] * 5 + ["wrote"] * 2
    forced = mindreel("build", "--from", "2026-W40", "--to", "2026-W41", "--rebuild", cwd=folder)
    assert _statuses(forced.stdout) == ["unchanged"] * 2
