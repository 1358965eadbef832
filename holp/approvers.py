"""Who may approve for a region at a role (费用审批, 方案审核): the one rule behind an expense's `approved_by` and
an approval record's `by`.

A rule of holp.yaml names a role. `manager` is held for a region by the
member team.yaml names as that region's `manager`, and by any director (a
director stands above every region); `director` is held by a member whose
role is director; any other role by a member of that role or a director. A
record without a region can only be approved by someone who needs none.
"""

from __future__ import annotations

from holp.model.process import Team

MANAGER = "manager"
DIRECTOR = "director"


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


def who_may_approve(region: str | None, role: str) -> str:
    """Who holds ``role`` for ``region``, in words: "a manager of east or a director", "a director"."""
    if role == DIRECTOR:
        return "a director"
    if role == MANAGER:
        return f"a manager of {region} or a director" if region else "a director (the record has no region)"
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
    "needs the approval of a manager of east or a director; approved_by wang.fang is a rep"."""
    if may_approve(team, member_id, region, role):
        return None
    who = who_may_approve(region, role)
    if not member_id:
        return f"needs the approval of {who}; {field} is missing"
    return f"needs the approval of {who}; {field} {member_id} is {what_member_is(team, member_id)}"
