"""Fuzzing: hostile catalogue text, odd schedule values and damaged files never crash a build.

Hypothesis writes generated values into a copy of the fixture site (valid YAML through
``yaml.safe_dump``), or damages a file's bytes, then runs ``mindreel build`` in-process
through click's test runner. Every run must end in one of three ways:

- exit 0, and the output is sound: every edition folder matches its manifest, JSON and
  XML parse, feeds parse, the ``.eml`` parses without defects and keeps its header set,
  no markup or template syntax from the catalogue is live in HTML, XML or the email;
- exit 2, every problem printed as ``file:line: ...`` (or, for text no artifact can hold,
  the artifact and the edition), nothing written;
- exit 1, safety findings printed (the fuzzer can write a stigmatising word), nothing
  written.

Anything else (another code, an exception, a traceback) fails the test. A few fixed
hostile inputs also run through the real command in a subprocess.

Profiles: ``mindreel-fuzz`` locally; ``mindreel-fuzz-ci`` (derandomized, no example
database) when ``CI=true``, so CI runs the same examples every time.
``MINDREEL_FUZZ_EXAMPLES=2000`` makes a long bug hunt of the same tests.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import email
import email.policy
import io
import json
import os
import re
import shutil
import tempfile
import traceback
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from generator.cli import main
from generator.manifest import verify_folder
from generator.outbox import STATE_DIR
from tests.conftest import NOW_TEXT, copy_site, mindreel

CI = os.environ.get("CI", "").lower() == "true"
settings.register_profile(
    "mindreel-fuzz",
    max_examples=int(os.environ.get("MINDREEL_FUZZ_EXAMPLES", "70")),  # more for a long hunt
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture,
    ],
)
settings.register_profile(
    "mindreel-fuzz-ci", parent=settings.get_profile("mindreel-fuzz"), derandomize=True,
    database=None,
)
FUZZ = settings.get_profile("mindreel-fuzz-ci" if CI else "mindreel-fuzz")

WEEK = "2026-W48"
CHANNELS = {"channels": {"email": True, "feeds": True, "social": True}}
"""Every channel on: hostile text must be inert in every file any of them writes."""

# --- hostile text ---------------------------------------------------------------------

MARKUP = (
    "<script>alert('mr-xss')</script>",
    "</title><script>mr()</script>",
    '"><img src=x onerror=mr()>',
    "<svg/onload=mr()>",
)
TEMPLATE = ("{{ 7*'mr' }}", "{% raw %}", "{% endraw %}", "{# x #}", "*|UNSUB|*", "*|ARCHIVE|*",
            "{{ UnsubscribeURL }}", "${mr}", "%(mr)s", "{mr}")
RENDERED_TEMPLATE = b"mrmrmrmrmrmrmr"  # what {{ 7*'mr' }} becomes if anything evaluates it
NASTY = (
    *MARKUP,
    *TEMPLATE,
    "\u202e", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c",  # bidi controls
    "שלום עולם", "مرحبا", "도가니", "말아톤",  # RTL and Korean
    "👩\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🧑🏽\u200d⚕️", "\u200d", "\ufe0f",  # ZWJ sequences
    "\r\n", "\n", "\r", "\x00", "\t", "\x0b", "\x1b[31m", "\x85", "\u2028", "\u2029",
    "\ufeff", "\u00ad", "\u200b",
    "\r\nBcc: victim@example.org", "Subject: injected", "=?utf-8?q?=41?=",
    "]]>", "<![CDATA[", "&amp;", "&#0;", "&nbsp;", "<!--", "-->",
    "'", '"', "\\", "`", "&", "<", ">", "#", "@everyone", "https://evil.example",
    "a" * 3000, "도가니 " * 300, "W" * 200,
    "committed suicide", "crazy", "a psycho", "suicide epidemic",
    '=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
)
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Text the schema accepts as a one-line field, so it reaches the channels and the guard...
PRINTABLE = st.lists(
    st.one_of(st.sampled_from([s for s in NASTY if not CONTROLS.search(s)]),
              st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30)),
    min_size=1, max_size=5,
).map("".join)
# ...and anything at all (lone surrogates excepted: they cannot be written as UTF-8).
ANYTHING = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(st.characters(codec="utf-8"), max_size=30)),
    min_size=1, max_size=5,
).map("".join)
TEXT = st.one_of(PRINTABLE, PRINTABLE, PRINTABLE, ANYTHING)


def _path_to(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def string_leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a string value, for edits anywhere in a file."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from string_leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from string_leaves(value, (*path, index))
    elif isinstance(data, str):
        yield path


# Human-facing text of the features a build renders (most of the fuzzing goes here).
FILM_FIELDS = (
    ("titles", "en"), ("titles", "ko"), ("titles", "rr"), ("director",), ("cast", 0),
    ("synopsis", "en"), ("why_it_matters", "en"), ("sources", 0, "name"),
)
THEME_FIELDS = (
    ("name", "en"), ("tagline", "en"), ("tagline_short", "en"), ("awareness", "en"),
    ("support", "en"), ("facts", 0, "text", "en"), ("facts", 0, "source", "name"),
)
HELPLINE_FIELDS = (("name", "en"), ("short", "en"), ("hours", "en"), ("contacts", 0, "value"))
SCHEDULE_FIELDS = (
    ("site", "title"), ("site", "description"), ("site", "sender_name"),
    ("site", "list_address"), ("site", "sender_address"), ("email", "unsubscribe_url"),
    ("site", "base_url"), ("send", "time"), ("timezone",),
)
FEATURES = {"marathon": "films", "silenced": "films", "my-mister": "films",
            "depression": "themes", "trauma": "themes"}
ESPS = ("plain", "listmonk", "mailchimp", "buttondown")
ESP_OPENERS = (b"{{", b"{%", b"{#", b"*|")


# --- the site and the run -------------------------------------------------------------


def _scratch(prefix: str) -> Path:
    """A temporary folder that lives until the test session ends (shared, cached sites)."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


@cache
def pristine() -> Path:
    """One copy of the fixture site, every channel switched on, to copy from."""
    root = _scratch("mindreel-fuzz-")
    schedule = copy_site(root / "site")
    settings_ = yaml.safe_load(schedule.read_text("utf-8"))
    settings_.update(CHANNELS)
    schedule.write_text(yaml.safe_dump(settings_, allow_unicode=True, sort_keys=False), "utf-8")
    return root / "site"


@dataclass
class Site:
    """A private copy of the fixture site that a test may damage."""

    root: Path

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def load(self, rel: str) -> Any:
        return yaml.safe_load((self.root / rel).read_text("utf-8"))

    def dump(self, rel: str, data: Any) -> None:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (self.root / rel).write_text(text, "utf-8")

    def edit(self, rel: str, change: Callable[[Any], None]) -> None:
        data = self.load(rel)
        change(data)
        self.dump(rel, data)


@pytest.fixture
def fresh() -> Iterator[Callable[[], Site]]:
    """A factory of fresh site copies (one per Hypothesis example), removed afterwards."""
    made: list[Path] = []

    def make() -> Site:
        while made:  # the previous example's site is done with
            shutil.rmtree(made.pop(), ignore_errors=True)
        root = Path(tempfile.mkdtemp(prefix="mindreel-fuzz-site-"))
        made.append(root)
        shutil.copytree(pristine(), root / "site")
        return Site(root / "site")

    yield make
    for root in made:
        shutil.rmtree(root, ignore_errors=True)


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


def build(site: Site, week: str = WEEK) -> Outcome:
    """``mindreel build --week`` in-process; an exception here fails the test with its trace."""
    result = CliRunner().invoke(
        main,
        ["build", "--config", str(site.root / "schedule.yaml"), "--outbox", str(site.outbox),
         "--week", week],
        env={"MINDREEL_NOW": NOW_TEXT},
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"mindreel build raised instead of exiting cleanly:\n{trace}")
    return Outcome(result.exit_code, result.stdout, result.stderr)


PROBLEM_LINE = re.compile(r"^\S.*?\.ya?ml:\d+: ")


def check_outcome(site: Site, outcome: Outcome, baseline: Baseline | None) -> None:
    """One of the three allowed endings, each with what it promises."""
    assert outcome.code in (0, 1, 2), f"exit {outcome.code}: {outcome.stderr}"
    assert "Traceback" not in outcome.stderr + outcome.stdout
    with contextlib.suppress(InvalidArgument):  # outside Hypothesis there is no statistic
        event(f"exit {outcome.code}")  # --hypothesis-show-statistics shows the mix
    if outcome.code == 0:
        check_output(site.outbox, baseline)
        return
    assert not (site.outbox / WEEK).exists(), "a failed build wrote an edition"
    lines = outcome.stderr.strip().splitlines()
    if outcome.code == 2:
        assert lines[-1].startswith("bad input:") and "nothing was written" in lines[-1], lines
        assert lines[:-1], "exit 2 without a problem"
        for line in lines[:-1]:
            # A problem in a file names file and line; text that cannot make an artifact
            # (a post that cannot fit) names the artifact and the edition instead.
            assert PROBLEM_LINE.match(line) or WEEK in line, f"not a located message: {line!r}"
    else:
        assert "safety check failed" in lines[-1] and "nothing was written" in lines[-1], lines
        assert any(line.startswith("error: ") for line in lines[:-1]), lines


# --- what sound output means ------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """Counts in an unfuzzed build of the same feature and ESP, per file."""

    esp: str
    scripts: dict[str, int]
    openers: dict[str, int]
    headers: tuple[str, ...]


def _scripts(data: bytes) -> int:
    lowered = data.lower()
    return lowered.count(b"<script") + lowered.count(b"<img src=x") + lowered.count(b"<svg/")


def _email_texts(outbox: Path) -> dict[str, bytes]:
    """The email's HTML and text, including the decoded parts of the .eml."""
    folder = outbox / WEEK
    texts = {p.name: p.read_bytes() for p in folder.glob("email*") if p.suffix in (".html", ".txt")}
    message = email.message_from_bytes((folder / "email.eml").read_bytes(),
                                       policy=email.policy.default)
    for index, part in enumerate(message.walk()):
        if part.get_content_maintype() == "text":
            texts[f"email.eml#{index}"] = part.get_content().encode("utf-8")
    return texts


def _openers(outbox: Path) -> dict[str, int]:
    return {
        name: sum(data.count(opener) for opener in ESP_OPENERS)
        for name, data in _email_texts(outbox).items()
    }


def _headers(outbox: Path) -> tuple[str, ...]:
    eml = outbox / WEEK / "email.eml"
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    return tuple(sorted(name.lower() for name in message))


def baseline_of(site: Site, esp: str) -> Baseline:
    outcome = build(site)
    assert outcome.code == 0, outcome.stderr
    files = {str(p.relative_to(site.outbox)): p.read_bytes() for p in _files(site.outbox)}
    scripts = {rel: _scripts(data) for rel, data in files.items()
               if rel.endswith((".html", ".xml"))}
    return Baseline(esp, scripts, _openers(site.outbox), _headers(site.outbox))


def _files(outbox: Path) -> list[Path]:
    return [p for p in sorted(outbox.rglob("*"))
            if p.is_file() and STATE_DIR not in p.relative_to(outbox).parts]


CHANNEL_FILES = ("email.eml", "email.html", "article.html", "social/posts.json", "feed.xml")
"""One file of each channel, relative to the edition folder (feed.xml: to the outbox)."""


def check_output(outbox: Path, baseline: Baseline | None) -> None:
    folder = outbox / WEEK
    assert verify_folder(folder) == [], verify_folder(folder)
    for rel in CHANNEL_FILES:
        assert (outbox / rel if rel == "feed.xml" else folder / rel).is_file(), f"no {rel}"
    for path in _files(outbox):
        rel = str(path.relative_to(outbox))
        data = path.read_bytes()
        assert RENDERED_TEMPLATE not in data, f"{rel}: catalogue text was evaluated as a template"
        if path.suffix in (".html", ".xml", ".txt", ".json", ".eml", ".csv", ".md"):
            data.decode("utf-8")
        if path.suffix == ".json":
            json.loads(data)
        if path.suffix == ".xml":
            ET.fromstring(data)  # well-formed, whatever the catalogue said
            if path.name in ("feed.xml", "atom.xml"):
                parsed = feedparser.parse(data)
                assert not parsed.bozo, f"{rel}: {parsed.get('bozo_exception')}"
        if path.suffix in (".html", ".xml") and baseline is not None and rel in baseline.scripts:
            assert _scripts(data) <= baseline.scripts[rel], f"{rel}: catalogue markup is live"
        if path.suffix == ".eml":
            check_eml(data, baseline)
        if path.suffix == ".csv":
            check_csv(rel, data)
    if baseline is not None and baseline.esp != "plain":  # plain: no ESP evaluates the text
        opened = _openers(outbox)
        for name, count in baseline.openers.items():
            assert opened.get(name, 0) <= count, f"{name}: ESP template syntax from the catalogue"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_csv(rel: str, data: bytes) -> None:
    """Scheduling-tool exports parse as CSV and no cell can run as a spreadsheet formula."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"{rel}: a cell starts a formula: {cell!r}"


def check_eml(data: bytes, baseline: Baseline | None) -> None:
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        assert not part.defects, part.defects
        for name, value in part.items():
            assert "\n" not in str(value) and "\r" not in str(value), f"{name}: line break"
    for part in message.walk():
        if part.get_content_type() == "text/html":
            assert _scripts(part.get_content().encode("utf-8")) == 0
    if baseline is not None:
        headers = tuple(sorted(name.lower() for name in message))
        assert headers == baseline.headers, "the header set changed: injected header?"


# --- the fuzz tests ---------------------------------------------------------------------


@st.composite
def catalogue_edits(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, tuple[Any, ...], str]]]:
    """A featured id, an ESP, and edits (file, path, new text) of that feature and around it."""
    feature = draw(st.sampled_from(sorted(FEATURES)))
    esp = draw(st.sampled_from(ESPS))
    fields = FILM_FIELDS if FEATURES[feature] == "films" else THEME_FIELDS
    edits = []
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(("feature", "feature", "feature", "helpline", "schedule")))
        if where == "feature":
            edits.append(("feature", draw(st.sampled_from(fields)), draw(TEXT)))
        elif where == "helpline":
            edits.append(("helpline", draw(st.sampled_from(HELPLINE_FIELDS)), draw(TEXT)))
        else:
            edits.append(("schedule", draw(st.sampled_from(SCHEDULE_FIELDS)), draw(TEXT)))
    return feature, esp, edits


def _set(data: Any, path: tuple[Any, ...], value: str) -> None:
    _path_to(data, path[:-1])[path[-1]] = value


def prepare(site: Site, feature: str, esp: str) -> None:
    def pin(data: Any) -> None:
        data["pins"] = {**data.get("pins", {}), WEEK: feature}
        data["email"]["esp"] = esp
        if esp == "listmonk":
            data["email"]["listmonk"] = {"lists": [3]}

    site.edit("schedule.yaml", pin)


@cache
def _baseline(feature: str, esp: str) -> Baseline:
    root = _scratch("mindreel-fuzz-baseline-")
    shutil.copytree(pristine(), root / "site")
    site = Site(root / "site")
    prepare(site, feature, esp)
    return baseline_of(site, esp)


@FUZZ
@given(catalogue_edits())
def test_hostile_catalogue_text_is_escaped_or_refused(
    fresh: Callable[[], Site], case: tuple[str, str, list[tuple[str, tuple[Any, ...], str]]]
) -> None:
    feature, esp, edits = case
    baseline = _baseline(feature, esp)
    site = fresh()
    prepare(site, feature, esp)
    kind = FEATURES[feature]
    for target, path, text in edits:
        if target == "feature":
            def change(data: Any, path: tuple[Any, ...] = path, text: str = text) -> None:
                item = next(x for x in data[kind] if x["id"] == feature)
                _set(item, path, text)

            site.edit(f"data/{kind}.yaml", change)
        elif target == "helpline":
            def change_line(data: Any, path: tuple[Any, ...] = path, text: str = text) -> None:
                _set(data["regions"][0]["lines"][0], path, text)

            site.edit("data/helplines.yaml", change_line)
        else:
            def change_schedule(data: Any, path: tuple[Any, ...] = path, text: str = text) -> None:
                _set(data, path, text)

            site.edit("schedule.yaml", change_schedule)
    check_outcome(site, build(site), baseline)


@st.composite
def anywhere_edits(draw: st.DrawFn) -> tuple[str, tuple[Any, ...], Any]:
    """Any value in any file replaced: a string, a number, a list, a mapping or null."""
    rel = draw(st.sampled_from(("schedule.yaml", *(f"data/{n}.yaml" for n in (
        "films", "themes", "helplines", "awareness_days", "vocabulary")))))
    leaves = sorted(_leaf_paths(rel), key=repr)
    path = draw(st.sampled_from(leaves))
    value = draw(st.one_of(
        TEXT, st.integers(-(2**70), 2**70), st.floats(allow_nan=True), st.booleans(), st.none(),
        st.dates(), st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2),
    ))
    return rel, path, value


@cache
def _leaf_paths(rel: str) -> tuple[tuple[Any, ...], ...]:
    data = yaml.safe_load((pristine() / rel).read_text("utf-8"))
    paths = set(string_leaves(data))
    paths |= {p[:-1] for p in paths if p}  # whole lists and mappings too
    return tuple(p for p in paths if p and p != ("templates",) and p[0] != "channels")


@FUZZ
@given(anywhere_edits())
def test_any_value_anywhere_gives_a_clean_ending(
    fresh: Callable[[], Site], case: tuple[str, tuple[Any, ...], Any]
) -> None:
    rel, path, value = case
    site = fresh()
    site.edit(rel, lambda data: _set(data, path, value))
    check_outcome(site, build(site), None)


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(("insert", "delete", "replace", "truncate", "duplicate-line",
                         "drop-line", "swap-lines", "indent")),
        st.integers(0, 2**20),
        st.binary(min_size=1, max_size=6)
        | st.sampled_from([b":", b"- ", b"  ", b"\t", b"\"", b"'", b"{", b"[", b"&a", b"*a",
                           b"!!python/object:os.system", b"<<: ", b"---\n", b"\xff", b"\x00",
                           b"\xed\xa0\x80", b"\r", b"\n", b"#", b"%YAML 1.1\n", b"?"]),
    ),
    min_size=1,
    max_size=4,
)


def mutate(data: bytes, mutations: list[tuple[str, int, bytes]]) -> bytes:
    """Apply byte-level edits: the kind of damage an editor, a merge or a disk does."""
    for kind, where, chunk in mutations:
        lines = data.splitlines(keepends=True) or [b""]
        at = where % (len(data) + 1)
        line = where % len(lines)
        if kind == "insert":
            data = data[:at] + chunk + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + len(chunk):]
        elif kind == "replace":
            data = data[:at] + chunk + data[at + len(chunk):]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "duplicate-line":
            data = b"".join(lines[: line + 1] + lines[line:])
        elif kind == "drop-line":
            data = b"".join(lines[:line] + lines[line + 1:])
        elif kind == "swap-lines":
            other = (line + len(chunk)) % len(lines)
            lines[line], lines[other] = lines[other], lines[line]
            data = b"".join(lines)
        else:
            lines[line] = chunk[:1].replace(b"\n", b" ") + lines[line]
            data = b"".join(lines)
    return data


@FUZZ
@given(
    st.sampled_from(("schedule.yaml", "data/films.yaml", "data/themes.yaml",
                     "data/helplines.yaml", "data/awareness_days.yaml", "data/vocabulary.yaml")),
    MUTATIONS,
)
def test_damaged_files_give_a_clean_ending(
    fresh: Callable[[], Site], rel: str, mutations: list[tuple[str, int, bytes]]
) -> None:
    site = fresh()
    path = site.root / rel
    path.write_bytes(mutate(path.read_bytes(), mutations))
    check_outcome(site, build(site), None)


# --- a sample through the real command, in a subprocess --------------------------------

SAMPLES: dict[str, tuple[str, Callable[[Any], None], int]] = {
    "markup-in-title": ("data/films.yaml", lambda d: d["films"][1]["titles"].update(
        en="Marathon</title><script>alert('mr-xss')</script>"), 0),
    # Bidi controls would reverse the rest of a line: refused as bad input.
    "bidi-controls": ("data/films.yaml", lambda d: d["films"][1].update(
        synopsis={"en": "\u202eevil\u202c \u2066שלום\u2069 runs."}), 2),
    "rtl-text-and-emoji-zwj": ("data/films.yaml", lambda d: d["films"][1].update(
        synopsis={"en": "שלום 👩\u200d👩\u200d👧\u200d👦 runs."}), 0),
    "template-syntax": ("data/films.yaml", lambda d: d["films"][1].update(
        why_it_matters={"en": "{{ 7*'mr' }} {% raw %} *|UNSUB|* {{ UnsubscribeURL }}"}), 0),
    "header-injection": ("schedule.yaml", lambda d: d["site"].update(
        title="mindreel\r\nBcc: victim@example.org"), 2),
    # No post can hold it: bad input, since the social channel is on.
    "very-long-title": ("data/films.yaml", lambda d: d["films"][1]["titles"].update(
        en="Marathon " * 400), 2),
    "stigmatising-word": ("data/films.yaml", lambda d: d["films"][1].update(
        synopsis={"en": "A young man who committed suicide is remembered by a crazy town."}), 1),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_hostile_sample_through_the_real_command(name: str, tmp_path: Path) -> None:
    schedule = copy_site(tmp_path / "site")
    site = Site(schedule.parent)
    site.edit("schedule.yaml", lambda d: d.update({**CHANNELS, "pins": {WEEK: "marathon"}}))
    rel, change, expected = SAMPLES[name]
    site.edit(rel, change)
    done = mindreel("build", "--week", WEEK, cwd=site.root)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == expected, done.stderr
    check_outcome(site, Outcome(done.returncode, done.stdout, done.stderr),
                  _baseline("marathon", "plain"))


def test_a_nul_byte_in_a_file_is_bad_input(tmp_path: Path) -> None:
    site = Site(copy_site(tmp_path / "site").parent)
    path = site.root / "data" / "films.yaml"
    path.write_bytes(path.read_bytes().replace(b"An autistic", b"An \x00autistic"))
    done = mindreel("build", "--week", WEEK, cwd=site.root)
    assert done.returncode == 2, done.stderr
    assert "data/films.yaml:" in done.stderr and "NUL" in done.stderr
