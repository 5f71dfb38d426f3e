"""The docs site builds with --strict (a broken link or a page left out of the nav fails it),
and the README stays a front door that points into it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README_MAX_LINES = 250


def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "index.html").is_file()


def test_readme_is_short() -> None:
    lines = (REPO / "README.md").read_text("utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines"


def test_readme_links_into_docs_resolve() -> None:
    text = (REPO / "README.md").read_text("utf-8")
    targets = re.findall(r"\]\((docs/[^)#]+)", text)
    assert targets, "the README should point into docs/"
    missing = [t for t in targets if not (REPO / t).is_file()]
    assert not missing, missing
