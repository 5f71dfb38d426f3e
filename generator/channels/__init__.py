"""Channels turn an Edition into files of its edition folder.

Each channel is a function ``(edition, context) -> {relative path: bytes}``. The
registry below is the one place that says which channels exist and in which order
they run; ``schedule.yaml``'s ``channels`` section switches them on and off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.config import Settings
from generator.edition import Edition


@dataclass(frozen=True)
class RenderContext:
    """What channels may read besides the edition: settings and the templates folder.

    ``now`` is the build moment. Channels never read the clock; import files use it only
    to leave out a send time that has already passed (None: every send time is ahead).
    """

    settings: Settings
    templates_dir: Path
    now: datetime | None = None

    def ahead(self, when: datetime) -> bool:
        """True if ``when`` is still in the future at the build moment."""
        return self.now is None or when > self.now


Files = dict[str, bytes]
Renderer = Callable[[Edition, RenderContext], Files]


def enabled_renderers(settings: Settings) -> list[tuple[str, Renderer]]:
    """The channels switched on in schedule.yaml, in a fixed order.

    Imports are lazy so a run that disables a channel never pays for its libraries.
    """
    renderers: list[tuple[str, Renderer]] = []
    switches: dict[str, Any] = settings.channels.model_dump()
    if switches.get("cards"):  # first: web and social read the same cards
        from generator.channels.cards import channel as cards

        renderers.append(("cards", cards.render))
    if switches.get("email"):
        from generator.channels.email import channel as email

        renderers.append(("email", email.render))
    if switches.get("feeds"):
        from generator.channels.web import pages

        renderers.append(("web", pages.render))
    if switches.get("social"):
        from generator.channels.social import channel as social

        renderers.append(("social", social.render))
    return renderers
