"""The guard's fold table is Unicode's confusables table, as the library reads it."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.safety import confusables
from generator.safety.normalise import _is_hangul_or_cjk, fold


def reference_fold(ch: str) -> str:
    """``fold`` computed from the library's table on each call (what the table replaces)."""
    if ch.isascii() or _is_hangul_or_cjk(ch):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base.isascii() or len(base) != 1:
        return base
    return confusables.fold_to_ascii(base) or base


def test_the_generated_table_is_the_librarys() -> None:
    assert confusables.TABLE.read_text("utf-8") == confusables.source(confusables.derive())


def test_every_confusable_folds_as_the_library_says() -> None:
    sources = [ch for ch in confusables._data() if len(ch) == 1]
    assert len(sources) > 5000
    assert [ch for ch in sources if fold(ch) != reference_fold(ch)] == []


@settings(max_examples=500)
@given(st.characters(codec="utf-8"))
def test_any_character_folds_as_the_library_says(ch: str) -> None:
    assert fold(ch) == reference_fold(ch)


def test_the_guard_does_not_load_the_library() -> None:
    code = ("import sys\nfrom generator.safety.normalise import normalise\n"
            "assert normalise('c\\u043emmitted').text == 'committed'\n"
            "assert 'confusable_homoglyphs' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
