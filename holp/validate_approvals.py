"""Checks of the approvals (方案审核): who gave each verdict, and on what.

An approval's ``by`` must be a member of team.yaml who may approve for the
project's region: its manager or a director (`holp.approvers`), and not the
project's owner (no one reviews their own proposal), else the approval proves
nothing the process asks for; its ``item`` must be a checklist
item of the process that takes approvals (its evidence reads ``approvals``).
"""

from __future__ import annotations

from collections.abc import Iterator

from holp.approvers import approval_items, may_approve, who_may_approve
from holp.checking import Wanted, everything, projects
from holp.problems import Problem
from holp.repo import Repository, closest


def check_approvals(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    team = repo.team
    members = team.rep_ids
    items = approval_items(repo.process)
    for project, doc in projects(repo, wanted):
        region = repo.region_of(project)
        region_unknown = repo.region_unknown(region)
        for i, approval in enumerate(project.approvals):
            what = f"approval {i + 1} of {approval.item}"
            if approval.item is not None and approval.item not in items:
                have = ", ".join(items) or "none"
                yield doc.problem(["approvals", i, "item"], "unknown-checklist-item",
                                  f"{what}: no checklist item {approval.item} takes an approval"
                                  f"{closest(approval.item, items)} (those that do: {have})")
            if approval.by is None:
                continue
            if approval.by not in members:
                yield doc.problem(["approvals", i, "by"], "unknown-rep",
                                  f"{what}: '{approval.by}' is no member of team.yaml{closest(approval.by, members)}")
            elif not region_unknown and not may_approve(team, approval.by, region, "manager"):
                yield doc.problem(["approvals", i, "by"], "approver-not-allowed",
                                  f"{what} by {approval.by}: only {who_may_approve(team, region, 'manager')} "
                                  "approves")
            elif approval.by == project.owner:
                yield doc.problem(["approvals", i, "by"], "approver-not-allowed",
                                  f"{what} by {approval.by}, the project's owner: only "
                                  f"{who_may_approve(team, region, 'manager')} other than its owner approves")
