"""Korean copy a Korean reader would accept: the editorial rules of the Korean catalogue text.

The schema checks shapes and the safety rules check harm; these hold the wording a Korean
culture desk would ask for (names in Hangul, one register per piece, Korean conventions
for titles and clinical terms), so a later edit cannot quietly bring the old copy back.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build import build_weeks
from generator.catalogue import Catalogue, load_catalogue
from generator.helplines.views import display_name, helpline_view
from generator.project import load_project
from generator.weeks import IsoWeek
from tests.conftest import NOW, REPO

DATA = Path(__file__).resolve().parent.parent / "data"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(DATA)


def test_every_title_names_its_people_in_hangul(catalogue: Catalogue) -> None:
    """Korean readers know 이창동, not Lee Chang-dong: every title has both fields."""
    for film in catalogue.films:
        assert film.director_ko and HANGUL.search(film.director_ko), film.id
        assert not LATIN.search(film.director_ko), film.id
        assert len(film.cast_ko) == len(film.cast), film.id
        for name in film.cast_ko:
            assert HANGUL.search(name) and not LATIN.search(name), (film.id, name)


def test_directors_shared_by_titles_are_spelled_alike(catalogue: Catalogue) -> None:
    """One romanised name, one Hangul name: a person is not spelled two ways."""
    seen: dict[str, str] = {}
    for film in catalogue.films:
        pairs = list(zip(film.cast, film.cast_ko, strict=True))
        pairs.append((film.director, film.director_ko or ""))
        for en, ko in pairs:
            assert seen.setdefault(en, ko) == ko, (film.id, en, ko, seen[en])


# --- register: 합니다체 to readers, 한다체 in film blurbs, never mixed -----------------------

SENTENCE = re.compile(r"[^.!?]+[.!?]?")
HAEYO = re.compile(r"(?:(?<![세필중])요|죠)[.!?]?\s*$")
"""해요체 sentence endings (있어요, 신호예요, 일어나요); "-세요" requests are the polite form
a 합니다체 text asks with, as Korean public-service copy does, and are not listed."""
ENDING = re.compile(r"(.)니(?:다|까)[.!?]?\s*$")


def _hamnida(sentence: str) -> bool:
    """Whether a sentence ends in 합니다체: -(스)ㅂ니다 / -(스)ㅂ니까 (습니다, 입니다, 됩니다),
    the syllable before 니 closing on ㅂ; 아니다 is 한다체."""
    match = ENDING.search(sentence)
    if not match or not "\uac00" <= match.group(1) <= "\ud7a3":
        return False
    return (ord(match.group(1)) - 0xAC00) % 28 == 17  # final consonant ㅂ


def _sentences(text: str) -> list[str]:
    """Sentences of a Korean text (quoted speech is one sentence with its frame)."""
    return [s.strip() for s in SENTENCE.findall(re.sub(r'"[^"]*"', "인용", text)) if s.strip()]


def _reader_texts(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(where, Korean text) for everything addressed to readers in 합니다체."""
    out: list[tuple[str, str]] = []
    for theme in catalogue.themes:
        for field in ("tagline", "tagline_short", "awareness", "support"):
            out.append((f"{theme.id}.{field}", getattr(theme, field)["ko"]))
        out += [(f"{theme.id}.facts", fact.text["ko"]) for fact in theme.facts]
    for film in catalogue.films:
        for name in ("note", "excluded_reason"):
            field = getattr(film, name)
            if field:
                out.append((f"{film.id}.{name}", field["ko"]))
    for region in catalogue.regions:
        out += [(f"{line.id}.note", line.note["ko"]) for line in region.lines
                if line.note and "ko" in line.note]
    for obs in catalogue.observances:
        if obs.note and "ko" in obs.note:
            out.append((f"{obs.id}.note", obs.note["ko"]))
    return out


def test_reader_copy_is_hamnida_che_never_haeyo_che(catalogue: Catalogue) -> None:
    for where, text in _reader_texts(catalogue):
        for sentence in _sentences(text):
            assert not HAEYO.search(sentence), (where, sentence)


def test_every_tagline_short_ends_in_hamnida_che(catalogue: Catalogue) -> None:
    for theme in catalogue.themes:
        text = theme.tagline_short["ko"]
        assert _hamnida(text), (theme.id, text)


def test_film_blurbs_are_handa_che_throughout(catalogue: Catalogue) -> None:
    """Synopsis and why_it_matters are 한다체; one 합니다 or 해요 sentence mixes registers."""
    for film in catalogue.films:
        for field in (film.synopsis, film.why_it_matters):
            for sentence in _sentences(field["ko"]):
                assert not _hamnida(sentence), (film.id, sentence)
                assert not HAEYO.search(sentence), (film.id, sentence)


@pytest.mark.parametrize("sentence", ["우울증은 치료할 수 있어요.", "번아웃은 신호예요.",
                                      "회복은 일어나요.", "슬픔은 가벼워져요", "괜찮죠?"])
def test_the_haeyo_scan_catches_haeyo_che(sentence: str) -> None:
    assert HAEYO.search(sentence)


@pytest.mark.parametrize("sentence", ["치료할 수 있습니다.", "상담전화에 연락하세요.",
                                      "도움이 필요합니다.", "함께 보기를 권한다."])
def test_the_haeyo_scan_leaves_other_endings_alone(sentence: str) -> None:
    assert not HAEYO.search(sentence)


@pytest.mark.parametrize(("sentence", "hamnida"), [
    ("치료할 수 있습니다.", True), ("신호입니다.", True), ("나아집니다", True),
    ("정신질환이 아니다.", False), ("그린다.", False), ("연락하세요.", False)])
def test_the_hamnida_check(sentence: str, hamnida: bool) -> None:
    assert _hamnida(sentence) is hamnida


# --- translationese: what reads as English in Korean clothes ---------------------------

TRANSLATIONESE = {
    "그녀": "Korean names the character (수진, 소희), not 'she'",
    "그들": "Korean names the people or repeats the noun, not 'they'",
    "당신": "copy addresses no reader as 'you'",
    "함께 살아가": "'living with' an illness: 겪다, 안고 지내다, or say what happens",
    "함께 살았": "'lived with dementia': 치매 인구, 치매가 있는",
    "차이를 만": "'makes a difference': 힘이 되다, 무엇을 바꾸다",
    "목소리를 가진": "'with her own voice': 자기 말로 전하는",
}


def _korean_fields(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(where, text) for every Korean text the catalogue holds, titles aside."""
    out = _reader_texts(catalogue)
    for film in catalogue.films:
        out += [(f"{film.id}.synopsis", film.synopsis["ko"]),
                (f"{film.id}.why_it_matters", film.why_it_matters["ko"])]
    for theme in catalogue.themes:
        out.append((f"{theme.id}.name", theme.name["ko"]))
    return out


@pytest.mark.parametrize("phrase", sorted(TRANSLATIONESE))
def test_no_translationese_in_korean_copy(catalogue: Catalogue, phrase: str) -> None:
    hits = [where for where, text in _korean_fields(catalogue) if phrase in text]
    assert not hits, f"{phrase} ({TRANSLATIONESE[phrase]}): {hits}"


# --- terms: Korean law's and Korean editors' words --------------------------------------

BOOKS = {"떠난 후에 남겨진 것들"}
"""Books keep 『 』 (Korean editors' mark for a book); films and dramas take 〈 〉."""


def test_film_and_drama_titles_take_angle_brackets(catalogue: Catalogue) -> None:
    for where, text in _korean_fields(catalogue):
        for title in re.findall(r"『([^』]*)』", text):
            assert title in BOOKS, f"{where}: 『{title}』 should be 〈{title}〉"


def test_one_name_for_psychiatry(catalogue: Catalogue) -> None:
    """정신건강의학과 has been the department's name since 2011; 정신과 is the old one."""
    for where, text in _korean_fields(catalogue):
        assert "정신과" not in text, where


def test_disability_copy_uses_korean_legal_categories(catalogue: Catalogue) -> None:
    """마비 is a condition, 지체장애 the category; 정신장애 is a disability too, so no copy
    sets disability against mental illness as if one were the lesser label."""
    theme = catalogue.theme("disability-inclusion")
    assert theme is not None
    text = theme.awareness["ko"]
    assert "지체장애" in text and "정신장애" in text and "마비" not in text
    for where, text in _korean_fields(catalogue):
        assert "정신질환이 아니" not in text, where


def test_a_school_for_deaf_children_is_a_nonghakgyo(catalogue: Catalogue) -> None:
    film = catalogue.film("silenced")
    assert film is not None and "농학교" in film.synopsis["ko"]


def test_autism_is_named_as_autism_spectrum_disorder(catalogue: Catalogue) -> None:
    """Each autism title and the autism theme name the condition in full once."""
    theme = catalogue.theme("autism-neurodivergence")
    assert theme is not None and "자폐 스펙트럼 장애" in theme.awareness["ko"]
    for film in catalogue.films:
        if film.category == "neurodivergence":
            assert "자폐 스펙트럼 장애" in film.synopsis["ko"], film.id


# --- helplines abroad: their own names beside the Korean ones ----------------------------


def test_foreign_lines_carry_their_own_name_and_korean_lines_do_not(
        catalogue: Catalogue) -> None:
    for region in catalogue.regions:
        for line in region.lines:
            if region.id == "KR":
                assert line.own_name is None, line.id
            else:
                assert line.own_name, f"{line.id}: readers abroad search by its own name"


def test_own_names_leave_the_english_edition_as_it_was(catalogue: Catalogue) -> None:
    """The English name already is (or holds) the own name, so English shows no bracket."""
    for region in catalogue.regions:
        for line in region.lines:
            assert helpline_view(line, "en").name == line.name["en"], line.id


def test_the_korean_edition_names_foreign_lines_both_ways(catalogue: Catalogue) -> None:
    for region in catalogue.regions:
        for line in region.lines:
            name = helpline_view(line, "ko").name
            assert name.startswith(line.name["ko"]), line.id
            if line.own_name:
                assert line.own_name in name, line.id
            else:
                assert name == line.name["ko"], line.id


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_display_name_shows_the_own_name_once(name: str, own: str) -> None:
    shown = display_name(name, own)
    assert shown.startswith(name) and shown.count(own) >= 1
    assert shown == name if own in name else shown == f"{name}({own})"
    assert display_name(name, None) == name


@pytest.fixture(scope="module")
def korean_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One week of the bundled site, built in English and Korean."""
    root = tmp_path_factory.mktemp("korean-copy")
    shutil.copy2(REPO / "schedule.yaml", root / "schedule.yaml")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "templates", root / "templates")
    project = load_project(root / "schedule.yaml")
    build_weeks(project, [IsoWeek.parse("2026-W47")], now=NOW, durable=False)
    return project.config.outbox


def test_the_korean_help_block_and_page_show_own_names(korean_week: Path) -> None:
    email_text = " ".join((korean_week / "2026-W47" / "ko" / "email.txt").read_text(
        "utf-8").split())
    page = lxml.html.document_fromstring(
        (korean_week / "ko" / "help.html").read_text("utf-8")).text_content()
    english = lxml.html.document_fromstring(
        (korean_week / "help.html").read_text("utf-8")).text_content()
    for shown in (email_text, page):
        assert "사마리탄스(Samaritans)" in shown
        assert "자살예방상담전화 109(" not in shown  # Korean lines keep their Korean name
    assert "라이프라인(Lifeline Australia)" in page
    assert "요리소이 핫라인(よりそいホットライン)" in page
    assert "(Samaritans)" not in english and "Samaritans" in english


# --- interface strings: the gettext catalogue --------------------------------------------


@pytest.fixture(scope="module")
def interface() -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> Korean msgstr of the gettext catalogue."""
    from babel.messages.pofile import read_po

    path = REPO / "generator" / "locale" / "ko" / "LC_MESSAGES" / "mindreel.po"
    with path.open("rb") as handle:
        po = read_po(handle)
    return {(m.context, str(m.id)): str(m.string) for m in po if m.id}


def test_interface_strings_keep_korean_conventions(
        interface: dict[tuple[str | None, str], str]) -> None:
    for key, text in interface.items():
        assert "『" not in text and "정신과" not in text, key
        assert "콘텐츠 주의" not in text, f"{key}: the term is 내용 주의 everywhere"
        for sentence in _sentences(text):
            assert not HAEYO.search(sentence), (key, sentence)


def test_one_wording_for_one_label_in_email_and_web(
        interface: dict[tuple[str | None, str], str]) -> None:
    pairs = [("email.why_it_matters", "Why it matters", "web.why", "Why it matters"),
             ("email.where_to_watch", "Where to watch", "web.watch", "Where to watch"),
             ("email.content_note", "Content note", "web.content_note", "Content note")]
    for ctx_a, id_a, ctx_b, id_b in pairs:
        assert interface[(ctx_a, id_a)] == interface[(ctx_b, id_b)], ctx_a
    assert interface[(None, "CW: %(labels)s")].startswith(interface[("web.content_note",
                                                                     "Content note")])


def test_observances_are_not_all_called_days(
        interface: dict[tuple[str | None, str], str]) -> None:
    """The line lists days, weeks and months (세계 알츠하이머의 달): not 이번 주 기념일."""
    text = interface[("email.observances", "This week includes {names}.")]
    assert "기간" in text and "{names}" in text
