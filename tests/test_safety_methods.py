"""Method and place wording, English and Korean, in every form: each phrase that used to
build cleanly now stops ``mindreel build`` with a finding at its line, and the everyday
neighbours that share a word with a method still pass."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from generator.safety import check_texts
from generator.safety.rules import load_rulebook
from generator.safety.text import Text
from tests.conftest import REPO, copy_site, mindreel
from tests.test_safety import channels_yaml, edit

BOOK = load_rulebook(REPO / "data")


def rules_hit(text: str, place: str = "films.synopsis") -> set[str]:
    """The ids of the rules that find something in ``text`` seen at ``place``."""
    return {f.rule for f in check_texts([Text("data/films.yaml", "", place, "", text)], BOOK)}


# (text, the rule that must catch it): every tense and inflection the issue asks for.
FORMS = [
    # jumping or falling from a height or a bridge
    ("threw himself off a bridge", "en-method-jump"),
    ("throws herself off the roof", "en-method-jump"),
    ("throwing himself from a balcony", "en-method-jump"),
    ("jumped to her death", "en-method-jump"),
    ("jump to his death", "en-method-jump"),
    ("jumps to her death", "en-method-jump"),
    ("jumping to their deaths", "en-method-jump"),
    ("leapt to his death", "en-method-jump"),
    ("leaped from the bridge", "en-method-jump"),
    ("falls to her death", "en-method-jump"),
    ("fell to his death", "en-method-jump"),
    ("fallen from a 12-storey building", "en-method-jump"),
    ("plunges to her death", "en-method-jump"),
    ("plummeted from the overpass", "en-method-jump"),
    ("jumped off the Mapo Bridge", "en-method-jump"),
    ("jumping out of the window", "en-method-jump"),
    ("steps off the ledge", "en-method-jump"),
    # trains and traffic
    ("stepped in front of a train", "en-method-train"),
    ("steps in front of the subway", "en-method-train"),
    ("stepping in front of an oncoming train", "en-method-train"),
    ("walked in front of a bus", "en-method-train"),
    ("threw herself under a train", "en-method-train"),
    ("throws himself in front of a truck", "en-method-train"),
    ("lay down on the tracks", "en-method-train"),
    ("lies down on the railway tracks", "en-method-train"),
    ("walks into traffic", "en-method-train"),
    ("ran into oncoming traffic", "en-method-train"),
    # hanging
    ("hanged himself", "en-method"), ("hangs herself", "en-method"),
    ("hanging himself", "en-method"), ("hung himself", "en-method"),
    ("found hanging", "en-method"), ("a noose", "en-method"),
    # overdose and pills
    ("took an overdose", "en-method"), ("overdoses on painkillers", "en-method"),
    ("overdosed", "en-method"), ("swallows a handful of pills", "en-method"),
    ("swallowing sleeping pills", "en-method"), ("a bottle of tablets", "en-method"),
    ("stockpiled her pills", "en-method"),
    # poison and pesticide
    ("poisoned herself", "en-method"), ("drinks pesticide", "en-method"),
    ("drank paraquat", "en-method"), ("swallowed weedkiller", "en-method"),
    # charcoal and gas
    ("burned charcoal in the room", "en-method"), ("lit a charcoal brazier", "en-method"),
    ("carbon monoxide", "en-method"), ("gassed himself", "en-method"),
    ("inhaled helium", "en-method"),
    # drowning
    ("drowned herself", "en-method"), ("drowns himself", "en-method"),
    ("she drowned.", "en-method"), ("drowned in the Han", "en-method"),
    ("walked into the sea", "en-method"), ("threw himself into the river", "en-method"),
    # cutting
    ("slit her wrists", "en-method"), ("slits his wrists", "en-method"),
    ("cutting her wrists", "en-method"), ("cut himself", "en-method"),
    ("razor blade", "en-method"),
    # firearms
    ("shot himself", "en-method"), ("shoots herself", "en-method"),
    ("put a gun to his head", "en-method"), ("turned the gun on himself", "en-method"),
    ("a self-inflicted gunshot wound", "en-method"),
    # Korean: jumping and falling, with and without spaces and particles
    ("한강에 투신했다", "ko-method-jump"), ("한강에투신했다", "ko-method-jump"),
    ("다리에서 투신해 숨졌다", "ko-method-jump"), ("투신 자살", "ko-method-jump"),
    ("투신한", "ko-method-jump"), ("옥상에서 뛰어내렸다", "ko-method-jump"),
    ("뛰어내린", "ko-method-jump"), ("뛰어 내려", "ko-method-jump"),
    ("뛰어내리려던", "ko-method-jump"), ("건물 옥상에서 몸을 던졌다", "ko-method-jump"),
    ("12층에서 떨어져 숨진", "ko-method-jump"), ("추락해 숨졌다", "ko-method-jump"),
    # hanging
    ("목을 맸다", "ko-method-hang"), ("목을맸다", "ko-method-hang"),
    ("목을 매 숨진", "ko-method-hang"), ("목을 맨 채", "ko-method-hang"),
    ("목을 매어", "ko-method-hang"), ("목 매달아", "ko-method-hang"),
    ("목매달았다", "ko-method-hang"), ("목맴", "ko-method-hang"),
    ("나무에 목을 맸다", "ko-method-hang"),
    # overdose, poison, pesticide, gas, cutting, firearms, fire
    ("수면제를 먹고 숨졌다", "ko-method"), ("수면제를먹고숨졌다", "ko-method"),
    ("수면제를 한꺼번에 삼켰다", "ko-method"), ("수면제 통", "ko-method"),
    ("약을 털어 넣고 숨진", "ko-method"), ("진통제를 모아", "ko-method"),
    ("음독", "ko-method"), ("과다 복용", "ko-method"), ("약물 과다", "ko-method"),
    ("농약을 마셨다", "ko-method"), ("농약을마시고", "ko-method"), ("제초제", "ko-method"),
    ("번개탄을 피워", "ko-method"), ("착화탄", "ko-method"), ("일산화탄소 중독", "ko-method"),
    ("연탄가스", "ko-method"), ("손목을 그었다", "ko-method"), ("손목을 긋고", "ko-method"),
    ("손목 그은", "ko-method"), ("동맥을 끊었다", "ko-method"),
    ("머리에 총을 쏘았다", "ko-method"), ("권총 자살", "ko-method"), ("분신했다", "ko-method"),
    # trains, traffic and water
    ("열차에 뛰어들었다", "ko-method-train"), ("지하철에 치여 숨졌다", "ko-method-train"),
    ("선로로 뛰어든", "ko-method-train"), ("달리는 차에 몸을 던졌다", "ko-method-train"),
    ("강물에 몸을 던졌다", "ko-method-drown"), ("바다에 투신", "ko-method-drown"),
    ("익사했다", "ko-method-drown"), ("물에 빠져 숨진", "ko-method-drown"),
]

NEIGHBOURS = [
    "he jumped at the chance", "a bridge between cultures", "took the train home",
    "she trains for a marathon", "they met in front of the train station",
    "he jumped onto the bus just in time", "she fell in love", "they leapt into action",
    "he jumped out of bed", "she cut her hair", "she cut herself a slice of cake",
    "drowning in paperwork", "his voice was drowned out", "a charcoal drawing",
    "she takes her medication every day", "they spend the summer hanging out",
    "he shot the film in Busan", "she walked into the room", "a falling-out with her father",
    "died by suicide", "after his father's death",
    "정계에 투신했다", "정계에투신한", "노동운동에 투신해 온", "성적에 목을 매는 학생들",
    "돈에 목매는 사람", "넥타이를 맸다", "목을 매만지며", "약을 꾸준히 먹는다",
    "수면제를 처방받아 잠을 잔다", "약을 먹고 잠들었다", "기차를 타고 집에 갔다",
    "바다에 뛰어들어 헤엄쳤다", "자살로 숨졌다", "학교 옥상에서 점심을 먹는 두 친구",
    "농약을 치는 농부", "손목을 잡았다", "유서 깊은 마을",
]


@pytest.mark.parametrize(("text", "rule"), FORMS)
def test_every_form_of_a_method_is_caught_by_its_rule(text: str, rule: str) -> None:
    assert rule in rules_hit(text), f"{rule} misses {text!r}"


@pytest.mark.parametrize("text", NEIGHBOURS)
def test_everyday_neighbours_pass(text: str) -> None:
    assert rules_hit(text) == set()
    assert rules_hit(text, "social") == set()


def test_method_rules_cover_every_field_of_a_title_and_posts_but_not_awareness_copy() -> None:
    for place in ("films.synopsis", "films.why_it_matters", "films.note", "social"):
        assert "en-method-jump" in rules_hit("jumped to her death", place), place
        assert "ko-method-hang" in rules_hit("목을 맸다", place), place
    assert rules_hit("Restricting access to pesticides saves lives.", "themes.awareness") == set()


@pytest.mark.parametrize(("text", "rule"), [
    ("유서를 남기고 떠났다", "ko-suicide-note"),
    ("죽음으로 결백을 증명했다", "ko-resolution-framing"),
    ("스스로 목숨을 끊었다", "ko-took-own-life"),
    ("세상을 등진", "ko-took-own-life"),
])
def test_korean_reporting_code_wording(text: str, rule: str) -> None:
    assert rule in rules_hit(text, "email")


# --- the whole command line --------------------------------------------------------

EN_LINE = "        human-rights worker, helps the students be heard in court.\n"
KO_BLOCK = ("      ko: >-\n"
            "        농학교에 새로 부임한 교사 인호가 교직원들이 학생들을 학대해 온 사실을 알게"
            " 되고,\n        인권운동가 유진과 함께 학생들의 목소리가 법정에 닿도록 돕는다.\n")
"""The fixture's Korean synopsis of Silenced, which the Korean cases replace."""

ISSUE_PHRASES = [
    ("en", "threw himself off a bridge", "en-method-jump", "threw himself off a bridge"),
    ("en", "jumped to her death", "en-method-jump", "jumped to her death"),
    ("en", "stepped in front of a train", "en-method-train", "stepped in front of a train"),
    ("ko", "목을 맸다", "ko-method-hang", "목을 맸"),
    ("ko", "한강에 투신했다", "ko-method-jump", "투신"),
    ("ko", "수면제를 먹고 숨졌다", "ko-method", "수면제를 먹고 숨졌"),
    # look-alikes: a Cyrillic о, full-width letters, a zero-width space, a soft hyphen
    # and a no-break space inside a word; the finding quotes what was written
    ("en", "she c\u043emmitted suicide", "en-committed-suicide", "c\u043emmitted suicide"),
    ("en", "\uff43\uff4f\uff4d\uff4d\uff49\uff54\uff54\uff45\uff44 \uff53\uff55\uff49\uff43\uff49"
     "\uff44\uff45", "en-committed-suicide",
     "\uff43\uff4f\uff4d\uff4d\uff49\uff54\uff54\uff45\uff44 \uff53\uff55\uff49\uff43\uff49"
     "\uff44\uff45"),
    ("en", "he com\u200bmitted suicide", "en-committed-suicide", "com<U+200B>mitted suicide"),
    ("en", "he com\u00admitted suicide", "en-committed-suicide", "com<U+00AD>mitted suicide"),
    ("en", "he com\u00a0mitted suicide", "en-committed-suicide", "com mitted suicide"),
    ("en", "jumped to her d\u0435ath", "en-method-jump", "jumped to her d\u0435ath"),
    ("ko", "목을\u200b맸다", "ko-method-hang", "목을<U+200B>맸"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with one week built: copied per test, so each starts from a real outbox."""
    root = tmp_path_factory.mktemp("built")
    site = copy_site(root / "site", channels_yaml())
    done = mindreel("build", "--week", "2026-W48", cwd=site.parent)
    assert done.returncode == 0, done.stderr
    return site.parent


def snapshot(outbox: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outbox)): p.read_bytes() for p in sorted(outbox.rglob("*"))
            if p.is_file() and p.name != "lock"}


@pytest.mark.parametrize(("locale", "phrase", "rule", "quote"), ISSUE_PHRASES)
def test_each_phrase_stops_the_build_at_its_line_and_writes_nothing(
        built: Path, tmp_path: Path, locale: str, phrase: str, rule: str, quote: str) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    films = site / "data" / "films.yaml"
    if locale == "ko":
        # a Korean edition: the Korean synopsis is what its artifacts show
        edit(films, EN_LINE + KO_BLOCK,
             EN_LINE + f"      ko: 한 교사가 학교를 찾는다. 아버지가 {phrase}.\n")
        edit(site / "schedule.yaml", "locales: [en]", "locales: [ko]")
        where = "films[0].synopsis.ko"
    else:
        edit(films, EN_LINE, EN_LINE.replace(" in court.", f" in court after a friend {phrase}."))
        where = "films[0].synopsis.en"
    marker = "ko: 한 교사가" if locale == "ko" else "after a friend"
    line = next(i + 1 for i, text in enumerate(films.read_text("utf-8").splitlines())
                if marker in text)
    before = snapshot(site / "outbox")
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    if any(unicodedata.category(char) == "Cf" for char in phrase):
        # An invisible character never reaches the guard: catalogue text holding one is
        # refused as bad input at its line, before anything is rendered.
        assert result.returncode == 2, result.stdout + result.stderr
        assert f"data/films.yaml:{line}: {where}: contains the invisible character" in (
            result.stderr)
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"error: data/films.yaml:{line}: {where}: [{rule}] \"{quote}\"" in (
            result.stderr)
    assert "nothing was written" in result.stderr
    assert snapshot(site / "outbox") == before


def test_a_korean_edition_is_checked_by_korean_rules_in_every_artifact(
        built: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(built, site)
    edit(site / "data" / "films.yaml", EN_LINE + KO_BLOCK,
         EN_LINE + "      ko: 학생들이 법정에서 목소리를 낸다. 한 학생은 극단적 선택을 했다.\n")
    edit(site / "schedule.yaml", "locales: [en]", "locales: [ko]")
    result = mindreel("build", "--week", "2026-W50", cwd=site)
    assert result.returncode == 1
    flagged = {line.split(":")[1].strip() for line in result.stderr.splitlines()
               if "[ko-extreme-choice]" in line and line.startswith("error: 2026-W50/")}
    assert {"2026-W50/email.txt", "2026-W50/email.html", "2026-W50/article.html",
            "2026-W50/item.json", "2026-W50/social/facebook.txt"} <= flagged, result.stderr
