from __future__ import annotations

from pathlib import Path

from holp.change import Change, apply, move_change
from holp.clock import today
from holp.commands import print_applied
from holp.model import Project
from holp.repo import Repository
from holp.stages import plan_lost, plan_won


def run(root: Path, project_id: str, *, won: bool, reason: str, note: str | None, force: bool, dry_run: bool,
        commit: bool, branch: str | None, lang: str | None) -> int:
    def plan(repo: Repository, project: Project) -> Change:
        language = lang or repo.process.language
        if won:
            return move_change(plan_won(repo.process, project, repo.customer_of(project), reason=reason,
                                        force=force, note=note, lang=language))
        move = plan_lost(repo.process, project, reason=reason, note=note, lang=language)
        entries: list[tuple[str, object]] = [("reason", reason), ("stage", move.source),
                                             ("date", today().isoformat())]
        if note:
            entries.append(("note", note))
        return move_change(move, entries)

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
