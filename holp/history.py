"""Stage history read from git: who moved which project, from where to where, when.

Transitions are found by comparing each project's content before and after
every commit that touched projects/ — never by trusting messages; the
``Holp-*`` trailers only add the note and reason. A project is its ``id``, so
moving its file is no transition, and a commit touching several projects
gives several. Merges carry no diff of their own here, so a move made on a
branch counts once, at the commit that made it.

Speed: one ``git log --raw`` stream and one ``git cat-file --batch`` process;
only blobs not seen before are parsed, and from each only what history needs
(id, stage, amount, expected close), with a regex on the top-level lines and a
full parse only when the regex cannot be sure. The cache (under the git
folder, keyed by blob id, plus the transitions up to the last commit walked)
makes a second run read only new commits.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from holp import __version__, git, yaml
from holp.model import Team

FIELDS = ("amount", "expected_close")
_TOP = re.compile(rb"^(id|stage|amount|expected_close|probability)[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$", re.MULTILINE)
_SAFE_VALUE = re.compile(rb"[A-Za-z0-9_.+-][A-Za-z0-9_.:+-]*")


@dataclass(frozen=True)
class Summary:
    """What history needs of one version of a project file."""

    id: str
    stage: str | None
    amount: str | None
    expected_close: str | None
    probability: str | None = None


def summarize(raw: bytes) -> Summary | None:
    """The id, stage, amount and close date of a project file's bytes; None if it has no readable id."""
    found: dict[bytes, bytes] = {}
    fast = b"\n---" not in raw and not raw.lstrip(b"\xef\xbb\xbf").startswith((b"{", b"%", b"---"))
    if fast:
        for match in _TOP.finditer(raw):
            key, value = match.group(1), _strip_comment(match.group(2) or b"")
            if key in found or not _SAFE_VALUE.fullmatch(value):
                fast = False
                break
            found[key] = value
    if fast and b"id" in found and b"stage" in found:
        return _summary({k.decode(): yaml.resolve_plain(v.decode()) for k, v in found.items()})
    doc = yaml.read("blob", raw)
    return _summary(doc.data) if doc.ok and isinstance(doc.data, dict) else None


def _strip_comment(value: bytes) -> bytes:
    cut = value.find(b" #")
    return value[:cut].rstrip() if cut >= 0 else value


def _summary(data: dict[str, Any]) -> Summary | None:
    project_id = data.get("id")
    if not isinstance(project_id, str) or not project_id:
        return None
    stage = data.get("stage")

    def text(value: Any) -> str | None:
        if value is None or isinstance(value, (bool, dict, list)):
            return None
        return str(value)

    return Summary(project_id, stage if isinstance(stage, str) else None, text(data.get("amount")),
                   text(data.get("expected_close")), text(data.get("probability")))


@dataclass(frozen=True)
class Transition:
    project: str
    source: str | None
    target: str | None
    commit: str
    author: str
    email: str
    date: str
    note: str | None = None
    reason: str | None = None
    field: str = "stage"
    forced: bool = False
    blob: str | None = None  # the project file after the commit, for review

    def as_dict(self, team: Team | None = None, *, fields: bool = False) -> dict[str, Any]:
        rep = team.rep_by_email(self.email) if team is not None else None
        record: dict[str, Any] = {"project": self.project}
        if fields:
            record["field"] = self.field
        record.update({
            "from": self.source, "to": self.target, "commit": self.commit,
            "author": rep.name if rep else self.author, "email": self.email, "date": self.date,
            "rep": rep.id if rep else None, "note": self.note, "reason": self.reason,
        })
        return record


@dataclass
class History:
    transitions: list[Transition]
    head: str | None
    shallow: bool
    commits: int  # walked in this run (0 when everything came from the cache)


def _sort_key(t: Transition, order: dict[str, int]) -> tuple[dt.datetime, int]:
    return dt.datetime.fromisoformat(t.date), order.get(t.commit, 0)


class Cache:
    """holp's cache: a JSON file under the git folder, safe to delete at any time."""

    VERSION = 2

    def __init__(self, root: Path, enabled: bool) -> None:
        self.enabled = enabled
        self.path = git.git_dir(root) / "holp" / f"history-{_scope(root)}.json" if enabled else None
        self.blobs: dict[str, list[Any] | None] = {}
        self.head: str | None = None
        self.transitions: list[Transition] = []
        self.order: dict[str, int] = {}
        if self.path is not None and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if data.get("version") == self.VERSION and data.get("holp") == __version__:
                    self.blobs = data["blobs"]
                    self.head = data["head"]
                    self.transitions = [Transition(**t) for t in data["transitions"]]
                    self.order = data["order"]
            except (OSError, ValueError, KeyError, TypeError):
                self.blobs, self.head, self.transitions, self.order = {}, None, [], {}

    def summary(self, sha: str) -> Summary | bool | None:
        """A cached summary, None for a known unreadable blob, False when not cached."""
        if sha not in self.blobs:
            return False
        entry = self.blobs[sha]
        return Summary(*entry) if entry is not None else None

    def remember(self, sha: str, summary: Summary | None) -> None:
        self.blobs[sha] = list(asdict(summary).values()) if summary is not None else None

    def save(self) -> None:
        if self.path is None:
            return
        from holp.files import write_atomic

        data = {"version": self.VERSION, "holp": __version__, "head": self.head, "order": self.order,
                "blobs": self.blobs, "transitions": [asdict(t) for t in self.transitions]}
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower next time
            write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _scope(root: Path) -> str:
    """Which sales repository of the git repository a cache belongs to (it may be a subfolder)."""
    import hashlib

    top = git.toplevel(root)
    relative = os.path.relpath(root.resolve(), top.resolve()) if top else "."
    return hashlib.sha1(relative.encode()).hexdigest()[:12]


def read(root: Path, *, use_cache: bool = True, revisions: list[str] | None = None,
         projects: str = "projects") -> History:
    """All transitions reachable from HEAD (or within ``revisions``, e.g. ["BASE..HEAD"]), oldest first."""
    if git.toplevel(root) is None:
        return History([], None, False, 0)
    head = git.rev_parse(root, "HEAD")
    shallow = git.is_shallow(root)
    if head is None:
        return History([], None, shallow, 0)
    cache = Cache(root, use_cache and revisions is None)
    if revisions is not None:
        walk, previous = revisions, []
    elif cache.head and cache.head != head and git.is_ancestor(root, cache.head, head):
        walk, previous = [f"{cache.head}..{head}"], cache.transitions
    elif cache.head == head:
        return History(sorted(cache.transitions, key=lambda t: _sort_key(t, cache.order)), head, shallow, 0)
    else:
        walk, previous = [head], []
        cache.order = {}
    new, order, count = _walk(root, walk, projects, cache)
    transitions = previous + new
    cache.order.update(order)
    if revisions is None:
        cache.head, cache.transitions = head, transitions
        cache.save()
    transitions.sort(key=lambda t: _sort_key(t, {**cache.order, **order}))
    return History(transitions, head, shallow, count)


def _walk(root: Path, revisions: list[str], projects: str, cache: Cache) -> tuple[list[Transition], dict[str, int], int]:
    commits = list(git.log(root, revisions, [projects]))
    start = len(cache.order)
    order = {commit.sha: start + i for i, (commit, _) in enumerate(commits)}
    wanted = {sha for _, changes in commits for old, new, _, _ in changes for sha in (old, new)
              if sha != git.ZERO and cache.summary(sha) is False}
    for sha, raw in git.CatFile(root).read(sorted(wanted)).items():
        cache.remember(sha, summarize(raw))
    last_known: dict[str, Summary] = {}
    transitions: list[Transition] = []
    for commit, changes in commits:
        transitions.extend(_commit_transitions(commit, changes, cache, last_known))
    return transitions, order, len(commits)


def _commit_transitions(commit: git.Commit, changes: Iterable[git.Change], cache: Cache,
                        last_known: dict[str, Summary]) -> list[Transition]:
    before: dict[str, Summary] = {}
    after: dict[str, Summary] = {}
    unreadable_before = False
    blobs: dict[str, str] = {}
    for old, new, _, _ in changes:
        if old != git.ZERO:
            summary = cache.summary(old)
            if isinstance(summary, Summary):
                before[summary.id] = summary
            else:
                unreadable_before = True
        if new != git.ZERO:
            summary = cache.summary(new)
            if isinstance(summary, Summary):
                after[summary.id] = summary
                blobs[summary.id] = new
    trailers = commit.trailers()
    note, reason = commit.note(), trailers.get("Holp-Reason")
    forced = trailers.get("Holp-Forced") == "true"
    found = []
    for project_id, now in after.items():
        was = before.get(project_id)
        if was is None and unreadable_before:
            was = last_known.get(project_id)  # it was broken just before: compare with its last good state
        if (was.stage if was else None) != now.stage:
            found.append(Transition(project_id, was.stage if was else None, now.stage, commit.sha, commit.author,
                                    commit.email, commit.date, note, reason, forced=forced, blob=blobs[project_id]))
        if was is not None:
            for name in FIELDS:
                old_value, new_value = getattr(was, name), getattr(now, name)
                if old_value != new_value:
                    found.append(Transition(project_id, old_value, new_value, commit.sha, commit.author,
                                            commit.email, commit.date, note, reason, field=name))
        last_known[project_id] = now
    return found


def select(transitions: Iterable[Transition], team: Team | None, *, project: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None, author: str | None = None,
           fields: bool = False) -> list[Transition]:
    """Transitions filtered as `holp history` filters them; ``author`` is an email or a rep id."""
    emails: set[str] = set()
    if author:
        emails.add(author.lower())
        rep = team.rep(author) if team is not None else None
        if rep and rep.email:
            emails.add(rep.email.lower())
    chosen = []
    for t in transitions:
        day = dt.datetime.fromisoformat(t.date).date()
        if (project and t.project != project) or (since and day < since) or (until and day > until):
            continue
        if author and t.email.lower() not in emails:
            continue
        if t.field != "stage" and not fields:
            continue
        chosen.append(t)
    return chosen


def summaries_at(root: Path, revision: str, *, use_cache: bool = True, projects: str = "projects") -> list[Summary]:
    """The summary of every project file at ``revision``, read from git (the work tree is not touched)."""
    cache = Cache(root, use_cache)
    entries = [(sha, path) for sha, path in git.ls_tree(root, revision, [projects])
               if path.endswith((".yaml", ".yml"))]
    missing = sorted({sha for sha, _ in entries if cache.summary(sha) is False})
    for sha, raw in git.CatFile(root).read(missing).items():
        cache.remember(sha, summarize(raw))
    if missing:
        cache.save()
    found = []
    for sha, _ in entries:
        summary = cache.summary(sha)
        if isinstance(summary, Summary):
            found.append(summary)
    return found
