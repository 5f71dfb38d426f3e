"""A one-week build loads only what building needs: the service, preview and counting
libraries stay unimported, since each costs every cold build its import time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import NOW_TEXT, copy_site

# Pillow is not listed: the cards channel, on by default, draws its PNGs in every build.
NOT_FOR_BUILD = ("apscheduler", "http.server", "socketserver", "watchfiles", "rich",
                 "playwright", "aiosmtpd", "smtplib", "twitter_text", "confusable_homoglyphs",
                 "feedparser", "pkg_resources")

_PROBE = """
import json, sys
from generator.cli import main
try:
    main(sys.argv[2:])
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def test_build_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site")
    report = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), "build", "--config", str(schedule)],
        cwd=schedule.parent, env={**os.environ, "MINDREEL_NOW": NOW_TEXT},
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(report.read_text("utf-8"))
    assert seen["code"] in (0, None), result.stderr
    assert (schedule.parent / "outbox").is_dir()
    loaded = set(seen["modules"])
    assert [m for m in NOT_FOR_BUILD if m in loaded] == []
    # The channels themselves did run.
    assert {"generator.channels.email.channel", "generator.channels.social.channel"} <= loaded
