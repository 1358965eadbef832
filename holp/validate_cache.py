"""What `validate` remembers between runs, so a repository checked before is not checked again.

Two things, both keyed by the bytes they depend on, so neither can be stale:

- the whole answer: the problems of the last run, under a digest of everything a run reads — holp's version,
  today, where messages name files from, the files asked for, holp.yaml and team.yaml, and every file of the
  file set with its bytes (or the problem that keeps it from being read). Reading the bytes costs a tenth of
  parsing them; an unchanged repository is answered from that.
- per document, its shape and JSON Schema problems (the costliest checks, which depend only on the document's
  bytes and on the schema holp.yaml gives): a run after an edit checks only the edited files against their schema.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from holp import fileset
from holp.cache import Cache
from holp.clock import today
from holp.problems import Problem
from holp.yaml import MAX_BYTES

KEY = "validate"


def digest(root: Path, paths: Iterable[Path], shown_from: str) -> str | None:
    """A digest of everything `validate` reads, or None when a file cannot be read as bytes alone (then the
    run reads everything anyway)."""
    h = hashlib.sha256()
    h.update(f"{today().isoformat()}\0{shown_from}\0{os.getcwd()}\0".encode())
    h.update("\0".join(sorted(str(p) for p in paths)).encode() + b"\1")
    leftovers: set[str] = set()
    entries = fileset.walk(root, None, leftovers)
    if leftovers:
        return None  # a write was killed half-way: loading settles it first
    for name in ("holp.yaml", "team.yaml"):
        h.update(name.encode() + b"\0" + (_bytes(root / name) or b"\2missing"))
    for entry in entries:
        h.update(f"\1{entry.path}\0".encode())
        if entry.problem is not None:
            h.update(repr(entry.problem).encode())
            continue
        raw = _bytes(root / entry.path)
        if raw is None:
            return None
        h.update(raw)
    return h.hexdigest()


def _bytes(path: Path) -> bytes | None:
    """The bytes of a regular file of no more than the size holp reads (one lstat, no link followed)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as file:
            return file.read(MAX_BYTES + 1)
    except OSError:
        return None


def remembered(cache: Cache, key: str) -> tuple[int, list[Problem]] | None:
    """The files counted and the problems found by the last run with this digest."""
    saved = cache.meta(KEY)
    if not saved or saved.get("digest") != key:
        return None
    return saved["files"], [Problem(*p) for p in saved["problems"]]


def remember(cache: Cache, key: str, files: int, problems: list[Problem]) -> None:
    cache.set_meta(KEY, {"digest": key, "files": files, "problems": [list(p.__dict__.values()) for p in problems]})


def document_key(schema_digest: str, text: str) -> str:
    return hashlib.sha256(f"{schema_digest}\0{text}".encode()).hexdigest()


def schema_digest(kind: str, schema: Any) -> str:
    import json

    return hashlib.sha256(f"{kind}\0{json.dumps(schema, sort_keys=True, default=str)}".encode()).hexdigest()
