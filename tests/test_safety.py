"""The guard on whole editions: clean fixtures pass, exceptions stay with their title,
required elements are enforced, and old helplines warn, then block."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator.build import render_pick
from generator.config import SafetySettings
from generator.edition import Edition
from generator.picker import Pick
from generator.project import Project, load_project
from generator.safety import check_edition, check_texts, helpline_freshness
from generator.safety.required import check_required
from generator.safety.rules import load_rulebook
from generator.safety.text import Text
from generator.weeks import IsoWeek
from tests.conftest import GOLDEN_EDITIONS, NOW, REPO, copy_site, edition_of

BOOK = load_rulebook(REPO / "data")
CHANNELS = ("email", "feeds", "social")


def channels_yaml(**override: bool) -> str:
    """A ``channels`` section with every channel on, except those ``override`` switches."""
    switches = {name: override.get(name, True) for name in CHANNELS}
    return "channels: {" + ", ".join(f"{k}: {str(v).lower()}" for k, v in switches.items()) + "}\n"


DRAMA = """
  - id: its-okay-to-not-be-okay
    type: drama
    titles: {en: "It's Okay to Not Be Okay", ko: 사이코지만 괜찮아, rr: Saikojiman gwaenchana}
    year: 2020
    director: Park Shin-woo
    network: tvN
    episodes: 16
    cast: [Kim Soo-hyun, Seo Yea-ji]
    category: mental-health
    themes: [trauma]
    synopsis:
      en: A psychiatric ward carer and a children's author slowly face old wounds together.
    why_it_matters:
      en: It treats care work and trauma with warmth, though its title repeats a slur.
    sources:
      - {url: "https://en.wikipedia.org/wiki/It%27s_Okay_to_Not_Be_Okay", name: Wikipedia}
"""
EXCEPTION = """exceptions:
  - rule: ko-psycho
    feature: its-okay-to-not-be-okay
    text: 사이코지만 괜찮아
    where: [films.titles, email, web, social]
    reason: The drama's own Korean title.
"""


def add_drama(site: Path, exception: bool = True) -> None:
    data = site.parent / "data"
    with (data / "films.yaml").open("a", encoding="utf-8") as out:
        out.write(DRAMA)
    if exception:
        (data / "safety_exceptions.yaml").write_text(EXCEPTION, "utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


Rendered = tuple[Edition, dict[str, bytes], list[str]]


def render(project: Project, week: str, feature: str) -> Rendered:
    kind = "film" if project.catalogue.film(feature) else "theme"
    pick = Pick(IsoWeek.parse(week), kind, feature, "test", "pin")  # type: ignore[arg-type]
    rendered = render_pick(project, pick, NOW)
    return rendered.edition, rendered.files, [str(f) for f in rendered.findings]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(tmp_path / "site", channels_yaml())


@pytest.mark.parametrize("name", sorted(GOLDEN_EDITIONS))
def test_fixture_editions_pass_with_no_findings(site: Path, name: str) -> None:
    week, feature = GOLDEN_EDITIONS[name]
    _, files, findings = render(load_project(site), week, feature)
    assert {"email.txt", "article.html", "social/posts.json"} <= set(files)
    assert findings == []


# --- exceptions ------------------------------------------------------------------------------

def test_a_title_exception_allows_the_title_in_its_own_and_related_editions(site: Path) -> None:
    add_drama(site)
    project = load_project(site)
    _, files, findings = render(project, "2026-W51", "its-okay-to-not-be-okay")
    assert findings == []
    _, files, findings = render(project, "2026-W50", "silenced")  # lists the drama as related
    assert findings == []
    assert "사이코지만 괜찮아" in files["email.txt"].decode()


def test_without_its_exception_the_title_blocks(site: Path) -> None:
    add_drama(site, exception=False)
    _, _, findings = render(load_project(site), "2026-W51", "its-okay-to-not-be-okay")
    assert any(f.startswith("error: ") and "data/films.yaml:" in f
               and "films[5].titles.ko: [ko-psycho]" in f for f in findings), findings


def test_an_exception_does_not_leak_to_another_title(site: Path) -> None:
    add_drama(site)
    edit(site.parent / "data" / "films.yaml",
         "en: An autistic young man and his mother train for a full marathon.",
         "en: An autistic young man, a fan of 사이코지만 괜찮아, trains for a full marathon.")
    _, _, findings = render(load_project(site), "2026-W48", "marathon")
    errors = [f for f in findings if f.startswith("error:") and "[ko-psycho]" in f]
    assert any("data/films.yaml" in f and "films[1].synopsis.en" in f for f in errors), findings
    assert any(f.startswith("error: 2026-W48/email.txt:") for f in errors), errors


def test_an_exception_holds_only_in_the_places_it_lists(site: Path) -> None:
    add_drama(site)
    edit(site.parent / "data" / "films.yaml",
         "en: A psychiatric ward carer and a children's author",
         "en: In 사이코지만 괜찮아, a psychiatric ward carer and a children's author")
    _, _, findings = render(load_project(site), "2026-W51", "its-okay-to-not-be-okay")
    assert [f for f in findings if "[ko-psycho]" in f] == [
        next(f for f in findings if "films[5].synopsis.en: [ko-psycho]" in f)]


def test_crazy_inside_a_titles_own_name_passes_only_for_that_title(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "safety_exceptions.yaml").write_text(
        "exceptions:\n  - {rule: en-crazy, feature: crazy-love, text: Crazy Love,\n"
        "     where: [films.titles, email], reason: the drama's own title}\n", "utf-8")
    book = load_rulebook(data)

    def rules(text: str, place: str, owner: str = "", shown: tuple[str, ...] = ()) -> list[str]:
        found = check_texts([Text("f", "", place, owner, text)], book, shown)
        return [f"{f.rule}:{f.text}" for f in found]

    assert rules("Crazy Love", "films.titles", "crazy-love") == []
    assert rules("Crazy Love", "films.titles", "marathon") == ["en-crazy:Crazy"]
    assert rules("Crazy Love", "films.synopsis", "crazy-love") == ["en-crazy:Crazy"]
    email = "This week: Crazy Love (2022).\nA crazy plan goes wrong."
    assert rules(email, "email", shown=("crazy-love",)) == ["en-crazy:crazy"]
    assert rules(email, "email", shown=("marathon",)) == ["en-crazy:Crazy", "en-crazy:crazy"]
    assert rules(email, "social", shown=("crazy-love",)) == ["en-crazy:Crazy", "en-crazy:crazy"]


# --- required elements -----------------------------------------------------------------------

@pytest.fixture
def silenced(tmp_path: Path) -> tuple[Edition, Project]:
    site = copy_site(tmp_path / "quiet", channels_yaml(email=False, feeds=False, social=False))
    project = load_project(site)
    return edition_of(project, "2026-W50", "silenced"), project


FOOTER = ("If you need support:\nKorea: call 109 (24/7)\nUS: call or text 988 (24/7)\n"
          "UK & IE: Samaritans 116 123 (24/7)\n")
NOTE = "Content note: this edition discusses sexual violence, child abuse and suicide.\n"
HOPE = "Help is available.\n"


def required(edition: Edition, project: Project,
             files: dict[str, str]) -> list[tuple[str, str, str]]:
    found = check_required(edition, {k: v.encode() for k, v in files.items()},
                           project.config.settings, BOOK)
    return [(f.rule, f.artifact, f.text) for f in found]


def test_complete_files_pass(silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    email = NOTE + "The film...\n" + FOOTER + HOPE
    assert required(edition, project, {"email.txt": email, "article.html": f"<p>{email}</p>"}) == []


def test_each_audience_region_needs_its_helpline(silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    email = NOTE + FOOTER.replace("US: call or text 988 (24/7)\n", "") + HOPE
    assert required(edition, project, {"email.txt": email}) == [
        ("helpline-missing", "email.txt", "no helpline for United States: "
         "988 Suicide & Crisis Lifeline (988)")]


def test_a_number_elsewhere_does_not_count_as_the_helpline(
        silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    footer = FOOTER.replace("Korea: call 109 (24/7)\n", "")
    email = NOTE + "Runtime: 109 min\n" + footer + HOPE
    assert [r[2] for r in required(edition, project, {"email.txt": email})] == [
        "no helpline for South Korea: Suicide Prevention Helpline (109)"]
    near_name = email + "Suicide Prevention Helpline: call 109\n"
    assert required(edition, project, {"email.txt": near_name}) == []


def test_content_note_is_required_for_suicide_and_sexual_violence(
        silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    assert required(edition, project, {"email.txt": FOOTER + HOPE}) == [
        ("content-note-missing", "email.txt", "no content note naming sexual violence, suicide")]
    far = "Content note: " + "words " * 60 + "sexual violence, suicide\n"
    assert [r[0] for r in required(edition, project, {"email.txt": far + FOOTER + HOPE})] == [
        "content-note-missing"]
    marathon = edition_of(project, "2026-W48", "marathon")  # no such notes: none needed
    assert required(marathon, project, {"email.txt": FOOTER + HOPE}) == []


@pytest.mark.parametrize("named", ["suicide", "sexual violence"])
def test_a_content_note_naming_only_some_labels_is_missing(
        silenced: tuple[Edition, Project], named: str) -> None:
    """Silenced's notes are sexual violence and suicide: a note naming one of them is not
    enough, whether it is in the text, in Mastodon's CW field or in posts.json's ``cw``."""
    edition, project = silenced
    missing = "no content note naming sexual violence, suicide"
    partial = f"CW: {named}\nThis week: Silenced.\n"
    assert required(edition, project, {"email.txt": partial + FOOTER + HOPE}) == [
        ("content-note-missing", "email.txt", missing)]
    post = "This week: Silenced.\nKorea: call 109 (24/7)\n"
    social = {"social/mastodon.txt": post, "social/mastodon.cw.txt": f"CW: {named}"}
    assert required(edition, project, social) == [
        ("content-note-missing", "social/mastodon.txt", missing)]
    posts = [{"platform": "mastodon", "part": 1, "text": post, "cw": named}]
    assert required(edition, project, {"social/posts.json": json.dumps(posts)}) == [
        ("content-note-missing", "social/posts.json", missing)]
    whole = "CW: suicide, sexual violence"  # every label, in either order, passes
    social["social/mastodon.cw.txt"] = whole
    posts[0]["cw"] = whole
    assert required(edition, project, {"email.txt": f"{whole}\n" + FOOTER + HOPE,
                                       **social, "social/posts.json": json.dumps(posts)}) == []


def test_hope_line_is_the_theme_support_text_or_a_hope_phrase(
        silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    assert required(edition, project, {"email.txt": NOTE + FOOTER}) == [
        ("hope-line-missing", "email.txt", "no help-seeking or hope line")]
    support = edition.theme.support.replace(" ", "\n", 3)  # wrapped as plain text wraps it
    assert required(edition, project, {"email.txt": NOTE + FOOTER + support}) == []


def test_social_posts_need_the_primary_helpline_and_a_cw_in_their_first_part(
        silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    post = ("CW: sexual violence, child abuse, suicide\nThis week: Silenced.\n"
            "Korea: call 109 (24/7)\n")
    files = {"social/x.txt": post, "social/x-2.txt": "more words\n2/2",
             "social/mastodon.txt": "This week: Silenced.\nKorea: call 109 (24/7)\n",
             "social/mastodon.cw.txt": "CW: sexual violence, child abuse, suicide"}
    assert required(edition, project, files) == []
    files["social/mastodon.cw.txt"] = "CW: child abuse"
    files["social/bluesky.txt"] = "CW: sexual violence, suicide\nThis week: Silenced.\n"
    assert sorted(required(edition, project, files)) == [
        ("content-note-missing", "social/mastodon.txt",
         "no content note naming sexual violence, suicide"),
        ("helpline-missing", "social/bluesky.txt",
         "no helpline for South Korea: Suicide Prevention Helpline (109)"),
    ]


def test_posts_json_first_parts_are_checked(silenced: tuple[Edition, Project]) -> None:
    edition, project = silenced
    posts = [{"platform": "x", "part": 1, "text": "Silenced. Korea: call 109 (24/7)",
              "cw": "sexual violence, suicide"},
             {"platform": "x", "part": 2, "text": "more"},
             {"platform": "threads", "part": 1, "text": "CW: suicide. Silenced.", "cw": None}]
    found = required(edition, project, {"social/posts.json": json.dumps(posts)})
    assert sorted(found) == [
        ("content-note-missing", "social/posts.json",
         "no content note naming sexual violence, suicide"),
        ("helpline-missing", "social/posts.json",
         "no helpline for South Korea: Suicide Prevention Helpline (109)"),
    ]


def test_an_enabled_channel_must_render_its_files(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "s", channels_yaml(email=True, feeds=False, social=False))
    project = load_project(site)
    edition = edition_of(project, "2026-W48", "marathon")
    assert required(edition, project, {}) == [
        ("artifact-missing", name, f"the email channel is on but {name} was not rendered")
        for name in ("email.html", "email.txt")
    ]


# --- helpline freshness ----------------------------------------------------------------------

def test_old_helplines_warn_then_block(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "s", channels_yaml(email=False, feeds=False, social=False))
    helplines = site.parent / "data" / "helplines.yaml"
    text = helplines.read_text("utf-8")
    text = text.replace("verified: 2026-11-25", "verified: 2026-05-01", 1)  # kr-109: 208 days
    text = re.sub(r"(id: us-988\n(?:.*\n)*?\s+verified: )2026-11-25", r"\g<1>2025-10-01", text)
    helplines.write_text(text, "utf-8")
    lines = text.splitlines()
    kr_line = lines.index("        verified: 2026-05-01") + 1
    us_line = lines.index("        verified: 2025-10-01") + 1
    project = load_project(site)
    edition = edition_of(project, "2026-W48", "marathon")
    findings = check_edition(edition, {}, project, NOW.date())
    assert [(f.severity, f.rule, f.artifact.endswith("data/helplines.yaml"), f.line)
            for f in findings] == [("error", "helpline-stale", True, us_line),
                                   ("warning", "helpline-aging", True, kr_line)]
    assert "us-988 (988 Suicide & Crisis Lifeline) last verified 2025-10-01, 420 days ago" in str(
        findings[0])
    settings = SafetySettings(helpline_warn_days=500, helpline_error_days=600)
    assert helpline_freshness(project.catalogue, settings, date(2026, 11, 25)) == []
