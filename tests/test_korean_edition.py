"""The Korean edition: Korean throughout, checked by the Korean rules, and sized and
wrapped the way Korean readers and platforms count.

The script scan builds twelve weeks of the bundled catalogue in both languages and reads
every artifact a reader sees (posts, email text and HTML, archive pages, feeds, the
email subject) for the other language's script outside the fields where it belongs
(titles given in both, people's and services' own names, sources, links).
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email import policy
from pathlib import Path

import feedparser
import lxml.html
import pytest
import yaml

from generator.channels.social.count import count
from generator.channels.social.rules import platform_rules
from generator.config import SocialSettings
from tests.conftest import FIXTURE_SITE, GOLDEN, REPO, bundled_schedule, copy_site, mindreel

LATER = "2027-02-10T10:00:00+09:00"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
URL = re.compile(r"(?:https?://|mailto:|tel:|sms:)\S+|\S+@\S+\.\w+"
                 r"|\b[\w-]+\.(?:org|com|kr|html)\b")


@pytest.fixture(scope="module")
def twelve_weeks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve weeks of the bundled catalogue in English and Korean."""
    root = tmp_path_factory.mktemp("korean")
    bundled_schedule(root)
    result = mindreel("build", "--from", "2026-W47", "--to", "2027-W05", cwd=root, now=LATER)
    assert result.returncode == 0, result.stderr
    return root / "outbox"


@pytest.fixture(scope="module")
def fixture_weeks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five weeks of the test fixture site in English and Korean (films, a theme, a pin
    and a skip), public."""
    folder = tmp_path_factory.mktemp("fixture-ko") / "site"
    schedule = copy_site(folder)
    schedule.write_text(schedule.read_text("utf-8").replace(
        "locales: [en]", "locales: [en, ko]"), "utf-8")
    result = mindreel("build", "--from", "2026-W47", "--to", "2026-W52", cwd=folder, now=LATER)
    assert result.returncode == 0, result.stderr
    return folder / "outbox"


SITES = {"bundled": ("twelve_weeks", REPO / "data"),
         "fixture": ("fixture_weeks", FIXTURE_SITE / "data")}
"""Each site the script scan reads: its built outbox (a fixture) and its catalogue."""


def _allowed(data: Path = REPO / "data") -> tuple[set[str], set[str]]:
    """(Latin strings a Korean artifact may hold, Hangul strings an English one may)."""
    films = yaml.safe_load((data / "films.yaml").read_text("utf-8"))["films"]
    themes = yaml.safe_load((data / "themes.yaml").read_text("utf-8"))["themes"]
    helplines = yaml.safe_load((data / "helplines.yaml").read_text("utf-8"))
    latin: set[str] = {"mindreel", "MINDREEL", "English"}  # the link to the other language
    hangul: set[str] = {"한국어"}
    for film in films:
        titles = film["titles"]
        latin |= {titles["en"], *titles.get("aka", [])}
        hangul.add(titles["ko"])
        latin |= {film["director"], *film["cast"], film.get("network") or "",
                  film.get("writer") or ""}
        latin |= {w["service"] for w in film.get("where_to_watch", [])}
        latin |= {s["name"] for s in film.get("sources", [])}
    for theme in themes:
        if isinstance(theme.get("name"), dict) and "ko" in theme["name"]:
            hangul.add(theme["name"]["ko"])
        latin |= {f["source"]["name"] for f in theme.get("facts", []) if "source" in f}
    for name in ("films", "themes", "helplines", "awareness_days", "vocabulary"):
        doc = yaml.safe_load((data / f"{name}.yaml").read_text("utf-8"))
        latin |= set(_source_names(doc))
        hangul |= set(_source_names(doc))
    latin |= {"Atom", "RSS", "JSON", "Feed", "Globe"}  # feed formats; a phone network
    for region in helplines["regions"]:
        for line in region.get("lines", []):
            latin.add(str(line.get("own_name") or ""))  # beside its Korean name, for searching
            for contact in line.get("contacts", []):
                value = str(contact.get("value", ""))
                (hangul if HANGUL.search(value) else latin).add(value)
                if contact.get("keyword"):
                    latin.add(str(contact["keyword"]))
    return {s for s in latin if s}, {s for s in hangul if s}


def _source_names(value: object) -> Iterator[str]:
    """Every source's name (a citation keeps its own language)."""
    if isinstance(value, dict):
        if "url" in value and isinstance(value.get("name"), str):
            yield value["name"]
        for item in value.values():
            yield from _source_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _source_names(item)


def _visible(path: Path) -> Iterator[str]:
    """The text a reader sees in one artifact."""
    data = path.read_bytes()
    if path.suffix == ".txt":
        yield data.decode("utf-8")
    elif path.suffix == ".html":
        doc = lxml.html.document_fromstring(data.decode("utf-8"))
        for bad in doc.xpath("//style|//script|//head"):
            bad.drop_tree()
        yield doc.text_content()
        yield from (str(v) for v in doc.xpath("//@alt|//@aria-label|//@title"))
    elif path.suffix == ".xml":
        feed = feedparser.parse(data)
        yield feed.feed.get("title", "")
        for entry in feed.entries:
            yield entry.get("title", "")
            yield lxml.html.document_fromstring(entry.get("summary", "") or "<p></p>"
                                                ).text_content()
    elif path.suffix == ".eml":
        message = email.message_from_bytes(data, policy=policy.default)
        yield str(message["Subject"])


def _artifacts(outbox: Path, korean: bool) -> Iterator[Path]:
    for path in sorted(outbox.rglob("*")):
        rel = path.relative_to(outbox)
        if not path.is_file() or ".mindreel" in rel.parts or (rel.name == "index.html" \
                and len(rel.parts) == 1):
            continue  # the review page is for the editor, not a reader
        if path.suffix in (".txt", ".html", ".xml", ".eml") and \
                (("ko" in rel.parts) == korean):
            yield path


GLOSS = re.compile(r"(?<=[\uac00-\ud7a3])\([A-Za-z][^()]*\)"
                   r"|(?<=[A-Za-z] )\((?=[\uac00-\ud7a3])[^()]*\)")
"""An original term in brackets right after its translation: 자폐인(autistic person),
Dementia Day (치매극복의 날)."""


def _strip(text: str, allowed: set[str]) -> str:
    text = " ".join(URL.sub(" ", text).split())  # a wrapped name is whole again
    for value in sorted(allowed, key=len, reverse=True):
        text = text.replace(" ".join(value.split()), " ")
    return GLOSS.sub(" ", text)


def _english_words(paths: Iterator[Path], data: Path, root: Path) -> dict[str, set[str]]:
    """Latin words outside the allowed fields, by artifact."""
    latin, _ = _allowed(data)
    found: dict[str, set[str]] = {}
    for path in paths:
        for text in _visible(path):
            words = set(LATIN_WORD.findall(_strip(text, latin)))
            words = {w for w in words if not w.isupper()}  # acronyms: WHO, SNS, RSS, JTBC
            if words:
                found.setdefault(str(path.relative_to(root)), set()).update(words)
    return found


@pytest.mark.parametrize("site", sorted(SITES))
def test_korean_artifacts_hold_no_english(site: str, request: pytest.FixtureRequest) -> None:
    outbox_fixture, data = SITES[site]
    outbox: Path = request.getfixturevalue(outbox_fixture)
    assert _english_words(_artifacts(outbox, korean=True), data, outbox) == {}


@pytest.mark.parametrize("site", sorted(SITES))
def test_english_artifacts_hold_no_hangul(site: str, request: pytest.FixtureRequest) -> None:
    outbox_fixture, data = SITES[site]
    outbox: Path = request.getfixturevalue(outbox_fixture)
    _, hangul = _allowed(data)
    found: dict[str, set[str]] = {}
    for path in _artifacts(outbox, korean=False):
        for text in _visible(path):
            words = set(HANGUL.findall(_strip(text, hangul)))
            if words:
                found.setdefault(str(path.relative_to(outbox)), set()).update(words)
    assert found == {}


def test_the_korean_golden_files_hold_no_english() -> None:
    """The golden files of the fixture's Korean edition are Korean throughout."""
    folder = GOLDEN / "korean"
    goldens = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".xml", ".eml"))
    assert len(goldens) >= 13
    assert _english_words(iter(goldens), FIXTURE_SITE / "data", folder) == {}



def test_korean_x_posts_weigh_hangul_two_as_twitter_text_does(twelve_weeks: Path) -> None:
    from twitter_text import parse_tweet

    assert parse_tweet("가").weightedLength == 2
    rule = platform_rules(SocialSettings())["x"]
    posts = sorted(twelve_weeks.glob("*/ko/social/x*.txt"))
    assert posts
    for path in posts:
        text = path.read_text("utf-8")
        measured = count(text, rule).primary
        assert measured.count == parse_tweet(text).weightedLength, path
        assert measured.count <= 280, path
        hangul = sum(len(run) for run in HANGUL.findall(text))
        assert measured.count >= 2 * hangul, path


def test_korean_posts_carry_korean_hashtags_only(twelve_weeks: Path) -> None:
    for path in sorted(twelve_weeks.glob("*/ko/social/mastodon.txt")):
        tags = re.findall(r"#\S+", path.read_text("utf-8"))
        assert tags and all(HANGUL.fullmatch(tag[1:]) for tag in tags), path
    for path in sorted(twelve_weeks.glob("*/social/mastodon.txt")):
        assert not HANGUL.search(" ".join(re.findall(r"#\S+", path.read_text("utf-8"))))


STANDARD = ("우울감 등 말하기 어려운 고민이 있거나 주변에 이런 어려움을 겪는 "
            "가족·지인이 있을 경우 자살예방 상담전화 ☎109 또는 SNS상담 마들랜에서 "
            "24시간 전문가의 상담을 받을 수 있습니다.")


def test_the_korean_help_block_says_the_ministrys_sentence_once_per_number(
        twelve_weeks: Path) -> None:
    for path in sorted(twelve_weeks.glob("*/ko/email.txt")):
        text = " ".join(path.read_text("utf-8").split())
        assert STANDARD in text, path
        assert "자살예방상담전화 109: 전화 109" not in text
        assert "마들랜" in text
    html = lxml.html.document_fromstring(
        (twelve_weeks / "2026-W47" / "ko" / "email.html").read_bytes().decode("utf-8"))
    assert STANDARD in " ".join(html.text_content().split())
    assert html.get("lang") == "ko"
    assert "keep-all" in (twelve_weeks / "2026-W47" / "ko" / "email.html").read_text("utf-8")
    for path in sorted(twelve_weeks.glob("*/email.txt")):
        assert "마들랜에서 24시간" not in path.read_text("utf-8")


def test_korean_dates_and_edition_names(twelve_weeks: Path) -> None:
    text = (twelve_weeks / "2026-W49" / "ko" / "email.txt").read_text("utf-8")
    assert "2026년 11월 30일 월요일 · 2026년 49주차" in text
    subject = email.message_from_bytes(
        (twelve_weeks / "2026-W49" / "ko" / "email.eml").read_bytes(), policy=policy.default
    )["Subject"]
    assert subject.startswith("이번 주")


def test_a_korean_unsafe_phrase_blocks_the_korean_edition(tmp_path: Path) -> None:
    """The Korean rules run on the Korean artifacts: 극단적 선택 in a Korean synopsis stops
    the build with exit 1 and writes nothing; the English edition alone builds."""
    def site(locales: str) -> Path:
        folder = tmp_path / locales.strip("[]").replace(", ", "-")
        schedule = copy_site(folder)
        schedule.write_text(schedule.read_text("utf-8").replace(
            "locales: [en]", f"locales: {locales}"), "utf-8")
        films = folder / "data" / "films.yaml"
        text = films.read_text("utf-8")
        korean = "      ko: >-\n        농학교에 새로 부임한 교사 인호가"
        assert text.count(korean) == 1
        unsafe = ("      ko: >-\n        한 학생이 극단적 선택을 했다는 소문이 돈다."
                  " 새로 부임한 교사 인호가")
        films.write_text(text.replace(korean, unsafe), "utf-8")
        return folder

    both = site("[en, ko]")
    result = mindreel("build", "--week", "2026-W50", cwd=both)
    assert result.returncode == 1, result.stderr
    assert "2026-W50/ko/" in result.stderr and "Traceback" not in result.stderr
    assert not (both / "outbox" / "2026-W50").exists()
    english = site("[en]")
    assert mindreel("build", "--week", "2026-W50", cwd=english).returncode == 0


def test_each_locale_has_its_own_audience(tmp_path: Path) -> None:
    """audiences: the Korean edition's helplines are Korea's alone; English keeps its own."""
    schedule = copy_site(tmp_path / "site")
    schedule.write_text(schedule.read_text("utf-8").replace(
        "locales: [en]", "locales: [en, ko]\naudiences:\n  ko: {regions: [KR], primary: KR}"),
        "utf-8")
    result = mindreel("build", "--week", "2026-W50", cwd=tmp_path / "site")
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "site" / "outbox" / "2026-W50"
    korean = (folder / "ko" / "email.txt").read_text("utf-8")
    english = (folder / "email.txt").read_text("utf-8")
    assert "988" not in korean and "988" in english


@pytest.mark.parametrize("rel", ["email.html", "email.txt", "email.eml", "article.html",
                                 "social/x.txt", "social/mastodon.txt", "social/bluesky.txt",
                                 "social/threads.txt", "social/facebook.txt",
                                 "social/instagram.txt", "social/linkedin.txt"])
def test_golden_korean_edition(rel: str, korean_fixture: Path,
                               golden: object) -> None:
    golden(f"korean/{rel.replace('/', '-')}",  # type: ignore[operator]
           (korean_fixture / "2026-W50" / "ko" / rel).read_bytes())


@pytest.mark.parametrize("rel", ["ko/feed.xml", "ko/atom.xml", "ko/feed.json",
                                 "ko/archive/2026-W50.html"])
def test_golden_korean_public_files(rel: str, korean_fixture: Path, golden: object) -> None:
    golden(f"korean/{rel.replace('/', '-')}",  # type: ignore[operator]
           (korean_fixture / rel).read_bytes())


@pytest.fixture(scope="module")
def korean_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site's 2026-W50 (Silenced, pinned) in English and Korean, public."""
    folder = tmp_path_factory.mktemp("golden-ko") / "site"
    schedule = copy_site(folder)
    schedule.write_text(schedule.read_text("utf-8").replace(
        "locales: [en]", "locales: [en, ko]"), "utf-8")
    result = mindreel("build", "--week", "2026-W50", cwd=folder, now=LATER)
    assert result.returncode == 0, result.stderr
    return folder / "outbox"



def test_korean_feed_items_lead_with_the_korean_title(twelve_weeks: Path) -> None:
    """A Korean reader's feed says 〈말아톤〉 (2005), not 'Marathon (말아톤, 2005)', and a
    theme's name once, not '장애 포용 (장애 포용)'."""
    films = yaml.safe_load((REPO / "data" / "films.yaml").read_text("utf-8"))["films"]
    english = {film["titles"]["en"] for film in films}
    feed = feedparser.parse((twelve_weeks / "ko" / "feed.xml").read_bytes())
    assert feed.entries
    for entry in feed.entries:
        title = entry["title"]
        assert not any(title.startswith(name) for name in english), title
        assert not re.fullmatch(r"(.+) \(\1\)", title), title
        if "〈" in title:
            assert re.fullmatch(r"〈[^〉]+〉 \(\d{4}\)", title), title


def test_no_korean_helpline_says_its_number_twice(twelve_weeks: Path) -> None:
    for path in sorted(twelve_weeks.glob("*/ko/*.html")):
        text = " ".join(lxml.html.document_fromstring(
            path.read_bytes().decode("utf-8")).text_content().split())
        assert "109: 전화 109" not in text, path


def test_korean_posts_say_the_109_number_once(twelve_weeks: Path) -> None:
    """'자살예방상담전화 109, 전화 109' says the number twice; the name holds it."""
    posts = sorted(twelve_weeks.glob("*/ko/social/*.txt"))
    assert posts
    for path in posts:
        text = path.read_text("utf-8")
        assert "109, 전화 109" not in text, path
        assert "109,  (" not in text and ",  (" not in text, path
