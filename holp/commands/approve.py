"""`holp approve`: a manager's verdict on a checklist item that needs one (方案经销售经理审核).

The items that take approvals are found by data: a checklist item whose evidence rule reads ``approvals``. The
approver is whoever git names as the commit's author, as a member of team.yaml; they must be the manager of the
project's region or a director (`holp.approvers`). Appends one line to the project's ``approvals:`` and commits
the one file (trailers Holp-Project, Holp-Approval).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import edit, git
from holp.approvers import APPROVALS, approval_items, may_approve, who_may_approve
from holp.change import Change, apply
from holp.clock import date_or_today, today
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import LOST, Project
from holp.repo import Repository, closest


def run(root: Path, project_id: str, item: str, *, verdict: str, note: str | None, date: str | None,
        dry_run: bool, commit: bool, branch: str | None) -> int:
    day = date_or_today(date)
    if day > today():
        raise HolpError(f"--date {day} is after today ({today()}): a verdict is recorded when it is given")
    said = None if note is None else note.strip()
    if note is not None and not said:
        raise HolpError("--note must say something")

    def plan(repo: Repository, project: Project) -> Change:
        items = approval_items(repo.process)
        if item not in items:
            have = ", ".join(items) or "none (no checklist item's evidence reads approvals)"
            raise HolpError(f"{item} is not a checklist item that takes an approval{closest(item, items)}: "
                            f"the items that do: {have}")
        at, of = repo.process.stage(project.stage), repo.process.stage(items[item])
        if project.stage == LOST:
            raise HolpError(f"{project.id} is lost: an approval is given on a deal in the process "
                            f"(`holp reopen {project.id}` first, if it is alive again)", FAILED)
        if at is None:
            raise HolpError(f"{project.id} is at {project.stage}, which the process does not have", FAILED)
        if of is not None and of.index > at.index:
            raise HolpError(f"{project.id} is at {at.id}: {item} is an item of {of.id}, which it has not reached; "
                            "approve it once the project is there", FAILED)
        email = git.author_email(root)
        member = repo.team.rep_by_email(email) if email else None
        if member is None:
            raise HolpError(f"your git email {email or '(none)'} is no team member's in team.yaml: an approval is "
                            "given by the approver, committing as themselves", FAILED)
        region = repo.region_of(project)
        if not may_approve(repo.team, member.id, region, "manager"):
            raise HolpError(f"{member.id} may not approve {item} of {project.id}: only "
                            f"{who_may_approve(repo.team, region, 'manager')} approves", FAILED)
        if member.id == project.owner:
            raise HolpError(f"{member.id} may not approve {item} of {project.id}, their own project: only "
                            f"{who_may_approve(repo.team, region, 'manager')} other than its owner approves", FAILED)
        entry: dict[str, Any] = {"item": item, "by": member.id, "date": day.isoformat(), "verdict": verdict}
        if said:
            entry["note"] = said
        n = len(project.approvals) + 1

        def expect(data: Any) -> None:
            if not isinstance(data.get(APPROVALS), list):
                data[APPROVALS] = []
            data[APPROVALS].append(dict(entry))

        return Change(subject=f"{project.id}: {item} {verdict} by {member.id}",
                      textual=lambda source: edit.append_item(source, APPROVALS,
                                                              ["- " + edit.flow_mapping(list(entry.items()))]),
                      expect=expect, note=said,
                      trailers=[("Holp-Project", project.id), ("Holp-Approval", f"#{n} {item} {verdict}")],
                      branch=f"approval-{n}")

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
