"""Validation of collection (回收项目款项): receipts, who collects, and the credit terms of the payment plan.

Checks of `holp.validate.CHECKS`, of the same shape as the others: a receipt is never more than its payment
and never before the payment was invoiced; the collector (收款责任人) and whoever took a collection step is a
rep of team.yaml; a plan gives a customer of a restricted credit class (holp.yaml's ``credit_terms``) the
advance it needs, or names the guarantee that may stand instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from holp.checking import Wanted, everything, projects
from holp.model import Payment, Project
from holp.output import money
from holp.problems import WARNING, Problem
from holp.repo import Repository
from holp.yaml import Document

ADVANCE = "advance"



def check_collection(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    reps = repo.team.rep_ids
    for project, doc in projects(repo, wanted):
        for i, payment in enumerate(project.payments):
            yield from _receipts(doc, i, payment)
            if payment.collector is not None and payment.collector not in reps:
                yield doc.problem(["payments", i, "collector"], "unknown-rep",
                                  f"collector '{payment.collector}' is not a rep in team.yaml")
            for j, action in enumerate(payment.actions):
                if action.by is not None and action.by not in reps:
                    yield doc.problem(["payments", i, "actions", j, "by"], "unknown-rep",
                                      f"rep '{action.by}' is not in team.yaml")
        yield from _credit_terms(repo, doc, project)


def _receipts(doc: Document, i: int, payment: Payment) -> Iterator[Problem]:
    n = i + 1
    if payment.amount is not None and payment.paid > payment.amount:
        where = ["payments", i, "receipts", len(payment.receipts) - 1, "amount"] if payment.receipts else \
            ["payments", i, "received_amount" if payment.received_amount is not None else "received"]
        yield doc.problem(where, "receipt-above-amount",
                          f"payment {n} has {money(payment.paid)} received in all, more than its amount "
                          f"{money(payment.amount)}")
    if payment.invoiced is None:
        return
    dated = [(["payments", i, "received"], payment.received)]
    dated += [(["payments", i, "receipts", j, "date"], r.date) for j, r in enumerate(payment.receipts)]
    for where, day in dated:
        if day is not None and day < payment.invoiced:
            yield doc.problem(where, "received-before-invoiced",
                              f"payment {n} was received on {day}, before it was invoiced on {payment.invoiced}")


def _credit_terms(repo: Repository, doc: Document, project: Project) -> Iterator[Problem]:
    customer = repo.customers.get(project.customer or "")
    if not project.payments or customer is None:
        return
    term = repo.process.credit_term(customer.credit)
    if term is None or term.min_advance <= 0:
        return
    if term.guarantee_instead and project.guarantee:
        return
    total = project.amount if project.amount is not None else sum((p.amount or Decimal(0) for p in project.payments),
                                                                   Decimal(0))
    needed = term.min_advance * total
    advance = sum((p.amount or Decimal(0) for p in project.payments if p.kind == ADVANCE), Decimal(0))
    if advance >= needed:
        return
    instead = " or a guarantee (`guarantee:`)" if term.guarantee_instead else ""
    yield doc.problem(["payments"], "credit-terms",
                      f"{customer.id} has credit {term.credit}: the plan needs advance payments (kind: advance) of "
                      f"at least {(term.min_advance * 100).normalize():f}% of {money(total)}, {money(needed)}{instead}; "
                      f"it has {money(advance)}", WARNING, key=True)
