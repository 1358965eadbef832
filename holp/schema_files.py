"""The JSON Schema files a sales repository keeps under .holp/schema/ for editors (from holp.model.schema)."""

from __future__ import annotations

import json
from pathlib import Path

from holp.model import Process
from holp.model import schema as schemas

SCHEMA_DIR = Path(".holp") / "schema"


def dumps(document: dict[str, object]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def files(process: Process) -> dict[Path, str]:
    """The schema files `holp init` and `holp schema --write` put under .holp/schema/."""
    return {SCHEMA_DIR / f"{kind}.schema.json": dumps(schemas.schema(kind, process)) for kind in schemas.KINDS}
