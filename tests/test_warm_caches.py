"""What a process remembers between editions: each distinct text is checked once, each
email header parsed once, each post variant rendered once, and none of it changes a
finding or a byte."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from generator.build import render_pick
from generator.channels import RenderContext
from generator.channels.email import mime
from generator.channels.social import channel as social
from generator.errors import CannotWrite
from generator.outbox import Outbox
from generator.picker import Pick
from generator.project import Project
from generator.safety import check_edition, masking
from generator.weeks import IsoWeek
from tests.conftest import NOW, edition_of
from tests.test_email_mime import envelope, hostile_text


def _pick(project: Project, week: str, feature_id: str) -> Pick:
    kind = "film" if project.catalogue.film(feature_id) else "theme"
    return Pick(IsoWeek.parse(week), kind, feature_id, "fixture", "pin")  # type: ignore[arg-type]


def test_the_guard_checks_each_distinct_text_once(project: Project,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = render_pick(project, _pick(project, "2026-W48", "marathon"), NOW)
    edition = rendered.edition
    calls: list[str] = []
    real = masking.normalise

    def counting(text: str, **kwargs: Any) -> Any:
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(masking, "normalise", counting)
    first = {rel: data for rel, data in rendered.files.items() if not rel.startswith("ko/")}
    again = check_edition(edition, dict(first), project, NOW.date())
    assert calls == []  # every text was normalised and screened while rendering
    assert again == [f for f in rendered.findings if "/ko" not in f.edition]
    # A changed file is a new text: checked, and its finding reported...
    changed = dict(first)
    changed["email.txt"] = first["email.txt"].replace(
        b"Marathon", b"Marathon, after his friend committed suicide,", 1)
    found = check_edition(edition, changed, project, NOW.date())
    assert calls
    assert [f.rule for f in found if f.artifact == "email.txt"] == ["en-committed-suicide"]
    # ...and remembering it does not carry the finding over to the unchanged file.
    assert check_edition(edition, dict(first), project, NOW.date()) == again


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(subject=hostile_text, sender_name=hostile_text, title=hostile_text)
def test_kept_headers_give_the_bytes_of_a_fresh_parse(subject: str, sender_name: str,
                                                      title: str) -> None:
    message = envelope(subject, sender_name, title)
    kept = [mime.build_message(message, "text\n", "<p>html</p>\n").data for _ in range(2)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mime, "POLICY", mime.MailPolicy(linesep="\r\n", refold_source="none"))
        patch.setattr(mime, "READ_BACK", mime.email_policy.default)
        fresh = mime.build_message(message, "text\n", "<p>html</p>\n").data
    assert kept == [fresh, fresh]


def test_a_recurring_header_is_parsed_once_per_process() -> None:
    factory = mime.POLICY.header_factory
    assert isinstance(factory, mime.KeptHeaders)
    for _ in range(2):  # seen, then seen again: kept
        mime.build_message(envelope(), "text\n", "<p>html</p>\n")
    kept = dict(factory.kept)
    assert ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click") in kept
    mime.build_message(envelope(), "text\n", "<p>html</p>\n")
    assert factory.kept == kept  # nothing parsed again
    # A value seen once (this week's message id) is parsed, not kept.
    once = envelope()
    once = mime.Envelope(**{**once.__dict__, "message_id": "<2026-W01.once@example.org>"})
    mime.build_message(once, "text\n", "<p>html</p>\n")
    assert ("Message-ID", once.message_id) not in factory.kept


def test_each_post_variant_is_rendered_once(project: Project, ctx: RenderContext,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    edition = edition_of(project, "2026-W49", "depression")
    expected = social.render(edition, ctx)
    rendered: list[tuple[Any, ...]] = []
    real = social.Composer._render

    def counting(self: social.Composer, *args: Any) -> str:
        rendered.append((self.platform, *args))
        return real(self, *args)

    monkeypatch.setattr(social.Composer, "_render", counting)
    assert social.render(edition, ctx) == expected
    assert rendered and len(rendered) == len(set(rendered))


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def test_an_edition_write_leaves_no_descriptor_open(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox")
    box.prepare()
    files = {f"social/{n}.txt": f"post {n}\n".encode() for n in range(300)}
    before = _open_fds()
    box.write_edition("2026-W48", files, b"{}\n")
    assert _open_fds() == before
    assert sorted(p.name for p in (box.root / "2026-W48" / "social").iterdir()) == sorted(
        rel.split("/")[1] for rel in files)
    clash = {**files, "x.txt": b"x\n", "x.txt/y.txt": b"y\n"}  # x.txt cannot be a folder
    with pytest.raises(CannotWrite):
        box.write_edition("2026-W49", clash, b"{}\n")
    assert _open_fds() == before
    assert not (box.root / "2026-W49").exists()
