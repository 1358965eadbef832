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
import dataclasses
import difflib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from holp import edit, git, transaction, yaml
from holp import repo as repository
from holp.errors import FAILED, HolpError
from holp.fileset import CUSTOMERS, PROJECTS
from holp.model import Customer, Project
from holp.problems import ERROR, Problem


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
    judged: bool = False  # a gate was judged on the project and its customer: the customer's edits go in too


@dataclass(frozen=True)
class Applied:
    subject: str
    path: str
    sha: str | None = None
    branch: str | None = None
    diff: str | None = None
    hand: list[str] = field(default_factory=list)  # the rep's own edits that went into the commit, as said there


def message(change: Change, hand: list[str] | None = None) -> str:
    def one_line(text: str) -> str:
        return " ".join(text.split())

    parts = [change.subject]
    if change.note:
        parts.append(change.note.strip())
    trailers = [*change.trailers, *((HAND_EDIT, line) for line in hand or [])]
    parts.append("\n".join(f"{key}: {one_line(value)}" for key, value in trailers))
    return "\n\n".join(parts) + "\n"


def _refuse_broken_process(repo: repository.Repository) -> None:
    from holp.model.schema import config_schema
    from holp.model.shape import config_problems, schema_problems, schema_validator

    problems = [p for p in [*repo.config.problems, *config_problems(repo.config, repo.process),
                            *schema_problems(repo.config, schema_validator(config_schema()), "config")]
                if p.severity == "error"]
    if problems:
        raise HolpError("holp.yaml has errors: no project moves until they are fixed", FAILED, problems)


R = TypeVar("R", bound=Project | Customer)  # the record a change edits

HAND_EDIT = "Holp-Hand-Edit"  # the trailer naming a file whose edits by hand went into holp's commit


@dataclass(frozen=True)
class HandEdit:
    """A file the rep edited (or made) and did not commit, which a change commits with its own edit."""

    relative: str
    shown: str
    added: int
    removed: int
    new: bool

    def __str__(self) -> str:
        return f"{self.relative} (new file)" if self.new else f"{self.relative} (+{self.added} -{self.removed} lines)"


def _hand_edit(root: Path, relative: str, shown: str) -> HandEdit | None:
    """The rep's uncommitted edits of ``relative`` (None: it is as HEAD has it)."""
    from holp import snapshot

    if not git.has_changes(root, Path(relative)):
        return None
    old = snapshot.blob_at(root, "HEAD", relative)
    if old is None:
        return HandEdit(relative, shown, 0, 0, new=True)
    # lines as git counts them, ends included: an editor that rewrote every line end (CRLF) changed every line
    before = io.BytesIO(old).readlines()
    after = io.BytesIO((root / relative).read_bytes()).readlines()
    added = removed = 0
    for line in list(difflib.diff_bytes(difflib.unified_diff, before, after, n=0))[2:]:  # after the two file names
        added += line.startswith(b"+")
        removed += line.startswith(b"-")
    return HandEdit(relative, shown, added, removed, new=False)


def _committed_record(root: Path, folder: str, relative: str) -> Customer | Project | None:
    """The record HEAD's version of a file holds (None: no such version, or it is no record)."""
    from holp import reading, snapshot

    old = snapshot.blob_at(root, "HEAD", relative)
    if old is None:
        return None
    found = reading.record_of(folder, yaml.read(relative, old), relative)
    return found if isinstance(found, Customer | Project) else None


def _refuse_new_id(root: Path, record: Customer | Project, committed: Customer | Project | None) -> None:
    """A record whose id was changed by hand in its file (``committed``: what the last commit has there): to
    history and review a record is its id, so the commit would end one record and start another (a project at a
    later stage than the first, out of nowhere)."""
    if committed is not None and committed.id != record.id:
        what = "project" if isinstance(record, Project) else "customer"
        raise HolpError(f"{repository.display_path(root / record.path)}: the id was changed by hand ({committed.id} → "
                        f"{record.id}): put it back to {committed.id}; holp and review follow a record by its id (to "
                        f"them this is a new {what}, its history lost), so a new id is a new file (holp new)", FAILED)


def _refuse_moved(root: Path, repo: repository.Repository, hand: list[HandEdit]) -> None:
    """A record file new to git must not hold a record whose file it deleted: that file was moved by hand (to
    another region's folder), and holp's commit would add the new file and keep the old one, one id in two files."""
    records: dict[str, Customer | Project] = {r.path: r for r in repo.projects.values()}
    records.update((r.path, r) for r in repo.customers.values())
    for h in hand:
        record = records.get(h.relative)
        if record is None or not h.new:
            continue
        folder = PROJECTS if isinstance(record, Project) else CUSTOMERS
        for gone in git.deleted(root, folder):
            old = _committed_record(root, folder, gone)
            if old is not None and old.id == record.id:
                was = repository.display_path(root / gone)
                raise HolpError(f"{h.shown} holds {record.id}, which the last commit has in {was}: the file was "
                                "moved, and holp would commit only the new one (one id in two files); commit the move "
                                f"first (git add {was} {h.shown} && git commit), then run holp again", FAILED)


def _refuse_unjudgeable(root: Path, project: Project) -> None:
    """Refuse, before a change is planned on them, the edits that would make its commit wrong: a process
    (holp.yaml) that differs from the committed one, or a stage changed by hand."""
    if git.has_changes(root, Path(repository.CONFIG)):
        shown = repository.display_path(root / repository.CONFIG)
        if not git.is_tracked(root, repository.CONFIG):
            raise HolpError(f"{shown} is not committed yet: commit the repository's files first "
                            "(git add holp.yaml team.yaml && git commit)", FAILED)
        raise HolpError(f"{shown} has changes that are not committed: holp would judge this change by them, and "
                        "review judges by the committed process; commit holp.yaml first (or undo the edit)", FAILED)
    committed = _committed_record(root, PROJECTS, project.path)
    _refuse_new_id(root, project, committed)
    if isinstance(committed, Project) and committed.stage != project.stage:
        raise HolpError(f"{repository.display_path(root / project.path)}: the stage was changed by hand "
                        f"({committed.stage} → {project.stage}): put it back to {committed.stage}; holp advance, close "
                        "and reopen move a project, with the commit a reviewer can check", FAILED)


def _judged_on_edits(repo: repository.Repository, project: Project, customer: Customer,
                     committed: Customer | Project | None,
                     plan: Callable[[repository.Repository, Any], Change]) -> bool:
    """Whether the change stands only on the rep's uncommitted edits of the customer's file: refused with the
    committed version (or there is none). Then the edits go into its commit, so that the commit a reviewer
    checks holds what the gate was judged on; otherwise they stay the rep's, uncommitted."""
    if not isinstance(committed, Customer):
        return True
    try:
        plan(dataclasses.replace(repo, customers={**repo.customers, customer.id: committed}), project)
    except HolpError:
        return True
    return False


def _take_customer_edits(root: Path, repo: repository.Repository, project: Project, change: Change,
                         plan: Callable[[repository.Repository, Any], Change], paths: list[str],
                         hand: list[HandEdit]) -> None:
    """Add to ``hand`` the edits of the project's customer file that go into the change's commit."""
    customer = repo.customer_of(project)
    if customer is None and project.customer:  # a customer new to git goes in too, so it must be readable
        unread = repo.unreadable_file(project.customer, CUSTOMERS)
        found = None if unread is None else _hand_edit(root, unread, repository.display_path(root / unread))
        if unread is not None and found is not None and found.new:
            raise HolpError(f"{found.shown} (customer {project.customer} of {project.id}) cannot be read, and git does "
                            "not have it yet: fix it first, or the commit would name a customer it does not hold",
                            FAILED, [repo.unreadable[unread]])
    if customer is not None:
        edited = next((h for h in hand if h.relative == customer.path), None) or _hand_edit(
            root, customer.path, repository.display_path(root / customer.path))
        committed = None if edited is None or edited.new else _committed_record(root, CUSTOMERS, customer.path)
        _refuse_new_id(root, customer, committed)  # also when its edits stay out: the project may name its new id
        # a customer never committed goes in with its project's first commit (else that commit names a customer
        # that is not there); edits of a committed one go in when the gate judged on them stands only on them
        if edited is not None and customer.path not in paths and (
                edited.new or (change.judged and _judged_on_edits(repo, project, customer, committed, plan))):
            hand.append(edited)


def _take_hand_edits(root: Path, repo: repository.Repository, record: Project | Customer, change: Change,
                     plan: Callable[[repository.Repository, Any], Change]) -> list[HandEdit]:
    """The rep's own edits that this change commits with it: of the record's file, of the files the change
    edits, and (a project's, when a gate was judged on it) of the customer's file. Refused, with the file named,
    when they have errors (the same validation as `holp validate`)."""
    from holp.validate import validate

    paths = [record.path, *(e.path for e in change.also)]
    hand = [found for relative in paths
            if (found := _hand_edit(root, relative, repository.display_path(root / relative))) is not None]
    if isinstance(record, Project):
        _take_customer_edits(root, repo, record, change, plan, paths, hand)
    if not hand:
        return []
    _refuse_moved(root, repo, hand)
    shown = {h.shown for h in hand}
    judges = [(repo, "have errors: fix them, so that they can go into the commit of this change")]
    if git.has_changes(root, Path(repository.TEAM)):
        # the commit does not hold the rep's team.yaml: its edits are checked by the one it will be read with too
        from holp import snapshot
        from holp.model.process import load_team

        doc = snapshot.team_document_at(root, "HEAD")
        judges.append((dataclasses.replace(repo, team_doc=doc, team=load_team(doc)),
                       "have errors by the team.yaml of the last commit, which CI checks them by (your team.yaml has "
                       "changes that are not committed): commit team.yaml first, then run holp again"))
    for judged, why in judges:
        problems = [p for p in validate(judged, lambda path: path in shown) if p.severity == ERROR]
        if problems:
            raise HolpError(f"your edits to {', '.join(sorted({p.path for p in problems}))} {why}", FAILED, problems)
    return hand


def apply(root: Path, project_id: str, plan: Callable[[repository.Repository, Project], Change], *,
          commit: bool = True, branch: str | None = None, dry_run: bool = False) -> Applied:
    return _apply(root, lambda repo: repo.project(project_id), plan, commit=commit, branch=branch, dry_run=dry_run,
                  record_id=project_id)


def apply_record(root: Path, record_id: str,
                 plan: Callable[[repository.Repository, Project | Customer], Change], *,
                 commit: bool = True, branch: str | None = None, dry_run: bool = False) -> Applied:
    """`apply` to a project or a customer, by its id (a task or an expense not tied to a deal sits on a customer)."""
    return _apply(root, lambda repo: repo.find(record_id, PROJECTS, CUSTOMERS), plan, commit=commit, branch=branch,
                  dry_run=dry_run, record_id=record_id)


def _load_for(root: Path, record_id: str) -> repository.Repository | None:
    """The repository as a change of ``record_id`` reads it, with only the files it needs read: those holding that
    id or its customer's, and every file that cannot be read (one of them may be the record). What each file holds
    comes from `snapshot.holdings` (the cache's records of unchanged files), so a change costs one file's reading,
    not ten thousand. None when no file holds the id: the whole repository is read then, to say which ids there
    are."""
    from holp import fileset, reading, snapshot
    from holp.model.views import Deal

    looks_alike, held = snapshot.holdings(root)
    ids = {record_id}
    for _, _, item in held:
        if not isinstance(item, Problem) and item[0] == record_id and isinstance(item[2], Deal) and item[2].customer:
            ids.add(item[2].customer)
    if not any(not isinstance(item, Problem) and item[0] == record_id for _, _, item in held):
        return None
    repo = repository.load(root, records=False, recover=False)
    show = repository.displayer(root)
    for folder, path, item in held:
        if isinstance(item, Problem) or item[0] in ids:
            repo.add(fileset.Entry(folder, path), reading.read_file(root / path, show(path)))
    for entry in looks_alike:
        repo.add(entry, None)
    return repo


def _hand_edited(root: Path, repo: repository.Repository, record: Project | Customer, change: Change) -> bool:
    """Whether a file the change may take the rep's own edits from has any (or the customer cannot be found)."""
    paths = [record.path, *(e.path for e in change.also)]
    if isinstance(record, Project):
        customer = repo.customer_of(record)
        if customer is None:
            return True
        paths.append(customer.path)
    return any(git.has_changes(root, Path(p)) for p in paths)


def _apply(root: Path, find: Callable[[repository.Repository], R], plan: Callable[[repository.Repository, R], Change],
           *, commit: bool, branch: str | None, dry_run: bool, record_id: str | None = None) -> Applied:
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
        repo = (_load_for(root, record_id) if record_id is not None else None) or repository.load(root, recover=False)
        while True:
            _refuse_broken_process(repo)
            record = find(repo)
            if committing and isinstance(record, Project):
                _refuse_unjudgeable(root, record)
            elif committing:
                _refuse_new_id(root, record, _committed_record(root, CUSTOMERS, record.path))
            change = plan(repo, record)
            if committing and record_id is not None and _hand_edited(root, repo, record, change):
                # the rep's own edits go into the commit once every file has judged them, as `validate` does
                record_id = None
                repo = repository.load(root, recover=False)
                continue
            break
        hand = _take_hand_edits(root, repo, record, change, plan) if committing else []
        edits = [(record.path, change.textual, change.expect, change.round_trip)]
        edits += [(e.path, e.textual, e.expect, None) for e in change.also]
        writes: list[transaction.Write] = []
        for relative, textual, expect, round_trip in edits:
            path = root / relative
            shown = repository.display_path(path)
            raw = path.read_bytes()
            new = edit.change(shown, raw, textual, expect, round_trip=round_trip)
            writes.append(transaction.Write(str(relative), shown, raw, new))
        shown = writes[0].shown
        if dry_run:
            diff = "".join("".join(difflib.unified_diff(
                (w.old or b"").decode("utf-8-sig").splitlines(keepends=True),
                w.new.decode("utf-8-sig").splitlines(keepends=True),
                fromfile=f"a/{repository.relative_to(root, root / w.relative)}",
                tofile=f"b/{repository.relative_to(root, root / w.relative)}")) for w in writes)
            return Applied(change.subject, shown, diff=diff)
        made = None if branch is None else (branch or f"holp/{record.id}-{change.branch}")
        edited = {w.relative for w in writes}
        carried = [h for h in hand if h.relative not in edited]  # committed as they are, beside holp's own edits
        writes += [transaction.Write(h.relative, h.shown, (root / h.relative).read_bytes(),
                                     (root / h.relative).read_bytes()) for h in carried]
        said = [str(h) for h in hand]
        sha = transaction.run(root, writes, message(change, said) if commit else None, made)
        return Applied(change.subject, shown, sha=sha, branch=made, hand=said)


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
        judged=True,
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
