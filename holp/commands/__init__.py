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
from holp.inert import one_line, terminal
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


def warn_left_out(problems: Iterable[Problem], consequence: str = "left out of every total") -> int:
    """Say on stderr each file that could not be read as a record (conflict markers, bad YAML, bytes that are no
    text, a link, a duplicate id) and what that means here; how many there were."""
    said = 0
    for problem in problems:
        echo(f"holp: warning: {problem.as_text()} ({consequence})", err=True)
        said += 1
    return said


def not_read(count: int) -> str:
    """The end of a summary line when files could not be read: the warnings on stderr name them."""
    return f" ({count} file{'s' if count != 1 else ''} could not be read: see the warnings)" if count else ""


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
            echo(f"  with your edits: {one_line(edited)}")  # a file name may hold a line break
    else:
        echo(f"{applied.subject}  ({applied.path} written, not committed)")
    return 0
