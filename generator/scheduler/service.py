"""The service itself: wake-ups, builds, publishing and sending at send time, the two
locks, and stopping. The package docstring says how these fit together."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.debug import DebugExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.base import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from filelock import FileLock, Timeout

from generator import clock as wall_clock
from generator.build import BuildResult, build_weeks, reconcile
from generator.config import Settings, load_config
from generator.errors import BadInput, LockHeld, MindreelError
from generator.ledger import Ledger
from generator.outbox import Outbox
from generator.project import load_project
from generator.scheduler.timing import due_weeks, latest_send_week, next_send, send_trigger
from generator.service_log import EventLog
from generator.weeks import IsoWeek

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current instant, aware. Injected so tests never sleep."""

Reason = Literal["start", "send", "check"]
SEND_JOB = "send"
CHECK_JOB = "check"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class TickResult:
    """What one wake-up did: the weeks built and the failure that stopped it, if any."""

    built: list[BuildResult] = field(default_factory=list)
    failure: BaseException | None = None

    @property
    def exit_code(self) -> int:
        if self.failure is None:
            return 0
        return self.failure.exit_code if isinstance(self.failure, MindreelError) else 1


class Service:
    """``mindreel run``: the scheduler around ``build_weeks``.

    ``tick`` is the whole decision (reload schedule.yaml, compare ledger and clock,
    build); ``run`` adds the locks, the signals and the APScheduler wake-ups.
    """

    def __init__(self, config_path: Path, outbox_root: Path, events: EventLog,
                 clock: Clock = wall_clock.now) -> None:
        self.config_path = config_path
        self.outbox = Outbox(outbox_root)
        self.events = events
        self.clock = clock
        self.stopping = False
        self.stop_reason = ""
        self.retry_note = "; will retry at the next check"
        self._scheduler: BlockingScheduler | None = None
        self._send_spec: tuple[str, str, str] | None = None
        self._published_for: IsoWeek | None = None

    def request_stop(self, reason: str) -> None:
        """Ask the service to stop after the week being written (safe in a signal handler)."""
        if not self.stopping:
            self.stop_reason = reason
            self.stopping = True

    # -- one wake-up --

    def tick(self, reason: Reason) -> TickResult:
        """Build what is due now; log and return a failure instead of raising it.

        schedule.yaml is reread every time (a cheap file) and the whole project only
        when something is due, so edits to the catalogue are picked up by the next build.
        """
        now = self.clock()
        try:
            settings = load_config(self.config_path, self.outbox.root).settings
        except BadInput as exc:
            return self._failed(None, exc)
        self._follow_schedule(settings, now)
        built = self._built_weeks()
        weeks = [] if self.stopping else due_weeks(now, settings, built)
        if reason == "send":
            self._announce_send(now, settings, built, weeks)
        if not weeks:
            if reason == "start":
                latest = max((w for w in built if w <= latest_send_week(now, settings)),
                             default=None)
                self.events.emit("caught up", f"nothing missed; latest edition {latest}"
                                 if latest else "nothing built yet; waiting for the send time",
                                 policy=settings.service.catch_up)
            result = TickResult()
        else:
            result = self._build(weeks, now, settings)
        if not self.stopping and result.failure is None:  # a failed tick is retried whole
            self._at_send_time(now, settings)
        return result

    def _at_send_time(self, now: datetime, settings: Settings) -> None:
        """Once per send time: refresh the public files; with ``email.delivery: smtp``,
        send the edition (retried at each check while it fails, within the grace time)."""
        from generator.send.service import publish_now, send_due

        week = latest_send_week(now, settings)
        try:
            if self._published_for != week:
                changed = publish_now(self.config_path, self.outbox.root, now)
                self._published_for = week
                if changed:
                    self.events.emit("published", f"public as of {now.isoformat()}: "
                                     f"{len(changed)} file(s) changed", week=week)
            sent = send_due(self.config_path, self.outbox.root, now)
        except Exception as exc:  # a failed send must not take the service down
            self._failed(week, exc)
            return
        if sent is not None:
            self.events.emit("sent", f"to {sent.recipient} {sent.message_id} "
                             f"(server: {sent.accepted})", week=sent.week)

    def _build(self, weeks: list[IsoWeek], now: datetime, settings: Settings) -> TickResult:
        result = TickResult()
        try:
            project = load_project(self.config_path, self.outbox.root)
        except BadInput as exc:
            return self._failed(weeks[0], exc)
        current: list[IsoWeek] = []

        def until_stopped() -> Iterator[IsoWeek]:
            for week in itertools.takewhile(lambda _: not self.stopping, weeks):
                current[:] = [week]
                yield week

        def built(one: BuildResult) -> None:
            result.built.append(one)
            pick = one.pick
            self.events.emit("built", f"{one.status}: {pick.kind} {pick.feature_id} "
                             f"({pick.reason}) -> {one.path}", week=one.week, status=one.status,
                             feature=pick.feature_id, kind=pick.kind, path=one.path)
            for warning in one.warnings:
                self.events.emit("warning", warning, week=one.week)

        try:
            build_weeks(project, until_stopped(), now=now, rebuild=False, on_result=built)
        except Exception as exc:  # a failed build must not take the service down
            log.debug("build failed", exc_info=True)
            failed = self._failed(current[0] if current else weeks[0], exc)
            failed.built = result.built
            return failed
        done = [str(r.week) for r in result.built]
        left = len(weeks) - len(done)
        if left:
            self.events.emit("caught up", f"stopping: built {len(done)} of {len(weeks)} due "
                             f"edition(s); {left} left for the next start", built=done,
                             policy=settings.service.catch_up)
        else:
            listed = ", ".join(done) if len(done) <= 4 else f"{done[0]} ... {done[-1]}"
            self.events.emit("caught up", f"built {len(done)} edition(s): {listed}",
                             built=done, policy=settings.service.catch_up)
        return result

    def _failed(self, week: IsoWeek | None, exc: BaseException) -> TickResult:
        if isinstance(exc, MindreelError):
            report, code = exc.report(), exc.exit_code
        else:
            report, code = f"{type(exc).__name__}: {exc}", 1
        lines = report.splitlines() or [type(exc).__name__]
        self.events.emit("failed", report + self.retry_note, week=week, exit_code=code,
                         details=lines)
        return TickResult(failure=exc)

    def _built_weeks(self) -> set[IsoWeek]:
        if not self.outbox.ledger_path.is_file():
            return set()
        with Ledger(self.outbox.ledger_path) as ledger:
            return set(ledger.history())

    def _announce_send(self, now: datetime, settings: Settings, built: Collection[IsoWeek],
                       weeks: list[IsoWeek]) -> None:
        week = latest_send_week(now, settings)
        if str(week) in settings.skips:
            self.events.emit("skipped", "no edition this week (skips in schedule.yaml)", week=week)
        elif week in built and week not in weeks:
            self.events.emit("caught up", "this week's edition was already built", week=week)

    def _announce_next(self, settings: Settings, now: datetime) -> None:
        at = next_send(settings, now)
        week = IsoWeek.of(at.date())
        note = " (skipped in schedule.yaml)" if str(week) in settings.skips else ""
        self.events.emit("next run", f"sends at {at.isoformat()} "
                         f"({at:%a %H:%M %Z}){note}", week=week, at=at.isoformat())

    def _follow_schedule(self, settings: Settings, now: datetime) -> None:
        """Move the send wake-up when schedule.yaml's send time or timezone changed."""
        spec = (settings.send.weekday, settings.send.time, settings.timezone)
        if self._scheduler is None or self._send_spec in (None, spec):
            return
        self._scheduler.reschedule_job(SEND_JOB, trigger=send_trigger(settings))
        self._send_spec = spec
        self.events.emit("rescheduled", f"schedule.yaml now sends on {spec[0]} at {spec[1]} "
                         f"{spec[2]}")
        self._announce_next(settings, now)

    # -- the process --

    def run(self, once: bool = False) -> int:
        """Serve until SIGTERM/SIGINT, or with ``once`` catch up and return; the exit code.

        Raises ``BadInput`` if schedule.yaml is unusable (there is no schedule to keep)
        and ``LockHeld`` if another service or build holds the outbox.
        """
        self.retry_note = "" if once else "; will retry at the next check"
        with _StopSignals(self) as signals:
            settings = load_config(self.config_path, self.outbox.root).settings
            with self._service_lock(), self.outbox.lock(settings.lock_timeout_seconds,
                                                        purpose="mindreel run"):
                self._recover()
                service = settings.service
                self.events.emit(
                    "started", f"serving {self.outbox.root} from {self.config_path} "
                    f"(catch_up {service.catch_up}, checks every {service.check_minutes} min, "
                    f"pid {os.getpid()})", pid=os.getpid(), once=once, policy=service.catch_up)
                first = self.tick("start")
                if once:
                    self.events.emit("stopped", f"stopped by {self.stop_reason}" if self.stopping
                                     else "ran once", exit_code=first.exit_code)
                    return 0 if self.stopping else first.exit_code
                if not self.stopping:
                    self._serve(settings, signals)
                self.events.emit("stopped", f"stopped by {self.stop_reason}")
        return 0

    def make_scheduler(self, settings: Settings) -> BlockingScheduler:
        """The APScheduler wiring: a send wake-up and a periodic check, both ``tick``."""
        scheduler = BlockingScheduler(
            jobstores={"default": MemoryJobStore()},
            # Jobs run in the scheduler's own thread: builds never overlap, and the
            # outbox lock this thread holds is reentrant for them.
            executors={"default": DebugExecutor()},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": settings.service.misfire_grace_hours * 3600},
            timezone=settings.tz,
        )
        scheduler.add_job(self._on_send, send_trigger(settings), id=SEND_JOB,
                          name="weekly edition")
        scheduler.add_job(self._on_check, IntervalTrigger(minutes=settings.service.check_minutes,
                                                          timezone=settings.tz),
                          id=CHECK_JOB, name="ledger check", misfire_grace_time=None)
        scheduler.add_listener(self._on_job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        self._scheduler = scheduler
        self._send_spec = (settings.send.weekday, settings.send.time, settings.timezone)
        return scheduler

    def _serve(self, settings: Settings, signals: _StopSignals) -> None:
        scheduler = self.make_scheduler(settings)
        self._announce_next(settings, self.clock())
        done = threading.Event()
        stopper = threading.Thread(target=self._stop_scheduler, args=(scheduler, signals, done),
                                   name="mindreel-stop", daemon=True)
        stopper.start()
        try:
            scheduler.start()
        finally:
            done.set()
            signals.wake()
            stopper.join(timeout=10)
            self._scheduler = None

    def _stop_scheduler(self, scheduler: BlockingScheduler, signals: _StopSignals,
                        done: threading.Event) -> None:
        """Shut the scheduler down from an ordinary thread once a stop is asked for."""
        while not (self.stopping or done.is_set()):
            signals.wait()
        while not done.is_set():
            if scheduler.running:
                with contextlib.suppress(SchedulerNotRunningError):
                    scheduler.shutdown(wait=False)
                return
            done.wait(0.02)  # the main thread is about to start it (or has given up)

    def _on_send(self) -> None:
        self.tick("send")
        settings = self._settings_or_none()
        if settings is not None:
            self._announce_next(settings, self.clock())

    def _on_check(self) -> None:
        self.tick("check")

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            self.events.emit("missed", f"the {event.job_id} wake-up due {event.scheduled_run_time}"
                             " came later than the grace time; the next check catches up")
        else:
            self.events.emit("failed", f"the {event.job_id} job raised {event.exception!r}"
                             f"{self.retry_note}", exit_code=1)

    def _settings_or_none(self) -> Settings | None:
        try:
            return load_config(self.config_path, self.outbox.root).settings
        except BadInput:
            return None

    def _recover(self) -> None:
        """Undo what a crash left and make the ledger agree with the folders."""
        for note in self.outbox.recover():
            self.events.emit("recovered", note)
        with Ledger(self.outbox.ledger_path) as ledger:
            for note in reconcile(self.outbox, ledger, self.clock()):
                self.events.emit("recovered", note)

    @contextlib.contextmanager
    def _service_lock(self) -> Iterator[None]:
        """One service per outbox: a second one exits 3 at once, without waiting."""
        self.outbox.prepare()
        owner = self.outbox.state / "service.owner"
        lock = FileLock(str(self.outbox.state / "service.lock"), blocking=False)
        try:
            lock.acquire()
        except Timeout:
            raise LockHeld(f"another `mindreel run`{_pid_of(owner)} is already serving "
                           f"{self.outbox.root}; one service per outbox (exit 3)") from None
        try:
            owner.write_text(json.dumps({"pid": os.getpid()}))
            yield
        finally:
            with contextlib.suppress(OSError):
                owner.unlink()
            lock.release()


def _pid_of(owner: Path) -> str:
    try:
        return f" (pid {int(json.loads(owner.read_text())['pid'])})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


class _StopSignals:
    """SIGTERM/SIGINT become a stop request, without doing work inside the handler.

    The Python handler only sets the service's flag (plain assignments, safe at any
    point of the main thread). A pipe registered with ``signal.set_wakeup_fd`` wakes the
    thread that shuts the scheduler down, where taking locks is safe; nothing polls.
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._old_fd = -1
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        self._old_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in STOP_SIGNALS:
            self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._old_fd)
        os.close(self._read)
        os.close(self._write)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.service.request_stop(signal.Signals(signum).name)

    def wait(self) -> None:
        """Block until a signal arrives (or ``wake``); note a stop signal seen here first."""
        data = os.read(self._read, 1)
        if data and data[0] in {int(s) for s in STOP_SIGNALS}:
            self.service.request_stop(signal.Signals(data[0]).name)

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            os.write(self._write, b"\0")
