"""What the weekly and monthly report (周报/月报) reads from git besides the files and the stage history.

- The checklist ticks a period's commits made: every commit in the period that changed a project file is
  compared with its parents' version of the file, both read the one way every record is (`holp.reading`); an
  item that is a tick after the commit (`coerce.tick`: a date or a note, never a made-up date) and was none in
  any parent was ticked by that commit's author on its author day. A tick made on a branch counts for the commit
  that made it, not again for the merge; one taken away (or made a date that is no day) and written again counts
  again, for the commit that wrote it again.
- The visits of the period in full (who was met, the purpose, the findings): the report's rows only carry their
  dates, so the projects whose visits fall in the period are read from the snapshot's files (the work tree, or
  the commit ``--as-of`` names).
- When each customer file was first added (`git.added`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from holp import fileset, git, reading, yaml
from holp.fileset import PROJECTS
from holp.history import _hidden, _old_records
from holp.model import Project
from holp.model.coerce import tick
from holp.model.records import Visit
from holp.repo import read_document
from holp.snapshot import Snapshot


@dataclass(frozen=True)
class Tick:
    """A checklist item a commit ticked."""

    project: str
    stage: str
    item: str
    date: str  # the commit's author date, ISO 8601 as git wrote it
    author: str
    email: str
    commit: str


@dataclass(frozen=True)
class WeekLog:
    ticks: tuple[Tick, ...] = ()
    visits: Mapping[str, tuple[Visit, ...]] = field(default_factory=dict)  # project id → its visits, every one
    customers_added: Mapping[str, dt.date] = field(default_factory=dict)  # customer file → the day it was added


def _day(stamp: str) -> dt.date:
    return dt.datetime.fromisoformat(stamp).date()


def _ticked(project: Project) -> set[tuple[str, str]]:
    return {(stage, item) for stage, items in project.checklist.items() for item, value in items.items()
            if tick(value) is not None}


def ticks(root: Path, revision: str | None, start: dt.date, until: dt.date, *, exclude: str | None = None) -> list[Tick]:
    """The ticks made by the commits of ``revision`` (HEAD) whose author day is from ``start`` to ``until`` (and,
    with ``exclude``, that are not in that commit's history)."""
    tip = revision or git.rev_parse(root, "HEAD")
    if tip is None:
        return []
    prefix = git.show_prefix(root)
    wanted: list[tuple[git.Commit, list[tuple[list[str], str | None, str]]]] = []
    blobs: dict[str, str] = {}  # blob → the file it was, for the problems reading names
    # git stops walking at commits made before the period (a day early, for time zones): a week's report reads a
    # week of history, not all of it; the author day then decides, as it does everywhere else
    since = [f"--since={(start - dt.timedelta(days=1)).isoformat()}"] if start > dt.date(1970, 1, 2) else []
    listing = list(git.log(root, [tip, *since, *([f"^{exclude}"] if exclude else [])], [PROJECTS],
                           newest_first=True))
    for commit, changes in reversed(listing):
        if not start <= _day(commit.date) <= until:
            continue
        listed = []
        for change in changes:
            path = git.inside(change.path, prefix)
            entry = fileset.classify_git(path, change.new_mode)
            if entry is None or _hidden(entry):
                continue
            olds = _old_records(change)
            new = change.new if entry.ok and change.new != git.ZERO else None
            listed.append((olds, new, path))
            blobs.update({b: path for b in [*olds, *([new] if new else [])]})
        wanted.append((commit, listed))
    records: dict[str, tuple[str, set[tuple[str, str]]]] = {}  # blob → its project's id and ticked items
    listed_blobs = list(blobs)
    for first in range(0, len(listed_blobs), PART):  # part by part: a site's whole history is 100,000 blobs
        part = listed_blobs[first:first + PART]
        for blob, raw in git.CatFile(root).read(part, limit=yaml.MAX_BYTES).items():
            found = reading.record_of(PROJECTS, yaml.read(blobs[blob], raw), blobs[blob])
            if isinstance(found, Project):
                records[blob] = (found.id, _ticked(found))
    made: list[Tick] = []
    for commit, listed in wanted:
        for olds, new, _ in listed:
            after = records.get(new or "")
            if after is None:
                continue
            before: set[tuple[str, str]] = set()
            for old in olds:
                if old in records:
                    before |= records[old][1]
            for stage, item in sorted(after[1] - before):
                made.append(Tick(after[0], stage, item, commit.date, commit.author, commit.email, commit.sha))
    return made


PART = 2000  # blobs read at a time


def visits(root: Path, snap: Snapshot, start: dt.date, until: dt.date) -> dict[str, tuple[Visit, ...]]:
    """The full visits of every project of the snapshot with a visit dated from ``start`` to ``until``."""
    paths = {d.path: d.id for d in snap.deals if any(start <= day <= until for day, _ in d.visits)}
    found: dict[str, tuple[Visit, ...]] = {}
    if not paths:
        return found
    if snap.revision is None:
        for path in paths:
            record = reading.record_of(PROJECTS, read_document(root / path), path)
            if isinstance(record, Project):
                found[record.id] = record.visits
        return found
    blobs = {sha: path for _, sha, path in git.tree(root, snap.revision, [PROJECTS]) if path in paths}
    for blob, raw in git.CatFile(root).read(list(blobs), limit=yaml.MAX_BYTES).items():
        record = reading.record_of(PROJECTS, yaml.read(blobs[blob], raw), blobs[blob])
        if isinstance(record, Project):
            found[record.id] = record.visits
    return found


def read(root: Path, snap: Snapshot, start: dt.date, until: dt.date) -> WeekLog:
    added = {path: _day(stamp) for path, stamp in git.added(root, [fileset.CUSTOMERS]).items()}
    return WeekLog(tuple(ticks(root, snap.revision, start, until)), visits(root, snap, start, until), added)
