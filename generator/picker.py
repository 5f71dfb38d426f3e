"""Choose each week's feature: deterministic, explainable, never repeating too soon.

Precedence: a week already in the ledger keeps its pick; a skip; a pin; an observance
that week with a matching feature outside the cooldown; else the rotation pattern
(films and themes alternate), least-recently-featured first, ties broken by id.
Nothing depends on dict or hash order, so every process agrees on the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from generator.catalogue import Catalogue, Observance
from generator.config import Settings
from generator.weeks import IsoWeek, week_range

PickKind = Literal["film", "theme", "skip"]
Source = Literal["ledger", "skip", "pin", "observance", "rotation"]
HORIZON_WEEKS = 104
"""How far back the picker replays unbuilt weeks to reproduce the plan exactly."""


@dataclass(frozen=True)
class Pick:
    """What a week features and why."""

    week: IsoWeek
    kind: PickKind
    feature_id: str
    reason: str
    source: Source


class Picker:
    """Plans weeks from the catalogue, the settings and the ledger's history."""

    def __init__(
        self,
        catalogue: Catalogue,
        settings: Settings,
        history: Mapping[IsoWeek, str],
        ledger_reasons: Mapping[IsoWeek, tuple[str, str, str]] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.history = dict(history)
        self._weeks_of: dict[str, list[int]] = {}
        for week, feature in self.history.items():
            self._weeks_of.setdefault(feature, []).append(week.ordinal)
        self.ledger = dict(ledger_reasons or {})
        self.skips = {IsoWeek.parse(w) for w in settings.skips}
        self.pins = {IsoWeek.parse(w): f for w, f in settings.pins.items()}
        self.films = sorted(f.id for f in catalogue.films if f.in_rotation)
        self.themes = sorted(t.id for t in catalogue.themes)

    def plan(self, first: IsoWeek, count: int) -> list[Pick]:
        """Picks for ``count`` weeks from ``first``, each seeing the ones before it."""
        picks = []
        self._replay_until(first)
        for week in week_range(first, first + (count - 1)):
            pick = self._pick(week)
            if pick.kind != "skip":
                self._remember(week, pick.feature_id)
            picks.append(pick)
        return picks

    def pick(self, week: IsoWeek) -> Pick:
        """The pick for one week, as ``plan`` would show it."""
        return self.plan(week, 1)[0]

    def _replay_until(self, week: IsoWeek) -> None:
        """Simulate unbuilt weeks since the last ledger entry so a build matches the plan."""
        built = [w for w in self.history if w < week]
        start = max(built) + 1 if built else week
        start = max(start, week + (-HORIZON_WEEKS))
        for past in week_range(start, week + (-1)) if start < week else ():
            if past not in self.history:
                pick = self._pick(past)
                if pick.kind != "skip":
                    self._remember(past, pick.feature_id)

    def _remember(self, week: IsoWeek, feature_id: str) -> None:
        if week not in self.history:
            self.history[week] = feature_id
            self._weeks_of.setdefault(feature_id, []).append(week.ordinal)

    def _kind_of(self, feature_id: str) -> Literal["film", "theme"]:
        return "film" if self.catalogue.film(feature_id) is not None else "theme"

    def _last_featured(self, feature_id: str, week: IsoWeek) -> int | None:
        """Weeks since ``feature_id`` last went out before ``week`` (None if never)."""
        gaps = [week.ordinal - o for o in self._weeks_of.get(feature_id, ()) if o < week.ordinal]
        return min(gaps) if gaps else None

    def _in_cooldown(self, feature_id: str, week: IsoWeek) -> bool:
        cooldown = self.settings.rotation.cooldown_weeks
        return any(
            o != week.ordinal and abs(week.ordinal - o) < cooldown
            for o in self._weeks_of.get(feature_id, ())
        )

    def _recency_key(self, feature_id: str, week: IsoWeek) -> tuple[int, str]:
        last = self._last_featured(feature_id, week)
        return (-(last if last is not None else 10**6), feature_id)

    def _pick(self, week: IsoWeek) -> Pick:
        if week in self.ledger:
            kind, feature, reason = self.ledger[week]
            return Pick(week, "film" if kind == "film" else "theme", feature, reason, "ledger")
        if week in self.skips:
            return Pick(week, "skip", "", "skipped in schedule.yaml", "skip")
        if week in self.pins:
            feature = self.pins[week]
            return Pick(week, self._kind_of(feature), feature, "pinned in schedule.yaml", "pin")
        slot = self.settings.rotation.pattern[week.ordinal % len(self.settings.rotation.pattern)]
        observed = self._observance_pick(week, slot)
        if observed is not None:
            return observed
        return self._rotation_pick(week, slot)

    def _observances(self, week: IsoWeek) -> list[Observance]:
        regions = {*self.settings.audience.regions, "INTL"}
        found = []
        for obs in self.catalogue.observances:
            if not regions.intersection(obs.regions) or not obs.falls_in(week):
                continue
            if obs.is_month_long and not any(day.day == 1 for day in week.days):
                continue  # a month-long observance leads only the week its month begins
            found.append(obs)
        return sorted(found, key=lambda o: (o.is_month_long, o.id))

    def _observance_pick(self, week: IsoWeek, slot: str) -> Pick | None:
        cooldown = self.settings.rotation.cooldown_weeks
        for obs in self._observances(week):
            candidates = set(obs.themes)
            for theme in obs.themes:
                candidates.update(f.id for f in self.catalogue.films_with_theme(theme))
            eligible = [c for c in candidates if not self._in_cooldown(c, week)]
            if not eligible:
                continue
            eligible.sort(key=lambda c: (self._kind_of(c) != slot, self._recency_key(c, week)))
            chosen = eligible[0]
            name = obs.name["en"]
            return Pick(
                week,
                self._kind_of(chosen),
                chosen,
                f"{name} falls in this week; not featured in the last {cooldown} weeks",
                "observance",
            )
        return None

    def _rotation_pick(self, week: IsoWeek, slot: str) -> Pick:
        cooldown = self.settings.rotation.cooldown_weeks
        pool = self.films if slot == "film" else self.themes
        if not pool:  # the pattern asks for a kind the catalogue lacks: use the other kind
            pool = self.themes if slot == "film" else self.films
        fresh = [f for f in pool if not self._in_cooldown(f, week)]
        if fresh:
            chosen = min(fresh, key=lambda f: self._recency_key(f, week))
            last = self._last_featured(chosen, week)
            when = "never featured" if last is None else f"last featured {last} weeks ago"
            return Pick(
                week, self._kind_of(chosen), chosen, f"rotation ({slot}): {when}", "rotation"
            )
        chosen = min(pool, key=lambda f: self._recency_key(f, week))
        return Pick(
            week,
            self._kind_of(chosen),
            chosen,
            f"rotation ({slot}): every {slot} was featured within {cooldown} weeks; "
            "least recently featured",
            "rotation",
        )
