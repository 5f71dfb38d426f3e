"""The one flow: pick -> edition -> channels -> safety -> atomic write -> ledger -> publish.

``build_weeks`` is what ``mindreel build`` and the scheduler call. It holds the outbox
lock for the whole run, recovers from any earlier crash first, and commits each week
on its own, so an interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain
from typing import Literal

from generator.ahead import Ahead, workers_for
from generator.channels import Files, RenderContext, enabled_renderers
from generator.config import Settings
from generator.edition import Edition, make_edition
from generator.errors import MindreelError, SafetyFailed
from generator.ledger import Ledger, LedgerEntry
from generator.locales import ledger_item
from generator.manifest import MANIFEST, make_manifest
from generator.outbox import Outbox
from generator.picker import Pick, Picker
from generator.project import Project
from generator.publish import publish
from generator.reconcile import apply_survey, reconcile
from generator.safety import Finding, check_edition
from generator.weeks import IsoWeek

log = logging.getLogger(__name__)

__all__ = ["BuildResult", "build_weeks", "context_for", "picker_for", "reconcile", "render_pick"]

Status = Literal["new", "unchanged", "replaced", "repaired", "skipped", "exists"]


@dataclass(frozen=True)
class BuildResult:
    """What happened to one week."""

    week: IsoWeek
    status: Status
    path: str
    pick: Pick
    warnings: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Files in the edition folder that mindreel did not write, kept across the rebuild."""


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
    """Render every enabled channel for ``pick`` in every locale and run the safety guard
    over each locale's files. The first locale's files sit at the top of the edition
    folder; another locale's sit under its code (``ko/``), see ``Settings.locale_prefix``."""
    settings = project.config.settings
    views = [settings.for_locale(code) for code in settings.locales]
    first = _render_locale(project, pick, now, views[0])
    for view in views[1:]:
        other = _render_locale(project, pick, now, view)
        first.files.update({view.locale_prefix + rel: data for rel, data in other.files.items()})
        first.findings += [replace(f, edition=f"{f.edition}/{view.locale}") if f.edition else f
                           for f in other.findings]
    return first


def _render_locale(project: Project, pick: Pick, now: datetime, settings: Settings) -> Rendered:
    ctx = RenderContext(settings, project.config.templates_dir, now)
    edition = make_edition(pick, project.catalogue, settings)
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
    An edition whose manifest is damaged is rebuilt first, from its ledger row. A failure
    stops the run before that week is written; weeks committed before it stay, whole, and
    the public files are rewritten only if some week was written, so a run that fails
    before writing a week leaves every byte of the outbox as it was.
    """
    config = project.config
    outbox = Outbox(config.outbox)
    timeout = config.settings.lock_timeout_seconds if lock_timeout is None else lock_timeout
    requested = frozenset(weeks) if isinstance(weeks, Collection) else frozenset()
    results: list[BuildResult] = []
    with outbox.lock(timeout, purpose="build"):
        for note in outbox.recover():
            log.info("%s", note)
        with Ledger(outbox.ledger_path, now=now) as ledger:
            found = apply_survey(outbox, ledger, now, requested)
            repairs = sorted(d.week for d in found.damaged if d.recorded)
            order = chain(repairs, (w for w in weeks if w not in repairs))
            try:
                if isinstance(weeks, Collection) and workers_for(len(weeks)):
                    build_ahead(project, outbox, ledger, list(order), now, rebuild, durable,
                                frozenset(repairs), results, on_result)
                for week in order:
                    result = _build_one(project, outbox, ledger, week, now,
                                        rebuild or week in repairs, durable,
                                        repair=week in repairs)
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
            except BaseException as exc:
                if any(r.status in _WROTE for r in results):
                    _publish_after_failure(outbox, ledger, project, now, durable, exc)
                else:
                    ledger.discard_if_unused()
                raise
            publish(outbox, ledger, context_for(project), now, durable=durable)
    return results


_WROTE = ("new", "replaced", "repaired")


def _publish_after_failure(outbox: Outbox, ledger: Ledger, project: Project, now: datetime,
                           durable: bool, failure: BaseException) -> None:
    """Weeks written before a failure still get their feeds and pages. A publishing error
    here is logged in one line, never allowed to hide the error that stopped the run."""
    try:
        publish(outbox, ledger, context_for(project), now, durable=durable)
    except Exception as exc:  # reported in one line; the first failure is raised
        what = exc.report() if isinstance(exc, MindreelError) else f"{type(exc).__name__}: {exc}"
        log.warning("publishing the weeks written before the failure failed too: %s", what)


def _build_one(
    project: Project,
    outbox: Outbox,
    ledger: Ledger,
    week: IsoWeek,
    now: datetime,
    rebuild: bool,
    durable: bool,
    repair: bool = False,
) -> BuildResult:
    existing = ledger.get(week)
    picker = picker_for(project, ledger)
    pick = picker.pick(week)
    if pick.kind == "skip":
        return BuildResult(week, "skipped", "", pick)
    if existing is not None and not rebuild:
        return BuildResult(week, "exists", str(outbox.edition_dir(str(week))), pick)
    return _write_one(outbox, ledger, week, pick, render_pick(project, pick, now), now,
                      durable, repair, project.config.settings.locales)


def _write_one(outbox: Outbox, ledger: Ledger, week: IsoWeek, pick: Pick, rendered: Rendered,
               now: datetime, durable: bool, repair: bool,
               locales: Iterable[str] = ("en",)) -> BuildResult:
    """Write a rendered, checked edition and commit it to the ledger (or refuse it)."""
    if rendered.errors:
        raise SafetyFailed(
            f"safety check failed for {week}: {len(rendered.errors)} error(s); nothing was written",
            [str(f) for f in rendered.findings],
        )
    manifest = make_manifest(rendered.edition, rendered.files, rendered.warnings)
    written = outbox.write_edition(str(week), rendered.files, manifest, durable=durable)
    for rel in written.kept:
        log.warning("%s: kept %s: mindreel did not write it", week, written.path / rel)
    _record(ledger, rendered.edition, rendered.files, manifest, now, locales)
    status: Status = "repaired" if repair else written.status
    return BuildResult(week, status, str(written.path), pick, tuple(rendered.warnings),
                       written.kept)


def _record(ledger: Ledger, edition: Edition, files: Files, manifest: bytes, now: datetime,
            locales: Iterable[str] = ("en",)) -> None:
    item = ledger_item(files.get, locales)
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


def build_ahead(project: Project, outbox: Outbox, ledger: Ledger, order: list[IsoWeek],
                now: datetime, rebuild: bool, durable: bool, repairs: frozenset[IsoWeek],
                results: list[BuildResult], on_result: Callable[[BuildResult], None] | None
                ) -> None:
    """``build_weeks``' loop with the renders done ahead by worker processes (``ahead``).

    Each week is picked here, in order, from the ledger's picks plus those planned
    before it, as the loop would after committing them; the results are written and
    committed here in the same order. A pick that fails is raised when its turn comes,
    after the weeks before it are written, as the loop would.
    """
    picks = ledger.picks()
    known = project.catalogue.feature_ids()
    plan: list[tuple[IsoWeek, Pick | BaseException, str]] = []
    for week in order:
        repair = week in repairs
        try:
            pick = Picker(project.catalogue, project.config.settings,
                          {w: feature for w, (_kind, feature, _reason) in picks.items()},
                          {w: p for w, p in picks.items() if p[1] in known}).pick(week)
        except Exception as exc:  # raised in its turn, after the weeks before it
            plan.append((week, exc, "failed"))
            break
        if pick.kind == "skip":
            plan.append((week, pick, "skipped"))
        elif week in picks and not (rebuild or repair):
            plan.append((week, pick, "exists"))
        else:
            plan.append((week, pick, "repair" if repair else "render"))
            picks[week] = (pick.kind, pick.feature_id, pick.reason)
    renders = [p for _w, p, action in plan
               if isinstance(p, Pick) and action in ("render", "repair")]
    workers = max(workers_for(len(renders)), 1)
    window = 4 * workers  # rendered editions waiting in memory stay few
    with Ahead(project, now, workers, render_pick) as ahead:
        for queued in renders[:window]:
            ahead.submit(queued)
        submitted = min(window, len(renders))
        for week, planned, action in plan:
            if isinstance(planned, BaseException):
                raise planned
            if action == "skipped":
                result = BuildResult(week, "skipped", "", planned)
            elif action == "exists":
                result = BuildResult(week, "exists", str(outbox.edition_dir(str(week))), planned)
            else:
                rendered = ahead.take(planned)
                if submitted < len(renders):
                    ahead.submit(renders[submitted])
                    submitted += 1
                edition = rendered.edition
                if ((edition.kind, edition.feature_id, edition.reason)
                        != (planned.kind, planned.feature_id, planned.reason)):
                    raise RuntimeError(f"{week}: the edition does not match its planned pick")
                result = _write_one(outbox, ledger, week, planned, rendered, now, durable,
                                    action == "repair", project.config.settings.locales)
            results.append(result)
            if on_result is not None:
                on_result(result)
