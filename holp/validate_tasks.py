"""Checks of tasks (任务), the next step's due day and our counterpart of a key person.

A task's `who` and a contact's `counterpart` must be in team.yaml (any role:
engineers and presales hold tasks and keep contacts too), an error like any
unknown rep. A task due or done before its start is a warning (one of the two days
is mistyped); a visit's next step due before the visit itself is an error.
"""

from __future__ import annotations

from collections.abc import Iterator

from holp.checking import Wanted, everything, projects
from holp.model import Customer, Project
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest
from holp.yaml import Document


def _records(repo: Repository, wanted: Wanted) -> Iterator[tuple[Project | Customer, Document]]:
    yield from projects(repo, wanted)
    for customer in repo.customers.values():
        doc = repo.document(customer.path)
        if wanted(doc.path):
            yield customer, doc


def check_tasks(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    members = repo.team.rep_ids
    for record, doc in _records(repo, wanted):
        for i, task in enumerate(record.tasks):
            if task.who is not None and task.who not in members:
                yield doc.problem(["tasks", i, "who"], "unknown-rep",
                                  f"task {i + 1}: '{task.who}' is not in team.yaml{closest(task.who, members)}")
            if task.due is not None and task.start is not None and task.due < task.start:
                yield doc.problem(["tasks", i, "due"], "task-due-before-start",
                                  f"task {i + 1} is due {task.due}, before its start {task.start}: one of the two "
                                  "days is mistyped", WARNING)
            if task.done is not None and task.start is not None and task.done < task.start:
                yield doc.problem(["tasks", i, "done"], "task-done-before-start",
                                  f"task {i + 1} was done {task.done}, before its start {task.start}: one of the two "
                                  "days is mistyped", WARNING)
        if isinstance(record, Customer):
            for i, contact in enumerate(record.contacts):
                if contact.counterpart is not None and contact.counterpart not in members:
                    yield doc.problem(["contacts", i, "counterpart"], "unknown-rep",
                                      f"{contact.name}'s counterpart '{contact.counterpart}' is not in team.yaml"
                                      f"{closest(contact.counterpart, members)}")
        else:
            for i, visit in enumerate(record.visits):
                if visit.next_step_due is not None and visit.date is not None and visit.next_step_due < visit.date:
                    yield doc.problem(["visits", i, "next_step_due"], "next-step-due-before-visit",
                                      f"the next step of the visit of {visit.date} is due {visit.next_step_due}, "
                                      "before the visit")
