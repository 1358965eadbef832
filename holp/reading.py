"""One reading of a record, wherever its bytes come from: a file of the work tree, a blob of any commit.

Every path that reads customers and projects — `validate`, `list`, `show`,
reports (work tree or `--as-of`), history, `review` and the cache fill —
comes through here: the same limits (`holp.yaml.read`), the same record
(`holp.model`), and the same verdict on a file that cannot be read (a
`Problem` with its line, never a guess). The cache keeps, per blob, either
the record's row or the problem, so a warm run gives the same answer as a
cold one and a fixed file is simply a new blob.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from holp import git, yaml
from holp.cache import Cache
from holp.fileset import CUSTOMERS
from holp.model import Customer, Project
from holp.model.records import record_from
from holp.model.views import customer_row, project_row
from holp.problems import ERROR, Problem

Record = Customer | Project


def read_file(path: Path, shown: str) -> yaml.Document:
    """The file's document; its size is checked before a byte is read, and only regular files are read."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device would never end, a link is not followed
            return _failed(shown, "not-a-file", "not a regular file: holp reads only files")
        if info.st_size > yaml.MAX_BYTES:  # asked before reading: a file of gigabytes is never read
            return yaml.too_large(shown, info.st_size)
        with path.open("rb") as file:
            raw = file.read(yaml.MAX_BYTES + 1)  # no more, even if it grew since
            if len(raw) > yaml.MAX_BYTES:
                return yaml.too_large(shown, max(os.fstat(file.fileno()).st_size, len(raw)))
    except OSError as e:
        return _failed(shown, "unreadable", f"cannot read: {e.strerror or e}")
    return yaml.read(shown, raw)


def _failed(shown: str, code: str, message: str) -> yaml.Document:
    return yaml.Document(shown, "", None, [Problem(shown, 1, 1, ERROR, code, message)])


def record_of(folder: str, doc: yaml.Document, path: str) -> Record | Problem:
    """The customer or project a document holds, or the problem that keeps it from being one."""
    if not doc.ok:
        return next(p for p in doc.problems if p.severity == ERROR)
    record = record_from(folder, doc, path)
    if record is None:
        return Problem(doc.path, 1, 1, ERROR, "no-id", "the file holds no id, so it is no record: give it `id: ...`")
    return record


def row_of(folder: str, doc: yaml.Document, path: str) -> dict[str, Any] | Problem:
    """The record's row, and where it holds values written but unreadable as their type (``invalid``)."""
    found = record_of(folder, doc, path)
    if isinstance(found, Problem):
        return found
    row = customer_row(found) if isinstance(found, Customer) else project_row(found)
    bad = found.invalid
    if bad:  # rare: located here, once per blob, so reports can name file and line without reading it again
        row["invalid"] = [[".".join(map(str, keys)), *doc.locate(keys)] for keys in bad]
    return row


def blob_rows(root: Path, cache: Cache, folder: str, blobs: Iterable[str],
              view: Callable[[dict[str, Any]], Any] = lambda row: row) -> dict[str, Any]:
    """blob → its record's row (or ``view`` of it), or the problem reading it found: from the cache, the rest
    read once and cached.

    A problem's path is the blob id here; callers name the file (`at`). ``view`` keeps of each row only what
    the caller needs (history: a summary), so that a walk of every blob never holds every row.
    """
    wanted = list(dict.fromkeys(b for b in blobs if b != git.ZERO))
    table = "customer" if folder == CUSTOMERS else "project"
    found: dict[str, Any] = {}
    for blob, value in cache.get(table, wanted).items():
        found[blob] = Problem(blob, *value["problem"]) if "problem" in value else view(value["row"])
    missing = [b for b in wanted if b not in found]
    for part in _read_rows(root, folder, missing):
        cache.put(table, part)
        for blob, value in part.items():
            found[blob] = Problem(blob, *value["problem"]) if "problem" in value else view(value["row"])
    return found


PARALLEL_FROM = 2000  # blobs: below this, starting processes costs more than it saves


def _read_rows(root: Path, folder: str, blobs: list[str]) -> Iterator[dict[str, dict[str, Any]]]:
    """The cache values of these blobs, read and parsed, part by part; many blobs (a cold history) on every core.

    Each worker reads its part with its own `git cat-file` and sends back only the rows, so the cores share
    the parsing that dominates a cold walk; the result is the same as one process reading them all.
    """
    workers = os.cpu_count() or 1
    if workers < 2 or len(blobs) < PARALLEL_FROM:
        yield _rows(root, folder, blobs)
        return
    import concurrent.futures
    import multiprocessing

    parts = [blobs[i:i + PARALLEL_FROM] for i in range(0, len(blobs), PARALLEL_FROM)]
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_rows, [root] * len(parts), [folder] * len(parts), parts)


def _rows(root: Path, folder: str, blobs: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for blob, raw in git.CatFile(root).read(blobs, limit=yaml.MAX_BYTES).items():
        result = row_of(folder, yaml.read(blob, raw), "")
        found[blob] = ({"problem": [result.line, result.column, result.severity, result.code, result.message]}
                       if isinstance(result, Problem) else {"row": result})
    return found


def at(problem: Problem, path: str) -> Problem:
    """A blob's problem, named by the file it is in."""
    return Problem(path, problem.line, problem.column, problem.severity, problem.code, problem.message)

