"""Review of a branch: every stage move between its merge base and HEAD, each checked.

A move is legal when: a new project starts at the first stage; leaving a
stage forward, its gate is met in the file the move committed (or the move
was forced with a reason, which is flagged); a skip, a move back and a
reopening carry a ``Holp-Reason``; a lost project records a configured lost
reason. The files the branch touched are validated too, and the change in
weighted pipeline is computed from the two trees in git.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from holp import git, history, yaml
from holp.cache import Cache
from holp.errors import HolpError
from holp.gates import GateStatus, gate
from holp.model import LOST, Customer, Process, Project, build_customer, build_project
from holp.pipeline import open_weighted
from holp.problems import Problem
from holp.repo import CUSTOMERS, PROJECTS, Repository


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


@dataclass
class Review:
    base: str
    head: str
    moves: list[MoveReview]
    problems: list[Problem]
    pipeline_before: Decimal
    pipeline_after: Decimal
    shallow: bool

    @property
    def legal(self) -> bool:
        return all(m.legal for m in self.moves) and not any(p.severity == "error" for p in self.problems)


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


class _AtCommit:
    """Customers and projects as a commit had them, parsed once per blob."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cat = git.CatFile(root)
        self.customers: dict[str, dict[str, Customer]] = {}
        self.parsed: dict[str, object] = {}

    def _data(self, shas: list[str]) -> None:
        missing = [s for s in shas if s not in self.parsed]
        for sha, raw in self.cat.read(missing, limit=yaml.MAX_BYTES).items():
            self.parsed[sha] = yaml.read(sha, raw).data

    def project(self, blob: str, path: str) -> Project | None:
        self._data([blob])
        return build_project(self.parsed.get(blob), path)

    def customer(self, commit: str, customer_id: str | None) -> Customer | None:
        if commit not in self.customers:
            entries = git.ls_tree(self.root, commit, [CUSTOMERS])
            self._data([sha for sha, _ in entries])
            found: dict[str, Customer] = {}
            for sha, path in entries:
                customer = build_customer(self.parsed.get(sha), path)
                if customer is not None:
                    found.setdefault(customer.id, customer)
            self.customers[commit] = found
        return self.customers[commit].get(customer_id) if customer_id else None


def check_move(process: Process, t: history.Transition, project: Project | None,
               customer: Customer | None) -> MoveReview:
    review = MoveReview(t, project.name if project else t.project)
    stages = {s.id: s for s in process.stages}
    first = process.stages[0].id
    if t.source is None:
        if t.target != first:
            review.problems.append(f"a new project starts at {first}, not {t.target}")
        return review
    if t.target is None:
        return review
    if t.target not in stages and t.target != LOST:
        review.problems.append(f"{t.target} is not a stage of holp.yaml")
        return review
    if t.target == LOST:
        reason = project.lost_reason if project else None
        configured = [c.id for c in process.lost_reasons]
        if reason not in configured:
            review.problems.append(f"lost without a configured reason ({', '.join(configured)}) in the file")
        return review
    if t.source == LOST:
        if not t.reason:
            review.problems.append("reopened without a Holp-Reason")
        return review
    if t.source not in stages:
        review.problems.append(f"{t.source} is not a stage of holp.yaml")
        return review
    source, target = stages[t.source], stages[t.target]
    if target.index < source.index:
        if not t.reason:
            review.problems.append("moved back without a Holp-Reason")
        return review
    if target.index > source.index + 1:
        if t.reason:
            review.flags.append(f"skipped {target.index - source.index - 1} stage(s): {t.reason}")
        else:
            skipped = ", ".join(s.id for s in process.stages[source.index + 1:target.index])
            review.problems.append(f"skipped {skipped} without a Holp-Reason")
    if project is not None:
        review.gate = gate(source, project, customer)
        if not review.gate.met:
            missing = ", ".join(s.item.id for s in review.gate.missing)
            if t.forced and t.reason:
                review.flags.append(f"forced past an unmet gate ({missing}): {t.reason}")
            else:
                review.problems.append(f"left {source.id} with its gate unmet: {missing}")
    return review


def review(root: Path, repo: Repository, base: str | None, problems: list[Problem], *,
           use_cache: bool = True) -> Review:
    """Check the branch; ``problems`` are the work tree's validation problems, filtered here to touched files."""
    base_sha = resolve_base(root, base)
    head = git.rev_parse(root, "HEAD")
    assert head is not None
    cache = Cache(root, use_cache)
    found = history.read(root, revisions=[f"{base_sha}..{head}"], projects=PROJECTS, cache=cache)
    at = _AtCommit(root)
    moves = []
    for t in found.transitions:
        if t.field != "stage":
            continue
        project = at.project(t.blob, t.project) if t.blob else None
        customer = at.customer(t.commit, project.customer if project else None)
        moves.append(check_move(repo.process, t, project, customer))
    touched = {(root / p).resolve() for p in git.run(
        ["diff", "--name-only", "--relative", "--no-renames", base_sha, head, "--"], root).splitlines() if p}
    mine = [p for p in problems if Path(p.path).resolve() in touched]
    before = open_weighted(repo.process, history.summaries_at(root, base_sha, cache=cache))
    after = open_weighted(repo.process, history.summaries_at(root, head, cache=cache))
    return Review(base_sha, head, moves, mine, before, after, found.shallow)
