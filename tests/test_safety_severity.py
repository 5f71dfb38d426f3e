"""Every bundled wording rule's severity, fixed in a table.

A rule lowered from error to warning stops blocking the write and no other test would
notice: the rule's examples still match. So each severity is written down here, and a
rule added to data/safety_rules.yaml fails ``test_every_bundled_rule_has_a_row`` until it
gets a row (a deliberate change of severity is a change of this table too).
"""

from __future__ import annotations

import pytest
import yaml

from generator.safety import check_texts
from generator.safety.rules import BUNDLED_RULES, load_rulebook
from generator.safety.text import Text, clean
from tests.conftest import REPO

SEVERITY = {
    "en-committed-suicide": "error",
    "en-successful-suicide": "error",
    "en-completed-suicide": "warning",
    "en-suicide-epidemic": "error",
    "en-skyrocketing": "error",
    "en-suicide-victim": "error",
    "en-suicide-note": "warning",
    "en-suicide-metaphor": "warning",
    "en-solution-framing": "warning",
    "en-method": "error",
    "en-place-of-death": "error",
    "en-crazy": "error",
    "en-insane": "warning",
    "en-psycho": "error",
    "en-schizo": "error",
    "en-a-schizophrenic": "error",
    "en-lunatic": "error",
    "en-nutter": "error",
    "en-suffers-from": "error",
    "en-afflicted": "error",
    "en-victim-of": "error",
    "en-wheelchair-bound": "error",
    "en-disability-slur": "error",
    "ko-extreme-choice": "error",
    "ko-last-exit": "error",
    "ko-choice-framing": "error",
    "ko-follow-suicide": "error",
    "ko-jeongsinbyeongja": "error",
    "ko-psycho": "error",
    "ko-jeoneunga": "error",
    "ko-jeongsinbunyeol": "error",
    "ko-diagnosis-label": "error",
    "ko-fear-terms": "warning",
    "ko-jangaewoo": "error",
    "ko-jangaeja": "error",
    "ko-jeongsangin": "error",
    "ko-michin": "error",
    "ko-disability-slur": "error",
    "ko-disability-idiom": "warning",
    "ko-method": "error",
    "ko-place-of-death": "error",
    "en-method-jump": "error",
    "en-method-train": "error",
    "ko-method-jump": "error",
    "ko-method-hang": "error",
    "ko-method-train": "error",
    "ko-method-drown": "error",
    "ko-suicide-note": "warning",
    "ko-resolution-framing": "error",
    "ko-took-own-life": "warning",
}
"""Rule id -> the severity the bundled rules file must give it."""

BOOK = load_rulebook(REPO / "data")
RAW = yaml.safe_load(BUNDLED_RULES.read_text("utf-8"))


def test_every_bundled_rule_has_a_row() -> None:
    in_file = [rule["id"] for rule in RAW["rules"]]
    assert sorted(set(in_file) - set(SEVERITY)) == [], "add a row to SEVERITY for each new rule"
    assert sorted(set(SEVERITY) - set(in_file)) == [], "a rule in SEVERITY left the file"


@pytest.mark.parametrize(("rule_id", "severity"), sorted(SEVERITY.items()))
def test_bundled_rule_severity(rule_id: str, severity: str) -> None:
    rule = BOOK.rule(rule_id)
    assert rule is not None, f"{rule_id} is not in the bundled rules"
    assert rule.severity == severity
    spec = next(r for r in RAW["rules"] if r["id"] == rule_id)
    place = next(p for p in ("email", "social", "web", "films.synopsis", "films.titles")
                 if rule.applies_to(p))
    example = spec["examples"]["bad"][0]
    found = [f for f in check_texts([Text("t.txt", "", place, "", clean(example))], BOOK)
             if f.rule == rule_id]
    assert found and {f.severity for f in found} == {severity}, example
