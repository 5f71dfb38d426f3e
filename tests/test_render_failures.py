"""Bad input found while rendering writes nothing; a user's own files are kept.

Some problems only show when an edition is rendered: a pinned title too long for an X
post, a templates folder that is not mindreel's. The run then exits 2 and leaves every
byte of the outbox as it was: no feeds, archive or review page rewritten for settings
the failed run brought in, no ledger created. Feeds and pages are rewritten only after
a week was written.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.build import build_weeks
from generator.errors import DamagedState
from generator.manifest import verify_folder
from generator.outbox import Outbox
from generator.project import load_project
from generator.weeks import IsoWeek
from tests.conftest import NOW, copy_site, mindreel

TOO_LONG = "{en: " + "Silenced " * 60 + ","


def tree(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, the state folder included."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "folder" for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = copy_site(tmp_path_factory.mktemp("built") / "site").parent
    result = mindreel("build", "--from", "2026-W47", "--to", "2026-W49", cwd=site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(built, copy)
    return copy


def _too_long_pinned_title(site: Path) -> None:
    films = site / "data" / "films.yaml"
    films.write_text(films.read_text().replace("{en: Silenced,", TOO_LONG))


def _new_site_title(site: Path) -> None:
    schedule = site / "schedule.yaml"
    schedule.write_text(schedule.read_text().replace("  title: mindreel\n",
                                                     "  title: mindreel weekly\n"))


def test_a_post_that_cannot_fit_leaves_every_byte_of_the_outbox(site: Path) -> None:
    _too_long_pinned_title(site)
    _new_site_title(site)  # would rewrite every archive page if the failed run published
    before = tree(site / "outbox")
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    assert result.returncode == 2, result.stderr
    # The cards channel runs first, so the too-long title is refused by the card it
    # cannot fit on (with cards off, by the X post); either way nothing is written.
    assert re.match(r"(cards|x: post) for 2026-W50(:| is) ", result.stderr), result.stderr
    assert result.stderr.endswith("nothing was written\n")
    assert tree(site / "outbox") == before


def test_a_failed_first_build_creates_no_feeds_pages_or_ledger(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site").parent
    _too_long_pinned_title(site)
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    assert result.returncode == 2, result.stderr
    files = [p for p in tree(site / "outbox") if tree(site / "outbox")[p] != "folder"]
    assert files == [".mindreel/lock"]  # the empty lock file of the one-writer lock


def test_a_templates_folder_without_mindreels_templates_falls_back_to_the_bundle(
        site: Path, built: Path) -> None:
    """A site's templates folder overrides file by file: one holding none of mindreel's
    templates (here /etc) leaves every template to the bundled ones, without a traceback."""
    schedule = site / "schedule.yaml"
    text = schedule.read_text()
    schedule.write_text("\n".join("templates: /etc" if line.startswith("templates:") else line
                                  for line in text.splitlines()) + "\n")
    result = mindreel("build", "--week", "2026-W49", "--rebuild", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout + result.stderr
    assert (site / "outbox" / "2026-W49" / "email.html").read_bytes() == (
        built / "outbox" / "2026-W49" / "email.html").read_bytes()


def test_a_templates_folder_that_does_not_exist_is_bad_input(site: Path) -> None:
    schedule = site / "schedule.yaml"
    text = schedule.read_text()
    schedule.write_text("\n".join("templates: no-such-folder" if line.startswith("templates:")
                                  else line for line in text.splitlines()) + "\n")
    before = tree(site / "outbox")
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    assert result.returncode == 2, result.stderr
    assert "templates" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr
    assert tree(site / "outbox") == before


def test_weeks_written_before_a_failure_are_published(site: Path, built: Path) -> None:
    _too_long_pinned_title(site)
    result = mindreel("build", "--from", "2026-W47", "--to", "2026-W51", "--rebuild", cwd=site)
    assert result.returncode == 2, result.stderr
    feed = json.loads((site / "outbox" / "feed.json").read_text())
    weeks = sorted(item["id"].rsplit("/", 1)[1] for item in feed["items"])
    assert weeks == ["2026-W47", "2026-W48"]  # W49 is written but not sent yet at NOW
    assert (site / "outbox" / "2026-W49" / "manifest.json").is_file()
    assert not (site / "outbox" / "2026-W50").exists()


def test_a_users_file_in_an_edition_folder_survives_a_rebuild(site: Path) -> None:
    folder = site / "outbox" / "2026-W48"
    (folder / "notes.txt").write_text("my notes on this edition\n")
    (folder / "social" / "mine").mkdir()
    (folder / "social" / "mine" / "draft.txt").write_text("a draft\n")
    _new_site_title(site)  # inputs changed: the edition is replaced
    result = mindreel("build", "--week", "2026-W48", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "2026-W48: replaced (inputs changed)" in result.stdout
    assert ("WARNING 2026-W48: kept outbox/2026-W48/notes.txt: mindreel did not write it"
            in result.stderr)
    assert "kept outbox/2026-W48/social/mine/draft.txt" in result.stderr
    assert (folder / "notes.txt").read_text() == "my notes on this edition\n"
    assert (folder / "social" / "mine" / "draft.txt").read_text() == "a draft\n"
    assert verify_folder(folder) == ["2026-W48/notes.txt: not in the manifest",
                                     "2026-W48/social/mine/draft.txt: not in the manifest"]
    again = mindreel("build", "--week", "2026-W48", cwd=site)
    assert "2026-W48: unchanged" in again.stdout  # the user's files do not count as changes
    assert (folder / "notes.txt").is_file()


def test_a_users_file_the_rebuild_would_overwrite_stops_it_by_name(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    box.write_edition("2026-W48", {"a.txt": b"a"}, b'{"files": [{"path": "a.txt"}]}\n')
    (box.root / "2026-W48" / "b.txt").write_bytes(b"the user's")
    before = tree(box.root)
    with pytest.raises(DamagedState) as caught:
        box.write_edition("2026-W48", {"a.txt": b"A", "b.txt": b"B"},
                          b'{"files": [{"path": "a.txt"}, {"path": "b.txt"}]}\n')
    assert str(caught.value) == (
        f"{box.root / '2026-W48' / 'b.txt'} was not written by mindreel, and the rebuilt "
        "edition has a file of that name; move it out of the edition folder and build again")
    assert caught.value.exit_code == 2
    assert tree(box.root) == before


def test_a_rebuild_keeps_user_files_in_process(tmp_path: Path) -> None:
    project = load_project(copy_site(tmp_path / "site"))
    week = [IsoWeek.parse("2026-W48")]
    build_weeks(project, week, now=NOW)
    (project.config.outbox / "2026-W48" / "mine.txt").write_text("mine\n")
    _new_site_title(project.config.root)
    result = build_weeks(load_project(project.config.root / "schedule.yaml"), week, now=NOW)
    assert result[0].kept == ("mine.txt",)
    assert (project.config.outbox / "2026-W48" / "mine.txt").read_text() == "mine\n"
