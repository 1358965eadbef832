"""The one exception type a command raises to stop: caught once in `holp.cli`."""

from __future__ import annotations

from holp.problems import Problem

USAGE = 2  # usage or environment: no repository, bad option, git missing
FAILED = 1  # the check found problems


class HolpError(Exception):
    """A user error: one clear message (and any problems), no traceback."""

    def __init__(self, message: str, exit_code: int = USAGE, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.problems = problems or []
