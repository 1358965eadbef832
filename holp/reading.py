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

import contextlib
import gc
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from holp import git, yaml
from holp.cache import Cache
from holp.fileset import CUSTOMERS, PROJECTS
from holp.model import Customer, Project
from holp.model.records import record_from
from holp.model.views import Summary, customer_row, document_summary, project_row
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
    the caller needs, so that a caller of many blobs never holds every row.
    """
    table = "customer" if folder == CUSTOMERS else "project"
    return _cached(cache, table, Batches(root, folder, _rows), blobs,
                   lambda blob, value: Problem(blob, *value["problem"]) if "problem" in value else view(value["row"]))


def _cached(cache: Cache, table: str, batches: Batches, blobs: Iterable[str], decode: Callable[[str, Any], Any],
            *, queued: bool = False) -> dict[str, Any]:
    """blob → ``decode`` of its value in ``table``: the cache's, the rest made by ``batches`` (given them here,
    or, ``queued``, by the caller, who asked the cache itself) and cached."""
    wanted = list(dict.fromkeys(b for b in blobs if b != git.ZERO))
    found = {blob: decode(blob, value) for blob, value in cache.get(table, wanted).items()}
    if not queued:
        batches.add(b for b in wanted if b not in found)
    for part in batches.results():
        cache.put(table, part)
        found.update((blob, decode(blob, value)) for blob, value in part.items())
    return found


@contextlib.contextmanager
def collecting_paused() -> Iterator[None]:
    """No garbage collection while tens of thousands of small objects are made at once: the collector would walk
    them over and over (PERFORMANCE.md), and none of them is garbage yet."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


PARALLEL_FROM = 2000  # blobs: below this, starting processes costs more than it saves
Work = Callable[[Path, str, list[str]], dict[str, Any]]


class Batches:
    """Blobs read and parsed by ``work`` (a module-level function: root, folder, blobs → blob → value) while the
    caller goes on adding more: once a part of `PARALLEL_FROM` is full it goes to a pool of worker processes, one
    per core, each with its own `git cat-file`, so that git (listing history), this process (parsing git's
    listing) and the workers (parsing blobs) run side by side; fewer blobs are read here, at the end. The result
    is the same as one process reading them all: workers send back only plain values."""

    def __init__(self, root: Path, folder: str, work: Work) -> None:
        self.root, self.folder, self.work = root, folder, work
        self.pending: list[str] = []
        self.futures: list[Any] = []
        self.pool: Any = None

    def add(self, blobs: Iterable[str]) -> None:
        self.pending.extend(blobs)
        while len(self.pending) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            part, self.pending = self.pending[:PARALLEL_FROM], self.pending[PARALLEL_FROM:]
            self._submit(part)

    def _submit(self, part: list[str]) -> None:
        if self.pool is None:
            import concurrent.futures
            import multiprocessing

            self.pool = concurrent.futures.ProcessPoolExecutor(
                os.cpu_count() or 1, mp_context=multiprocessing.get_context("fork"))
        self.futures.append(self.pool.submit(self.work, self.root, self.folder, part))

    def results(self) -> Iterator[dict[str, Any]]:
        """Each part's values, in the order the parts were added (the last ones read here)."""
        try:
            if self.pending and self.pool is not None:
                self._submit(self.pending)
                self.pending = []
            for future in self.futures:
                yield future.result()
            if self.pending:
                yield self.work(self.root, self.folder, self.pending)
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)


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


def summaries_of(root: Path, cache: Cache, batches: Batches | None = None, blobs: Iterable[str] = ()
                 ) -> dict[str, Summary | Problem]:
    """blob → the summary of the project it holds (`holp.model.views.summary_of`), or the problem reading it
    found, for ``blobs``: from the cache, the rest read (on every core when there are many) and cached. A caller
    that gives ``batches`` (of `summary_values`) has added to them the blobs the cache lacks itself. A
    project's summary is what history compares; reading only it, never the whole record, keeps a cold walk of
    every blob near the cost of listing them."""
    return _cached(cache, "summary", batches or Batches(root, PROJECTS, summary_values), blobs, _summary,
                   queued=batches is not None)


def _summary(blob: str, value: Any) -> Summary | Problem:
    return Problem(blob, *value["problem"]) if isinstance(value, dict) else Summary(*value)


def summary_values(root: Path, folder: str, blobs: list[str]) -> dict[str, Any]:
    """The cache value of each blob's project summary: the summary's fields, or {"problem": [...]} (`record_of`'s
    verdict on a file that is no record)."""
    found: dict[str, Any] = {}
    for blob, raw in git.CatFile(root).read(blobs, limit=yaml.MAX_BYTES).items():
        doc = yaml.read(blob, raw)
        summary = document_summary(doc)
        if summary is not None:
            found[blob] = list(summary)
            continue
        result = record_of(folder, doc, "")
        assert isinstance(result, Problem)
        found[blob] = {"problem": [result.line, result.column, result.severity, result.code, result.message]}
    return found
