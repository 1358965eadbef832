from __future__ import annotations

from pathlib import Path

from holp.change import Change, apply, move_change
from holp.commands import print_applied
from holp.model import Project
from holp.repo import Repository
from holp.stages import plan_advance


def run(root: Path, project_id: str, *, to: str | None, note: str | None, force: bool, reason: str | None,
        dry_run: bool, commit: bool, branch: str | None, lang: str | None) -> int:
    def plan(repo: Repository, project: Project) -> Change:
        move = plan_advance(repo.process, project, repo.customer_of(project), to=to, force=force, reason=reason,
                            note=note, lang=lang or repo.process.language)
        return move_change(move)

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
