"""Who may approve for a region at a role (费用审批, 方案审核): the one rule behind an expense's `approved_by` and
an approval record's `by`.

A rule names a role. `manager` is held for a region by the member team.yaml
names as that region's `manager`, and by any director (a director stands
above every region); `director` is held by a member whose role is director;
any other role by a member of that role or a director. A record without a
region can only be approved by someone who needs none. A checklist item is
proven by an approval when its evidence rule reads the project's
`approvals`.
"""

from __future__ import annotations

from holp.model import ChecklistItem, Process, Team

MANAGER = "manager"
DIRECTOR = "director"
APPROVALS = "approvals"  # the key of a project's approvals, and how an evidence rule that reads them starts


def takes_approval(item: ChecklistItem) -> bool:
    """Whether a checklist item is proven by an approval: its evidence rule reads ``approvals``."""
    return item.evidence is not None and item.evidence.strip().startswith(APPROVALS)


def approval_items(process: Process) -> dict[str, str]:
    """The checklist items proven by an approval: id → the stage whose checklist has it."""
    return {item.id: stage.id for stage in process.stages for item in stage.checklist if takes_approval(item)}


def may_approve(team: Team, member_id: str | None, region: str | None, role: str) -> bool:
    """Whether ``member_id`` holds ``role`` for ``region`` (see the module's docstring)."""
    member = team.rep(member_id) if member_id else None
    if member is None:
        return False
    if member.role == DIRECTOR:
        return True
    if role == MANAGER:
        found = team.region(region) if region else None
        return found is not None and found.manager == member.id
    return role != DIRECTOR and member.role == role


def who_may_approve(team: Team, region: str | None, role: str) -> str:
    """Who holds ``role`` for ``region``, in words: "the manager of east (li.na) or a director", "a director"."""
    if role == DIRECTOR:
        return "a director"
    if role == MANAGER:
        found = team.region(region) if region else None
        if found is None:
            return "a director (the record has no region)" if not region else f"a director ({region} is no region)"
        return f"the manager of {found.id} ({found.manager}) or a director" if found.manager else "a director"
    return f"a member of role {role} or a director"


def what_member_is(team: Team, member_id: str) -> str:
    """What ``member_id`` is in team.yaml, in words: "a rep", "the manager of north", "not in team.yaml"."""
    member = team.rep(member_id)
    if member is None:
        return "not in team.yaml"
    managed = [r.id for r in team.regions if r.manager == member.id]
    if managed:
        return f"the manager of {', '.join(managed)}"
    return f"{'an' if member.role[:1] in 'aeiou' else 'a'} {member.role}"


def approval_problem(team: Team, member_id: str | None, region: str | None, role: str, field: str) -> str | None:
    """Why ``member_id`` (given as ``field``) cannot approve for ``region`` at ``role``, or None when they may:
    "needs the approval of the manager of east (li.na) or a director; approved_by wang.fang is a rep"."""
    if may_approve(team, member_id, region, role):
        return None
    who = who_may_approve(team, region, role)
    if not member_id:
        return f"needs the approval of {who}; {field} is missing"
    return f"needs the approval of {who}; {field} {member_id} is {what_member_is(team, member_id)}"
