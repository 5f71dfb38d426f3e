"""The one flow: pick -> edition -> channels -> safety -> atomic write -> ledger -> publish.

``build_weeks`` is what ``mindreel build`` and the scheduler call. It holds the outbox
lock for the whole run, recovers from any earlier crash first, and commits each week
on its own, so an interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from generator.channels import Files, RenderContext, enabled_renderers
from generator.edition import Edition, make_edition
from generator.errors import SafetyFailed
from generator.ledger import Ledger, LedgerEntry
from generator.manifest import MANIFEST, make_manifest
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project
from generator.publish import publish
from generator.safety import Finding, check_edition
from generator.weeks import IsoWeek

log = logging.getLogger(__name__)

Status = Literal["new", "unchanged", "replaced", "skipped", "exists"]
ITEM_FILE = "item.json"


@dataclass(frozen=True)
class BuildResult:
    """What happened to one week."""

    week: IsoWeek
    status: Status
    path: str
    pick: Pick
    warnings: tuple[str, ...] = ()


@dataclass
class Rendered:
    """An edition rendered in memory and checked, not yet written."""

    edition: Edition
    files: Files
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[str]:
        return [str(f) for f in self.findings if f.severity == "warning"]


def context_for(project: Project, now: datetime | None = None) -> RenderContext:
    return RenderContext(project.config.settings, project.config.templates_dir, now)


def picker_for(project: Project, ledger: Ledger) -> Picker:
    """A picker that knows every built week; a ledger pick whose feature left the catalogue
    is treated as history only, so that week is picked afresh."""
    picks = ledger.picks()
    known = project.catalogue.feature_ids()
    return Picker(
        project.catalogue,
        project.config.settings,
        {week: feature for week, (_kind, feature, _reason) in picks.items()},
        {week: pick for week, pick in picks.items() if pick[1] in known},
    )


def render_pick(project: Project, pick: Pick, now: datetime) -> Rendered:
    """Render every enabled channel for ``pick`` and run the safety guard over the result."""
    ctx = context_for(project, now)
    edition = make_edition(pick, project.catalogue, project.config.settings)
    files: Files = {}
    for name, renderer in enabled_renderers(ctx.settings):
        produced = renderer(edition, ctx)
        clash = set(produced) & set(files)
        if clash or MANIFEST in produced:
            raise RuntimeError(f"channel {name} would overwrite {sorted(clash) or [MANIFEST]}")
        files.update(produced)
    findings = check_edition(edition, files, project, now.date())
    return Rendered(edition, files, findings)


def build_weeks(
    project: Project,
    weeks: Iterable[IsoWeek],
    *,
    now: datetime,
    rebuild: bool = True,
    durable: bool = True,
    lock_timeout: float | None = None,
    on_result: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build each week in order under the outbox lock; publish feeds and pages once at the end.

    With ``rebuild=False`` weeks already in the ledger are left alone (resumable backfill).
    A safety error stops the run before that week is written (``SafetyFailed``); weeks
    committed before it stay, whole.
    """
    config = project.config
    outbox = Outbox(config.outbox)
    timeout = config.settings.lock_timeout_seconds if lock_timeout is None else lock_timeout
    results: list[BuildResult] = []
    with outbox.lock(timeout, purpose="build"):
        for note in outbox.recover():
            log.info("%s", note)
        with Ledger(outbox.ledger_path) as ledger:
            reconcile(outbox, ledger, now)
            try:
                for week in weeks:
                    result = _build_one(project, outbox, ledger, week, now, rebuild, durable)
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
            except BaseException as exc:
                # Weeks written before the failure still get their feeds and pages. A
                # safety block that wrote nothing leaves every file as it was. A publishing
                # error here is logged, never allowed to hide the error that stopped the run.
                wrote = any(r.status in ("new", "replaced") for r in results)
                if wrote or not isinstance(exc, SafetyFailed):
                    try:
                        publish(outbox, ledger, context_for(project), now, durable=durable)
                    except Exception:
                        log.exception("publishing after a failed build failed too")
                raise
            publish(outbox, ledger, context_for(project), now, durable=durable)
    return results


def _build_one(
    project: Project,
    outbox: Outbox,
    ledger: Ledger,
    week: IsoWeek,
    now: datetime,
    rebuild: bool,
    durable: bool,
) -> BuildResult:
    existing = ledger.get(week)
    picker = picker_for(project, ledger)
    pick = picker.pick(week)
    if pick.kind == "skip":
        return BuildResult(week, "skipped", "", pick)
    if existing is not None and not rebuild:
        return BuildResult(week, "exists", str(outbox.edition_dir(str(week))), pick)
    rendered = render_pick(project, pick, now)
    if rendered.errors:
        raise SafetyFailed(
            f"safety check failed for {week}: {len(rendered.errors)} error(s); nothing was written",
            [str(f) for f in rendered.findings],
        )
    manifest = make_manifest(rendered.edition, rendered.files, rendered.warnings)
    written = outbox.write_edition(str(week), rendered.files, manifest, durable=durable)
    _record(ledger, rendered.edition, rendered.files, manifest, now)
    return BuildResult(week, written.status, str(written.path), pick, tuple(rendered.warnings))


def _record(ledger: Ledger, edition: Edition, files: Files, manifest: bytes, now: datetime) -> None:
    item = json.loads(files[ITEM_FILE]) if ITEM_FILE in files else {}
    ledger.record(
        LedgerEntry(
            week=edition.week,
            feature_kind=edition.kind,
            feature_id=edition.feature_id,
            reason=edition.reason,
            send_at=edition.send_at.isoformat(),
            content_hash=hashlib.sha256(manifest).hexdigest(),
            built_at=now.isoformat(),
            item=item,
        )
    )


def reconcile(outbox: Outbox, ledger: Ledger, now: datetime) -> list[str]:
    """Make the ledger agree with the edition folders (the folders are the truth).

    A crash between renaming a folder into place and recording it leaves the ledger
    behind; a folder removed by hand leaves a stale row. Both are put right here.
    """
    notes = []
    hashes = ledger.hashes()
    present = set()
    for edition_id in outbox.edition_ids():
        folder = outbox.edition_dir(edition_id)
        manifest_bytes = (folder / MANIFEST).read_bytes()
        try:
            week = IsoWeek.parse(edition_id)
            manifest = json.loads(manifest_bytes)
        except ValueError:
            continue
        present.add(edition_id)
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        if hashes.get(edition_id) == digest:
            continue
        item_path = folder / ITEM_FILE
        item = json.loads(item_path.read_bytes()) if item_path.is_file() else {}
        ledger.record(
            LedgerEntry(
                week=week,
                feature_kind=manifest["feature"]["kind"],
                feature_id=manifest["feature"]["id"],
                reason=manifest["reason"],
                send_at=manifest["send_at"],
                content_hash=digest,
                built_at=now.isoformat(),
                item=item,
            )
        )
        notes.append(f"ledger updated from {edition_id}/manifest.json")
    for edition_id in sorted(set(hashes) - present):
        ledger.delete(IsoWeek.parse(edition_id))
        notes.append(f"ledger row {edition_id} removed: its folder is gone")
    for note in notes:
        log.info("%s", note)
    return notes
