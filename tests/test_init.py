"""A newcomer's first commands: ``mindreel init``, then ``mindreel build`` in that folder.

Also what makes that work: the bundled templates, catalogue and rules resolve as package
data, a site's templates override them one file at a time, and a missing or broken
schedule.yaml is reported as its root cause alone.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

import pytest

from generator import bundled
from generator.catalogue import FILES, Catalogue, load_catalogue
from generator.commands.init import ALL_REGIONS, template_files
from generator.config import load_config
from generator.render import template_text
from generator.safety.rules import BUNDLED_RULES, EXCEPTIONS_FILE, RULES_FILE
from tests.conftest import BUNDLED_NOW_TEXT, REPO, copy_site
from tests.conftest import mindreel as _mindreel

# `init` copies the bundled catalogue, whose facts were checked up to 2026-11-30.
mindreel = functools.partial(_mindreel, now=BUNDLED_NOW_TEXT)

WEEK = "2026-W50"  # the next edition to go out at BUNDLED_NOW (Tue 1 Dec 2026 in Seoul)


def init(tmp_path: Path, *args: str) -> Path:
    result = mindreel("init", "news", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "news"


def build(site: Path, *args: str) -> str:
    result = mindreel("build", *args, cwd=site)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- the bundled files --------------------------------------------------------------


def test_an_editable_install_resolves_the_top_level_folders() -> None:
    assert bundled.templates_dir() == REPO / "templates"
    assert bundled.data_dir() == REPO / "data"
    assert BUNDLED_RULES == REPO / "data" / RULES_FILE
    assert not (REPO / "templates" / "__pycache__").exists()  # located, never imported


def test_pyproject_lists_every_package_and_maps_the_top_level_folders() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "generator").rglob("__init__.py")
    }
    assert set(config["packages"]) == on_disk | {"generator.data", "generator.templates"}
    assert config["package-dir"] == {"generator.data": "data", "generator.templates": "templates"}


def test_the_package_data_patterns_cover_every_template() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"][
        "setuptools"]["package-data"]["generator.templates"]
    root = REPO / "templates"
    shipped = {p for pattern in patterns for p in root.glob(pattern)}
    every = {p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.name != "__init__.py"}
    assert every and shipped == every


# --- init ---------------------------------------------------------------------------


def test_init_writes_a_newsletter_that_builds(tmp_path: Path) -> None:
    site = init(tmp_path)
    assert sorted(p.name for p in (site / "data").iterdir()) == sorted(
        [f"{name}.yaml" for name in FILES] + [EXCEPTIONS_FILE])
    for name in [f"{n}.yaml" for n in FILES] + [EXCEPTIONS_FILE]:
        assert (site / "data" / name).read_bytes() == (REPO / "data" / name).read_bytes()
    assert not (site / "data" / RULES_FILE).exists()  # the bundled rules apply, upgrades too
    assert not (site / "templates").exists()  # mindreel's own templates apply
    schedule = (site / "schedule.yaml").read_text("utf-8")
    assert schedule.startswith("# mindreel schedule") and "mindreel build" in schedule

    out = build(site)
    assert out.splitlines()[0].startswith(f"{WEEK}: wrote ")
    edition = site / "outbox" / WEEK
    for name in ("email.html", "email.txt", "email.eml", "article.html", "manifest.json"):
        assert (edition / name).is_file(), name
    assert "My mindreel" in (edition / "email.txt").read_text("utf-8")
    assert "109" in (edition / "email.txt").read_text("utf-8")  # the KR helpline footer
    assert (site / "outbox" / "index.html").is_file()
    assert out.splitlines()[-1] == ("next: open outbox/index.html (the review page), or run "
                                    "`mindreel preview` to see it served with the archive")


def test_init_empty_builds_with_one_example_of_each_record(tmp_path: Path) -> None:
    site = init(tmp_path, "--empty")
    assert not (site / "data" / EXCEPTIONS_FILE).exists()
    catalogue = load_catalogue(site / "data")
    assert (len(catalogue.films), len(catalogue.themes)) == (1, 1)
    assert [r.id for r in catalogue.regions] == ["KR", "INTL"]
    assert load_config(site / "schedule.yaml").settings.audience.regions == ["KR"]
    build(site, "--from", "2026-W50", "--to", "2026-W53")
    lint = mindreel("lint", "--weeks", "8", cwd=site)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "0 error(s), 0 warning(s)" in lint.stdout


def _records(catalogue: Catalogue) -> dict[str, object]:
    groups = {
        "film": catalogue.films, "theme": catalogue.themes, "region": catalogue.regions,
        "observance": catalogue.observances, "category": catalogue.vocabulary.categories,
        "note": catalogue.vocabulary.content_notes,
    }
    return {f"{kind}:{r.id}": r for kind, records in groups.items() for r in records}


def test_the_empty_examples_are_the_bundled_records_with_their_verified_facts() -> None:
    examples = _records(load_catalogue(bundled.STARTER / "empty"))
    bundled_records = _records(load_catalogue(bundled.data_dir()))
    assert examples
    for key, record in examples.items():
        assert record == bundled_records[key], f"{key} differs from data/; copy it again"


def test_the_starter_schedule_names_every_bundled_region() -> None:
    catalogue = load_catalogue(bundled.data_dir())
    listed = ALL_REGIONS.split("[", 1)[1].rstrip("]").split(", ")
    assert sorted(listed) == sorted(r.id for r in catalogue.regions if r.id != "INTL")


def test_init_never_overwrites_and_writes_nothing_then(tmp_path: Path) -> None:
    site = tmp_path / "news"
    site.mkdir()
    (site / "schedule.yaml").write_text("# mine\n", "utf-8")
    result = mindreel("init", "news", cwd=tmp_path)
    assert result.returncode == 2
    assert "already has schedule.yaml" in result.stderr and "Traceback" not in result.stderr
    assert (site / "schedule.yaml").read_text("utf-8") == "# mine\n"
    assert sorted(p.name for p in site.iterdir()) == ["schedule.yaml"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    site = tmp_path / "news"
    site.mkdir()
    (site / "data").write_text("a file where the folder goes", "utf-8")
    result = mindreel("init", "news", cwd=tmp_path)
    assert result.returncode == 4, result.stderr
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in site.iterdir()) == ["data"]


# --- templates ----------------------------------------------------------------------


def test_init_templates_copies_them_and_a_copy_overrides_only_itself(tmp_path: Path) -> None:
    site = init(tmp_path, "--templates")
    copied = {str(p.relative_to(site)): p.read_bytes()
              for p in (site / "templates").rglob("*") if p.is_file()}
    assert copied == template_files()
    text = site / "templates" / "email" / "edition.txt.j2"
    text.write_text(text.read_text("utf-8") + "Written by the example team.\n", "utf-8")
    for path in (site / "templates" / "web").iterdir():  # deleted: mindreel's apply again
        path.unlink()
    build(site)
    edition = site / "outbox" / WEEK
    assert "Written by the example team." in (edition / "email.txt").read_text("utf-8")
    assert "Written by the example team." not in (edition / "email.html").read_text("utf-8")
    assert (edition / "article.html").is_file()


def test_init_templates_in_an_existing_site_copies_only_the_templates(tmp_path: Path) -> None:
    site = init(tmp_path)
    schedule = (site / "schedule.yaml").read_bytes()
    result = mindreel("init", "--templates", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (site / "templates" / "email" / "edition.mjml.j2").is_file()
    assert (site / "schedule.yaml").read_bytes() == schedule
    again = mindreel("init", "--templates", cwd=site)
    assert again.returncode == 2 and "already has templates/" in again.stderr


def test_a_site_template_comes_first_and_the_bundled_one_fills_in(tmp_path: Path) -> None:
    own = tmp_path / "templates"
    (own / "review").mkdir(parents=True)
    (own / "review" / "review.css").write_text("body { color: teal }\n", "utf-8")
    assert template_text(own, "review/review.css") == "body { color: teal }\n"
    bundled_js = (REPO / "templates" / "review" / "review.js").read_text("utf-8")
    assert template_text(own, "review/review.js") == bundled_js


def test_a_site_template_naming_a_missing_one_is_bad_input(tmp_path: Path) -> None:
    site = init(tmp_path)
    own = site / "templates" / "social"
    own.mkdir(parents=True)
    (own / "x.txt.j2").write_text('{% include "social/nowhere.j2" %}\n', "utf-8")
    result = mindreel("build", "--week", WEEK, cwd=site)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("template social/nowhere.j2 is neither in ")
    assert not (site / "outbox" / WEEK).exists()


def test_a_templates_folder_named_in_the_schedule_must_exist(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site", "").parent
    schedule = site / "schedule.yaml"
    text = schedule.read_text("utf-8")
    schedule.write_text("\n".join(
        "templates: mine" if line.startswith("templates:") else line
        for line in text.splitlines()) + "\n", "utf-8")
    result = mindreel("check", cwd=site)
    assert result.returncode == 2
    assert "templates: no folder" in result.stderr


# --- the root cause first and alone -----------------------------------------------------


@pytest.mark.parametrize("command", ["build", "plan", "check", "preview"])
def test_no_schedule_is_one_error_that_says_how_to_start(tmp_path: Path, command: str) -> None:
    result = mindreel(command, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"schedule.yaml: not found (looked for {tmp_path}/schedule.yaml)")
    assert "run `mindreel init`" in lines[0]


def test_a_schedule_error_adds_no_errors_for_a_data_folder_it_did_not_name(
    tmp_path: Path,
) -> None:
    site = init(tmp_path)
    (site / "data").rename(site / "catalogue")
    schedule = site / "schedule.yaml"
    text = schedule.read_text("utf-8").replace("data: data ", "data: catalogue ")
    schedule.write_text(text.replace("timezone: Asia/Seoul", "timezone: Asia/Seol"), "utf-8")
    result = mindreel("build", cwd=site)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "schedule.yaml:11: timezone: unknown timezone 'Asia/Seol'; use an IANA name such as "
        "'Asia/Seoul'",
        "bad input: 1 problem(s); nothing was written",
    ]
