from __future__ import annotations

from pathlib import Path

import click

from holp.change import Applied, Change, apply, move_change
from holp.model import Project
from holp.repo import Repository
from holp.stages import plan_advance


def report(applied: Applied) -> int:
    """What a change command prints: the diff of a dry run, or the move and its commit."""
    if applied.diff is not None:
        click.echo(applied.diff, nl=False)
        click.echo(f"dry run: {applied.subject}; nothing written")
        return 0
    where = f" on branch {applied.branch}" if applied.branch else ""
    if applied.sha:
        click.echo(f"{applied.subject}  [{applied.sha[:8]}{where}]")
    else:
        click.echo(f"{applied.subject}  ({applied.path} written, not committed)")
    return 0


def run(root: Path, project_id: str, *, to: str | None, note: str | None, force: bool, reason: str | None,
        dry_run: bool, commit: bool, branch: str | None, lang: str | None) -> int:
    def plan(repo: Repository, project: Project) -> Change:
        move = plan_advance(repo.process, project, repo.customer_of(project), to=to, force=force, reason=reason,
                            note=note, lang=lang or repo.process.language)
        return move_change(move)

    return report(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
