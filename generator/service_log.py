"""The service's event log: one line per event on stderr, as text or as JSON.

A long-running process is read by people tailing a journal and by log collectors, so
every event (started, next run, built, skipped, caught up, failed, stopped...) is one
line: ``<ts> <event> [<week>]: <message>``, or with ``--log-format json`` one JSON
object with ``ts``, ``event``, ``week`` (when there is one), ``message`` and fields
of the event. Library log records are routed through the same writer so a JSON log
stays JSON.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, TextIO

LogFormat = Literal["text", "json"]


class EventLog:
    """Writes events to a stream, one line each, timestamped by the service's clock."""

    def __init__(self, stream: TextIO, fmt: LogFormat, clock: Callable[[], datetime]) -> None:
        self.stream = stream
        self.fmt = fmt
        self.clock = clock
        self._lock = threading.Lock()

    def emit(self, event: str, message: str, week: object | None = None, **fields: Any) -> None:
        """Write one event; ``fields`` go into the JSON object (text shows the message only)."""
        ts = self.clock().isoformat(timespec="seconds")
        if self.fmt == "json":
            record: dict[str, Any] = {"ts": ts, "event": event}
            if week is not None:
                record["week"] = str(week)
            record["message"] = message
            record.update(fields)
            line = json.dumps(record, ensure_ascii=False, default=str)
        else:
            where = f" {week}" if week is not None else ""
            line = f"{ts} {event}{where}: {_one_line(message)}"
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


def _one_line(text: str) -> str:
    return " | ".join(part.strip() for part in text.splitlines() if part.strip())


class EventLogHandler(logging.Handler):
    """Routes ``logging`` records into the event log (event = the level name)."""

    def __init__(self, events: EventLog) -> None:
        super().__init__()
        self.events = events

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.events.emit(record.levelname.lower(), record.getMessage(), logger=record.name)
        except Exception:  # a log line must never take the service down
            self.handleError(record)


def route_logging(events: EventLog) -> None:
    """Send every log record through ``events``; keep APScheduler's own chatter out.

    The service reports missed and failed runs itself, so APScheduler only speaks on
    errors.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(EventLogHandler(events))
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
