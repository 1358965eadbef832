"""A repository as reports see it, at any point: the work tree as it is, or any commit, read from git.

Reports need a few fields of every project and customer (and the payments and
visits of some), never the whole file. Each file's needs are extracted once
per git blob and kept in the cache, so a warm report reads ten thousand
projects from SQLite instead of parsing them. The work tree is read through
the index: files git knows unchanged come from the cache by blob id, and only
what `git status` reports as changed or new is read from disk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holp import fileset, git, reading, yaml
from holp.cache import Cache
from holp.clock import today, within_reach
from holp.errors import FAILED, HolpError
from holp.files import sweep
from holp.fileset import CUSTOMERS, FOLDERS, PROJECTS, Entry
from holp.model import Process, Team, as_date, build_team
from holp.model.process import load_process, load_team
from holp.model.views import Account, Deal, account_from_row, deal_from_row
from holp.problems import ERROR, Problem
from holp.repo import CONFIG, TEAM, displayer, load_config, read_document

__all__ = ["Account", "Deal", "Snapshot", "commit_on_or_before", "load", "process_at", "resolve_as_of",
           "team_document_at"]


@dataclass
class Snapshot:
    root: Path
    process: Process
    team: Team
    deals: list[Deal]
    accounts: dict[str, Account]
    revision: str | None  # the commit read, None for the work tree
    as_of: dt.date
    problems: list[Problem] = field(default_factory=list)  # files that are no records: unreadable, links, hidden

    def region(self, deal: Deal) -> str | None:
        if deal.region:
            return deal.region
        account = self.accounts.get(deal.customer or "")
        return account.region if account else None

    def source(self, deal: Deal) -> str | None:
        """Where the deal's lead came from: its own `source`, else its customer's."""
        if deal.source:
            return deal.source
        account = self.accounts.get(deal.customer or "")
        return account.source if account else None


Row = dict[str, Any] | Problem


def _entries(root: Path, revision: str | None, in_git: bool) -> tuple[list[Entry], list[Entry]]:
    """The records (with their blobs where git has them unchanged) and the files to read from disk.

    At a revision, git's tree is the file set. In the work tree the file set is the disk's, walked as
    `validate` walks it (ignored and untracked files too); git only saves reading the files it has unchanged.
    """
    if revision is not None:
        listed = [fileset.classify_git(path, mode, sha) for mode, sha, path in git.tree(root, revision, list(FOLDERS))]
        return [e for e in listed if e is not None], []
    clean = {path: sha for mode, sha, path in git.work_tree_state(root, list(FOLDERS))[0]} if in_git else {}
    entries: list[Entry] = []
    files: list[Entry] = []
    leftovers: set[str] = set()
    for entry in fileset.walk(root, displayer(root), leftovers):
        if entry.problem is None and entry.path not in clean:
            files.append(entry)
        else:
            entries.append(Entry(entry.folder, entry.path, clean.get(entry.path), entry.problem))
    for folder in leftovers:  # temp files of killed writes go with the next command (never a live one's)
        sweep(Path(folder), lambda path: in_git and git.is_tracked(root, path))
    return entries, files


def load(root: Path, revision: str | None = None, *, as_of: dt.date | None = None,
         use_cache: bool = True, cache: Cache | None = None) -> Snapshot:
    """The repository at ``revision`` (a commit sha) or, without one, as the work tree has it (once what a killed
    holp command left half-done is settled: `holp.transaction`)."""
    with reading.collecting_paused():
        return _load(root, revision, as_of=as_of, use_cache=use_cache, cache=cache)


def _load(root: Path, revision: str | None, *, as_of: dt.date | None, use_cache: bool, cache: Cache | None
          ) -> Snapshot:
    if revision is None:
        from holp import transaction

        transaction.recover_pending(root)
    in_git = git.toplevel(root, optional=True) is not None  # only to read unchanged files from the cache
    cache = cache or Cache(root, use_cache)
    if revision is not None:
        process = process_at(root, revision)
        team_doc: yaml.Document | None = team_document_at(root, revision)
    else:
        process = load_config(root)[1]
        team_path = root / TEAM
        team_doc = read_document(team_path) if team_path.exists() or team_path.is_symlink() else None
    team = load_team(team_doc) if team_doc is not None else build_team(None)
    # a team.yaml that cannot be read leaves every rep and target out: said, like a record left out
    problems: list[Problem] = [p for p in team_doc.problems if p.severity == ERROR] if team_doc is not None else []
    looks_alike, held = _holdings(root, cache, revision, in_git)
    problems += [entry.problem for entry in looks_alike if entry.problem is not None]
    accounts: dict[str, Account] = {}
    deals: dict[str, Deal] = {}
    holders: dict[tuple[str, str], list[tuple[str, Deal | Account]]] = {}
    show = displayer(root) if revision is None else str
    for folder, path, item in sorted(held, key=lambda r: r[1]):
        shown = show(path)
        if isinstance(item, Problem):
            problems.append(reading.at(item, shown))
            continue
        record_id, invalid, record = item
        holders.setdefault((folder, record_id), []).append((shown, record))
        problems += [Problem(shown, line, column, ERROR, "bad-value", f"{where} is not written as holp reads it: "
                             "the figures take it as missing (holp validate says what to write)")
                     for where, line, column in invalid]
    for (folder, record_id), copies in holders.items():
        if len(copies) > 1:  # neither copy is counted: which one holds the truth is for a person to say
            problems.extend(Problem(shown, 1, 1, ERROR, "duplicate-id", f"id {record_id} is also used by {copies[0][0]}")
                            for shown, _ in copies[1:])
        elif folder == CUSTOMERS:
            accounts[record_id] = copies[0][1]  # type: ignore[assignment]
        else:
            deals[record_id] = copies[0][1]  # type: ignore[assignment]
    return Snapshot(root, process, team, sorted(deals.values(), key=lambda d: d.id), accounts, revision,
                    as_of or today(), sorted(problems, key=lambda p: (p.path, p.line)))


def holdings(root: Path) -> tuple[list[Entry], list[tuple[str, str, Held]]]:
    """What each record file of the work tree holds, as cheaply as the cache allows: the look-alikes (links,
    hidden copies: never read) and, per file, its id and record or the problem reading it. A command that changes
    one record finds its files here instead of reading every file."""
    in_git = git.toplevel(root, optional=True) is not None
    with reading.collecting_paused():
        return _holdings(root, Cache(root), None, in_git)


def _holdings(root: Path, cache: Cache, revision: str | None, in_git: bool
              ) -> tuple[list[Entry], list[tuple[str, str, Held]]]:
    entries, files = _entries(root, revision, in_git)
    held: list[tuple[str, str, Held]] = []  # folder, path, what the file holds (or the problem reading it)
    by_folder: dict[str, list[Entry]] = {CUSTOMERS: [], PROJECTS: []}
    looks_alike = []
    for entry in entries:
        if entry.problem is not None:
            looks_alike.append(entry)
        else:
            by_folder[entry.folder].append(entry)
    for folder, listed in by_folder.items():
        held += _held_in_blobs(root, cache, folder, listed, "work" if revision is None else "revision")
    for entry in files:
        row = reading.row_of(entry.folder, read_document(root / entry.path), entry.path)
        held.append((entry.folder, entry.path, _held(entry.folder, row, entry.path)))
    return looks_alike, held


Held = Problem | tuple[str, tuple[tuple[str, int, int], ...], Deal | Account]  # id, values unreadable, the record


def _held(folder: str, row: Row, path: str) -> Held:
    """A file's row as a report holds it: its record, built once."""
    if isinstance(row, Problem):
        return row
    record = account_from_row(row, path) if folder == CUSTOMERS else deal_from_row(row, path)
    return row["id"], tuple(tuple(bad) for bad in row.get("invalid", ())), record


def _held_in_blobs(root: Path, cache: Cache, folder: str, listed: list[Entry], kind: str
                   ) -> list[tuple[str, str, Held]]:
    """What each file listed with its blob holds: the records of the last snapshot loaded whole from the cache
    (`Cache.objects`, by blob and path), the others built from their cached rows (`reading.blob_rows`, which
    reads and parses only blobs never seen). The work tree and past revisions keep a store each."""
    key = f"snapshot:{kind}:{folder}"
    kept: dict[tuple[str, str], Held] = cache.objects(key) or {}
    missing = [e for e in listed if e.blob and (e.blob, e.path) not in kept]
    rows = reading.blob_rows(root, cache, folder, (e.blob for e in missing if e.blob))
    for e in missing:
        if e.blob in rows:
            kept[e.blob, e.path] = _held(folder, rows[e.blob], e.path)
    used = {(e.blob, e.path): kept[e.blob, e.path] for e in listed if e.blob and (e.blob, e.path) in kept}
    if missing or len(used) != len(kept):
        cache.set_objects(key, used)
    return [(folder, path, item) for (_, path), item in used.items()]


def process_at(root: Path, revision: str) -> Process:
    """holp.yaml's process as ``revision`` has it; HolpError when it is missing there, a link, or no mapping."""
    config = yaml.read(CONFIG, _blob(root, revision, CONFIG))
    process = load_process(config)
    if process is None:
        raise HolpError(f"holp.yaml at {revision[:8]} cannot be read", FAILED, config.problems)
    return process


def team_document_at(root: Path, revision: str) -> yaml.Document:
    """team.yaml as ``revision`` has it; HolpError when it is missing there or a link."""
    return yaml.read(TEAM, _blob(root, revision, TEAM))


def _blob(root: Path, revision: str, path: str) -> bytes:
    found = blob_at(root, revision, path)
    if found is None:
        raise HolpError(f"{path} does not exist at {revision[:8]}")
    return found


def blob_at(root: Path, revision: str, path: str) -> bytes | None:
    """The bytes of ``path`` as ``revision`` has it (at most the size holp reads), or None when it has none (nor
    when there is no such commit: a branch with no commit yet holds nothing)."""
    if git.rev_parse(root, revision) is None:
        return None
    entries = git.tree(root, revision, [path])
    if not entries:
        return None
    mode, sha, _ = entries[0]
    if mode == fileset.LINK_MODE:
        raise HolpError(f"{path} at {revision[:8]} is a symbolic link: holp never follows links", FAILED)
    return git.CatFile(root).read([sha], limit=yaml.MAX_BYTES).get(sha, b"")


def commit_on_or_before(root: Path, day: dt.date) -> str | None:
    """The last commit of HEAD's first-parent history committed on or before ``day``.

    A commit's day is its committer date in its own time zone (as `git log`
    shows it), so the answer does not depend on the machine's time zone.
    """
    latest = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(14), tzinfo=dt.UTC)  # UTC-14 ends then
    for sha, stamp in git.first_parent_dates(root, latest.isoformat()):
        if stamp[:10] <= day.isoformat():
            return sha
    return None


def resolve_as_of(root: Path, value: str, option: str = "--as-of") -> tuple[str, dt.date]:
    """DATE (the last first-parent commit of that day or before) or REV: the commit and its day."""
    if git.toplevel(root) is None:
        raise HolpError(f"{option} reads git history, but this is not a git repository")
    if git.rev_parse(root, "HEAD") is None:
        raise HolpError(f"{option}: the repository has no commits yet")
    day = as_date(value)
    if day is not None:
        within_reach(day, option, value)
        sha = commit_on_or_before(root, day)
        if not sha:
            raise HolpError(f"{option} {value}: the history starts after that day")
        return sha, day
    commit = git.rev_parse(root, value)
    if commit is None:
        raise HolpError(f"{option} {value}: neither a date (YYYY-MM-DD) nor a revision of this repository")
    return commit, dt.datetime.fromisoformat(git.committer_date(root, commit)).date()
