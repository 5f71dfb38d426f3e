"""Helplines end to end: what readers get (tap links, the help page, the website rule)
and what they never get (research notes, sources as links), across every artifact of a
real build of the bundled catalogue; plus the schema's number checks as properties."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from generator.build import build_weeks
from generator.catalogue import Catalogue, load_catalogue
from generator.channels.email.copy import Copy
from generator.edition import Edition
from generator.helplines.models import Contact, same_page
from generator.project import load_project
from generator.weeks import IsoWeek, week_range
from tests.conftest import NOW, REPO, edition_of, mindreel

WEEKS = ("2026-W46", "2026-W48")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built for three weeks (published: their send times
    have passed at the pinned clock)."""
    root = tmp_path_factory.mktemp("bundled")
    shutil.copy2(REPO / "schedule.yaml", root / "schedule.yaml")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "templates", root / "templates")
    project = load_project(root / "schedule.yaml")
    weeks = list(week_range(IsoWeek.parse(WEEKS[0]), IsoWeek.parse(WEEKS[1])))
    build_weeks(project, weeks, now=NOW, durable=False)
    return project.config.outbox


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(REPO / "data")


def _notes(catalogue: Catalogue) -> list[str]:
    notes = [line.editorial for r in catalogue.regions for line in r.lines if line.editorial]
    return notes + [r.editorial for r in catalogue.regions if r.editorial]


def _sources(catalogue: Catalogue) -> set[str]:
    urls = {s.url for r in catalogue.regions for line in r.lines for s in line.sources}
    return urls | {s.url for r in catalogue.regions for s in r.sources}


def _artifacts(outbox: Path) -> list[Path]:
    return [p for p in outbox.rglob("*") if p.is_file() and ".mindreel" not in p.parts]


def test_no_research_note_in_any_artifact(bundled: Path, catalogue: Catalogue) -> None:
    notes = _notes(catalogue)
    assert len(notes) > 20
    files = _artifacts(bundled)
    assert len(files) > 30
    for path in files:
        text = " ".join(path.read_text("utf-8", errors="replace").split())
        for note in notes:
            words = note.split()
            for i in range(0, max(1, len(words) - 5), 3):  # any six words in a row
                window = " ".join(words[i:i + 6])
                assert window not in text, (path.relative_to(bundled), window)


def test_no_source_is_a_helplines_link_anywhere(bundled: Path, catalogue: Catalogue) -> None:
    sources = _sources(catalogue)
    checked = 0
    for path in _artifacts(bundled):
        if path.suffix != ".html":
            continue
        doc = lxml.html.document_fromstring(path.read_bytes())
        hrefs = set(doc.xpath('//*[@id="help" or contains(@class, "mr-help") or '
                              'contains(@class, "mr-note")]//a/@href'))
        checked += bool(hrefs)
        assert not hrefs & sources, (path.relative_to(bundled), hrefs & sources)
    assert checked >= 6


def test_help_page_lists_every_line_and_everything_links_to_it(bundled: Path,
                                                               catalogue: Catalogue) -> None:
    page = lxml.html.document_fromstring((bundled / "help.html").read_bytes())
    assert page.findtext(".//h1") == "Helplines"
    body = " ".join(page.text_content().split())
    for region in catalogue.regions:
        assert region.name["en"] in body or region.id == "INTL"
        for line in region.lines:
            assert line.name["en"] in body, line.id
            for contact in line.contacts:
                if contact.dial:
                    scheme = {"call": "tel:", "text": "sms:"}.get(contact.kind, "https://wa.me/")
                    assert page.xpath(f'//a[starts-with(@href, "{scheme}") and '
                                      f'contains(@href, "{contact.dial.lstrip("+")}")]'), (
                        line.id, contact.value)
        for number in region.emergency:
            assert page.xpath(f'//a[@href="tel:{number.dial}"]'), (region.id, number.value)
    assert body.count("Checked on") == 1
    help_url = "https://mindreel.example.org/help.html"
    week = sorted((bundled / "archive").glob("2026-W*.html"))
    for path in [*week, bundled / "archive" / "index.html"]:
        assert help_url in path.read_text("utf-8"), path.name
    for path in bundled.glob("2026-W*/email.*"):
        if path.suffix in (".html", ".txt"):
            assert help_url in path.read_text("utf-8"), path
    for path in bundled.glob("2026-W*/item.json"):
        assert help_url in path.read_text("utf-8"), path


def test_catalogue_command_shows_sources_and_research_notes(site: Path) -> None:
    result = mindreel("catalogue", cwd=site.parent)
    assert result.returncode == 0, result.stderr
    assert "FIXTURE-EDITORIAL the website of this line is not confirmed." in result.stdout
    assert "source: Newspim <https://www.newspim.com/news/view/20240102000281>" in result.stdout
    assert "kr-109: verified 2026-11-25; website (no website: none confirmed)" in result.stdout


def test_fixture_research_notes_stay_out_of_a_build(site: Path) -> None:
    result = mindreel("build", "--week", "2026-W48", cwd=site.parent)
    assert result.returncode == 0, result.stderr
    outbox = site.parent / "outbox"
    for path in _artifacts(outbox):
        assert b"FIXTURE-EDITORIAL" not in path.read_bytes(), path


# --- properties ------------------------------------------------------------------------

_digits = st.text(alphabet="0123456789", min_size=3, max_size=12)


@given(_digits, st.lists(st.sampled_from([" ", "-", ""]), min_size=12, max_size=12))
def test_any_spacing_of_the_dialled_digits_is_accepted(digits: str, seps: list[str]) -> None:
    value = "".join(d + s for d, s in zip(digits, seps, strict=False)).strip(" -")
    assert Contact(kind="call", value=value, dial=digits).dial == digits


@given(_digits, st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_a_dial_that_differs_from_the_value_is_refused(digits: str, index: int,
                                                       bump: int) -> None:
    index %= len(digits)
    wrong = digits[:index] + str((int(digits[index]) + bump) % 10) + digits[index + 1:]
    with pytest.raises(ValidationError, match="does not match"):
        Contact(kind="call", value=digits, dial=wrong)


@given(st.sampled_from(["https://Example.org/help", "https://www.example.org/help/",
                        "https://example.org/help#top"]))
def test_same_page_ignores_case_www_slash_and_fragment(url: str) -> None:
    assert same_page(url, "https://example.org/help")
    assert not same_page(url, "https://example.org/help/more")


@lru_cache(maxsize=1)
def _fixture_edition() -> Edition:
    project = load_project(REPO / "tests" / "fixtures" / "site" / "schedule.yaml")
    return edition_of(project, "2026-W48", "marathon")


@given(st.text(alphabet=st.sampled_from(list("abc 109 988-1553,.()")), max_size=60))
def test_tap_segments_rebuild_the_text_and_link_only_known_numbers(text: str) -> None:
    edition = _fixture_edition()
    pieces = Copy("en").segments(text, edition)
    assert "".join(piece for piece, _ in pieces) == text
    for piece, href in pieces:
        if href is not None:
            assert piece in {"109", "988", "1388", "741741", "116 123", "112", "119", "911",
                             "999"}
            assert href.startswith(("tel:", "sms:"))
