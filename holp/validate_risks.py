"""Checks of the risk register (销售风险管理): whose a risk is, and whether a high one is handled and looked at.

A risk's owner must be a rep of team.yaml (an error, like any unknown rep),
on every project. The register is watched on open projects only: a high
risk with no mitigation, or not reviewed within holp.yaml's
`risk_review_days` as of today, is a warning there; once a project is won or
lost its risks are history, and what is left to worry about is collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from holp.checking import Wanted, everything, projects
from holp.clock import today
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest

if TYPE_CHECKING:
    pass

HIGH = "high"



def check_risks(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    process = repo.process
    reps = repo.team.rep_ids
    now = today()
    for project, doc in projects(repo, wanted):
        watched = process.is_open(project.stage)
        for i, risk in enumerate(project.risks):
            if risk.owner is not None and risk.owner not in reps:
                yield doc.problem(["risks", i, "owner"], "unknown-rep",
                                  f"rep '{risk.owner}' does not exist{closest(risk.owner, reps)}")
            if not watched or risk.level != HIGH:
                continue
            what = f"high risk {i + 1} ({risk.kind})"
            if not (risk.mitigation or "").strip():
                yield doc.problem(["risks", i, "level"], "risk-no-mitigation",
                                  f"{what} has no mitigation: write under `mitigation` what is done about it",
                                  WARNING)
            if risk.reviewed is None:
                yield doc.problem(["risks", i, "level"], "risk-not-reviewed",
                                  f"{what} was never reviewed: review it at least every {process.risk_review_days} "
                                  "days and set `reviewed` to the day", WARNING)
            elif (now - risk.reviewed).days > process.risk_review_days:
                yield doc.problem(["risks", i, "reviewed"], "risk-not-reviewed",
                                  f"{what} was last reviewed {(now - risk.reviewed).days} days ago ({risk.reviewed}),"
                                  f" more than risk_review_days ({process.risk_review_days}): review it and update "
                                  "`reviewed`", WARNING)
