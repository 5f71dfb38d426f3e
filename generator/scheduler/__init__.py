"""The long-running service: each edition at its send time, and whatever was missed.

``service`` holds the service, ``timing`` the pure functions of when. APScheduler 3
(``BlockingScheduler``, in-memory job store, so nothing is pickled) wakes the process at
the send time (a ``CronTrigger`` in the schedule's timezone) and every
``service.check_minutes`` for a check. Neither wake-up decides *what* to build: both
compare the wall clock with the ledger (``due_weeks``). A send time missed while the
machine slept, the clock jumped or the service was down is therefore found by the next
check, and nothing is built twice: the ledger says what exists.

At each send time (and at the first wake-up after it) the public files are refreshed,
so the edition appears in the feeds and archive when its email goes out, and with
``email.delivery: smtp`` the email is sent (``generator.send.service``).

One writer: the service holds ``.mindreel/service.lock`` (a second ``run`` exits 3 at
once) and the outbox lock for its whole life (``mindreel build`` waits briefly, then
exits 3). Its own builds run in the scheduler's thread and take the outbox lock again,
reentrantly.

Stopping: SIGTERM and SIGINT only set a flag. A build in progress finishes the week it
is writing and stops before the next one, so a stop leaves no staging debris.
"""

from generator.scheduler.service import CHECK_JOB, SEND_JOB, Service, TickResult
from generator.scheduler.timing import (
    due_weeks,
    latest_send_week,
    next_send,
    send_time,
    send_trigger,
)

__all__ = ["CHECK_JOB", "SEND_JOB", "Service", "TickResult", "due_weeks", "latest_send_week",
           "next_send", "send_time", "send_trigger"]
