"""The gettext catalogue, Babel's dates and display-width wrapping."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from generator.channels.email.copy import LABELS as EMAIL_LABELS
from generator.channels.web.pages import LABELS as WEB_LABELS
from generator.i18n import LOCALE_DIR, long_date, pgettext, week_label
from generator.textwidth import columns, fill_columns

PO = LOCALE_DIR / "ko" / "LC_MESSAGES" / "mindreel.po"


def _catalog() -> object:
    with PO.open("rb") as handle:
        return read_po(handle)


def test_the_committed_mo_is_the_compiled_po() -> None:
    out = io.BytesIO()
    write_mo(out, _catalog())
    assert (PO.with_suffix(".mo")).read_bytes() == out.getvalue(), \
        "run `pybabel compile -d generator/locale -D mindreel`"


def _keys(labels: dict[str, object], prefix: str) -> set[str]:
    found: set[str] = set()
    for key, value in labels.items():
        path = f"{prefix}.{key}"
        found |= _keys(value, path) if isinstance(value, dict) else {path}  # type: ignore[arg-type]
    return found


def test_every_interface_string_has_a_korean_translation() -> None:
    catalog = _catalog()
    translated = {m.context for m in catalog if m.id and m.string}  # type: ignore[attr-defined]
    wanted = _keys(EMAIL_LABELS["en"], "email") | _keys(WEB_LABELS["en"], "web")
    assert wanted - translated == set()


def test_korean_dates_and_edition_names_come_from_babel() -> None:
    assert long_date(date(2026, 11, 30), "ko", weekday=True) == "2026년 11월 30일 월요일"
    assert long_date(date(2026, 11, 30), "ko") == "2026년 11월 30일"
    assert long_date(date(2026, 11, 30), "en") == "30 November 2026"
    assert week_label(2026, 49, "ko") == "2026년 49주차"
    assert week_label(2026, 9, "en") == "2026-W09"
    assert pgettext("ko", "web.content_note", "Content note") == "내용 주의"
    assert pgettext("ko", "email.content_note", "Content note") == "내용 주의"


def test_wrapping_counts_hangul_as_two_columns() -> None:
    text = ("장애인은 건물과 서비스, 태도와 법 곳곳에 놓인 장벽을 마주하며, "
            "그 장벽은 없앨 수 있습니다. ") * 3
    lines = fill_columns(text, 72).split("\n")
    assert max(columns(line) for line in lines) <= 72
    assert max(columns(line) for line in lines) > 60


@given(st.lists(st.text(alphabet="abc xyz-", min_size=1, max_size=30), max_size=20))
def test_ascii_wrapping_is_textwrap(words: list[str]) -> None:
    import textwrap

    text = " ".join(" ".join(words).split())
    assert fill_columns(text, 20, "  ") == textwrap.fill(
        text, width=20, initial_indent="  ", subsequent_indent="  ",
        break_long_words=False, break_on_hyphens=False)


def test_the_catalogue_ships_in_the_wheel() -> None:
    pyproject = (Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8")
    assert "locale/*/LC_MESSAGES/*.mo" in pyproject
