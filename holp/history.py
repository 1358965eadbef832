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

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from holp import git, yaml
from holp.cache import Cache
from holp.model import Team

FIELDS = ("amount", "expected_close")
_TOP = re.compile(rb"^(id|stage|amount|expected_close|probability)[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$", re.MULTILINE)
_SAFE_VALUE = re.compile(rb"[A-Za-z0-9_.+-][A-Za-z0-9_.:+-]*")


class Summary(NamedTuple):
    """What history needs of one version of a project file (a tuple: it is cached by the hundred thousand)."""

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
    touched: dict[str, str] = field(default_factory=dict)  # project id → date of the last commit changing it


def _sort_key(t: Transition, order: dict[str, int]) -> tuple[dt.datetime, int]:
    return dt.datetime.fromisoformat(t.date), order.get(t.commit, 0)


def _scope(root: Path) -> str:
    """Which sales repository of the git repository a history belongs to (it may be a subfolder)."""
    top = git.toplevel(root)
    return os.path.relpath(root.resolve(), top.resolve()) if top else "."


def light_summaries(root: Path, cache: Cache, shas: Iterable[str]) -> dict[str, Summary | None]:
    """The summaries of these blobs: from the cache, the rest read in one cat-file batch and cached."""
    wanted = [sha for sha in dict.fromkeys(shas) if sha != git.ZERO]
    found = {sha: Summary(*v) if v is not None else None for sha, v in cache.get("light", wanted).items()}
    missing = [sha for sha in wanted if sha not in found]
    new = {sha: summarize(raw) for sha, raw in git.CatFile(root).read(missing, limit=yaml.MAX_BYTES).items()}
    cache.put("light", {sha: list(v) if v is not None else None for sha, v in new.items()})
    found.update(new)
    return found


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
    saved = cache.meta(key) if revisions is None else None
    depth = _shallow_state(root)
    if saved and saved.get("shallow") != depth:
        saved = None  # fetched deeper (or made shallower) since: walk again
    previous: list[Transition] = []
    order: dict[str, int] = {}
    touched: dict[str, str] = {}
    last_known: dict[str, Summary] = {}
    if saved and saved["head"] == head:
        transitions = [Transition(**t) for t in saved["transitions"]]
        order = saved["order"]
        transitions.sort(key=lambda t: _sort_key(t, order))
        return History(transitions, head, shallow, 0, saved["touched"])
    if revisions is not None:
        last_known = {}
    if revisions is not None:
        walk = revisions
    elif saved and git.is_ancestor(root, saved["head"], head):
        walk = [f"{saved['head']}..{head}"]
        previous = [Transition(**t) for t in saved["transitions"]]
        order, touched = saved["order"], saved["touched"]
        last_known = {k: Summary(*v) for k, v in saved["last_known"].items()}
    else:
        walk = [head]
    new, count = _walk(root, walk, projects, cache, order, touched, last_known)
    transitions = previous + new
    if revisions is None:
        cache.set_meta(key, {"head": head, "order": order, "touched": touched, "shallow": depth,
                             "last_known": {k: list(v) for k, v in last_known.items()},
                             "transitions": [t.__dict__ for t in transitions]})
    transitions.sort(key=lambda t: _sort_key(t, order))
    return History(transitions, head, shallow, count, touched)


def _shallow_state(root: Path) -> str | None:
    """What makes a clone shallow (the .git/shallow file), so a deeper fetch is noticed."""
    shallow = git.git_dir(root) / "shallow"
    try:
        return shallow.read_text(encoding="ascii")
    except OSError:
        return None


def _walk(root: Path, revisions: list[str], projects: str, cache: Cache, order: dict[str, int],
          touched: dict[str, str], last_known: dict[str, Summary]) -> tuple[list[Transition], int]:
    commits = list(git.log(root, revisions, [projects]))
    start = len(order)
    for i, (commit, _) in enumerate(commits):
        order[commit.sha] = start + i
    summaries = light_summaries(root, cache, (sha for _, changes in commits for olds, new, _, _ in changes
                                              for sha in (*olds, new)))
    transitions: list[Transition] = []
    for commit, changes in commits:
        found, ids = _commit_transitions(commit, changes, summaries, last_known)
        transitions.extend(found)
        for project_id in ids:
            touched[project_id] = max(touched.get(project_id, ""), commit.date[:10])
    return transitions, len(commits)


def _commit_transitions(commit: git.Commit, changes: Iterable[git.Change], summaries: dict[str, Summary | None],
                        last_known: dict[str, Summary]) -> tuple[list[Transition], set[str]]:
    """The moves of one commit: each project after it against its version in each parent.

    A project moves when its stage now is none of its parents' stages (for an
    ordinary commit, the one parent's); it moves from its first parent's.
    """
    before: dict[str, list[Summary]] = {}
    after: dict[str, Summary] = {}
    unreadable_before = False
    blobs: dict[str, str] = {}
    for olds, new, _, _ in changes:
        for old in olds:
            if old == git.ZERO:
                continue
            summary = summaries.get(old)
            if summary is not None:
                before.setdefault(summary.id, []).append(summary)
            else:
                unreadable_before = True
        if new != git.ZERO:
            summary = summaries.get(new)
            if summary is not None:
                after[summary.id] = summary
                blobs[summary.id] = new
    trailers = commit.trailers()
    note, reason = commit.note(), trailers.get("Holp-Reason")
    forced = trailers.get("Holp-Forced") == "true"
    found = []
    for project_id, now in after.items():
        was = before.get(project_id) or []
        if not was and unreadable_before and project_id in last_known:
            was = [last_known[project_id]]  # it was broken just before: compare with its last good state
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
        last_known[project_id] = now
    return found, set(after) | set(before)


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


def summaries_at(root: Path, revision: str, *, use_cache: bool = True, projects: str = "projects",
                 cache: Cache | None = None) -> list[Summary]:
    """The summary of every project file at ``revision``, read from git (the work tree is not touched)."""
    cache = cache or Cache(root, use_cache)
    entries = [sha for sha, path in git.ls_tree(root, revision, [projects]) if path.endswith((".yaml", ".yml"))]
    summaries = light_summaries(root, cache, entries)
    return [s for sha in entries if (s := summaries.get(sha)) is not None]
