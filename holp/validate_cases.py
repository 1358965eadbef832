"""Checks of the project summary and the reference case (成功案例): a case is only for a project that got there.

The stage that needs the summary is found by data, never by id: the first
stage whose checklist has an evidence rule into ``summary`` (the default
process: 项目实施评估); a process without one falls back on ``won_from``. A
project at that stage or past it has reached it; a lost project never has, so a
case on it is an error. A summary on a lost project is fine: the lessons of a
lost deal are worth writing down too.
"""

from __future__ import annotations

from collections.abc import Iterator

from holp.checking import Wanted, everything, projects
from holp.model import LOST, Process, Project, Stage
from holp.model.evidence import EvidenceSyntaxError, parse_evidence
from holp.problems import WARNING, Problem
from holp.repo import Repository

SUMMARY = "summary"  # the project's key the evaluation gate reads (ProjectSummary)


def _names_summary(rule: str | None) -> bool:
    if rule is None:
        return False
    try:
        return parse_evidence(rule).segments[0][0] == SUMMARY
    except EvidenceSyntaxError:
        return False


def summary_stage(process: Process) -> Stage | None:
    """The stage whose gate needs the project summary, else the stage from which a deal is won (None: neither)."""
    found = next((s for s in process.stages if any(_names_summary(i.evidence) for i in s.checklist)), None)
    return found or process.stage(process.won_from)


def has_reached(process: Process, project: Project) -> bool:
    """Whether the project is at or past the stage of the summary (a lost project never is)."""
    stage, at = summary_stage(process), process.stage(project.stage)
    return project.stage != LOST and stage is not None and at is not None and at.index >= stage.index



def check_cases(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    process = repo.process
    stage = summary_stage(process)
    for project, doc in projects(repo, wanted):
        if project.case is None:
            continue
        if project.stage == LOST:
            yield doc.problem(["case"], "case-not-reached", f"{project.id} was lost: a lost deal is no reference "
                              "case (keep what it taught in `summary`)", key=True)
        elif stage is not None and process.stage(project.stage) is not None and not has_reached(process, project):
            yield doc.problem(["case"], "case-not-reached",
                              f"{project.id} is at {project.stage} and never reached {stage.id}: a reference case "
                              "needs a finished project with its summary", key=True)
        case = project.case
        customer = repo.customer_of(project)
        contacts = {c.name for c in customer.contacts} if customer else None
        reps = repo.team.rep_ids
        if case.contact is not None and contacts is not None and case.contact not in contacts | reps:
            yield doc.problem(["case", "contact"], "unknown-contact",
                              f"{case.contact} is neither a contact of {project.customer} nor a rep", WARNING)
        if case.site_visit_allowed and not case.reference_allowed:
            yield doc.problem(["case", "site_visit_allowed"], "case-not-named",
                              "a site visit names the customer, but reference_allowed is not true", WARNING)
