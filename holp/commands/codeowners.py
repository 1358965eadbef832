from __future__ import annotations

from pathlib import Path

from holp import git
from holp import repo as repository
from holp.codeowners import location, merged, render
from holp.commands import echo
from holp.errors import HolpError
from holp.files import write_atomic


def run(root: Path, check: bool) -> int:
    repo = repository.load(root, records=False)
    top = git.toplevel(root)
    if top is None:
        raise HolpError(f"{root} is not in a git repository: CODEOWNERS lives at the root of one")
    path, prefix = location(root, top)
    block, warnings = render(repo.team, prefix)
    for warning in warnings:
        echo(f"holp: warning: {warning}", err=True)
    shown = repository.display_path(path)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    text = merged(current, block)
    if check:
        if current == text:
            echo(f"{shown} is up to date")
            return 0
        echo(f"{shown} is {'missing' if current is None else 'out of date'}: run `holp codeowners`")
        return 1
    if current == text:
        echo(f"{shown} is up to date")
        return 0
    write_atomic(path, text.encode("utf-8"))
    echo(f"wrote {shown}")
    return 0
