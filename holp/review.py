"""Review of a branch: every stage move between its merge base and HEAD, each checked.

A move is legal when: a new project starts at the first stage; leaving a
stage forward, its gate is met in the file the move committed (or the move
was forced with a reason, which is flagged); a skip, a move back and a
reopening carry a ``Holp-Reason``; a lost project records a configured lost
reason. The files the branch touched are validated too, and the change in
weighted pipeline is computed from the two trees in git.

The rules come from the merge base: holp.yaml and team.yaml as the base has
them, never as the branch has them, so no branch makes its own move legal by
changing the process. A branch that changes holp.yaml, team.yaml or
templates/ is a finding of its own, for an owner of those files to approve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from holp import fileset, git, history, reading, snapshot, yaml
from holp.cache import Cache
from holp.errors import HolpError
from holp.fileset import CUSTOMERS, PROJECTS
from holp.gates import GateStatus, gate
from holp.model import Customer, Process, Project, Team, build_team
from holp.model.activity import Approval, Expense
from holp.model.process import load_team
from holp.pipeline import open_weighted
from holp.problems import Problem
from holp.repo import CONFIG, RULE_FILES, Repository
from holp.stages import FORWARD, SKIP, classify, judge


@dataclass
class MoveReview:
    transition: history.Transition
    name: str
    problems: list[str] = field(default_factory=list)  # what makes it illegal
    flags: list[str] = field(default_factory=list)  # legal, but a reviewer should look
    gate: GateStatus | None = None

    @property
    def legal(self) -> bool:
        return not self.problems




# -- approvals committed by someone other than their approver ---------------------------------------------------


@dataclass(frozen=True)
class ApprovalByOther:
    """An approval entry a commit of the branch added whose author (as team.yaml maps the email) is not its ``by``,
    or whose committer is another member of team.yaml (an author's email is only what the committer wrote): an
    approval is given by the approver, committing as themselves (`holp approve`)."""

    commit: str
    project: str
    number: int  # the approval's place in the project's approvals, from 1
    item: str | None
    by: str | None
    author: str  # as git has it
    email: str
    member: str | None  # the team member with that email, if any
    committer: str | None = None  # the team member who committed it, when another than the approver

    def as_text(self) -> str:
        who = self.member or f"{self.author} <{self.email}>, no member of team.yaml"
        if self.committer is not None and self.member == self.by:
            who = f"{self.committer} (authored as {self.member})"
        return (f"approval {self.number} of {self.item} on {self.project} names {self.by} as approver but was "
                f"committed by {who} (commit {self.commit[:8]}): the approver commits it, with `holp approve`")

    def as_dict(self) -> dict[str, object]:
        return {"commit": self.commit, "project": self.project, "number": self.number, "item": self.item,
                "by": self.by, "author": self.author, "email": self.email, "member": self.member,
                "committer": self.committer, "message": self.as_text()}


def approvals_by_others(root: Path, team: Team, base: str, head: str) -> list[ApprovalByOther]:
    """The approvals each non-merge commit of base..head added to a project file (entries its parent's file lacks)
    whose author is not the approver. A merge adds nothing of its own here: its sides' commits are in the range.
    One `git log` and one batch of blobs, however long the branch."""
    edits = []
    for commit, changes in git.log(root, [f"{base}..{head}"], [PROJECTS]):
        if len(commit.parents) > 1:
            continue
        for change in changes:
            if change.new == git.ZERO or change.new_mode == fileset.LINK_MODE or not change.path.endswith(".yaml"):
                continue
            old = change.olds[0] if change.olds and (not change.old_modes or
                                                     change.old_modes[0] != fileset.LINK_MODE) else git.ZERO
            edits.append((commit, change.path, old, change.new))
    blobs = git.CatFile(root).read(list({b for _, _, old, new in edits for b in (old, new) if b != git.ZERO}),
                                   limit=yaml.MAX_BYTES)
    found = []
    for commit, path, old, new in edits:
        project_id, after = _approvals_in(blobs.get(new), path)
        known = [_said(a) for a in _approvals_in(blobs.get(old), path)[1]]
        member = team.rep_by_email(commit.email)
        committer = team.rep_by_email(commit.committer_email)
        for number, approval in enumerate(after, 1):
            if _said(approval) in known:
                known.remove(_said(approval))
            elif member is None or member.id != approval.by or (committer is not None and committer.id != approval.by):
                found.append(ApprovalByOther(commit.sha, project_id or path, number, approval.item, approval.by,
                                             commit.author, commit.email, member.id if member else None,
                                             committer.id if committer is not None and committer.id != approval.by
                                             else None))
    return found


def _approvals_in(raw: bytes | None, path: str) -> tuple[str | None, tuple[Approval, ...]]:
    """(the project's id, its approvals) in a blob; nothing when it is no readable project."""
    record = reading.record_of(PROJECTS, yaml.read(path, raw), path) if raw is not None else None
    return (record.id, record.approvals) if isinstance(record, Project) else (None, ())


def _said(approval: Approval) -> tuple[object, ...]:
    return approval.item, approval.by, approval.date, approval.verdict, approval.note


# -- the expenses a branch adds (销售费用) -------------------------------------------------------------


@dataclass(frozen=True)
class AddedExpense:
    """An expense on a project or customer at HEAD that the merge base does not have."""

    record: str  # the project's id, or the customer's
    expense: Expense


def added_expenses(root: Path, base: str, head: str, at: _AtCommit, changed: set[str]) -> list[AddedExpense]:
    """The expenses HEAD has and the merge base does not, each record's as a multiset (an edited one is new). Only
    the files that differ between the two (``changed``) are read: no other record can have gained one."""
    def held(revision: str) -> dict[str, list[Expense]]:
        found: dict[str, list[Expense]] = {}
        for folder in (PROJECTS, CUSTOMERS):
            entries = [e for mode, sha, path in git.tree(root, revision, [folder]) if path in changed
                       and (e := fileset.classify_git(path, mode, sha)) is not None and e.ok and e.blob]
            at._records(folder, {e.blob: e.path for e in entries if e.blob})
            for e in entries:
                record = at.read.get(e.blob or "")
                if isinstance(record, Project | Customer):
                    found.setdefault(record.id, list(record.expenses))
        return found

    def key(e: Expense) -> tuple[object, ...]:
        return (e.date, e.kind, e.amount, e.by, e.approved_by, e.note)

    before, now = held(base), held(head)
    added = []
    for record, expenses in now.items():
        old = [key(e) for e in before.get(record, [])]
        for e in expenses:
            if key(e) in old:
                old.remove(key(e))
            else:
                added.append(AddedExpense(record, e))
    return sorted(added, key=lambda a: (a.expense.date or dt.date.min, a.record))


@dataclass(frozen=True)
class Rules:
    """The process and team a branch is judged by: the merge base's, never the branch's own."""

    process: Process
    team: Team
    # why the base's holp.yaml could not be used (the branch's is used instead), None when it was
    unread: str | None = None


@dataclass
class Review:
    base: str
    head: str
    moves: list[MoveReview]
    problems: list[Problem]
    pipeline_before: Decimal
    pipeline_after: Decimal
    shallow: bool
    rules: Rules
    config_changes: list[str]  # holp.yaml, team.yaml and templates/ files the branch changed: an owner approves
    # files the branch's commits made that were no records, and are fixed (or gone) at HEAD: said, not failed —
    # history compares a move with the last readable version, so a broken commit in between hides no move
    blob_problems: list[history.BlobProblem] = field(default_factory=list)
    # authors of the branch's commits whose email no rep of the base's team.yaml has: said, not failed
    unknown_authors: list[history.UnknownAuthor] = field(default_factory=list)
    # approvals the branch added that someone other than their approver committed: said, not failed
    approvals_by_others: list[ApprovalByOther] = field(default_factory=list)
    expenses: list[AddedExpense] = field(default_factory=list)  # the expenses the branch adds

    @property
    def legal(self) -> bool:
        return (all(m.legal for m in self.moves) and not any(p.severity == "error" for p in self.problems)
                and not self.config_changes and self.rules.unread is None)


def resolve_base(root: Path, base: str | None) -> str:
    """The merge base of BASE (default origin/main, else main) and HEAD."""
    head = git.rev_parse(root, "HEAD")
    if head is None:
        raise HolpError("the repository has no commits yet: nothing to review")
    candidates = [base] if base else ["origin/main", "main"]
    for candidate in candidates:
        sha = git.rev_parse(root, candidate)
        if sha is not None:
            found = git.merge_base(root, sha, head)
            if found is None:
                raise HolpError(f"{candidate} and HEAD have no common history")
            return found
    raise HolpError(f"no {' or '.join(candidates)} to review against: name the base, e.g. `holp review origin/main`")


def rules_at(root: Path, base: str, repo: Repository) -> Rules:
    """holp.yaml and team.yaml as the merge base has them (a link refused, as everywhere).

    Without a readable holp.yaml at the base (the branch adds the process, or mends it) there are no rules
    but the branch's own: those judge the moves, and the review says so and fails. A team.yaml the base has
    not, or cannot read, is an empty team: authors are shown as git has them.
    """
    try:
        team = load_team(snapshot.team_document_at(root, base))
    except HolpError:
        team = build_team(None)
    try:
        process = snapshot.process_at(root, base)
    except HolpError as error:
        return Rules(repo.process, team, error.message)
    if not process.stages:
        return Rules(repo.process, team, f"{CONFIG} at {base[:8]} defines no stages")
    return Rules(process, team)


def is_rule_file(path: str) -> bool:
    """The files that make the rules or run the checks (`holp.repo.RULE_FILES`), owned by directors or managers."""
    return any(path == name or (name.endswith("/") and path.startswith(name)) for name in RULE_FILES)


class _AtCommit:
    """Customers and projects as a commit had them, each blob read once, the one way (`holp.reading`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cat = git.CatFile(root)
        self.customers: dict[str, dict[str, Customer]] = {}
        self.read: dict[str, object] = {}

    def _records(self, folder: str, blobs: dict[str, str]) -> None:
        missing = [b for b in blobs if b not in self.read]
        for blob, raw in self.cat.read(missing, limit=yaml.MAX_BYTES).items():
            self.read[blob] = reading.record_of(folder, yaml.read(blobs[blob], raw), blobs[blob])

    def project(self, blob: str, path: str) -> Project | None:
        self._records(PROJECTS, {blob: path})
        found = self.read.get(blob)
        return found if isinstance(found, Project) else None

    def customer(self, commit: str, customer_id: str | None) -> Customer | None:
        if commit not in self.customers:
            entries = [e for mode, sha, path in git.tree(self.root, commit, [CUSTOMERS])
                       if (e := fileset.classify_git(path, mode, sha)) is not None and e.ok and e.blob]
            self._records(CUSTOMERS, {e.blob: e.path for e in entries if e.blob})
            found: dict[str, Customer] = {}
            for e in entries:
                customer = self.read.get(e.blob or "")
                if isinstance(customer, Customer):
                    found.setdefault(customer.id, customer)
            self.customers[commit] = found
        return self.customers[commit].get(customer_id) if customer_id else None


def check_move(process: Process, t: history.Transition, project: Project | None,
               customer: Customer | None) -> MoveReview:
    """A committed move judged by `holp.stages.judge`, the rule `advance` plans by, on the file as committed."""
    review = MoveReview(t, project.name if project else t.project)
    kind = classify(process, t.source, t.target)
    source = process.stage(t.source or "")
    status = gate(process, source, project, customer) if (project is not None and source is not None
                                                 and kind.name in (FORWARD, SKIP)) else None
    verdict = judge(process, t.source, t.target, reason=t.reason, forced=t.forced, gate_status=status,
                    lost_reason=project.lost_reason if project else None)
    review.gate = status
    review.problems.extend(text for _, text in verdict.problems)
    review.flags.extend(verdict.flags)
    return review


NET = ("the net change since the merge base, which no commit of this branch shows as a move (a merge that kept "
       "an older version, a file deleted and added again, two files with one id): judged as one move")


At = dict[str, tuple[history.Summary, str, str]]  # id → (summary, blob, path) of the projects at a commit


def _net_changes(root: Path, process: Process, head: str, before: At, now: At, walked: list[history.Transition],
                 at: _AtCommit) -> list[MoveReview]:
    """Each project whose stage at HEAD is not where the moves seen in the commits lead from its stage at the base.

    The moves of the commits are what the reviewer reads; this is the backstop that makes the review of the
    branch as a whole hold whatever its commits did.
    """
    chains: dict[str, list[history.Transition]] = {}
    for t in walked:
        if t.field == "stage":
            chains.setdefault(t.project, []).append(t)
    found = []
    author: tuple[str, str, str] | None = None
    for project_id, (summary, blob, path) in now.items():
        source = before[project_id][0].stage if project_id in before else None
        chain = chains.get(project_id, [])
        seen = (chain[0].source, chain[-1].target) if chain else (source, source)
        if seen == (source, summary.stage):
            continue
        author = author or git.author(root, head)  # asked of git once, and only when there is a net move
        name, email, date = author
        t = history.Transition(project_id, source, summary.stage, head, name, email, date, blob=blob)
        project = at.project(blob, path)
        judged = check_move(process, t, project, at.customer(head, project.customer if project else None))
        judged.flags.insert(0, NET)
        found.append(judged)
    return found


def _gates_still_met(process: Process, head: str, now: At, moves: list[MoveReview], at: _AtCommit) -> None:
    """A gate a move left through must still be met at HEAD while the project is past it: evidence ticked for the
    move and taken away in a later commit of the branch makes the move illegal."""
    for move in moves:
        t = move.transition
        if move.gate is None or not move.gate.met or t.project not in now:
            continue
        summary, blob, path = now[t.project]
        stage, left = process.stage(summary.stage or ""), process.stage(t.source or "")
        if stage is None or left is None or stage.index <= left.index:
            continue  # no longer past the stage it left (moved back, or lost): its gate holds nothing now
        project = at.project(blob, path)
        if project is None:
            continue
        status = gate(process, left, project, at.customer(head, project.customer))
        if not status.met:
            missing = ", ".join(s.item.id for s in status.missing)
            move.problems.append(f"left {left.id} with its gate met, but at HEAD it is unmet: {missing}")


def review(root: Path, repo: Repository, base: str | None, problems: list[Problem], *,
           use_cache: bool = True) -> Review:
    """Check the branch; ``problems`` are the work tree's validation problems, filtered here to touched files."""
    base_sha = resolve_base(root, base)
    head = git.rev_parse(root, "HEAD")
    assert head is not None
    cache = Cache(root, use_cache)
    rules = rules_at(root, base_sha, repo)
    process = rules.process
    found = history.read(root, revisions=[f"{base_sha}..{head}"], projects=PROJECTS, cache=cache)
    at = _AtCommit(root)
    moves = []
    for t in found.transitions:
        if t.field != "stage":
            continue
        project = at.project(t.blob, t.project) if t.blob else None
        customer = at.customer(t.commit, project.customer if project else None)
        moves.append(check_move(process, t, project, customer))
    at_base = history.projects_at(root, base_sha, cache=cache)  # read once: the net moves, the gates, the pipeline
    at_head = history.projects_at(root, head, cache=cache)
    _gates_still_met(process, head, at_head, moves, at)
    moves += _net_changes(root, process, head, at_base, at_head, found.transitions, at)
    changed = git.changed_paths(root, base_sha, head)
    touched = {(root / p).resolve() for p in changed}
    mine = [p for p in problems if Path(p.path).resolve() in touched]
    before = open_weighted(process, [s for s, _, _ in at_base.values()])
    after = open_weighted(process, [s for s, _, _ in at_head.values()])
    said = {(Path(p.path).resolve(), p.code) for p in mine}  # a file still broken at HEAD is said once
    blobs = [b for b in found.problems if ((root / b.problem.path).resolve(), b.problem.code) not in said]
    rule_files = sorted(p for p in changed if is_rule_file(p))
    strangers = history.unknown_authors(rules.team, git.commits(root, f"{base_sha}..{head}"))
    foreign = approvals_by_others(root, rules.team, base_sha, head)
    return Review(base_sha, head, moves, mine, before, after, found.shallow, rules, rule_files, blobs, strangers,
                  foreign, added_expenses(root, base_sha, head, at, set(changed)))
