"""Platform rules for social posts: platforms.yaml (shipped in the package) -> models.

Limits, counting rules and posting norms change, so they live in that file with the
date they were last checked; code reads them from here and hard-codes none of them.
``schedule.yaml`` may override a limit (``social.limits``).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from generator.config import PLATFORM_LIST, Platform, SocialSettings
from generator.errors import BadInput
from generator.schema import Line, Strict, validate
from generator.yamlsource import load_yaml

RULES_FILE = Path(__file__).with_name("platforms.yaml")

Counter = Literal["x-weighted", "graphemes", "code-points"]
Step = Literal["details", "hashtags", "tagline", "awareness", "link", "helpline", "title-ko"]

UNITS: dict[str, str] = {
    "x-weighted": "weighted characters",
    "graphemes": "graphemes",
    "code-points": "characters",
}


class HashtagNorm(Strict):
    """How many hashtags we add (``min``..``max``); ``hard_max`` is the platform's own cap."""

    min: int = Field(ge=0, le=30)
    max: int = Field(ge=0, le=30)
    hard_max: int | None = Field(default=None, ge=0, le=30)

    @model_validator(mode="after")
    def _ordered(self) -> HashtagNorm:
        if self.min > self.max:
            raise ValueError("hashtags.min must not exceed hashtags.max")
        if self.hard_max is not None and self.max > self.hard_max:
            raise ValueError("hashtags.max must not exceed hashtags.hard_max")
        return self


class ThreadRule(Strict):
    max_parts: int = Field(ge=2, le=9)


class PlatformRule(Strict):
    """One platform: its limit, its counter and its norms."""

    label: Line
    limit: int = Field(ge=1)
    counter: Counter
    byte_limit: int | None = Field(default=None, ge=1)
    url_length: int | None = Field(default=None, ge=1)
    emoji_as_utf8: bool = False
    counts_cw: bool = False
    cw: Literal["spoiler_text", "line"]
    hashtags: HashtagNorm
    helpline: Literal["short", "full"]
    thread: ThreadRule | None = None
    alt_text_limit: int | None = Field(default=None, ge=1)

    @property
    def unit(self) -> str:
        return UNITS[self.counter]


class Rules(Strict):
    checked: date
    shortening: list[Step] = Field(min_length=1)
    thread_shortening: list[Step] = Field(min_length=1)
    platforms: dict[Platform, PlatformRule]

    @model_validator(mode="after")
    def _steps_once(self) -> Rules:
        for order in (self.shortening, self.thread_shortening):
            if len(set(order)) != len(order):
                raise ValueError("a shortening order lists a step twice")
        if {"awareness", "link"} & set(self.shortening):
            raise ValueError("only a thread can move the awareness line or the link to a "
                             "later post (thread_shortening)")
        missing = [p for p in PLATFORM_LIST if p not in self.platforms]
        if missing:
            raise ValueError(f"no rules for {', '.join(missing)}")
        return self


@cache
def packaged_rules(path: Path = RULES_FILE) -> Rules:
    """The rules file, validated once per process."""
    doc = load_yaml(path, display_name=path.name)
    if doc.problems:
        raise BadInput(doc.problems)
    rules, errors = validate(Rules, doc)
    if errors or rules is None:
        raise BadInput(errors)
    return rules


def platform_rules(settings: SocialSettings, rules: Rules | None = None) -> dict[str, PlatformRule]:
    """The rule of every enabled platform, with limits from ``schedule.yaml`` applied."""
    rules = rules or packaged_rules()
    chosen: dict[str, PlatformRule] = {}
    for platform in settings.platforms:
        rule = rules.platforms[platform]
        if platform in settings.limits:
            rule = rule.model_copy(update={"limit": settings.limits[platform]})
        chosen[platform] = rule
    return chosen
