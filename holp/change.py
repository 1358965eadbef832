"""One change to one project file, written atomically and committed alone.

Commands plan a `Change` (what the file should become and how to say it in
a commit); `apply` does the rest in a fixed order so that a refusal at any
step leaves the tree and HEAD as they were: lock the repository, load it,
plan (a refused move stops here), compute the new bytes and verify them,
check git (identity, lock, branch, conflicts), optionally make the branch,
then `holp.transaction` writes and commits the files as one step (and
puts them back if the commit fails, or holp is interrupted or killed).
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holp import edit, git, transaction
from holp import repo as repository
from holp.errors import FAILED, HolpError
from holp.model import Project


@dataclass(frozen=True)
class FileEdit:
    """A change to another file that goes into the same commit (a customer's contacts after a visit)."""

    path: str  # relative to the repository
    textual: Callable[[edit.Source], str]
    expect: Callable[[Any], None]


@dataclass(frozen=True)
class Change:
    subject: str
    textual: Callable[[edit.Source], str]
    expect: Callable[[Any], None]
    trailers: list[tuple[str, str]] = field(default_factory=list)
    note: str | None = None
    round_trip: Callable[[edit.Source], str | None] | None = None
    branch: str = "change"  # the default branch name's suffix
    also: list[FileEdit] = field(default_factory=list)


@dataclass(frozen=True)
class Applied:
    subject: str
    path: str
    sha: str | None = None
    branch: str | None = None
    diff: str | None = None


def message(change: Change) -> str:
    def one_line(text: str) -> str:
        return " ".join(text.split())

    parts = [change.subject]
    if change.note:
        parts.append(change.note.strip())
    parts.append("\n".join(f"{key}: {one_line(value)}" for key, value in change.trailers))
    return "\n\n".join(parts) + "\n"


def _refuse_broken_process(repo: repository.Repository) -> None:
    from holp.model.schema import config_schema
    from holp.model.shape import config_problems, schema_problems, schema_validator

    problems = [p for p in [*repo.config.problems, *config_problems(repo.config, repo.process),
                            *schema_problems(repo.config, schema_validator(config_schema()), "config")]
                if p.severity == "error"]
    if problems:
        raise HolpError("holp.yaml has errors: no project moves until they are fixed", FAILED, problems)


def apply(root: Path, project_id: str, plan: Callable[[repository.Repository, Project], Change], *,
          commit: bool = True, branch: str | None = None, dry_run: bool = False) -> Applied:
    committing = commit and not dry_run
    if branch is not None and not commit:
        raise HolpError("--branch commits on the new branch; it cannot go with --no-commit")
    # in a git repository every change needs git (--no-commit too): its lock and journal live in the git folder
    in_git = dry_run or git.toplevel(root) is not None
    if committing and not in_git:
        raise HolpError(f"{root} is not in a git repository: run `git init`, or pass --no-commit")
    lock = contextlib.nullcontext() if dry_run else transaction.locked(root)
    with lock:
        if committing:
            git.preflight(root, need_branch=branch is None)
        repo = repository.load(root, recover=False)
        _refuse_broken_process(repo)
        project = repo.project(project_id)
        change = plan(repo, project)
        edits = [(project.path, change.textual, change.expect, change.round_trip)]
        edits += [(e.path, e.textual, e.expect, None) for e in change.also]
        writes: list[transaction.Write] = []
        for relative, textual, expect, round_trip in edits:
            path = root / relative
            shown = repository.display_path(path)
            if committing and git.has_changes(root, Path(relative)):
                raise HolpError(f"{shown} has changes that are not committed: commit them first, so the commit of "
                                "this change holds only this change (or pass --no-commit)")
            raw = path.read_bytes()
            new = edit.change(shown, raw, textual, expect, round_trip=round_trip)
            writes.append(transaction.Write(str(relative), shown, raw, new))
        shown = writes[0].shown
        if dry_run:
            diff = "".join("".join(difflib.unified_diff(
                w.old.decode("utf-8-sig").splitlines(keepends=True), w.new.decode("utf-8-sig").splitlines(keepends=True),
                fromfile=f"a/{repository.relative_to(root, root / w.relative)}",
                tofile=f"b/{repository.relative_to(root, root / w.relative)}")) for w in writes)
            return Applied(change.subject, shown, diff=diff)
        made = None if branch is None else (branch or f"holp/{project.id}-{change.branch}")
        sha = transaction.run(root, writes, message(change) if commit else None, made)
        return Applied(change.subject, shown, sha=sha, branch=made)


def move_change(move: Any, lost_entries: list[tuple[str, Any]] | None = None) -> Change:
    """The file change and commit of a planned stage move (`holp.stages.Move`)."""
    from holp.model import LOST

    trailers = [("Holp-Project", move.project.id), ("Holp-From", move.source), ("Holp-To", move.target)]
    if move.reason:
        trailers.append(("Holp-Reason", move.reason))
    if move.forced:
        trailers.append(("Holp-Forced", "true"))

    def textual(source: edit.Source) -> str:
        text = edit.set_value(source, ["stage"], move.target)
        after = edit.Source(source.path, source.bom, text)
        if move.target == LOST:
            if edit.has_key(after, "lost"):  # a stale record from an earlier loss
                after = edit.Source(source.path, source.bom, edit.remove_key(after, "lost"))
            return edit.insert_after(after, "stage", "lost", lost_entries or [])
        if move.source == LOST:
            return edit.remove_key(after, "lost")
        return text

    def expect(data: Any) -> None:
        data["stage"] = move.target
        if move.target == LOST:
            data["lost"] = dict(lost_entries or [])
        elif move.source == LOST:
            data.pop("lost", None)

    simple = move.target != LOST and move.source != LOST
    return Change(
        subject=f"{move.project.id}: {move.source} → {move.target}",
        textual=textual,
        expect=expect,
        trailers=trailers,
        note=move.note,
        round_trip=(lambda source: edit.round_trip_set(source, ["stage"], move.target)) if simple else None,
        branch=move.target,
    )


def tick_change(project: Project, stage: str, item: str, value: str, note: str | None = None) -> Change:
    def expect(data: Any) -> None:
        checklist = data.get("checklist")
        if not isinstance(checklist, dict):
            checklist = data["checklist"] = {}
        ticks = checklist.get(stage)
        if not isinstance(ticks, dict):
            ticks = checklist[stage] = {}
        ticks[item] = value

    return Change(
        subject=f"{project.id}: tick {stage}.{item}",
        textual=lambda source: edit.set_value(source, ["checklist", stage, item], value),
        expect=expect,
        trailers=[("Holp-Project", project.id), ("Holp-Tick", f"{stage}.{item}")],
        note=note,
        branch=f"{stage}-{item}",
    )
