from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from holp.errors import HolpError
from holp.files import write_atomic
from holp.model import Process
from holp.model import schema as schemas
from holp.repo import default_process, load_config

if TYPE_CHECKING:
    from holp.cli import Options

SCHEMA_DIR = Path(".holp") / "schema"


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def files(process: Process) -> dict[Path, str]:
    """The schema files `holp init` and `holp schema --write` put under .holp/schema/."""
    return {SCHEMA_DIR / f"{kind}.schema.json": dumps(schemas.schema(kind, process)) for kind in schemas.KINDS}


def _process(options: Options) -> tuple[Path | None, Process]:
    try:
        root = options.root()
    except HolpError:
        if options.directory is not None:
            raise
        return None, default_process()
    return root, load_config(root)[1]


def run(options: Options, kind: str | None, write: bool) -> int:
    root, process = _process(options)
    if write:
        if root is None:
            raise HolpError("--write needs a sales repository (a folder with holp.yaml)")
        for path, text in files(process).items():
            write_atomic(root / path, text.encode())
            click.echo(path.as_posix())
        return 0
    if kind is None:
        raise HolpError("name a schema: project, customer, team or config (or pass --write)")
    click.echo(dumps(schemas.schema(kind, process)), nl=False)
    return 0
