"""Render a backfill's weeks ahead in worker processes, one per CPU.

Rendering and checking an edition is pure work on the project and the pick, and is
nearly all of a backfill's time; the picks themselves are cheap but each depends on the
ones before it (cooldowns read the history). So the building process plans every pick
in order, hands the renders to a pool of forked workers, and takes the results back in
week order to write them and commit the ledger itself: the lock, the folders and the
ledger never leave that one process, and the outbox is written week by week exactly as
without workers.

A worker that fails (a template error, a channel that cannot fit a post) reports only
that it failed; the building process then renders that week itself, so the error, its
message and its exit code are the ones a run without workers gives.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from generator.picker import Pick
from generator.project import Project

if TYPE_CHECKING:
    from concurrent.futures import Future

    from generator.build import Rendered

MIN_WEEKS = 8
"""Fewer editions than this are rendered in the building process: starting workers
costs more than it saves."""

_STATE: dict[str, Any] = {}
"""The project and the render function, set before the workers fork (never pickled)."""


def workers_for(editions: int) -> int:
    """How many worker processes to use for ``editions`` renders (0: none)."""
    if editions < MIN_WEEKS:
        return 0
    import multiprocessing  # here: a one-week build never loads it

    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cpus or 1, 8) if (cpus or 1) > 1 else 0


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive a killed build: it holds the outbox lock's open file
    and the build's output pipes, so an orphan would keep the lock taken and a caller
    waiting. Linux ends it with its parent (``PR_SET_PDEATHSIG``). Ctrl-C is left to
    the parent."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    # Ctrl-C reaches the whole process group: the building process stops the run and
    # reports it in one line; a worker printing its own traceback would break that.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_worker(pick: Pick, now: datetime) -> Rendered | None:
    try:
        rendered: Rendered = _STATE["render"](_STATE["project"], pick, now)
        return rendered
    except BaseException:  # the building process renders it again and raises it there
        return None


class Ahead:
    """Renders picks in worker processes as they are planned; ``take`` returns them."""

    def __init__(self, project: Project, now: datetime, workers: int,
                 render: Callable[[Project, Pick, datetime], Rendered]) -> None:
        self.project, self.now, self.render = project, now, render
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _STATE.update(project=project, render=render)
        context = multiprocessing.get_context("fork")
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                        initializer=_die_with_parent,
                                        initargs=(os.getpid(),))
        self.pending: dict[Pick, Future[Rendered | None]] = {}

    def submit(self, pick: Pick) -> None:
        self.pending[pick] = self.pool.submit(_render_in_worker, pick, self.now)

    def take(self, pick: Pick) -> Rendered:
        """The rendered ``pick``: from its worker, or rendered here if the worker failed."""
        future = self.pending.pop(pick, None)
        try:
            rendered = future.result() if future is not None else None
        except Exception:  # a worker that died: render here, as without workers
            rendered = None
        return rendered if rendered is not None else self.render(self.project, pick, self.now)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        _STATE.clear()

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
