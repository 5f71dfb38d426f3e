"""A locale in ``locales`` needs its text in the catalogue: no silent English fallback.

A Korean edition built from a catalogue whose synopsis has no ``ko`` used to show the
English one in the Korean email, posts and feed. Now loading the project refuses it
(exit 2, one ``file:line: field: message`` per missing text, all at once), and rendering
reads text strictly, so a locale the catalogue lacks is a programming error.
"""

from __future__ import annotations

import copy as copy_module
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import BadInput, ChannelError
from generator.project import load_project
from generator.schema import MissingLocale, pick_locale
from generator.yamlsource import format_path
from tests.conftest import copy_site, mindreel

BOTH = "locales: [en, ko]"
SILENCED_KO_SYNOPSIS = re.compile(r"(?m)^(    synopsis:\n      en: >-\n(?:        .*\n)+)"
                                  r"      ko: >-\n(?:        .*\n)+")
"""The ko text of the first film's (Silenced's) synopsis, as the fixture writes it."""


def _two_locale_site(folder: Path) -> Path:
    schedule = copy_site(folder)
    schedule.write_text(schedule.read_text("utf-8").replace("locales: [en]", BOTH), "utf-8")
    return schedule


def _drop_silenced_ko_synopsis(site: Path) -> int:
    """Remove the ko synopsis of films[0]; the line of its ``synopsis:`` key."""
    films = site / "data" / "films.yaml"
    text = films.read_text("utf-8")
    found = SILENCED_KO_SYNOPSIS.search(text)
    assert found is not None
    text = text[:found.start()] + found.group(1) + text[found.end():]
    films.write_text(text, "utf-8")
    return text.splitlines().index("    synopsis:") + 1


def test_a_film_without_korean_synopsis_stops_a_two_locale_build(tmp_path: Path) -> None:
    """The reproduction: exit 2 naming the field, not a Korean edition with English in it."""
    site = _two_locale_site(tmp_path / "site").parent
    line = _drop_silenced_ko_synopsis(site)
    expected = (f"data/films.yaml:{line}: films[0].synopsis: no ko text, and schedule.yaml "
                "lists ko in locales")
    for command in (["check"], ["build", "--week", "2026-W50"]):
        result = mindreel(*command, cwd=site)
        assert result.returncode == 2, result.stderr
        assert expected in result.stderr.splitlines(), result.stderr
        assert "Traceback" not in result.stderr
    assert not (site / "outbox").exists()


def test_an_english_only_site_needs_no_korean(tmp_path: Path) -> None:
    """``locales: [en]``: every ko text removed, the site still checks and builds."""
    site = copy_site(tmp_path / "site").parent
    for path in (site / "data").glob("*.yaml"):
        text = re.sub(r"(?m)^( +)ko: >-\n(?:\1  .*\n)+", "", path.read_text("utf-8"))
        text = re.sub(r"(?m)^ +(?:ko|director_ko|cast_ko): .*\n", "", text)
        path.write_text("".join(
            line if "titles:" in line else re.sub(r", ko: (?:\"[^\"]*\"|[^,}]*)", "", line)
            for line in text.splitlines(keepends=True)), "utf-8")
    assert "ko:" not in (site / "data" / "themes.yaml").read_text("utf-8")
    assert mindreel("check", cwd=site).returncode == 0
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    assert result.returncode == 0, result.stderr


def test_reading_a_locale_the_catalogue_lacks_is_an_error() -> None:
    assert pick_locale({"en": "Hope", "ko": "희망"}, "ko") == "희망"
    assert pick_locale({"en": "Hope"}, "en") == "Hope"
    with pytest.raises(MissingLocale) as caught:
        pick_locale({"en": "Hope"}, "ko")
    # Should the loading check ever miss a field, the user still gets one line, exit 2,
    # naming the text, and the build writes nothing (a ChannelError, like a post that
    # cannot fit).
    assert isinstance(caught.value, ChannelError)
    assert caught.value.exit_code == 2
    assert caught.value.report() == (
        "no ko text for 'Hope' (the text in en); write it in the catalogue\n"
        "bad input: change the catalogue text it names; nothing was written")


# --- every missing text, exactly ------------------------------------------------------

FILES = ("schedule.yaml", "data/vocabulary.yaml", "data/films.yaml", "data/themes.yaml",
         "data/helplines.yaml", "data/awareness_days.yaml")
NOT_SHOWN = (("data/films.yaml", ("films", 4)),)
"""Cart is out of rotation: no edition shows its text, so it needs no Korean."""
REASON = "no ko text, and schedule.yaml lists ko in locales"
Where = tuple[str | int, ...]


def _korean_fields(data: object, at: Where = ()) -> list[Where]:
    """Every place the fixture writes Korean: a text map's ``ko``, a Hangul name field."""
    found: list[Where] = []
    if isinstance(data, dict):
        if set(data) == {"en", "ko"}:
            return [(*at, "ko")]
        for key, value in data.items():
            if key in ("director_ko", "cast_ko") or at[-2:] == ("languages", "ko"):
                found.append((*at, key))
            else:
                found += _korean_fields(value, (*at, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found += _korean_fields(item, (*at, index))
    return found


def _fixture() -> dict[str, object]:
    site = copy_site(Path(tempfile.mkdtemp()) / "site")
    try:
        text = site.read_text("utf-8").replace("locales: [en]", BOTH)
        site.write_text(text, "utf-8")
        return {name: yaml.safe_load((site.parent / name).read_text("utf-8")) for name in FILES}
    finally:
        shutil.rmtree(site.parent.parent)


FIXTURE = _fixture()
KOREAN = [(name, at) for name in FILES for at in _korean_fields(FIXTURE[name])]


def _without(data: object, at: Where) -> object:
    """``data`` with the key at ``at`` deleted (a deep copy; the fixture stays whole)."""
    copy = copy_module.deepcopy(data)
    parent: Any = copy
    for part in at[:-1]:
        parent = parent[part]
    del parent[at[-1]]
    return copy


def _key_line(text: str, at: Where) -> int:
    """The line (1-based) of the deepest key on ``at`` that the YAML text holds."""
    node: Any = yaml.compose(text)
    line = 1
    for part in at:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if not match:
                break
            line, node = match[0][0].start_mark.line + 1, match[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            line, node = node.value[part].start_mark.line + 1, node.value[part]
    return line


def _reported_at(name: str, at: Where) -> Where | None:
    """Where a removed Korean text is reported: the text map itself, or the Hangul name
    field (on the line of the field it translates); None when no edition shows it."""
    if any(name == file and at[:len(prefix)] == prefix for file, prefix in NOT_SHOWN):
        return None
    return at[:-1] if at[-1] == "ko" else at


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(range(len(KOREAN)))))
def test_loading_reports_exactly_the_korean_texts_removed(removed: set[int]) -> None:
    """For any subset of Korean fields removed from the valid fixture, loading names
    exactly those an edition shows (file, line, field) and nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "data").mkdir()
        data = dict(FIXTURE)
        for index in sorted(removed):
            name, at = KOREAN[index]
            data[name] = _without(data[name], at)
        expected = set()
        for name in FILES:
            text = yaml.safe_dump(data[name], allow_unicode=True, sort_keys=False, width=200)
            (site / name).write_text(text, "utf-8")
            for index in removed:
                file, at = KOREAN[index]
                field = _reported_at(file, at)
                if file != name or field is None:
                    continue
                line_of = {"director_ko": "director", "cast_ko": "cast"}.get(str(field[-1]))
                line = _key_line(text, (*field[:-1], line_of) if line_of else field)
                expected.add(f"{name}:{line}: {format_path(field)}: {REASON}")
        try:
            load_project(site / "schedule.yaml")
            got: set[str] = set()
        except BadInput as exc:
            got = {str(p).replace(f"{site}/", "") for p in exc.problems}
    assert got == expected


def test_the_fixture_writes_korean_for_every_kind_of_text() -> None:
    """The property above covers every field the rule names."""
    kinds = {(name, tuple(p for p in at if isinstance(p, str))) for name, at in KOREAN}
    for wanted in [("data/films.yaml", ("films", "synopsis", "ko")),
                   ("data/films.yaml", ("films", "why_it_matters", "ko")),
                   ("data/films.yaml", ("films", "director_ko")),
                   ("data/films.yaml", ("films", "cast_ko")),
                   ("data/vocabulary.yaml", ("categories", "name", "ko")),
                   ("data/vocabulary.yaml", ("content_notes", "name", "ko")),
                   ("data/themes.yaml", ("themes", "tagline_short", "ko")),
                   ("data/themes.yaml", ("themes", "facts", "text", "ko")),
                   ("data/helplines.yaml", ("regions", "emergency", "label", "ko")),
                   ("data/helplines.yaml", ("regions", "lines", "contacts", "note", "ko")),
                   ("data/helplines.yaml", ("regions", "lines", "note", "ko")),
                   ("data/awareness_days.yaml", ("observances", "name", "ko")),
                   ("schedule.yaml", ("site", "languages", "ko", "title"))]:
        assert wanted in kinds, wanted


def test_a_schema_error_in_the_same_film_hides_no_missing_korean(tmp_path: Path) -> None:
    """The check reads the raw files, so a year written as text in Silenced does not hide
    that its synopsis has no Korean: two lines."""
    schedule = _two_locale_site(tmp_path / "site")
    _drop_silenced_ko_synopsis(schedule.parent)
    films = schedule.parent / "data" / "films.yaml"
    films.write_text(films.read_text("utf-8").replace("year: 2011", 'year: "2011"', 1), "utf-8")
    with pytest.raises(BadInput) as caught:
        load_project(schedule)
    assert sorted(p.field for p in caught.value.problems) == ["films[0].synopsis",
                                                              "films[0].year"]
