"""The guard through the real command line: a bad word or a missing footer stops
``mindreel build`` with exit 1 and leaves the outbox as it was; ``mindreel lint`` reports
by file and never writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_site, mindreel
from tests.test_safety import CHANNELS, add_drama, channels_yaml, edit

SILENCED_SYNOPSIS = "uncovers abuse by its staff and, with a"
INSERTED = "learns that a pupil committed suicide, uncovers abuse by its staff and, with a"


def snapshot(outbox: Path) -> dict[str, bytes]:
    """Every file under the outbox with its bytes (the lock file's presence is no write)."""
    if not outbox.exists():
        return {}
    return {str(p.relative_to(outbox)): p.read_bytes() for p in sorted(outbox.rglob("*"))
            if p.is_file() and p.name != "lock"}


def built_site(tmp_path: Path, extra: str = "") -> tuple[Path, dict[str, bytes]]:
    """A site with one week already built, and a snapshot of its outbox."""
    site = copy_site(tmp_path / "site", channels_yaml() + extra)
    done = mindreel("build", "--week", "2026-W48", cwd=site.parent)
    assert done.returncode == 0, done.stderr
    before = snapshot(site.parent / "outbox")
    assert "2026-W48/manifest.json" in before
    return site, before


def test_a_listed_phrase_in_a_synopsis_stops_the_build(tmp_path: Path) -> None:
    site, before = built_site(tmp_path)
    films = site.parent / "data" / "films.yaml"
    edit(films, SILENCED_SYNOPSIS, INSERTED)
    line = next(i + 1 for i, text in enumerate(films.read_text("utf-8").splitlines())
                if "committed suicide" in text)
    result = mindreel("build", "--week", "2026-W50", cwd=site.parent)
    assert result.returncode == 1, result.stderr
    assert (f"error: data/films.yaml:{line}: films[0].synopsis.en: [en-committed-suicide] "
            "\"committed suicide\"") in result.stderr
    assert "(better: died by suicide" in result.stderr
    assert "error: 2026-W50/email.txt:" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(site.parent / "outbox") == before


@pytest.mark.parametrize("channel", ["email", "web"])
def test_a_template_without_its_helpline_footer_fails_the_build(tmp_path: Path,
                                                                channel: str) -> None:
    switch = "feeds" if channel == "web" else channel
    folder = REPO / "templates" / channel
    helpline_templates = [p for p in folder.rglob("*.j2")
                          if "region.lines" in p.read_text("utf-8") or p.name.startswith("_help.")]
    assert helpline_templates, f"no template in templates/{channel}/ renders a helpline block"
    only = {name: name == switch for name in CHANNELS}
    site, before = built_site(tmp_path, "")
    templates = site.parent / "templates-copy"
    shutil.copytree(REPO / "templates", templates)
    for template in helpline_templates:
        (templates / template.relative_to(REPO / "templates")).write_text(
            "{# helpline footer removed #}\n", "utf-8")
    schedule = site.read_text("utf-8").replace(f"templates: {REPO / 'templates'}",
                                               "templates: templates-copy")
    schedule = schedule.replace(channels_yaml(), channels_yaml(**only))
    site.write_text(schedule, "utf-8")
    before = snapshot(site.parent / "outbox")
    result = mindreel("build", "--week", "2026-W49", cwd=site.parent)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[helpline-missing]" in result.stderr
    assert "no helpline for United States" in result.stderr
    assert not (site.parent / "outbox" / "2026-W49").exists()
    assert snapshot(site.parent / "outbox") == before


def test_a_stale_helpline_blocks_and_an_aging_one_warns(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site", channels_yaml())
    helplines = site.parent / "data" / "helplines.yaml"
    edit(helplines, "verified: 2026-11-25", "verified: 2025-10-01")  # kr-109, 420 days
    result = mindreel("build", "--week", "2026-W48", cwd=site.parent)
    assert result.returncode == 1
    assert "[helpline-stale] \"kr-109 (Suicide Prevention Helpline) last verified 2025-10-01" \
        in result.stderr
    assert not (site.parent / "outbox" / "2026-W48").exists()
    edit(helplines, "verified: 2025-10-01", "verified: 2026-05-01")  # 208 days
    result = mindreel("build", "--week", "2026-W48", cwd=site.parent)
    assert result.returncode == 0, result.stderr
    assert "warning: data/helplines.yaml:" in result.stderr
    manifest = (site.parent / "outbox" / "2026-W48" / "manifest.json").read_text("utf-8")
    assert "[helpline-aging]" in manifest


def test_lint_passes_a_clean_site_and_writes_nothing(tmp_path: Path) -> None:
    site, before = built_site(tmp_path)
    result = mindreel("lint", "--weeks", "4", cwd=site.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s) in 0 file(s)" in result.stdout
    assert "and 4 editions (2026-W48..2026-W51)" in result.stdout
    assert snapshot(site.parent / "outbox") == before


def test_lint_reports_by_file_and_exits_1(tmp_path: Path) -> None:
    site, before = built_site(tmp_path)
    edit(site.parent / "data" / "films.yaml", SILENCED_SYNOPSIS, INSERTED)
    edit(site.parent / "data" / "themes.yaml", "Depression can make ordinary days feel heavy.",
         "Depression can make ordinary days feel heavy; some call it a crazy feeling.")
    result = mindreel("lint", "--weeks", "4", cwd=site.parent)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert out.index("data/films.yaml\n") < out.index("data/themes.yaml\n")
    assert "films[0].synopsis.en: \"committed suicide\"" in out
    assert "themes[0].awareness.en: \"crazy\"" in out
    assert "\n2026-W50/email.txt\n" in out
    assert "lint: " in result.stderr and "safe-messaging error(s)" in result.stderr
    assert snapshot(site.parent / "outbox") == before


def test_lint_reports_an_exception_that_allows_nothing(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site", channels_yaml())
    add_drama(site)
    exceptions = site.parent / "data" / "safety_exceptions.yaml"
    exceptions.write_text(exceptions.read_text("utf-8") + (
        "  - rule: en-crazy\n    feature: marathon\n    text: Crazy Marathon\n"
        "    reason: a title it no longer has\n"), "utf-8")
    result = mindreel("lint", "--weeks", "5", cwd=site.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("data/safety_exceptions.yaml:7: warning: exception for en-crazy in \"Crazy Marathon\" "
            "(marathon) allowed nothing") in result.stdout
    assert "safety_exceptions.yaml:2: warning" not in result.stdout  # the drama's is in use
    assert "0 error(s), 1 warning(s)" in result.stdout


def test_a_broken_rules_file_is_bad_input_for_lint_and_build(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site", channels_yaml())
    rules = site.parent / "data" / "safety_rules.yaml"
    text = (REPO / "data" / "safety_rules.yaml").read_text("utf-8")
    rules.write_text(text.replace("pattern: '마지막\\s*탈출구'", "pattern: '마지막(\\s*탈출구'"),
                     "utf-8")
    line = next(i + 1 for i, t in enumerate(rules.read_text("utf-8").splitlines())
                if "마지막(" in t)
    for command in (["lint"], ["build", "--week", "2026-W48"]):
        result = mindreel(*command, cwd=site.parent)
        assert result.returncode == 2, result.stderr
        assert f"data/safety_rules.yaml:{line}: rules[" in result.stderr
        assert "not a valid regular expression" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (site.parent / "outbox" / "2026-W48").exists()
