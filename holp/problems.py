"""Problems are values: every check yields them, commands print them.

A check never stops at the first problem; it returns every `Problem` it finds
and the command decides the exit code from their severities.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    def as_text(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    def strict(self) -> Problem:
        """The same problem as an error (``--strict``)."""
        if self.severity == ERROR:
            return self
        return Problem(self.path, self.line, self.column, ERROR, self.code, self.message)


def summary(problems: list[Problem], files: int) -> str:
    errors = sum(1 for p in problems if p.severity == ERROR)
    warnings = len(problems) - errors
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not problems:
        return f"{checked}, no problems."
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{checked}: {', '.join(parts)}."
