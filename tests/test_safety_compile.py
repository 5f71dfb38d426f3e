"""A Korean rule is compiled as written, not wrapped in a group: the same matches.

``compile_pattern`` used to compile ``(?:pattern\\n)`` for every rule; a Korean rule is
now the very pattern ``_compiles`` validated, which ``regex`` hands back from its cache.
The two must find exactly the same spans, on the rules' own examples, on every
catalogue text, on generated text built from the rules' pieces, and for patterns that
use what could tell a group apart (inline flags, trailing comments, alternation).
"""

from __future__ import annotations

from typing import Any

import pytest
import regex
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.safety.rules import _FLAGS, BUNDLED_RULES, compile_pattern
from tests.conftest import REPO

RULES = yaml.safe_load(BUNDLED_RULES.read_text("utf-8"))["rules"]
KOREAN = [r for r in RULES if r["language"] == "ko"]


def _wrapped(pattern: str) -> Any:
    """The former compilation of a Korean rule."""
    return regex.compile("(?:" + pattern + "\n)", _FLAGS)


def _spans(compiled: Any, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in compiled.finditer(text)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _texts() -> list[str]:
    texts = [t for r in RULES for kind in ("bad", "good") for t in r["examples"][kind]]
    for name in ("films", "themes", "helplines", "awareness_days", "vocabulary"):
        texts += _strings(yaml.safe_load((REPO / "data" / f"{name}.yaml").read_text("utf-8")))
    return texts


def test_korean_rules_exist() -> None:
    assert len(KOREAN) >= 10


@pytest.mark.parametrize("rule", KOREAN, ids=[r["id"] for r in KOREAN])
def test_korean_rule_finds_what_its_wrapped_form_finds(rule: dict[str, Any]) -> None:
    ours, theirs = compile_pattern(rule["pattern"], "ko"), _wrapped(rule["pattern"])
    texts = _texts()
    for text in [*texts, "\n".join(texts)]:
        assert _spans(ours, text) == _spans(theirs, text), text


def test_korean_rule_is_the_validated_pattern_itself() -> None:
    rule = KOREAN[0]
    assert compile_pattern(rule["pattern"], "ko") is regex.compile(rule["pattern"], _FLAGS)


_PIECES = sorted({piece for r in KOREAN for t in r["examples"]["bad"] + r["examples"]["good"]
                  for piece in t.split()} | {" ", "\n", "을 ", "를", "가", "X", "씨", "○"})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12),
       st.sampled_from(KOREAN))
def test_generated_text_gives_the_same_spans(parts: list[str], rule: dict[str, Any]) -> None:
    text = "".join(parts)
    assert _spans(compile_pattern(rule["pattern"], "ko"), text) == _spans(
        _wrapped(rule["pattern"]), text)


TRICKY = [
    "미친 # a trailing comment",
    "(?s)정신.병자",
    "a|b|정신",
    "(?m)^병신$",
    "장애\\ 인",
    "(?<![가-힣])장님",
    "(?i)abc|(?x) d e f",
    "선택(?=\\s*장애)|장애(?!인)",
    "x(?#inline comment)y",
]


@pytest.mark.parametrize("pattern", TRICKY)
def test_tricky_patterns_give_the_same_spans(pattern: str) -> None:
    text = "정신\n병자 abc DEF 미친 장님 눈장님 병신\n병신 선택 장애 장애인 xy 장애 인"
    assert _spans(compile_pattern(pattern, "ko"), text) == _spans(_wrapped(pattern), text)


def test_an_english_rule_is_compiled_as_before() -> None:
    for rule in (r for r in RULES if r["language"] == "en"):
        body = "(?:" + rule["pattern"] + "\n)"
        assert compile_pattern(rule["pattern"], "en").pattern == r"\b" + body + r"\b"
