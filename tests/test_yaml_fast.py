"""The YAML reader's shortcuts give exactly what the straightforward path gives.

``load_yaml`` builds values from the composed nodes itself (PyYAML's constructor only
for scalars other than strings, and for anything unusual), runs the path-keeping scan
for anchors, aliases and merge keys only when a quick pass over the parser's events
finds something suspicious, and hands out the same document again for the same bytes.
Each shortcut is compared here with PyYAML's own result on generated and real files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import yamlsource
from generator.yamlsource import YamlDoc, load_yaml
from generator.yamlvalues import construct
from tests.conftest import REPO


def _reference(text: str) -> Any:
    """PyYAML's safe constructor on the same nodes, with mindreel's date rule."""
    loader = yamlsource._Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _fast(text: str) -> Any:
    loader = yamlsource._Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else construct(loader, node)
    finally:
        loader.dispose()


def _outcome(build: Any, text: str) -> tuple[str, Any]:
    try:
        value = build(text)
    except yaml.YAMLError as exc:
        return "error", " ".join(str(exc).split())
    return repr(type(value)), value


_scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=20)
            | st.floats(allow_nan=False) | st.dates()
            | st.datetimes(timezones=st.just(dt.UTC)))
_keys = st.text(max_size=8) | st.integers() | st.booleans() | st.none() | st.dates()
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_keys, inner, max_size=4), max_leaves=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values, st.booleans())
def test_generated_documents_build_as_pyyaml_builds_them(value: Any, flow: bool) -> None:
    text = yaml.safe_dump({"root": value}, allow_unicode=True, default_flow_style=flow)
    assert _outcome(_fast, text) == _outcome(_reference, text)


UNUSUAL = [
    "a: !!set {x, y}\n",
    "a: !!omap [x: 1, y: 2]\n",
    "a: !!pairs [x: 1, x: 2]\n",
    "a: !!binary aGVsbG8=\n",
    "? [a, b]\n: c\n",
    "? {a: 1}\n: c\n",
    "=: equals\n",
    "a: =\n",
    "a: !!str 12\nb: !!int '12'\nc: !!float 1\n",
    "a: !!python/name:os.system x\n",
    "a: !custom x\nb: !other y\n",
    "a: !!seq x\n",
    "a: !!str [x]\n",
    "a: !!map [x]\n",
    "a: 2023-02-30\nb: 2024-02-29\nc: 2024-02-29 10:00:00+09:00\n",
    "a: 0o17\nb: 0x1F\nc: 1_000\nd: 1:30\ne: .inf\nf: -.INF\ng: .nan\nh: yes\ni: Off\n",
    "- ~\n- null\n-\n- ''\n",
    "a: [1, [2, [3, {b: [4]}]]]\n",
    "? !!set {x}\n: y\n",
    "1: int key\ntrue: bool key\n~: null key\n2024-01-01: date key\n1.5: float key\n",
]


@pytest.mark.parametrize("text", UNUSUAL)
def test_unusual_documents_build_as_pyyaml_builds_them(text: str) -> None:
    fast, reference = _outcome(_fast, text), _outcome(_reference, text)
    if fast[0] == "<class 'float'>" or "nan" in text:
        assert repr(fast) == repr(reference)
    else:
        assert fast == reference


def _real_files() -> list[Path]:
    found = [REPO / "schedule.yaml", *sorted((REPO / "data").glob("*.yaml")),
             *sorted((REPO / "tests").rglob("*.yaml"))]
    return [p for p in found if p.stat().st_size < 1_000_000]


def test_every_yaml_file_in_the_repository_builds_as_pyyaml_builds_it() -> None:
    checked = 0
    for path in _real_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            if not yamlsource._plain(text):
                continue  # refused before anything is built
            assert _outcome(_fast, text) == _outcome(_reference, text), path
            checked += 1
        except yaml.YAMLError:
            continue  # a syntax error: nothing is built either way
    assert checked > 20


_fragments = st.sampled_from([
    "a: 1\n", "- x\n", "b: &x 1\n", "c: *x\n", "<<: {d: 1}\n", "e: <<\n", "'<<': 1\n",
    "f: !!merge {}\n", "g: [&y 1, *y]\n", "h: 'a & b * c'\n", "i: {j: k}\n", "  - y\n",
    "k: \"<<\"\n", "? <<\n: 1\n", "l: !!str <<\n", "m: &z\n", "n: *nope\n",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_fragments, max_size=8))
def test_quick_pass_never_misses_what_the_scan_reports(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        plain = yamlsource._plain(text)
        doc = YamlDoc("x.yaml", None)
        yamlsource._scan(text, doc)
    except yaml.YAMLError:
        return
    if plain:
        assert doc.problems == []


def test_more_values_than_allowed_is_not_plain() -> None:
    text = "[" + ", ".join(["1"] * (yamlsource.MAX_NODES + 1)) + "]\n"
    assert not yamlsource._plain(text)


def test_same_bytes_same_document_and_an_edit_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n", "utf-8")
    first = load_yaml(path, "f.yaml")
    assert load_yaml(path, "f.yaml") is first
    assert load_yaml(path, "other.yaml") is not first
    path.write_text("a: 2\n", "utf-8")  # same size, maybe the same mtime: content decides
    assert load_yaml(path, "f.yaml").data == {"a": 2}
    path.unlink()
    assert load_yaml(path, "f.yaml").problems[0].message == "file not found"
