"""schedule.yaml -> Settings: when editions go out, what rotates, who reads them.

Every problem is collected and reported at once (``BadInput``), with file and line.
Paths in the file are relative to the file's own folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field, PrivateAttr, model_validator

from generator.errors import BadInput, Problem
from generator.schema import (
    DEFAULT_LOCALE,
    HttpsUrl,
    Line,
    MissingLocale,
    RegionId,
    Slug,
    Strict,
    validate,
)
from generator.weeks import IsoWeek
from generator.yamlsource import YamlDoc, display_path, load_yaml

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Platform = Literal["x", "bluesky", "mastodon", "threads", "instagram", "linkedin", "facebook"]
PLATFORM_LIST: tuple[Platform, ...] = (
    "x", "bluesky", "mastodon", "threads", "instagram", "linkedin", "facebook",
)
PLATFORMS: tuple[str, ...] = PLATFORM_LIST
# RFC 5322 dot-atom local part (no quoting needed in a header); "=?" is refused below
# because mail software decodes it as an RFC 2047 encoded word.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*@[A-Za-z0-9.-]+\.[A-Za-z]{{2,}}$")


def _hhmm(value: str) -> str:
    match = re.fullmatch(r"([01]\d|2[0-3]):([0-5]\d)", value)
    if not match:
        raise ValueError("must be a 24-hour time like '09:00' (in quotes)")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
        raise ValueError(
            f"unknown timezone {value!r}; use an IANA name such as 'Asia/Seoul'"
        ) from None
    return value


def _iso_week(value: str) -> str:
    IsoWeek.parse(value)  # raises ValueError with a clear message
    return value


def _address(value: str) -> str:
    if not _EMAIL.match(value) or "=?" in value:
        raise ValueError("must be an e-mail address like news@example.org")
    return value


def _no_encoded_word(value: str) -> str:
    if "=?" in value:
        raise ValueError("must not contain '=?' (mail software decodes it as an encoded "
                         "word in the List-Unsubscribe header); write the '?' as %3F")
    return value


Hhmm = Annotated[str, AfterValidator(_hhmm)]
TimezoneName = Annotated[str, AfterValidator(_timezone)]
IsoWeekText = Annotated[str, AfterValidator(_iso_week)]
EmailAddress = Annotated[str, AfterValidator(_address)]


class Send(Strict):
    """When an edition goes out, in the schedule's timezone."""

    weekday: Weekday = "mon"
    time: Hhmm = "09:00"

    @property
    def clock(self) -> dt.time:
        hour, minute = self.time.split(":")
        return dt.time(int(hour), int(minute))


class Rotation(Strict):
    """How films and themes alternate, and how long before a feature may return."""

    pattern: list[Literal["film", "theme"]] = Field(default=["film", "film", "theme"], min_length=1)
    cooldown_weeks: int = Field(default=26, ge=1, le=520)


class Audience(Strict):
    """Helpline regions in the footer; the primary one goes in every social post."""

    regions: list[RegionId] = Field(min_length=1)
    primary: RegionId

    @model_validator(mode="after")
    def _primary_listed(self) -> Audience:
        if self.primary not in self.regions:
            raise ValueError(f"primary region {self.primary!r} must also be listed in regions")
        return self


class SiteWords(Strict):
    """The site's name and description in one more language."""

    title: Line | None = None
    description: Line | None = None


class Site(Strict):
    """Where the web archive lives and who sends the email."""

    base_url: HttpsUrl
    title: Line
    description: Line
    list_address: EmailAddress
    sender_name: Line
    sender_address: EmailAddress
    reply_to: EmailAddress | None = None
    languages: dict[Literal["en", "ko"], SiteWords] = Field(default_factory=dict)
    """``title`` and ``description`` as another locale's edition shows them."""
    tag_start: int = Field(default=2026, ge=2000, le=2100)
    """Year in the ``tag:`` URIs of feed ids; fixed once published."""
    postal_address: Line | None = None
    """The sender's physical postal address, printed in every email footer (CAN-SPAM
    requires one in commercial email; ``mindreel check`` warns when it is missing)."""

    @property
    def domain(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def url(self, path: str) -> str:
        """An absolute URL under the site's base URL."""
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


class Channels(Strict):
    """Which channels render; the manifest and ledger are always written."""

    email: bool = True
    feeds: bool = True
    social: bool = True
    cards: bool = True
    """Share cards (PNG) for posts and link previews; feeds and posts point at them."""


class ListmonkSettings(Strict):
    """What ``email.listmonk.json`` needs beyond the edition (``esp: listmonk``)."""

    lists: list[Annotated[int, Field(ge=1)]] = Field(default_factory=list)
    """listmonk list ids; required by its campaign API (``mindreel check`` says so)."""
    template_id: int | None = Field(default=None, ge=1)
    """A listmonk campaign template whose body is only ``{{ template "content" . }}``."""


_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class SmtpSettings(Strict):
    """The SMTP server ``mindreel send`` hands ``email.eml`` to.

    The password is never in this file: ``password_env`` names the environment
    variable that holds it. ``security`` is ``starttls`` (usually port 587) or ``tls``
    (implicit TLS, usually port 465); there is no clear-text mode.
    """

    host: Line
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls"] = "starttls"
    user: Line | None = None
    password_env: Annotated[str, Field(pattern=_ENV_NAME)] = "MINDREEL_SMTP_PASSWORD"
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    ca_file: str | None = None
    """A PEM file of certificates to trust instead of the system's (a private relay)."""


class EmailSettings(Strict):
    """The email's target ESP (placeholders for unsubscribe and archive links) and how
    ``mindreel run`` delivers it."""

    esp: Literal["plain", "listmonk", "mailchimp", "buttondown"] = "plain"
    unsubscribe_url: Annotated[HttpsUrl, AfterValidator(_no_encoded_word)]
    unsubscribe_mailto: EmailAddress | None = None
    size_budget_kb: int = Field(default=90, ge=10, le=100)
    listmonk: ListmonkSettings = ListmonkSettings()
    delivery: Literal["none", "smtp"] = "none"
    """``smtp``: ``mindreel run`` sends each edition to the list address at its send time."""
    smtp: SmtpSettings | None = None

    @model_validator(mode="after")
    def _listmonk_lists(self) -> EmailSettings:
        if self.esp == "listmonk" and not self.listmonk.lists:
            raise ValueError("esp: listmonk needs listmonk.lists (the list ids the campaign "
                             "goes to): listmonk's campaign API refuses a campaign without")
        return self

    @model_validator(mode="after")
    def _smtp_configured(self) -> EmailSettings:
        if self.delivery == "smtp" and self.smtp is None:
            raise ValueError("delivery: smtp needs an smtp section (host, port, security, "
                             "user, password_env)")
        if self.delivery == "smtp" and self.esp != "plain":
            raise ValueError(f"delivery: smtp sends email.eml as it is, so it needs esp: plain "
                             f"(esp: {self.esp} leaves that ESP's placeholders in it)")
        return self


class FeedSettings(Strict):
    """How many editions the feeds hold."""

    items: int = Field(default=20, ge=1, le=500)


class SocialSettings(Strict):
    """Which platforms get posts, the UTM tags on their links, and local limit overrides.

    ``{platform}`` and ``{edition}`` in a UTM value become the platform id and the
    edition id. ``limits`` replaces a platform's character limit from the packaged
    platform rules, for a Mastodon instance that allows more than 500, say.
    """

    platforms: list[Platform] = Field(default_factory=lambda: list(PLATFORM_LIST))
    utm: dict[Annotated[str, Field(pattern=r"^utm_[a-z]+$")], Line] = Field(
        default_factory=lambda: {
            "utm_source": "{platform}",
            "utm_medium": "social",
            "utm_campaign": "{edition}",
        }
    )
    limits: dict[Platform, Annotated[int, Field(ge=50, le=100_000)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _distinct_platforms(self) -> SocialSettings:
        if len(set(self.platforms)) != len(self.platforms):
            raise ValueError("platforms lists a platform twice")
        return self


class SafetySettings(Strict):
    """How old a helpline's verification may be before it warns, then blocks."""

    helpline_warn_days: int = Field(default=180, ge=1)
    helpline_error_days: int = Field(default=365, ge=1)


class ServiceSettings(Strict):
    """The long-running service (``mindreel run``)."""

    catch_up: Literal["latest", "all", "none"] = "latest"
    check_minutes: int = Field(default=10, ge=1, le=1440)
    misfire_grace_hours: int = Field(default=12, ge=1, le=168)


class Settings(Strict):
    """Everything schedule.yaml says, validated."""

    timezone: TimezoneName
    send: Send = Send()
    rotation: Rotation = Rotation()
    pins: dict[IsoWeekText, Slug] = Field(default_factory=dict)
    skips: list[IsoWeekText] = Field(default_factory=list)
    audience: Audience
    locales: list[Literal["en", "ko"]] = Field(default=["en"], min_length=1)
    audiences: dict[Literal["en", "ko"], Audience] = Field(default_factory=dict)
    """Per-locale audience; a locale not named here reads ``audience``."""
    site: Site
    outbox: str = "outbox"
    data: str = "data"
    templates: str = "templates"
    channels: Channels = Channels()
    email: EmailSettings
    feeds: FeedSettings = FeedSettings()
    social: SocialSettings = SocialSettings()
    safety: SafetySettings = SafetySettings()
    service: ServiceSettings = ServiceSettings()
    lock_timeout_seconds: float = Field(default=10.0, ge=0, le=3600)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    _home: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _distinct_locales(self) -> Settings:
        if len(set(self.locales)) != len(self.locales):
            raise ValueError("locales lists a locale twice")
        return self

    @property
    def locale(self) -> str:
        """The locale this view renders in (the first listed; see ``for_locale``)."""
        return self.locales[0]

    @property
    def home_locale(self) -> str:
        """The first locale in schedule.yaml: its files sit at the top of every folder."""
        return self._home or self.locales[0]

    @property
    def locale_prefix(self) -> str:
        """Where this view's files go: "" for the home locale, "ko/" for Korean beside it."""
        return "" if self.locale == self.home_locale else f"{self.locale}/"

    def for_locale(self, locale: str) -> Settings:
        """These settings seen by the edition in ``locale``: it comes first and its own
        audience (``audiences``) replaces the shared one. The home locale is kept, so
        ``locale_prefix`` knows where the files go."""
        others = [code for code in self.locales if code != locale]
        words = self.site.languages.get(locale)  # type: ignore[call-overload]
        if locale != DEFAULT_LOCALE and (words is None or None in (words.title,
                                                                   words.description)):
            raise MissingLocale(f"no site.languages.{locale} title and description; "
                                "loading should have refused it")
        site = self.site if words is None else self.site.model_copy(update={
            key: value for key, value in words.model_dump().items() if value is not None})
        view = self.model_copy(update={
            "locales": [locale, *others],
            "audience": self.audiences.get(locale, self.audience),  # type: ignore[call-overload]
            "site": site,
        })
        view._home = self.home_locale
        return view


class Config:
    """Settings plus where they came from, so relative paths resolve against the file."""

    def __init__(
        self,
        settings: Settings,
        path: Path,
        outbox_override: Path | None = None,
        doc: YamlDoc | None = None,
    ):
        self.settings = settings
        self.doc = doc or YamlDoc(name=str(path), data=None)
        self.path = path
        self.root = path.parent
        self.outbox = (
            outbox_override if outbox_override is not None else self.root / settings.outbox
        )
        self.data_dir = self.root / settings.data
        self.templates_dir = self.root / settings.templates


def load_config(path: Path, outbox_override: Path | None = None) -> Config:
    """Read and validate schedule.yaml; raise ``BadInput`` listing every problem."""
    doc = load_yaml(path, display_name=display_path(path))
    problems = list(doc.problems)
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(Problem(doc.name, 1, "", "must be a mapping of settings"))
    if problems:
        raise BadInput(problems)
    settings, errors = validate(Settings, doc)
    if errors or settings is None:
        raise BadInput(errors)
    if settings.safety.helpline_warn_days >= settings.safety.helpline_error_days:
        raise BadInput(
            [
                Problem(
                    doc.name,
                    doc.line_of(("safety",)),
                    "safety",
                    "helpline_warn_days must be less than helpline_error_days",
                )
            ]
        )
    return Config(settings, path, outbox_override, doc)


