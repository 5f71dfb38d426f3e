"""Bulk-import files across weeks: parsed back with the csv module, checked for each
tool's documented columns, limits and times, and never a past or dangling post."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build import build_weeks
from generator.channels.social.bulk import (
    BUFFER_HEADER,
    BUFFER_MAX_ROWS,
    HOOTSUITE_MAX_ROWS,
    HOOTSUITE_NETWORKS,
    bulk_files,
    hootsuite_time,
)
from generator.channels.social.count import count
from generator.channels.social.rules import platform_rules
from generator.config import SocialSettings, load_config
from generator.ledger import LedgerEntry
from generator.outbox import Outbox
from generator.project import load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, copy_site, mindreel

SOCIAL_ONLY = "channels: {email: false, feeds: false, social: true}\n"
SEOUL = ZoneInfo("Asia/Seoul")
CSV_RECORDS = re.compile(r'(?:"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*\r\n)+', re.DOTALL)


def read_csv(data: bytes) -> list[list[str]]:
    """UTF-8 without a byte-order mark, every field quoted, CRLF line ends."""
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM"
    text = data.decode("utf-8")
    assert CSV_RECORDS.fullmatch(text), "not every field quoted, or not CRLF"
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """W47..W51 built on Wednesday of W48 (W52 is skipped by the fixture): three upcoming."""
    schedule = copy_site(tmp_path_factory.mktemp("bulk") / "site", SOCIAL_ONLY)
    weeks = list(week_range(IsoWeek.parse("2026-W47"), IsoWeek.parse("2026-W51")))
    build_weeks(load_project(schedule), weeks, now=NOW, durable=False)
    return schedule.parent


def files_under(outbox: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outbox)): p.read_bytes()
            for p in sorted((outbox / "social").rglob("*.csv"))}


def test_one_file_per_tool_and_platform_only_where_the_tool_publishes(built: Path) -> None:
    names = set(files_under(built / "outbox"))
    platforms = set(SocialSettings().platforms)
    assert names == {f"social/buffer/{p}.csv" for p in platforms} | {
        f"social/hootsuite/{p}.csv" for p in platforms & HOOTSUITE_NETWORKS}
    assert "social/hootsuite/mastodon.csv" not in names
    assert "social/hootsuite/bluesky.csv" not in names
    # No per-edition CSVs any more.
    assert not list((built / "outbox" / "2026-W49").rglob("*.csv"))


def test_buffer_files_parse_back_with_the_documented_columns(built: Path) -> None:
    rules = platform_rules(SocialSettings())
    for rel, data in files_under(built / "outbox").items():
        if not rel.startswith("social/buffer/"):
            continue
        platform = Path(rel).stem
        rows = read_csv(data)
        assert rows[0] == list(BUFFER_HEADER) == ["Text", "Image URL", "Tags", "Posting Time"]
        body = rows[1:]
        assert 1 <= len(body) <= BUFFER_MAX_ROWS
        times = [datetime.strptime(r[3], "%Y-%m-%d %H:%M").replace(tzinfo=SEOUL) for r in body]
        assert [t.strftime("%Y-%m-%d %H:%M") for t in times] == [
            "2026-11-30 09:00", "2026-12-07 09:00", "2026-12-14 09:00"]
        assert times == sorted(times) and all(t > NOW for t in times)
        for text, image, tags, _when in body:
            assert not re.search(r"(?m)^\d/\d$", text), f"{rel}: a thread part number"
            assert "https://mindreel.example.org/archive/" in text, f"{rel}: no link"
            assert "109" in text and tags == ""
            # The edition's share card, as an absolute URL Buffer fetches.
            week = re.search(r"/archive/(\d{4}-W\d\d)\.html", text)
            assert week and re.fullmatch(
                rf"https://mindreel\.example\.org/{week[1]}/cards/[a-z]+\.png", image), rel
            assert count(text, rules[platform]).fits, rel


def test_hootsuite_files_parse_back_with_no_header_and_grid_times(built: Path) -> None:
    for rel, data in files_under(built / "outbox").items():
        if not rel.startswith("social/hootsuite/"):
            continue
        rows = read_csv(data)
        assert 1 <= len(rows) <= HOOTSUITE_MAX_ROWS
        for when, message, link in rows:
            assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when), when  # MM/DD/YYYY HH:mm
            at = datetime.strptime(when, "%m/%d/%Y %H:%M").replace(tzinfo=SEOUL)
            assert at.minute % 5 == 0 and at >= NOW + timedelta(minutes=10)
            assert link.startswith("https://mindreel.example.org/archive/")
            assert link not in message and "109" in message
            assert not re.search(r"(?m)^\d/\d$", message)
        assert rows[0][0] == "11/30/2026 09:00"


def test_thread_platforms_get_a_standalone_post(built: Path) -> None:
    posts = json.loads((built / "outbox" / "2026-W49" / "social" / "posts.json").read_bytes())
    threaded = {p["platform"] for p in posts if p["parts"] > 1}
    assert threaded, "the fixture's theme week threads on X and Bluesky"
    for platform in threaded:
        rows = read_csv((built / "outbox" / "social" / "buffer" / f"{platform}.csv").read_bytes())
        text = next(r[0] for r in rows[1:] if r[3] == "2026-11-30 09:00")
        assert "Depression" in text or "Autism" in text  # the theme's title


@pytest.mark.parametrize(("now", "buffer_first", "hootsuite_first"), [
    ("2026-11-30T08:49:00+09:00", "2026-11-30 09:00", "11/30/2026 09:00"),
    ("2026-11-30T08:55:00+09:00", "2026-11-30 09:00", "12/07/2026 09:00"),  # <10 min ahead
    ("2026-11-30T09:00:00+09:00", "2026-12-07 09:00", "12/07/2026 09:00"),  # sent
])
def test_publishing_drops_posts_that_are_no_longer_ahead(built: Path, tmp_path: Path, now: str,
                                                        buffer_first: str,
                                                        hootsuite_first: str) -> None:
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    result = mindreel("publish", cwd=folder, now=now)
    assert result.returncode == 0, result.stderr
    social = folder / "outbox" / "social"
    assert read_csv((social / "buffer" / "x.csv").read_bytes())[1][3] == buffer_first
    assert read_csv((social / "hootsuite" / "x.csv").read_bytes())[0][0] == hootsuite_first


def test_nothing_upcoming_leaves_no_bulk_file(built: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(built, folder)
    result = mindreel("publish", cwd=folder, now="2026-12-15T00:00:00+09:00")
    assert result.returncode == 0, result.stderr
    assert files_under(folder / "outbox") == {}


# --- limits, with many editions written straight into folders ---------------------------

def _fake_editions(root: Path, count_: int) -> list[LedgerEntry]:
    entries = []
    first = IsoWeek.parse("2027-W01")
    for n in range(count_):
        week = first + n
        at = week.send_at("mon", datetime(2000, 1, 1, 9).time(), SEOUL)
        doc = {"edition": str(week), "send_at": at.isoformat(), "posts": [
            {"platform": p, "text": f"post {week} https://e.org/{week} Korea: call 109",
             "message": f"post {week} Korea: call 109", "link": f"https://e.org/{week}",
             "cw": None, "image_url": None, "part": 1, "standalone": False}
            for p in ("x", "mastodon")]}
        folder = root / str(week) / "social"
        folder.mkdir(parents=True)
        (folder / "bulk.json").write_text(json.dumps(doc))
        entries.append(LedgerEntry(week, "film", "f", "r", at.isoformat(), "0", NOW.isoformat(),
                                   {}))
    return entries


def test_row_limits_keep_the_earliest_posts(tmp_path: Path) -> None:
    settings = load_config(copy_site(tmp_path / "site")).settings
    entries = _fake_editions(tmp_path / "outbox", 360)
    files = bulk_files(Outbox(tmp_path / "outbox"), entries, settings, NOW)
    buffer = read_csv(files["social/buffer/x.csv"])
    assert len(buffer) == 1 + BUFFER_MAX_ROWS and buffer[1][3] == "2027-01-04 09:00"
    hootsuite = read_csv(files["social/hootsuite/x.csv"])
    assert len(hootsuite) == HOOTSUITE_MAX_ROWS and hootsuite[0][0] == "01/04/2027 09:00"
    assert "social/hootsuite/mastodon.csv" not in files


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_hootsuite_times_round_up_to_the_next_five_minute_mark(when: datetime) -> None:
    aware = when.replace(tzinfo=SEOUL)
    rounded = hootsuite_time(aware)
    assert rounded.minute % 5 == 0 and rounded.second == rounded.microsecond == 0
    assert aware <= rounded < aware + timedelta(minutes=5)
