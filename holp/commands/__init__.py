"""One module per command: a plain typed function that returns an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.files import write_atomic


def refuse_tracked(output: Path) -> None:
    """An output file must not replace one git keeps (a project file, holp.yaml ...)."""
    from holp import git
    from holp.errors import HolpError

    target = output.resolve()
    folder = target.parent if target.parent.is_dir() else None
    if folder is None or git.toplevel(folder) is None or not target.exists():
        return
    if git.run(["ls-files", "--error-unmatch", "--", str(target)], folder, check=False).strip():
        raise HolpError(f"{output} is a file git keeps: write the output somewhere else")


def emit(text: str, output: Path | None) -> int:
    """Print ``text``, or write it atomically to ``output`` and say where on stderr."""
    if output is None:
        sys.stdout.write(text)
        return 0
    refuse_tracked(output)
    write_atomic(output, text.encode("utf-8"))
    click.echo(f"wrote {output}", err=True)
    return 0
