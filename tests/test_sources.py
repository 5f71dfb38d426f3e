"""Refused source domains: a content farm cited anywhere in the catalogue fails
``mindreel check`` with ``file:line``, and the bundled catalogue cites none."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.sources import BUNDLED_REFUSED, load_refused, refused_domain, refused_source_problems
from tests.conftest import REPO, copy_site, mindreel
from tests.test_safety import edit

FIXTURE_SOURCE = 'url: "https://en.wikipedia.org/wiki/Silenced_(film)"'


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site").parent


def line_of(path: Path, needle: str) -> int:
    return next(i + 1 for i, text in enumerate(path.read_text("utf-8").splitlines())
                if needle in text)


@pytest.mark.parametrize("url", [
    "https://beautytipsinurdu.pk/become-the-enemy-of-depression",
    "https://www.positivelysharing.org/blog/2024/08/19/x",
    "https://CrackItToday.com/current-affairs/tele-manas/",
    "https://alexproject.org./crisis-text-line",
])
def test_a_refused_domain_fails_check_with_file_and_line(site: Path, url: str) -> None:
    films = site / "data" / "films.yaml"
    edit(films, FIXTURE_SOURCE, f'url: "{url}"')
    line = line_of(films, url)
    result = mindreel("check", cwd=site)
    assert result.returncode == 2, result.stdout + result.stderr
    domain = url.split("/")[2].lower().removeprefix("www.").rstrip(".")
    assert f"data/films.yaml:{line}: films[0].sources[0].url: {domain} is a refused source" in (
        result.stderr)
    assert result.stderr.splitlines()[-1] == "bad input: 1 problem(s)"


def test_the_fixture_passes_check(site: Path) -> None:
    result = mindreel("check", cwd=site)
    assert result.returncode == 0, result.stderr


def test_subdomains_are_refused_but_lookalike_names_are_not() -> None:
    refused = {"beautytipsinurdu.pk": "farm"}
    assert refused_domain("https://m.beautytipsinurdu.pk/x", refused) == "beautytipsinurdu.pk"
    assert refused_domain("https://notbeautytipsinurdu.pk/x", refused) is None
    assert refused_domain("https://beautytipsinurdu.pk.example.org/x", refused) is None
    assert refused_domain("not a url", refused) is None


def test_a_site_list_replaces_the_bundled_one_and_is_validated(site: Path) -> None:
    data = site / "data"
    (data / "refused_sources.yaml").write_text(
        "refused:\n  - domain: wikipedia.org\n    reason: a test refusal\n", "utf-8")
    problems = refused_source_problems(data)
    assert [(p.file.endswith("films.yaml"), p.field) for p in problems][:1] == [
        (True, "films[0].sources[0].url")]
    (data / "refused_sources.yaml").write_text(
        "refused:\n  - domain: https://example.org/\n    reason: x\n", "utf-8")
    result = mindreel("check", cwd=site)
    assert result.returncode == 2
    assert "refused_sources.yaml:2: refused[0].domain:" in result.stderr
    assert "not a bare domain name" in result.stderr


def test_the_bundled_list_names_the_content_farms_the_fact_check_found() -> None:
    refused = load_refused(BUNDLED_REFUSED.parent)
    assert {"beautytipsinurdu.pk", "positivelysharing.org", "crackittoday.com",
            "alexproject.org"} <= set(refused)
    assert all(reason.strip() for reason in refused.values())


def test_the_bundled_catalogue_cites_no_refused_source() -> None:
    problems = refused_source_problems(REPO / "data")
    assert problems == [], "\n".join(map(str, problems))
