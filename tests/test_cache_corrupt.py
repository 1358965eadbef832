"""A broken, foreign or unusable cache is only a slower run: the answer is --no-cache's, and the cache heals.

Each test fills the cache of example-repo/ with a dated history, then, before every command of the set,
breaks the cache file a way disks, crashes, other holp versions or people do, and runs the command with the
cache: exit code, stdout, stderr and the bytes of `export` equal the run with --no-cache, and afterwards the
file is a valid cache of this holp again (opened with sqlite3, its version row is this version's).
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from test_cache_correctness import Sales, quick_set

from holp import __version__
from holp.cache import SCHEMA

CURRENT = f"{SCHEMA}/{__version__}"
FOREIGN = "1/0.0.1"
COMMANDS = [*quick_set(), ("show", "P-2026-014"), ("export", "--format", "jsonl", "-o", "{out}")]


@pytest.fixture
def sales(tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Sales:
    found = Sales(tmp_path / "sales", holp, monkeypatch)
    for args in COMMANDS:
        found.run(args, no_cache=False)
    assert version_of(found.cache_file()) == CURRENT
    return found


def version_of(path: Path) -> str | None:
    """The version row of the cache at ``path``, after SQLite's own check of the whole file."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        row = db.execute("SELECT data FROM meta WHERE key = 'version'").fetchone()
        return row[0] if row else None
    finally:
        db.close()


def each_command_with(sales: Sales, damage: Callable[[Path], None]) -> None:
    """Every command of the set, each run on a freshly damaged cache, answers as --no-cache does."""
    for args in COMMANDS:
        truth = sales.run(args, no_cache=True)
        damage(sales.cache_file())
        got = sales.run(args, no_cache=False)
        assert "Traceback" not in got[1] + got[2], (args, got)
        assert got == truth, ("holp " + " ".join(args), "damaged cache, then --no-cache")
    sales.run(("list",), no_cache=False)  # the run after the damaged one at the latest writes a valid cache
    assert version_of(sales.cache_file()) == CURRENT


def test_cache__garbage_bytes(sales: Sales) -> None:
    each_command_with(sales, lambda path: path.write_bytes(bytes(range(256)) * 64))


def test_cache__truncated_to_half(sales: Sales) -> None:
    full = sales.cache_file().read_bytes()
    assert len(full) > 8192  # more than the header page: half of it cuts tables
    each_command_with(sales, lambda path: path.write_bytes(full[:len(full) // 2]))


def test_cache__empty_file(sales: Sales) -> None:
    each_command_with(sales, lambda path: path.write_bytes(b""))


def poisoned(full: bytes, version: str, path: Path) -> None:
    """The filled cache with every stage it holds (of a row, of a transition) made `lost`, at ``version``."""
    path.write_bytes(full)
    db = sqlite3.connect(path)
    db.create_function("poison", 1, lambda text: re.sub(r'"(stage|target|source)":"[^"]*"', r'"\1":"lost"', text)
                       if isinstance(text, str) else text)
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if table == "store":  # records kept whole (pickled), made from the rows: made again from the poisoned ones
            db.execute("DELETE FROM store")
            continue
        for column in [c[1] for c in db.execute(f"PRAGMA table_info({table})").fetchall()]:
            db.execute(f"UPDATE {table} SET {column} = poison({column})")
    db.execute("UPDATE meta SET data = ? WHERE key = 'version'", (version,))
    db.commit()
    db.close()


def test_cache__another_version_with_rows_that_would_be_wrong(sales: Sales) -> None:
    full = sales.cache_file().read_bytes()
    truth = sales.run(("list", "--format", "csv"), no_cache=True)
    # the poison works: at this version the rows are trusted (a cache keyed by blob id is never stale) ...
    poisoned(full, CURRENT, sales.cache_file())
    trusted = sales.run(("list", "--format", "csv"), no_cache=False)
    assert trusted[1] != truth[1] and ",lost," in trusted[1]
    # ... at another version's they are dropped
    each_command_with(sales, lambda path: poisoned(full, FOREIGN, path))


def wrong_columns(path: Path, *, meta_too: bool) -> None:
    """A valid SQLite file with the cache's tables under its names but other columns."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    for table in ("project", "customer"):
        db.execute(f"CREATE TABLE {table} (blob BLOB, size INTEGER, parsed TEXT)")
        db.execute(f"INSERT INTO {table} VALUES (x'00', 1, 'x')")
    if meta_too:
        db.execute("CREATE TABLE meta (name TEXT, value INTEGER)")
        db.execute("INSERT INTO meta VALUES ('version', 8)")
    else:  # this version's version row: only the record tables are wrong
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, data TEXT)")
        db.execute("INSERT INTO meta VALUES ('version', ?)", (CURRENT,))
    db.commit()
    db.close()


@pytest.mark.parametrize("meta_too", [
    pytest.param(True, id="every-table"),
    pytest.param(False, id="record-tables"),
])
def test_cache__tables_with_wrong_columns(sales: Sales, meta_too: bool) -> None:
    each_command_with(sales, lambda path: wrong_columns(path, meta_too=meta_too))


def test_cache__a_history_whose_head_git_no_longer_has(sales: Sales) -> None:
    for stage in ("bidding", "negotiation"):
        sales.edit("projects/east/P-2026-014.yaml", "stage", stage)
        sales.commit(stage)
    gone = sales.git("rev-parse", "HEAD").strip()
    sales.prime()  # the cache's history ends at `gone`
    sales.git("reset", "-q", "--hard", "HEAD~2")
    sales.git("reflog", "expire", "--expire=now", "--all")
    sales.git("gc", "-q", "--prune=now")
    with pytest.raises(Exception, match="returned non-zero"):
        sales.git("cat-file", "-e", gone)
    sales.check("the cached head is gone from git", full=True)
    assert version_of(sales.cache_file()) == CURRENT


def test_cache__folder_is_a_file(sales: Sales) -> None:
    folder = sales.cache_file().parent
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.write_bytes(b"not a folder\n")  # holp cannot make its cache: every run works without one
    sales.check("the cache folder is a file", full=True)
    folder.unlink()
    sales.run(("list",), no_cache=False)
    assert version_of(sales.cache_file()) == CURRENT


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder of mode 0o500: chmod does not bite")
@pytest.mark.parametrize("file", [True, False], ids=["with-cache-file", "without"])
def test_cache__folder_not_writable(sales: Sales, file: bool) -> None:
    folder = sales.cache_file().parent
    sales.edit("projects/east/P-2026-014.yaml", "stage", "bidding")
    sales.commit("bidding")  # the cache cannot take what this commit adds
    if not file:
        sales.cache_file().unlink()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        sales.check("the cache folder is read-only", full=True)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert version_of(sales.cache_file()) == CURRENT
    sales.check("the cache folder is writable again")
