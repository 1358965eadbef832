"""Validation of after-sales service: who raised and who owns an item, its dates, and the won customers
nobody has revisited in holp.yaml's `revisit_every_days`."""

from __future__ import annotations

from collections.abc import Iterator

from holp.aftersales import Touch, revisits_due
from holp.checking import Wanted, everything, projects
from holp.clock import today
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest


def check_service(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    reps = repo.team.rep_ids
    for project, doc in projects(repo, wanted):
        customer = repo.customer_of(project)
        contacts = {c.name for c in customer.contacts} if customer else None
        for i, item in enumerate(project.service):
            if item.from_ is not None and contacts is not None and customer is not None \
                    and item.from_ not in contacts:
                yield doc.problem(["service", i, "from"], "unknown-contact",
                                  f"{item.from_} is not a contact of {customer.id}", WARNING)
            if item.owner is not None and item.owner not in reps:
                yield doc.problem(["service", i, "owner"], "unknown-rep",
                                  f"rep '{item.owner}' is not in team.yaml{closest(item.owner, reps)}")
            if item.resolved is not None and item.date is not None and item.resolved < item.date:
                yield doc.problem(["service", i, "resolved"], "resolved-before-opened",
                                  f"resolved {item.resolved} is before the item's date {item.date}")
            if item.due is not None and item.date is not None and item.due < item.date:
                yield doc.problem(["service", i, "due"], "due-before-opened",
                                  f"due {item.due} is before the item's date {item.date}", WARNING)


def check_revisits(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    """A warning on each won customer's file whom nobody has revisited in `revisit_every_days`."""
    every = repo.process.revisit_every_days
    touches = [Touch(p.customer or "", p.stage, tuple(v.date for v in p.visits if v.date is not None), p.service)
               for p in repo.projects.values()]
    for due in revisits_due(repo.process, touches, today()):
        customer = repo.customers.get(due.customer)
        if customer is None or not wanted(repo.document(customer.path).path):
            continue
        since = "never revisited" if due.last is None else f"last visited or revisited {due.last} ({due.days} days ago)"
        yield repo.document(customer.path).problem(
            ["id"], "revisit-due", f"a won customer {since}; holp.yaml asks for a revisit every {every} days: "
            "holp service revisit PROJECT --satisfaction N --note ...", WARNING)


CHECKS = (check_service, check_revisits)
