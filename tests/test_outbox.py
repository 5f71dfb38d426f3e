"""The outbox: whole-or-nothing edition folders, byte-identical rebuilds, one writer."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from generator import outbox as outbox_module
from generator.build import build_weeks, reconcile
from generator.errors import CannotWrite, LockHeld
from generator.ledger import Ledger
from generator.manifest import verify_folder
from generator.outbox import Outbox
from generator.project import Project, load_project
from generator.weeks import IsoWeek
from tests.conftest import NOW, copy_site, mindreel

NO_CHANNELS = "channels: {email: false, feeds: false, social: false}\n"


@pytest.fixture
def bare(tmp_path: Path) -> Project:
    """The fixture site with every channel off: tests here are about the outbox itself."""
    return load_project(copy_site(tmp_path / "site", NO_CHANNELS))


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".mindreel" not in p.parts
    }


def test_write_edition_is_whole(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    result = box.write_edition(
        "2026-W48", {"a.txt": b"a", "social/x.txt": b"x"}, b'{"files": []}\n'
    )
    assert result.status == "new"
    assert sorted(p.name for p in result.path.rglob("*")) == [
        "a.txt",
        "manifest.json",
        "social",
        "x.txt",
    ]
    assert list(box.staging.iterdir()) == []


def test_a_failure_mid_write_leaves_no_folder_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Outbox(tmp_path / "outbox")
    calls = {"n": 0}
    real = outbox_module._written

    def failing(path: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(outbox_module, "_written", failing)
    with pytest.raises(CannotWrite) as caught:
        box.write_edition("2026-W48", {"a.txt": b"a", "b.txt": b"b"}, b"{}\n")
    assert caught.value.exit_code == 4
    assert str(caught.value) == (f"cannot write: {box.root / '2026-W48'}: "
                                 "no space left on the device")
    assert not (box.root / "2026-W48").exists()
    assert list(box.staging.iterdir()) == []  # cleared at once, not only at the next start


def test_a_crash_between_the_two_renames_of_a_replace_is_undone(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    box.write_edition("2026-W48", {"a.txt": b"old"}, b"{}\n")
    box.prepare()
    os.rename(box.root / "2026-W48", box.trash / "2026-W48.999")  # the crash: old moved aside
    (box.staging / "2026-W48.999").mkdir()  # and the new one never moved in
    notes = box.recover()
    assert (box.root / "2026-W48" / "a.txt").read_bytes() == b"old"
    assert any("restored 2026-W48" in n for n in notes)
    assert list(box.staging.iterdir()) == [] and list(box.trash.iterdir()) == []


def test_rebuild_is_byte_identical_and_unchanged(bare: Project) -> None:
    week = [IsoWeek.parse("2026-W48")]
    first = build_weeks(bare, week, now=NOW)
    before = _tree(bare.config.outbox)
    second = build_weeks(bare, week, now=NOW)
    assert (first[0].status, second[0].status) == ("new", "unchanged")
    assert _tree(bare.config.outbox) == before


def test_rebuild_after_a_data_change_replaces_and_says_so(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", NO_CHANNELS)
    week = [IsoWeek.parse("2026-W50")]  # pinned to silenced
    build_weeks(load_project(schedule), week, now=NOW)
    films = schedule.parent / "data" / "films.yaml"
    films.write_text(films.read_text().replace("{en: Silenced,", "{en: Silenced (The Crucible),"))
    result = build_weeks(load_project(schedule), week, now=NOW)
    assert result[0].status == "replaced"
    assert verify_folder(schedule.parent / "outbox" / "2026-W50") == []


def test_manifest_lists_every_file(bare: Project) -> None:
    build_weeks(bare, [IsoWeek.parse("2026-W48")], now=NOW)
    folder = bare.config.outbox / "2026-W48"
    assert verify_folder(folder) == []
    (folder / "stray.txt").write_text("x")
    assert verify_folder(folder) == ["2026-W48/stray.txt: not in the manifest"]


def test_lock_held_raises_after_the_timeout(bare: Project) -> None:
    box = Outbox(bare.config.outbox)
    box.prepare()
    with FileLock(str(box.lock_path)), pytest.raises(LockHeld) as caught:
        build_weeks(bare, [IsoWeek.parse("2026-W48")], now=NOW, lock_timeout=0.2)
    assert caught.value.exit_code == 3
    assert not (bare.config.outbox / "2026-W48").exists()


def test_cli_exits_3_while_another_process_holds_the_lock(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site", NO_CHANNELS + "lock_timeout_seconds: 0.5\n")
    box = Outbox(schedule.parent / "outbox")
    box.prepare()
    with FileLock(str(box.lock_path)):
        result = mindreel("build", cwd=schedule.parent)
    assert result.returncode == 3
    assert "another mindreel process" in result.stderr and "Traceback" not in result.stderr


def test_reconcile_repairs_a_ledger_behind_the_folders(bare: Project) -> None:
    build_weeks(bare, [IsoWeek.parse("2026-W48"), IsoWeek.parse("2026-W49")], now=NOW)
    box = Outbox(bare.config.outbox)
    with Ledger(box.ledger_path) as ledger:
        ledger.delete(IsoWeek.parse("2026-W49"))  # as if we crashed before recording it
        (box.root / "2026-W48").rename(box.root / ".gone")  # and a folder removed by hand
        shutil.rmtree(box.root / ".gone")
        notes = reconcile(box, ledger, NOW)
        assert sorted(str(w) for w in ledger.history()) == ["2026-W49"]
    assert any("2026-W49" in n for n in notes) and any("2026-W48" in n for n in notes)


def test_a_publish_failure_never_hides_the_error_that_stopped_a_backfill(
        bare: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Week one is written, week two fails to render, then publishing fails too: the
    caller must see the render error, and week one must stay whole."""
    from generator import build as build_module

    real_render = build_module.render_pick
    calls = {"n": 0}

    def render_then_fail(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("render failed")
        return real_render(*args, **kwargs)  # type: ignore[arg-type]

    def publish_fails(*_args: object, **_kwargs: object) -> list[str]:
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "render_pick", render_then_fail)
    monkeypatch.setattr(build_module, "publish", publish_fails)
    weeks = [IsoWeek.parse("2026-W48"), IsoWeek.parse("2026-W49")]
    with pytest.raises(RuntimeError, match="render failed"):
        build_weeks(bare, weeks, now=NOW)
    box = Outbox(bare.config.outbox)
    assert box.edition_ids() == ["2026-W48"]
    assert verify_folder(box.edition_dir("2026-W48")) == []
