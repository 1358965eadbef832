"""One module per command: a plain typed function that returns an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.files import write_atomic


def emit(text: str, output: Path | None) -> int:
    """Print ``text``, or write it atomically to ``output`` and say where on stderr."""
    if output is None:
        sys.stdout.write(text)
        return 0
    write_atomic(output, text.encode("utf-8"))
    click.echo(f"wrote {output}", err=True)
    return 0
