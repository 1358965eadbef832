"""One module per command: a plain typed function that returns an exit code.

This package module holds the little the commands share that prints (so it
needs click, which the library never imports). Commands import it and
nothing of each other; what they share that does not print lives in the
library (holp.output, holp.files, holp.schema_files).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from holp.files import refuse_tracked, write_atomic
from holp.inert import terminal
from holp.problems import Problem

if TYPE_CHECKING:
    from holp.change import Applied


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Every line a command prints goes through here: no value in it can drive the terminal (holp.inert)."""
    click.echo(terminal(text), err=err, nl=nl)


def emit(text: str, output: Path | None) -> int:
    """Print ``text``, or write it atomically to ``output`` (as it is: a file is no terminal) and say where."""
    if output is None:
        sys.stdout.write(terminal(text))
        return 0
    refuse_tracked(output)
    write_atomic(output, text.encode("utf-8"))
    echo(f"wrote {output}", err=True)
    return 0


def warn_left_out(problems: Iterable[Problem]) -> bool:
    """Say on stderr each file that is no record and so is in no figure; True when there was one."""
    said = False
    for problem in problems:
        echo(f"holp: warning: {problem.as_text()} (left out of every total)", err=True)
        said = True
    return said


def print_applied(applied: Applied) -> int:
    """What a change command prints: the diff of a dry run, or the change and its commit."""
    if applied.diff is not None:
        echo(applied.diff, nl=False)
        echo(f"dry run: {applied.subject}; nothing written")
        return 0
    where = f" on branch {applied.branch}" if applied.branch else ""
    if applied.sha:
        echo(f"{applied.subject}  [{applied.sha[:8]}{where}]")
        for edited in applied.hand:
            echo(f"  with your edits: {edited}")
    else:
        echo(f"{applied.subject}  ({applied.path} written, not committed)")
    return 0
