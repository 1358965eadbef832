from __future__ import annotations

from pathlib import Path

from holp import site
from holp.commands import echo


def run(root: Path, output: Path, lang: str | None, use_cache: bool) -> int:
    built = site.build(root, output, lang=lang, use_cache=use_cache)
    removed = f", removed {built.removed}" if built.removed else ""
    echo(f"wrote {built.written} pages, {built.unchanged} unchanged{removed}: {output}")
    return 0
