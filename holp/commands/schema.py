from __future__ import annotations

from pathlib import Path

from holp.commands import echo
from holp.errors import HolpError
from holp.files import write_atomic
from holp.model import Process
from holp.model import schema as schemas
from holp.repo import default_process, find_root, load_config
from holp.schema_files import dumps, files


def _process(directory: Path | None) -> tuple[Path | None, Process]:
    """The repository's process; outside a repository the default one, unless -C named a folder."""
    try:
        root = find_root(directory, explicit=True) if directory is not None else find_root(Path.cwd())
    except HolpError:
        if directory is not None:
            raise
        return None, default_process()
    return root, load_config(root)[1]


def run(directory: Path | None, kind: str | None, write: bool) -> int:
    root, process = _process(directory)
    if write:
        if root is None:
            raise HolpError("--write needs a sales repository (a folder with holp.yaml)")
        for path, text in files(process).items():
            write_atomic(root / path, text.encode())
            echo(path.as_posix())
        return 0
    if kind is None:
        raise HolpError("name a schema: project, customer, team or config (or pass --write)")
    echo(dumps(schemas.schema(kind, process)), nl=False)
    return 0
