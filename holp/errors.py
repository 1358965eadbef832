"""The one exception type a command raises to stop: caught once in `holp.cli`."""

from __future__ import annotations

import datetime as dt

from holp.problems import Problem

USAGE = 2  # usage or environment: no repository, bad option, git missing
FAILED = 1  # the check found problems


def date_option(text: str, option: str) -> dt.date:
    """A date given on the command line, YYYY-MM-DD, or a usage error naming the option."""
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise HolpError(f"{option} {text}: not a real date written YYYY-MM-DD")


class HolpError(Exception):
    """A user error: one clear message (and any problems), no traceback."""

    def __init__(self, message: str, exit_code: int = USAGE, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.problems = problems or []
