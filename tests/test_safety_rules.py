"""The wording rules: every rule's own examples, Korean matching, false positives, and
what happens when the rules or exceptions file is wrong."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from generator.catalogue import load_catalogue
from generator.errors import BadInput
from generator.safety import check_texts
from generator.safety.rules import BUNDLED_RULES, RuleBook, load_rulebook, rulebook_for
from generator.safety.text import Text, clean
from tests.conftest import FIXTURE_SITE, REPO

BOOK = load_rulebook(REPO / "data")
PLACES = ("email", "web", "social", "films.synopsis", "films.titles", "themes.awareness")
RAW = yaml.safe_load(BUNDLED_RULES.read_text("utf-8"))


def findings(text: str, place: str = "email", book: RuleBook = BOOK) -> list[tuple[str, str]]:
    """(rule, matched text) for ``text`` seen at ``place``."""
    found = check_texts([Text("t.txt", "", place, "", clean(text))], book)
    return [(f.rule, f.text) for f in found]


def all_places(text: str) -> set[str]:
    return {rule for place in PLACES for rule, _ in findings(text, place)}


EXAMPLES = [(r["id"], kind, example) for r in RAW["rules"]
            for kind in ("bad", "good") for example in r["examples"][kind]]


def test_every_rule_in_the_file_has_examples_of_both_kinds() -> None:
    assert len(RAW["rules"]) == len(BOOK.rules) >= 30
    for rule in RAW["rules"]:
        assert rule["examples"]["bad"] and rule["examples"]["good"], rule["id"]
    languages = {r["language"] for r in RAW["rules"]}
    assert languages == {"en", "ko"}


@pytest.mark.parametrize(("rule_id", "kind", "example"), EXAMPLES,
                         ids=[f"{r}-{k}-{i}" for i, (r, k, _) in enumerate(EXAMPLES)])
def test_rule_examples(rule_id: str, kind: str, example: str) -> None:
    rule = BOOK.rule(rule_id)
    assert rule is not None
    place = next(p for p in PLACES if rule.applies_to(p))
    hits = {r for r, _ in findings(example, place)}
    if kind == "bad":
        assert rule_id in hits, f"{rule_id} should flag {example!r}"
    else:
        assert all_places(example) == set(), f"{example!r} should pass every rule"


@pytest.mark.parametrize(("text", "rule_id", "matched"), [
    ("그를 정신병자라고 불렀다", "ko-jeongsinbyeongja", "정신병자"),
    ("그는 극단적선택을 했다", "ko-extreme-choice", "극단적선택"),
    ("극단적 선택으로", "ko-extreme-choice", "극단적 선택"),
    ("극단적\n선택을", "ko-extreme-choice", "극단적 선택"),
    ("사이코라고 놀림받던", "ko-psycho", "사이코"),
    ("장애우를 돕는", "ko-jangaewoo", "장애우"),
    ("정신분열증이라는 옛 이름", "ko-jeongsinbunyeol", "정신분열증"),
    ("정상인들과 함께", "ko-jeongsangin", "정상인"),
    ("마지막탈출구로 여겼다", "ko-last-exit", "마지막탈출구"),
    ("저능아라고", "ko-jeoneunga", "저능아"),
])
def test_korean_matches_without_spaces_and_with_particles(text: str, rule_id: str,
                                                          matched: str) -> None:
    assert (rule_id, matched) in findings(text)


def test_decomposed_hangul_is_still_caught() -> None:
    decomposed = unicodedata.normalize("NFD", "정신병자")
    assert decomposed != "정신병자"
    assert ("ko-jeongsinbyeongja", "정신병자") in findings(decomposed)


@pytest.mark.parametrize("text", [
    "successful treatment", "a successful recovery after treatment",
    "She is committed to recovery.",
    "a wild idea", "psychosocial support", "psycho-social care",
    "they were hanging out by the river", "a bridge between generations", "nuts and seeds",
    "사장님과 회장님", "사회에 큰 영향을 미친 사람", "정계에 투신했다", "결과가 정상인지 확인했다",
    "장애자녀를 둔 부모", "간질환 치료", "사이코드라마 치료", "the victims of abuse testify",
    "a flame-retardant coat", "schizoaffective disorder",
])
def test_no_false_positives_on_neighbouring_words(text: str) -> None:
    assert all_places(text) == set()


def test_crazy_does_not_match_crazed_which_is_a_separate_warning() -> None:
    assert findings("a crazed fan") == [("en-insane", "crazed")]
    insane = BOOK.rule("en-insane")
    assert insane is not None and insane.severity == "warning"
    assert findings("a crazy fan") == [("en-crazy", "crazy")]


def test_english_is_case_insensitive_and_spans_line_breaks() -> None:
    assert findings("He COMMITTED\n   Suicide") == [("en-committed-suicide", "COMMITTED Suicide")]


def test_method_words_apply_to_synopses_and_posts_only() -> None:
    text = "Restricting access to pesticides saves lives."
    assert findings(text, "themes.awareness") == []
    assert findings(text, "email") == []
    assert ("en-method", "pesticides") in findings(text, "films.synopsis")
    assert ("en-method", "pesticides") in findings(text, "social")


# --- bad rule and exception files ---------------------------------------------------------

def _site_rules(tmp_path: Path, mutate: object) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    raw = yaml.safe_load(BUNDLED_RULES.read_text("utf-8"))
    assert callable(mutate)
    mutate(raw)
    dumped = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    (data / "safety_rules.yaml").write_text(dumped, "utf-8")
    return data


def _problems(data: Path) -> list[str]:
    with pytest.raises(BadInput) as caught:
        load_rulebook(data)
    return [str(p) for p in caught.value.problems]


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text("utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if needle in line)


def test_a_site_rules_file_replaces_the_bundled_one(tmp_path: Path) -> None:
    data = _site_rules(tmp_path, lambda raw: raw.update(rules=raw["rules"][:1]))
    assert [r.id for r in load_rulebook(data).rules] == ["en-committed-suicide"]
    assert len(load_rulebook(FIXTURE_SITE / "data").rules) == len(BOOK.rules)


def test_an_invalid_pattern_is_reported_with_file_and_line(tmp_path: Path) -> None:
    data = _site_rules(tmp_path, lambda raw: raw["rules"][2].update(pattern="(unclosed"))
    problems = _problems(data)
    line = _line_of(data / "safety_rules.yaml", "(unclosed")
    assert any(f"safety_rules.yaml:{line}: rules[2].pattern: not a valid regular expression" in p
               for p in problems), problems


def test_a_rule_that_misses_its_bad_example_is_bad_input(tmp_path: Path) -> None:
    def mutate(raw: dict[str, list[dict[str, object]]]) -> None:
        raw["rules"][0]["examples"] = {"bad": ["all is well"], "good": ["fine"]}
    problems = _problems(_site_rules(tmp_path, mutate))
    assert any("rules[0].examples.bad[0]" in p and "does not match its own bad example" in p
               for p in problems), problems


def test_a_good_example_caught_by_any_rule_is_bad_input(tmp_path: Path) -> None:
    def mutate(raw: dict[str, list[dict[str, dict[str, list[str]]]]]) -> None:
        raw["rules"][0]["examples"]["good"].append("a crazy idea")
    problems = _problems(_site_rules(tmp_path, mutate))
    assert any("is matched by en-crazy" in p for p in problems), problems


def test_unknown_scope_and_duplicate_ids_are_bad_input(tmp_path: Path) -> None:
    def mutate(raw: dict[str, list[dict[str, object]]]) -> None:
        raw["rules"][0]["scope"] = ["films.synopses"]
    problems = _problems(_site_rules(tmp_path, mutate))
    assert any("rules[0].scope[0]: unknown scope 'films.synopses'" in p for p in problems), problems
    tmp_path.joinpath("b").mkdir()
    problems = _problems(_site_rules(tmp_path / "b", lambda raw: raw["rules"][1].update(
        id=raw["rules"][3]["id"])))
    assert any("rules[3].id: duplicate rule id" in p for p in problems), problems


def test_exceptions_must_name_a_rule_match_its_text_and_a_real_title(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    exceptions = data / "safety_exceptions.yaml"
    exceptions.write_text(
        "exceptions:\n"
        "  - {rule: no-such-rule, feature: silenced, text: x, reason: r}\n"
        "  - {rule: en-crazy, feature: silenced, text: a calm title, reason: r}\n", "utf-8")
    problems = _problems(data)
    assert any(":2: exceptions[0].rule: unknown rule 'no-such-rule'" in p
               for p in problems), problems
    assert any(":3: exceptions[1].text: rule en-crazy does not match this text" in p
               for p in problems), problems
    exceptions.write_text(
        "exceptions:\n  - {rule: en-crazy, feature: no-such-title, text: Crazy Love, reason: r}\n",
        "utf-8")
    catalogue = load_catalogue(FIXTURE_SITE / "data")
    with pytest.raises(BadInput) as caught:
        rulebook_for(data, catalogue)
    assert "unknown film or theme 'no-such-title'" in caught.value.report()
