"""``mindreel plan`` as read on a terminal: titles, a status column, wrapped reasons; and
what read-only commands and lower-case week ids look like."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.commands.plan import PlanRow, plan_table
from generator.weeks import IsoWeek
from tests.conftest import copy_site, mindreel

WIDE = {"COLUMNS": "250"}
BAD_PIN = "pins:\n  2026-W51: no-such-film\n"


def _site(tmp_path: Path, extra: str = "") -> Path:
    return copy_site(tmp_path / "site", extra).parent


def test_plan_names_features_by_title_not_id(tmp_path: Path) -> None:
    result = mindreel("plan", "--weeks", "4", cwd=_site(tmp_path), env=WIDE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["week", "send", "time", "feature", "status", "reason"]
    assert "Keys to the Heart (film)" in lines[1] and "keys-to-the-heart" not in lines[1]
    assert "Silenced (film)" in lines[3]  # the pin in 2026-W50
    assert "film:" not in result.stdout and "theme:" not in result.stdout


def test_plan_says_which_weeks_are_built_and_which_are_public(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for week in ("2026-W48", "2026-W49"):
        assert mindreel("build", "--week", week, cwd=site).returncode == 0
    result = mindreel("plan", "--weeks", "3", cwd=site, env=WIDE)
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    # Now is Wed 25 Nov: W48's Monday send has passed, W49's has not, W50 is not built.
    assert rows["2026-W48"][rows["2026-W48"].index("(film)") + 1] == "public"
    assert rows["2026-W49"][rows["2026-W49"].index("(theme)") + 1] == "built"
    assert rows["2026-W50"][rows["2026-W50"].index("(film)") + 1] == "-"


def test_plan_wraps_to_the_terminal_width(tmp_path: Path) -> None:
    site = _site(tmp_path)
    narrow = mindreel("plan", "--weeks", "12", cwd=site, env={"COLUMNS": "72"})
    assert narrow.returncode == 0, narrow.stderr
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 72
    wide = mindreel("plan", "--weeks", "12", cwd=site, env=WIDE)
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines()) == 13


def _row(feature: str, reason: str) -> PlanRow:
    send = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    return PlanRow(IsoWeek(2026, 49), send, feature, "built", reason)


def _column(table: str, header: str) -> str:
    """The words of one column of a one-row table, read back line by line."""
    lines = table.splitlines()
    start = lines[0].index(header)
    end = next((lines[0].index(h) for h in ("status", "reason")
                if lines[0].index(h) > start), None)
    return " ".join(" ".join(line[start:end].split()) for line in lines[1:]).strip()


words = st.text(st.characters(codec="utf-8", categories=["L", "N", "P"]), min_size=1,
                max_size=30)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=60, max_value=200), st.lists(words, min_size=1, max_size=30))
def test_a_reason_wraps_within_the_width_and_loses_no_word(width: int, parts: list[str]) -> None:
    reason = " ".join(parts)
    table = plan_table([_row("Dear My Friends (drama)", reason)], width=width)
    assert max(len(line) for line in table.splitlines()) <= width
    read_back = _column(table, "reason")
    assert read_back.replace(" ", "") == reason.replace(" ", "")


def test_catalogue_text_is_printed_as_is_not_as_markup() -> None:
    table = plan_table([_row("[bold]Title[/bold] :smile:", "because [red]x[/red]")], width=120)
    assert "[bold]Title[/bold] :smile:" in table and "because [red]x[/red]" in table


def test_read_only_commands_do_not_say_nothing_was_written(tmp_path: Path) -> None:
    site = _site(tmp_path, BAD_PIN)
    for command in ("plan", "check", "lint", "catalogue"):
        result = mindreel(command, cwd=site)
        assert result.returncode == 2, (command, result.stderr)
        assert result.stderr.splitlines()[-1] == "bad input: 1 problem(s)", command
    build = mindreel("build", cwd=site)
    assert build.stderr.splitlines()[-1] == "bad input: 1 problem(s); nothing was written"


def test_lower_case_week_ids_are_accepted(tmp_path: Path) -> None:
    site = _site(tmp_path)
    schedule = site / "schedule.yaml"
    schedule.write_text(schedule.read_text("utf-8").replace("- 2026-W52", "- 2026-w52"), "utf-8")
    built = mindreel("build", "--week", "2026-w49", cwd=site)
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("2026-W49: wrote ")
    plan = mindreel("plan", "--from", "2026-w50", "--weeks", "3", cwd=site, env=WIDE)
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.splitlines()[1].startswith("2026-W50")
    assert "no edition" in plan.stdout.splitlines()[3]  # 2026-W52, skipped in lower case


def test_plan_marks_a_week_sent_to_the_list_and_not_a_test_send(tmp_path: Path) -> None:
    import yaml

    from generator.ledger import Ledger, SentRecord

    site = _site(tmp_path)
    for week in ("2026-W48", "2026-W49"):
        assert mindreel("build", "--week", week, cwd=site).returncode == 0
    list_address = yaml.safe_load((site / "schedule.yaml").read_text("utf-8"))["site"][
        "list_address"]
    with Ledger(site / "outbox" / ".mindreel" / "ledger.sqlite") as ledger:
        ledger.record_sent(SentRecord(IsoWeek.parse("2026-W48"), list_address.upper(),
                                      "<a@b>", "2026-11-23T09:00:05+09:00", "250 ok"))
        ledger.record_sent(SentRecord(IsoWeek.parse("2026-W49"), "me@example.org",
                                      "<c@d>", "2026-11-25T09:00:05+09:00", "250 ok"))
    result = mindreel("plan", "--weeks", "2", cwd=site, env=WIDE)
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert rows["2026-W48"][rows["2026-W48"].index("(film)") + 1] == "sent"
    assert rows["2026-W49"][rows["2026-W49"].index("(theme)") + 1] == "built"  # a test send
