from __future__ import annotations

from pathlib import Path

from holp.change import Change, apply, move_change
from holp.commands import print_applied
from holp.model import Project
from holp.repo import Repository
from holp.stages import plan_reopen


def run(root: Path, project_id: str, *, to: str, reason: str, note: str | None, dry_run: bool, commit: bool,
        branch: str | None) -> int:
    def plan(repo: Repository, project: Project) -> Change:
        return move_change(plan_reopen(repo.process, project, to=to, reason=reason, note=note))

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
