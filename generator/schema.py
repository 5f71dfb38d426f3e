"""Field types shared by schedule.yaml and the catalogue, and the bridge from pydantic
errors to ``file:line: field: message`` problems.

Models are strict (YAML ``"2011"`` is not the year 2011) and forbid unknown keys, so a
typo in a key is an error rather than a silently ignored setting.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError

from generator.errors import BadInput, ChannelError, Problem
from generator.yamlsource import PathKey, YamlDoc, display_path, format_path, load_yaml

LOCALES = ("en", "ko")
DEFAULT_LOCALE = "en"

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
REGION_PATTERN = r"^(?:[A-Z]{2}|INTL)$"
RegionId = Annotated[str, StringConstraints(pattern=REGION_PATTERN)]
HASHTAG_PATTERN = r"^[A-Za-z0-9가-힣]+$"
Hashtag = Annotated[str, StringConstraints(pattern=HASHTAG_PATTERN, max_length=60)]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Unicode format characters (category Cf) are invisible: bidi controls (U+202A-U+202E,
# U+2066-U+2069) reverse the rest of a Subject line or post, zero-width ones hide words
# from the safe-messaging guard, tag characters smuggle text. The one allowed is a zero
# width joiner inside an emoji sequence (👩‍💻), after an optional VS16 or skin tone.
_FORMAT = regex.compile(
    r"(?!(?<=\p{Extended_Pictographic}[\uFE0F\U0001F3FB-\U0001F3FF]?)"
    r"\u200D(?=\p{Extended_Pictographic}))\p{Cf}"
)


def _no_format_character(value: str) -> None:
    found = _FORMAT.search(value)
    if found is not None:
        char = found.group()
        name = unicodedata.name(char, "a format character")
        raise ValueError(f"contains the invisible character U+{ord(char):04X} ({name}); "
                         "remove it")


def _https(value: str) -> str:
    _no_format_character(value)
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError("must be an https:// URL")
    if any(ch.isspace() for ch in value) or _CONTROL.search(value):
        raise ValueError("URL must not contain spaces or control characters")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]


def _plain_line(value: str) -> str:
    _no_format_character(value)
    if "\n" in value or "\r" in value or _CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Line = Annotated[str, AfterValidator(_plain_line)]


def _text(value: str) -> str:
    _no_format_character(value)
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    if not value.strip():
        raise ValueError("must not be empty")
    return value


Text = Annotated[str, AfterValidator(_text)]


def _localized(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(LOCALES))
    if unknown:
        raise ValueError(f"unknown locale {', '.join(unknown)} (known: {', '.join(LOCALES)})")
    if DEFAULT_LOCALE not in value:
        raise ValueError(f"'{DEFAULT_LOCALE}' text is required")
    return value


LocalText = Annotated[dict[str, Text], AfterValidator(_localized)]
"""Human-facing text as a map by locale; ``en`` is required, ``ko`` where written."""

LocalLine = Annotated[dict[str, Line], AfterValidator(_localized)]


class MissingLocale(ChannelError, LookupError):
    """Text asked for in a locale the catalogue does not hold.

    Loading the project refuses a catalogue that lacks a locale ``locales`` lists
    (``generator.locale_text``), so meeting this while rendering means that check missed
    a field: there is no fallback to English, which would put English into a Korean
    edition. It is still the catalogue that must change, so the user sees one line and
    exit 2 (``ChannelError``), not a traceback, and nothing is written.
    """


def pick_locale(text: Mapping[str, str], locale: str) -> str:
    """The text in ``locale``; ``MissingLocale`` when it is not written (never English
    in its place: a Korean edition with English fragments is a silent failure)."""
    try:
        return text[locale]
    except KeyError:
        known = next(iter(text.values()), "")
        known = known if len(known) <= 60 else known[:59] + "…"
        raise MissingLocale(f"no {locale} text for {known!r} (the text in "
                            f"{', '.join(text)}); write it in the catalogue") from None


class Strict(BaseModel):
    """Base for every input model: immutable, strict types, unknown keys rejected.

    ``defer_build``: pydantic builds a model's validator when it is first used, not when
    its module is imported. A build validates a dozen file models, each building its
    nested models within it; building every class at import (about 60, many never used
    on their own) cost a cold build about a tenth of a second."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


M = TypeVar("M", bound=BaseModel)

_FRIENDLY = {
    "extra_forbidden": "unknown key (check the spelling)",
    "missing": "required field is missing",
}


def _message(err: Mapping[str, Any]) -> str:
    kind = err["type"]
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    if kind == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern", "")
        if pattern == SLUG_PATTERN:
            return "must be a slug: lowercase letters, digits and single hyphens (like my-mister)"
        if pattern == HASHTAG_PATTERN:
            return "a hashtag is written without '#', letters and digits only (like MentalHealth)"
        if pattern == REGION_PATTERN:
            return "must be a two-letter country code in capitals (like KR) or INTL"
    if kind == "too_short":
        need = (err.get("ctx") or {}).get("min_length", 1)
        return "must not be empty" if need == 1 else f"needs at least {need} items"
    msg = str(err["msg"])
    msg = msg.removeprefix("Value error, ")
    if kind in (
        "string_type",
        "int_type",
        "date_type",
        "bool_type",
        "list_type",
        "dict_type",
        "model_type",
        "float_type",
    ):
        got = type(err.get("input")).__name__
        hint = ""
        if kind == "string_type" and isinstance(err.get("input"), int):
            hint = " (quote it: YAML reads 10:30 or 123 as a number)"
        elif kind == "date_type" and isinstance(err.get("input"), str):
            hint = " (write it as YYYY-MM-DD without quotes)"
        return f"{msg[0].lower()}{msg[1:]}, got {got}{hint}"
    return msg[0].lower() + msg[1:] if msg else kind


def _clean_loc(loc: tuple[Any, ...]) -> PathKey:
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and (
            part.startswith(("function-", "[")) or part in ("list", "dict")
        ):
            continue  # pydantic's internal validator labels
        out.append(part)
    return tuple(out)


def load_model(path: Path, model: type[M]) -> tuple[YamlDoc, M]:
    """A whole YAML file validated as ``model``; ``BadInput`` with every problem if not."""
    doc = load_yaml(path, display_path(path))
    if doc.problems:
        raise BadInput(doc.problems)
    if not isinstance(doc.data, dict):
        raise BadInput([Problem(doc.name, 1, "", "must be a mapping")])
    value, problems = validate(model, doc)
    if problems or value is None:
        raise BadInput(problems)
    return doc, value


def _line(doc: YamlDoc, path: PathKey, err: Any) -> int:
    """Where to look: an invisible character's own line inside a multi-line value."""
    value = err.get("input")
    found = _FORMAT.search(value) if isinstance(value, str) else None
    if found is not None and "invisible character" in str(err.get("msg", "")):
        return doc.line_of_char(path, found.group())
    return doc.line_of(path)


def validate(model: type[M], doc: YamlDoc, base: PathKey = ()) -> tuple[M | None, list[Problem]]:
    """Validate ``doc.data`` (or the part at ``base``) against ``model``; collect every error."""
    data: Any = doc.data
    for part in base:
        data = data[part]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            path = (*base, *_clean_loc(tuple(err["loc"])))
            if doc.already_reported(path):
                continue  # an impossible date: reported where the file was read
            problems.append(Problem(doc.name, _line(doc, path, err), format_path(path),
                                    _message(err)))
        return None, problems
