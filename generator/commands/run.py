"""``mindreel run``: the service (or, with ``--once``, one catch-up for cron or a timer)."""

from __future__ import annotations

import sys
from pathlib import Path

from generator import clock
from generator.config import load_config
from generator.errors import CannotWrite, MindreelError
from generator.scheduler import Service
from generator.service_log import EventLog, LogFormat, route_logging


def run_service(config_path: Path, outbox: Path | None, once: bool, log_format: LogFormat) -> int:
    """Run the service; return the exit code (0 when stopped by SIGTERM or SIGINT).

    Every outcome, including a refusal to start, is reported as an event line, so a
    JSON log stays JSON from the first line to the last.
    """
    clock.now()  # a malformed MINDREEL_NOW is bad input before anything starts
    events = EventLog(sys.stderr, log_format, clock.now)
    route_logging(events)
    try:
        config = load_config(config_path, outbox)
        return Service(config_path, config.outbox, events).run(once=once)
    except (MindreelError, OSError) as exc:
        failure = exc if isinstance(exc, MindreelError) else CannotWrite.from_os_error(exc)
        events.emit("failed", failure.report(), exit_code=failure.exit_code,
                    details=failure.report().splitlines())
        return failure.exit_code
