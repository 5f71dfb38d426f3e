"""Error types that carry their own exit code, so the CLI stays a thin mapper.

Exit codes: 0 done, 1 safety check failed, 2 bad input (or damaged state that cannot be
repaired), 3 lock held, 4 cannot write (permissions, disk full, a path that is not a folder).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_SAFETY = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3
EXIT_CANNOT_WRITE = 4


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return _printable(f"{where}:{field} {self.message}")


def _printable(text: str) -> str:
    """Escape what is not printable (line breaks, controls, bidi overrides) in input text
    echoed back, so one problem stays one honest line on the terminal."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


class MindreelError(Exception):
    """Base for every expected failure; ``exit_code`` tells the CLI what to return."""

    exit_code = EXIT_SAFETY

    def report(self) -> str:
        """The text the user sees (no traceback)."""
        return str(self)


class BadInput(MindreelError):
    """schedule.yaml or data/ is wrong; carries every problem found, not just the first."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems), key=_order)  # a tuple key sorts in C: fast
        super().__init__(f"{len(self.problems)} problem(s) in the input")

    def report(self) -> str:
        """Every problem, one a line; past ``MAX_LISTED`` in one file only a count (a
        file with thousands of problems is a wrong file, not thousands of typos)."""
        lines, listed = [], dict.fromkeys((p.file for p in self.problems), 0)
        for problem in self.problems:
            listed[problem.file] += 1
            if listed[problem.file] <= MAX_LISTED:
                lines.append(str(problem))
            elif listed[problem.file] == MAX_LISTED + 1:
                more = sum(1 for p in self.problems if p.file == problem.file) - MAX_LISTED
                lines.append(_printable(f"{problem.file}: {more} more problem(s) not listed"))
        lines.append(f"bad input: {len(self.problems)} problem(s); nothing was written")
        return "\n".join(lines)


MAX_LISTED = 100
"""Problems listed for one file before the rest are only counted."""


def _order(problem: Problem) -> tuple[str, int, str, str]:
    return (problem.file, problem.line, problem.field, problem.message)


class BadClock(MindreelError):
    """``MINDREEL_NOW`` is malformed or out of range: bad input, reported in one line."""

    exit_code = EXIT_BAD_INPUT

    def report(self) -> str:
        return _printable(f"error: {self}")


class LockHeld(MindreelError):
    """Another mindreel process is writing this outbox."""

    exit_code = EXIT_LOCKED


class SafetyFailed(MindreelError):
    """The safe-messaging guard found errors; nothing was written."""

    exit_code = EXIT_SAFETY

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        self.details = details or []
        super().__init__(message)

    def report(self) -> str:
        return "\n".join([*self.details, str(self)])


class ChannelError(MindreelError):
    """Catalogue text cannot make a valid artifact (for example a post that cannot fit).

    It is the input that has to change, so this is bad input (exit 2).
    """

    exit_code = EXIT_BAD_INPUT

    def report(self) -> str:
        return f"{self}\nbad input: change the catalogue text it names; nothing was written"


class DamagedState(MindreelError):
    """The outbox's own state (ledger, a manifest) is damaged beyond automatic repair.

    The message names the file and what to do; like bad input, a retry cannot help until
    a person acts, so it is exit 2.
    """

    exit_code = EXIT_BAD_INPUT

    def report(self) -> str:
        return _printable(f"{self}")


_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EEXIST: "exists and is not a folder",
    errno.ENOENT: "does not exist",
    errno.ELOOP: "too many symbolic links",
    errno.ENAMETOOLONG: "name too long",
    errno.EIO: "input/output error",
}


class CannotWrite(MindreelError):
    """The outbox or its ledger cannot be written: permissions, a full disk, a path that is
    not a folder. What was already in place stays whole; the fix is in the environment."""

    exit_code = EXIT_CANNOT_WRITE

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"cannot write: {self.path}: {reason}")

    def report(self) -> str:
        return _printable(str(self))

    @classmethod
    def from_os_error(cls, exc: OSError, path: Path | str | None = None) -> CannotWrite:
        """``exc`` as one line, naming the path the user can act on (``path`` if given,
        else the one the system call failed on)."""
        where = path if path is not None else (exc.filename or "?")
        reason = _REASONS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
        return cls(where, reason)
