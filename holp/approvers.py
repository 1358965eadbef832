"""Who may approve for a region (审批权限): its manager, or a director of the team.

One rule for the approvals of checklist items (`holp approve`) and of expenses: ``role`` "manager" means the
region's manager (as team.yaml's regions name them) or any director; "director" means a director.
"""

from __future__ import annotations

from holp.model import ChecklistItem, Process, Team

APPROVALS = "approvals"  # the key of a project's approvals, and how an evidence rule that reads them starts


def takes_approval(item: ChecklistItem) -> bool:
    """Whether a checklist item is proven by an approval: its evidence rule reads ``approvals``."""
    return item.evidence is not None and item.evidence.strip().startswith(APPROVALS)


def approval_items(process: Process) -> dict[str, str]:
    """The checklist items proven by an approval: id → the stage whose checklist has it."""
    return {item.id: stage.id for stage in process.stages for item in stage.checklist if takes_approval(item)}


def may_approve(team: Team, member_id: str, region: str | None, role: str) -> bool:
    """Whether ``member_id`` may approve what needs ``role`` for ``region``."""
    member = team.rep(member_id)
    if member is None:
        return False
    if member.role == "director":
        return True
    if role != "manager" or region is None:
        return False
    found = team.region(region)
    return found is not None and found.manager == member_id


def who_may_approve(team: Team, region: str | None, role: str) -> str:
    """Who may approve, in a few words: "the manager of east (li.na) or a director"."""
    found = team.region(region) if region is not None else None
    if role != "manager" or found is None or not found.manager:
        return "a director"
    return f"the manager of {found.id} ({found.manager}) or a director"
