"""A new record's id and file, as `holp new` and `holp import` make them: the next free id, and the file
rendered from templates/new/ in its region's folder."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from holp import repo as repository
from holp.inert import path_part
from holp.render import render, render_many

IMPORT_BATCH = 1000  # new files one child renders: small files, so many to a child (100,000 rows in seconds)

_CUSTOMER_ID = re.compile(r"C-(\d+)\Z")


def next_customer_id(ids: set[str]) -> str:
    numbers = [int(m.group(1)) for m in map(_CUSTOMER_ID.match, ids) if m]
    return f"C-{max(numbers, default=0) + 1:04d}"


def next_project_id(ids: set[str], year: int) -> str:
    pattern = re.compile(rf"P-{year}-(\d+)\Z")
    numbers = [int(m.group(1)) for m in map(pattern.match, ids) if m]
    return f"P-{year}-{max(numbers, default=0) + 1:03d}"


def fresh_ids(first: str, taken: set[str]) -> Iterator[str]:
    """``first`` (what `next_customer_id` or `next_project_id` gave) and the ids after it, as many as wanted, none
    of ``taken``: many new records without a scan of every id for each (an import of 100,000 rows)."""
    head, _, number = first.rpartition("-")
    width, n = len(number), int(number)
    while True:
        made = f"{head}-{n:0{width}d}"
        if made not in taken:
            yield made
        n += 1


def record_path(repo: repository.Repository, folder: str, region: str, record_id: str) -> Path:
    # both name the file: a region written in team.yaml or a customer's file must not make it a path elsewhere
    return repo.root / folder / path_part(region, "region") / f"{path_part(record_id, 'id')}.yaml"


def _with_schema(repo: repository.Repository, kind: str, path: Path, variables: dict[str, Any]) -> dict[str, Any]:
    schema_file = repo.root / ".holp" / "schema" / f"{kind}.schema.json"
    # what a template may name but a caller need not give (an import writes class and source after the template)
    optional = {"class_": None, "source": None}
    return {**optional, **variables, "schema": Path(os.path.relpath(schema_file, path.parent)).as_posix()}


def new_file(repo: repository.Repository, kind: str, path: Path, variables: dict[str, Any]) -> str:
    """The text of a new ``kind`` (customer or project) file at ``path``, from templates/new/."""
    return render(repo.root, f"new/{kind}.yaml.j2", _with_schema(repo, kind, path, variables))


def new_files(repo: repository.Repository, kind: str, files: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    """`new_file` for many files at once (an import): the template rendered in batches."""
    name = f"new/{kind}.yaml.j2"
    return render_many(repo.root, [(name, _with_schema(repo, kind, p, v)) for p, v in files], batch=IMPORT_BATCH)
