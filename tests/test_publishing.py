"""Nothing public before its send time, and `build` picks the next edition to go out.

Through the real CLI with the clock pinned by MINDREEL_NOW: an outbox built ahead and
published on each side of a send time is compared byte for byte with one built only up
to that moment.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import copy_site, mindreel

FEEDS_ONLY = "channels: {email: false, feeds: true, social: false}\n"
NO_CHANNELS = "channels: {email: false, feeds: false, social: false}\n"
BASE = "https://mindreel.example.org"
WED_W48 = "2026-11-25T10:00:00+09:00"
W49_SEND = "2026-11-30T09:00:00+09:00"
BEFORE_W49 = "2026-11-30T08:59:59+09:00"
PUBLIC = ("feed.xml", "atom.xml", "feed.json")


def ok(*args: str, cwd: Path, now: str) -> str:
    result = mindreel(*args, cwd=cwd, now=now)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def public_files(outbox: Path) -> dict[str, bytes]:
    """The feeds and every archive file, by outbox-relative path."""
    files = {name: (outbox / name).read_bytes() for name in PUBLIC}
    files |= {f"archive/{p.name}": p.read_bytes() for p in (outbox / "archive").iterdir()}
    return files


def feed_weeks(outbox: Path) -> list[str]:
    doc = json.loads((outbox / "feed.json").read_bytes())
    return [item["id"].rsplit("/", 1)[1] for item in doc["items"]]


@pytest.fixture
def ahead(tmp_path: Path) -> Path:
    """W47..W50 built on Wednesday of W48: W49 and W50 are built ahead."""
    folder = copy_site(tmp_path / "ahead", FEEDS_ONLY).parent
    ok("build", "--from", "2026-W47", "--to", "2026-W50", cwd=folder, now=WED_W48)
    return folder


def test_editions_built_ahead_are_nowhere_public(ahead: Path) -> None:
    outbox = ahead / "outbox"
    assert feed_weeks(outbox) == ["2026-W48", "2026-W47"]
    assert sorted(p.name for p in (outbox / "archive").iterdir()) == [
        "2026-W47.html", "2026-W48.html", "index.html"]
    for rel, data in public_files(outbox).items():
        assert b"2026-W49" not in data and b"2026-W50" not in data, rel
    latest = lxml.html.document_fromstring((outbox / "archive" / "2026-W48.html").read_bytes())
    assert not latest.cssselect("a[rel=next]")
    # Built ahead: in their folders and on the review page, marked upcoming.
    assert (outbox / "2026-W49" / "item.json").is_file()
    review = lxml.html.document_fromstring((outbox / "index.html").read_bytes())
    kickers = [k.text_content() for k in review.cssselect("article.edition .kicker")]
    assert [k.split(" · ")[0] for k in kickers] == [
        "latest 2026-W48", "upcoming 2026-W49", "upcoming 2026-W50"]


@pytest.mark.parametrize("moment", [BEFORE_W49, W49_SEND])
def test_publish_on_each_side_of_a_send_time_equals_a_build_up_to_then(
        ahead: Path, tmp_path: Path, moment: str) -> None:
    out = ok("publish", cwd=ahead, now=moment)
    public = "2026-W49" if moment == W49_SEND else "2026-W48"
    assert f"latest {public}" in out
    reference = copy_site(tmp_path / "reference", FEEDS_ONLY).parent
    ok("build", "--from", "2026-W47", "--to", public, cwd=reference, now=moment)
    assert public_files(ahead / "outbox") == public_files(reference / "outbox")
    assert feed_weeks(ahead / "outbox")[0] == public


def test_the_latest_page_gains_its_next_link_at_the_send_time(ahead: Path) -> None:
    ok("publish", cwd=ahead, now=W49_SEND)
    page = lxml.html.document_fromstring(
        (ahead / "outbox" / "archive" / "2026-W48.html").read_bytes())
    assert page.cssselect("a[rel=next]")[0].get("href") == f"{BASE}/archive/2026-W49.html"
    assert not (ahead / "outbox" / "archive" / "2026-W50.html").exists()


def test_a_page_published_by_mistake_is_withdrawn(ahead: Path) -> None:
    """A page of an edition not yet sent (left by an older version) is removed."""
    stray = ahead / "outbox" / "archive" / "2026-W50.html"
    stray.write_text("<!DOCTYPE html>\n<p>too early</p>\n")
    ok("publish", cwd=ahead, now=WED_W48)
    assert not stray.exists()


def test_publish_twice_changes_nothing(ahead: Path) -> None:
    first = public_files(ahead / "outbox")
    out = ok("publish", cwd=ahead, now=WED_W48)
    assert "0 file(s) changed" in out
    assert public_files(ahead / "outbox") == first


# --- which week `build` builds ----------------------------------------------------------

@pytest.mark.parametrize(("now", "week"), [
    ("2026-11-30T08:59:59+09:00", "2026-W49"),   # Monday, a second before 09:00 in Seoul
    ("2026-11-30T09:00:00+09:00", "2026-W50"),   # the send time itself has passed
    ("2026-11-29T23:59:59+00:00", "2026-W49"),   # the same instants, told in UTC
    ("2026-11-30T00:00:00+00:00", "2026-W50"),
    ("2026-11-29T20:00:00-05:00", "2026-W50"),   # Sunday evening in New York: Monday 10:00 KST
])
def test_build_defaults_to_the_next_edition_to_go_out(tmp_path: Path, now: str,
                                                      week: str) -> None:
    folder = copy_site(tmp_path / "site", NO_CHANNELS).parent
    result = mindreel("build", cwd=folder, now=now)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{week}: wrote ")
    assert f"building {week}, the next edition to go out" in result.stderr
    assert "warning" not in result.stderr


def test_build_skips_a_skipped_week_and_says_why(tmp_path: Path) -> None:
    folder = copy_site(tmp_path / "site", NO_CHANNELS).parent  # the fixture skips W52
    result = mindreel("build", cwd=folder, now="2026-12-14T10:00:00+09:00")  # W51, sent
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2026-W53: wrote ")
    assert "2026-W52" not in result.stdout


def test_building_a_past_week_warns(tmp_path: Path) -> None:
    folder = copy_site(tmp_path / "site", NO_CHANNELS).parent
    result = mindreel("build", "--week", "2026-W48", cwd=folder, now=WED_W48)
    assert result.returncode == 0, result.stderr
    assert "warning: 2026-W48's send time Mon 23 Nov 2026 09:00 KST has passed" in result.stderr
    ahead = mindreel("build", "--week", "2026-W49", cwd=folder, now=WED_W48)
    assert "warning" not in ahead.stderr


def test_the_service_republishes_at_the_send_time(ahead: Path) -> None:
    from tests.test_scheduler import make_service

    service, clock, events = make_service(ahead / "schedule.yaml", BEFORE_W49)
    service.tick("check")
    assert feed_weeks(ahead / "outbox")[0] == "2026-W48"
    clock.now = clock.now.replace(second=0, minute=0, hour=9)
    service.tick("send")
    assert feed_weeks(ahead / "outbox")[0] == "2026-W49"
    assert [e["week"] for e in events.named("published")] == ["2026-W49"]
