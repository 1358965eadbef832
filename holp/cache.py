"""holp's cache: one SQLite file under the git folder, keyed by git object ids, always safe to delete.

What is cached never depends on anything but the bytes of a blob (its
summary) or on commits (history up to a head), so it can never be stale, only
missing; a cache from another holp version is dropped. SQLite (in the
standard library) gives atomic writes and concurrent readers for free, and
looks up ten thousand blobs in milliseconds. With ``--no-cache``, or outside
git, it lives in memory for the one command.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from holp import __version__, git

SCHEMA = 9
# per blob: the row of its record, or the problem reading it found; a project's summary (what history compares)
TABLES = ("project", "customer", "summary", "checked")  # checked: a document's shape and schema problems


class Cache:
    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path: Path | None = None
        if enabled and git.toplevel(root, optional=True) is not None:
            self.path = git.git_dir(root) / "holp" / "cache.sqlite3"
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        for _ in range(2):  # a broken cache is deleted and made again: it was only a slower run
            if self.path is None:
                break
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=10)
                return self._prepare(db)
            except (OSError, sqlite3.DatabaseError):
                try:
                    self.path.unlink()
                except OSError:
                    break  # cannot even delete it: this command keeps its cache in memory
        self.path = None
        return self._prepare(sqlite3.connect(":memory:"))

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, data TEXT)")
        row = db.execute("SELECT data FROM meta WHERE key = 'version'").fetchone()
        version = f"{SCHEMA}/{__version__}"
        if row is None or row[0] != version:
            for table in (*TABLES, "store", "meta"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, data TEXT)")
            db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        for table, columns in [*((t, ("sha", "data")) for t in TABLES), ("store", ("key", "data"))]:
            found = tuple(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
            if found and found != columns:  # not a table this holp made: it would fail every command that asks it
                db.execute(f"DROP TABLE {table}")
            kind = "BLOB" if table == "store" else "TEXT"
            db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns[0]} TEXT PRIMARY KEY, data {kind})")
        db.commit()
        return db

    def get(self, table: str, shas: Iterable[str]) -> dict[str, Any]:
        """The cached values of those blobs that are cached (a value may be None: known unreadable)."""
        return {sha: json.loads(data) for sha, data in self._select(table, "sha, data", shas)}

    def has(self, table: str, shas: Iterable[str]) -> set[str]:
        """Those of ``shas`` the table holds a value for."""
        return {sha for (sha,) in self._select(table, "sha", shas)}

    def _select(self, table: str, columns: str, shas: Iterable[str]) -> Iterator[Any]:
        assert table in TABLES
        wanted = list(dict.fromkeys(shas))
        for i in range(0, len(wanted), 500):  # SQLite takes a bounded number of parameters
            chunk = wanted[i:i + 500]
            yield from self.db.execute(f"SELECT {columns} FROM {table} WHERE sha IN ({','.join('?' * len(chunk))})",
                                       chunk)

    def put(self, table: str, values: dict[str, Any]) -> None:
        assert table in TABLES
        with contextlib.suppress(sqlite3.DatabaseError):
            self.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)",  # one value encoded at a time
                                ((sha, json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                                 for sha, v in values.items()))
            self.db.commit()

    def meta(self, key: str) -> Any:
        row = self.db.execute("SELECT data FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value: Any) -> None:
        with contextlib.suppress(sqlite3.DatabaseError):
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            (key, json.dumps(value, ensure_ascii=False, separators=(",", ":"))))
            self.db.commit()

    def objects(self, key: str) -> Any:
        """What `set_objects` kept under ``key`` (None when nothing, or what is kept cannot be read back)."""
        try:
            row = self.db.execute("SELECT data FROM store WHERE key = ?", (key,)).fetchone()
            return _Unpickler(io.BytesIO(row[0])).load() if row else None
        except Exception:  # whatever is wrong with a cache is only a slower run
            return None

    def set_objects(self, key: str, value: Any) -> None:
        """Keep holp's own objects (model records: what rows become) to be loaded whole next time, which is many
        times faster than building them from their rows again."""
        with contextlib.suppress(sqlite3.DatabaseError):
            self.db.execute("INSERT OR REPLACE INTO store VALUES (?, ?)", (key, pickle.dumps(value, protocol=5)))
            self.db.commit()


_ALLOWED = {("decimal", "Decimal"), ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timezone"),
            ("datetime", "timedelta"), ("builtins", "frozenset"), ("builtins", "set"), ("collections", "OrderedDict")}


class _Unpickler(pickle.Unpickler):
    """Only holp's own data classes and a few value types come back: a cache file that someone else wrote can
    make holp slow, never make it run anything (the "restricting globals" of the pickle documentation)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        if module.startswith("holp.model.") or module == "holp.problems":
            found = super().find_class(module, name)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not kept in holp's cache")
