"""Stage history read from git: who moved which project, from where to where, when.

Transitions are found by comparing each project's content before and after
every commit that touched projects/ — never by trusting messages; the
``Holp-*`` trailers only add the note and reason. A project is its ``id``, so
moving its file is no transition, and a commit touching several projects
gives several. Merges carry no diff of their own here, so a move made on a
branch counts once, at the commit that made it.

Every blob is read the one way every record is (`holp.reading`): the same
limits and the same record as `validate`, so history can never see a stage
the file does not have. A blob that is no record (unreadable, a committed
link, a hidden copy) is a `problems` entry with its commit, never a guess.
Speed: one ``git log --raw`` stream and one ``git cat-file --batch`` process;
only blobs not seen before are read. The cache (under the git folder, keyed
by blob id, plus the transitions up to the last commit walked) makes a
second run read only new commits.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holp import fileset, git, reading
from holp.cache import Cache
from holp.model import Team
from holp.model.views import Summary
from holp.problems import Problem

__all__ = ["History", "Summary", "Transition", "UnknownAuthor", "light_summaries", "read", "select", "summaries_at",
           "unknown_authors"]

FIELDS = ("amount", "expected_close")


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
    touched: dict[str, str] = field(default_factory=dict)  # project id → date of the last commit changing it
    problems: list[BlobProblem] = field(default_factory=list)  # files of commits that are no records


@dataclass(frozen=True)
class BlobProblem:
    """A file a commit made that is no record: unreadable, a link, a hidden copy."""

    commit: str
    date: str
    problem: Problem

    def as_text(self) -> str:
        return f"{self.problem.as_text()} (at commit {self.commit[:8]})"


def _sort_key(t: Transition, order: dict[str, int]) -> tuple[dt.datetime, int]:
    return dt.datetime.fromisoformat(t.date), order.get(t.commit, 0)


def _scope(root: Path) -> str:
    """Which sales repository of the git repository a history belongs to (it may be a subfolder)."""
    top = git.toplevel(root)
    return os.path.relpath(root.resolve(), top.resolve()) if top else "."


def light_summaries(root: Path, cache: Cache, shas: Iterable[str]) -> dict[str, Summary | Problem]:
    """The summaries of these project blobs (or the problem reading one found), through the one reading."""
    return reading.summaries_of(root, cache, blobs=shas)


def read(root: Path, *, use_cache: bool = True, revisions: list[str] | None = None,
         projects: str = "projects", cache: Cache | None = None) -> History:
    """All transitions reachable from HEAD (or within ``revisions``, e.g. ["BASE..HEAD"]), oldest first."""
    if git.toplevel(root) is None:
        return History([], None, False, 0)
    head = git.rev_parse(root, "HEAD")
    shallow = git.is_shallow(root)
    if head is None:
        return History([], None, shallow, 0)
    cache = cache or Cache(root, use_cache)
    key = f"history:{_scope(root)}:{projects}"
    saved = cache.objects(key) if revisions is None else None
    depth = _shallow_state(root)
    if saved and saved.get("shallow") != depth:
        saved = None  # fetched deeper (or made shallower) since: walk again
    previous: list[Transition] = []
    order: dict[str, int] = {}
    touched: dict[str, str] = {}
    last_known: dict[str, Summary] = {}
    problems: list[BlobProblem] = []
    if saved and saved["head"] == head:
        transitions = [Transition(**t) for t in saved["transitions"]]
        order = saved["order"]
        transitions.sort(key=lambda t: _sort_key(t, order))
        return History(transitions, head, shallow, 0, saved["touched"], _problems(saved["problems"]))
    if revisions is not None:
        walk = revisions
    elif saved and git.is_ancestor(root, saved["head"], head):
        walk = [f"{saved['head']}..{head}"]
        previous = [Transition(**t) for t in saved["transitions"]]
        order, touched = saved["order"], saved["touched"]
        last_known = {k: Summary(*v) for k, v in saved["last_known"].items()}
        problems = _problems(saved["problems"])
    else:
        walk = [head]
    new, count = _walk(root, walk, projects, cache, _Walk(order, touched, last_known, problems))
    transitions = previous + new
    if revisions is None:
        cache.set_objects(key, {"head": head, "order": order, "touched": touched, "shallow": depth,
                             "last_known": {k: list(v) for k, v in last_known.items()},
                             "transitions": [t.__dict__ for t in transitions],
                             "problems": [[b.commit, b.date, *b.problem.__dict__.values()] for b in problems]})
    transitions.sort(key=lambda t: _sort_key(t, order))
    return History(transitions, head, shallow, count, touched, problems)


def _problems(saved: list[list[Any]]) -> list[BlobProblem]:
    return [BlobProblem(commit, date, Problem(*rest)) for commit, date, *rest in saved]


@dataclass
class _Walk:
    """What a walk carries from commit to commit (and, through the cache, from run to run)."""

    order: dict[str, int]
    touched: dict[str, str]
    last_known: dict[str, Summary]
    problems: list[BlobProblem]


def _shallow_state(root: Path) -> str | None:
    """What makes a clone shallow (the .git/shallow file), so a deeper fetch is noticed."""
    shallow = git.git_dir(root) / "shallow"
    try:
        return shallow.read_text(encoding="ascii")
    except OSError:
        return None


def _walk(root: Path, revisions: list[str], projects: str, cache: Cache, state: _Walk) -> tuple[list[Transition], int]:
    """The transitions of ``revisions``: git lists the commits newest first while the blobs they name are read and
    parsed on the other cores (`reading.Batches`); then the commits are compared oldest first."""
    prefix = git.show_prefix(root)  # git names paths from its top
    batches = reading.Batches(root, fileset.PROJECTS, reading.summary_values)
    seen: set[str] = set()
    fresh: list[str] = []  # seen, not yet asked of the cache (asked part by part, not commit by commit)
    classified: dict[tuple[str, str], fileset.Entry | None] = {}  # a path is met again and again
    commits: list[tuple[git.Commit, list[tuple[git.Change, fileset.Entry | None]]]] = []
    for commit, raw in git.log(root, revisions, [projects], newest_first=True):
        listed = []
        for c in raw:
            # which files are records is decided as everywhere else: by the one file set, with git's modes
            entry = classified.get((c.path, c.new_mode), _UNSEEN)
            if entry is _UNSEEN:
                entry = classified[c.path, c.new_mode] = fileset.classify_git(git.inside(c.path, prefix), c.new_mode)
            listed.append((c, entry))
            if entry is not None:
                for sha in _readable(c, entry):
                    if sha not in seen:
                        seen.add(sha)
                        fresh.append(sha)
        commits.append((commit, listed))
        if len(fresh) >= reading.PARALLEL_FROM:
            batches.add(_uncached(cache, fresh))
            fresh = []
    batches.add(_uncached(cache, fresh))
    commits.reverse()
    summaries = reading.summaries_of(root, cache, batches, seen)
    start = len(state.order)
    transitions: list[Transition] = []
    for i, (commit, listed) in enumerate(commits):
        state.order[commit.sha] = start + i
        found, ids = _commit_transitions(commit, listed, summaries, state)
        transitions.extend(found)
        for project_id in ids:
            state.touched[project_id] = max(state.touched.get(project_id, ""), commit.date[:10])
    return transitions, len(commits)


_UNSEEN = fileset.Entry("", "")


def _uncached(cache: Cache, blobs: list[str]) -> list[str]:
    """Those of ``blobs`` the cache has no summary of (an incremental walk finds most; a cold one none)."""
    if not blobs:
        return []
    known = cache.has("summary", blobs)
    return [b for b in blobs if b not in known]


def _old_records(change: git.Change) -> list[str]:
    """The parents' blobs of a change that were records (a link was not, whatever it pointed at)."""
    modes = change.old_modes or ("100644",) * len(change.olds)
    return [old for old, mode in zip(change.olds, modes, strict=False) if mode != fileset.LINK_MODE and old != git.ZERO]


def _readable(change: git.Change, entry: fileset.Entry) -> list[str]:
    """The blobs of a change to read: never a link, never a hidden copy."""
    if _hidden(entry):
        return []
    return _old_records(change) + ([change.new] if entry.ok else [])


def _hidden(entry: fileset.Entry) -> bool:
    return entry.problem is not None and entry.problem.code == "hidden-record"


def _commit_transitions(commit: git.Commit, changes: list[tuple[git.Change, fileset.Entry | None]],
                        summaries: dict[str, Summary | Problem], state: _Walk) -> tuple[list[Transition], set[str]]:
    """The moves of one commit: each project after it against its version in each parent.

    A project moves when its stage now is none of its parents' stages (for an
    ordinary commit, the one parent's); it moves from its first parent's.
    """
    before: dict[str, list[Summary]] = {}
    after: dict[str, Summary] = {}
    unreadable_before = False
    blobs: dict[str, str] = {}
    for change, entry in changes:
        if entry is None:
            continue
        for old in [] if _hidden(entry) else _old_records(change):
            summary = summaries.get(old)
            if isinstance(summary, Summary):
                before.setdefault(summary.id, []).append(summary)
                if len(before[summary.id]) == 1:  # its state just before this commit (in the first parent):
                    state.last_known[summary.id] = summary  # what comes next is compared with, should this break it
            else:
                unreadable_before = True
        if change.new == git.ZERO:
            continue
        problem = entry.problem or summaries.get(change.new)
        if isinstance(problem, Problem):
            state.problems.append(BlobProblem(commit.sha, commit.date, reading.at(problem, entry.path)))
        elif isinstance(problem, Summary):
            after[problem.id] = problem
            blobs[problem.id] = change.new
    trailers = commit.trailers()
    note, reason = commit.note(), trailers.get("Holp-Reason")
    forced = trailers.get("Holp-Forced") == "true"
    found = []
    for project_id, now in after.items():
        was = before.get(project_id) or []
        if not was and unreadable_before and project_id in state.last_known:
            was = [state.last_known[project_id]]  # it was broken just before: compare with its last good state
        if now.stage not in [w.stage for w in was] or not was:
            source = was[0].stage if was else None
            if source != now.stage:
                found.append(Transition(project_id, source, now.stage, commit.sha, commit.author, commit.email,
                                        commit.date, note, reason, forced=forced, blob=blobs[project_id]))
        if was:
            for name in FIELDS:
                new_value = getattr(now, name)
                if new_value not in [getattr(w, name) for w in was]:
                    found.append(Transition(project_id, getattr(was[0], name), new_value, commit.sha,
                                            commit.author, commit.email, commit.date, note, reason, field=name))
        state.last_known[project_id] = now
    return found, set(after) | set(before)


@dataclass(frozen=True)
class UnknownAuthor:
    """An author email that is no rep's in team.yaml: their commits are attributed to nobody."""

    email: str
    author: str  # as git has it
    commits: tuple[str, ...]  # oldest first

    def commits_text(self, shown: int = 3) -> str:
        shas = [c[:8] for c in self.commits]
        more = f" and {len(shas) - shown} more" if len(shas) > shown else ""
        return f"commit{'s' if len(shas) > 1 else ''} {', '.join(shas[:shown])}{more}"

    def as_text(self) -> str:
        return (f"{self.commits_text()} by {self.author} <{self.email}>: that email is no rep's in team.yaml; "
                "add it to the rep's `emails` in team.yaml")


def unknown_authors(team: Team, commits: Iterable[tuple[str, str, str]]) -> list[UnknownAuthor]:
    """The emails of these (sha, author, email) commits that no rep of ``team`` has, in the order first seen."""
    found: dict[str, tuple[str, str, list[str]]] = {}  # by the email in lower case, as reps are matched
    for sha, author, email in commits:
        if team.rep_by_email(email) is None:
            _, _, shas = found.setdefault(email.lower(), (email, author, []))
            if sha not in shas:
                shas.append(sha)
    return [UnknownAuthor(email, author, tuple(shas)) for email, author, shas in found.values()]


def select(transitions: Iterable[Transition], team: Team | None, *, project: str | None = None,
           since: dt.date | None = None, until: dt.date | None = None, author: str | None = None,
           fields: bool = False) -> list[Transition]:
    """Transitions filtered as `holp history` filters them; ``author`` is an email or a rep id."""
    emails: set[str] = set()
    if author:
        emails.add(author.lower())
        rep = team.rep(author) if team is not None else None
        if rep:
            emails.update(e.lower() for e in rep.all_emails)
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


def projects_at(root: Path, revision: str, *, use_cache: bool = True, projects: str = "projects",
                cache: Cache | None = None) -> dict[str, tuple[Summary, str, str]]:
    """id → (summary, blob, path) of every project at ``revision``, read from git (the work tree is not touched).

    Like every report, a project whose id two files hold is in neither (which one holds the truth is for a
    person to say).
    """
    cache = cache or Cache(root, use_cache)
    entries = [e for mode, sha, path in git.tree(root, revision, [projects])
               if (e := fileset.classify_git(path, mode, sha)) is not None and e.ok and e.blob]
    summaries = light_summaries(root, cache, [e.blob for e in entries if e.blob])
    found: dict[str, tuple[Summary, str, str]] = {}
    twice: set[str] = set()
    for e in entries:
        summary = summaries.get(e.blob or "")
        if not isinstance(summary, Summary) or not e.blob:
            continue
        if summary.id in found:
            twice.add(summary.id)
        else:
            found[summary.id] = (summary, e.blob, e.path)
    return {k: v for k, v in found.items() if k not in twice}


def summaries_at(root: Path, revision: str, *, use_cache: bool = True, projects: str = "projects",
                 cache: Cache | None = None) -> list[Summary]:
    """The summary of every project at ``revision`` (see `projects_at`)."""
    return [s for s, _, _ in projects_at(root, revision, use_cache=use_cache, projects=projects, cache=cache).values()]
