from __future__ import annotations

from pathlib import Path

from holp.approvers import takes_approval
from holp.change import Change, apply, tick_change
from holp.clock import date_option, today
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import Project
from holp.repo import Repository


def _value(note: str | None, date: str | None) -> str:
    if note is not None and date is not None:
        raise HolpError("give --note or --date, not both")
    if note is not None:
        if not note.strip():
            raise HolpError("--note must say something: it is the evidence a reviewer reads")
        return note.strip()
    return (today() if date is None else date_option(date, "--date")).isoformat()


def run(root: Path, project_id: str, item: str, *, note: str | None, date: str | None, dry_run: bool,
        commit: bool, branch: str | None) -> int:
    value = _value(note, date)

    def plan(repo: Repository, project: Project) -> Change:
        stage = repo.process.stage(project.stage)
        if stage is None:
            raise HolpError(f"{project.id} is at {project.stage}, which has no checklist", FAILED)
        found = stage.item(item)
        if found is None:
            items = ", ".join(i.id for i in stage.checklist if i.evidence is None) or "none"
            raise HolpError(f"{stage.id} has no checklist item {item} (its items to tick: {items})")
        if takes_approval(found):
            raise HolpError(f"{item} is proven by an approval ({found.evidence}), not by a tick: the manager of the "
                            f"region or a director gives it with `holp approve {project.id} {item}`", FAILED)
        if found.evidence is not None:
            raise HolpError(f"{item} is proven by evidence ({found.evidence}), not by a tick: add that to the files",
                            FAILED)
        return tick_change(project, stage.id, item, value)

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
