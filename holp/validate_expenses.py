"""Checks of sales expenses (销售费用): who spent and who approved, and the approval holp.yaml's
`expense_approval` asks for above an amount.

An expense's `by` and `approved_by` are members of team.yaml. An expense
above a threshold needs `approved_by` holding the threshold's role for the
record's region (a project's own or its customer's; a customer's for a
customer's expense), as `holp.approvers` decides, other than the member who
spent it (no one approves their own expense): an error otherwise. An
expense dated after today is a warning (planned spending is not spent).
Amounts in words or below zero are the schema's to report.
"""

from __future__ import annotations

from collections.abc import Iterator

from holp.approvers import approval_problem, who_may_approve
from holp.checking import Wanted, everything
from holp.clock import today
from holp.collection import as_written
from holp.model.activity import Expense
from holp.problems import WARNING, Problem
from holp.repo import Repository, closest
from holp.yaml import Document


def expense_words(number: int, expense: Expense) -> str:
    """How a message names an expense: "expense 2 (12,000 hospitality)"."""
    amount = "?" if expense.amount is None else f"{as_written(expense.amount):,}"
    return f"expense {number} ({amount} {expense.kind})"


def expense_approval_problem(repo: Repository, expense: Expense, region: str | None) -> str | None:
    """Why ``expense`` lacks the approval holp.yaml asks for its amount, or None when it has it (or needs none)."""
    rule = repo.process.approval_needed(expense.amount)
    if rule is None:
        return None
    why = approval_problem(repo.team, expense.approved_by, region, rule.role, "approved_by")
    if why is None and expense.approved_by is not None and expense.approved_by == expense.by:
        return (f"needs the approval of {who_may_approve(repo.team, region, rule.role)}, not of who spent it; "
                f"approved_by {expense.approved_by} is its by")
    return why


def _records(repo: Repository, wanted: Wanted) -> Iterator[tuple[tuple[Expense, ...], str | None, bool, Document]]:
    """Each record with expenses: its expenses, its region, whether that region cannot be known, its document."""
    for project in repo.projects.values():
        doc = repo.document(project.path)
        if wanted(doc.path) and project.expenses:
            region = repo.region_of(project)
            yield project.expenses, region, repo.region_unknown(region), doc
    for customer in repo.customers.values():
        doc = repo.document(customer.path)
        if wanted(doc.path) and customer.expenses:
            yield customer.expenses, customer.region, repo.region_unknown(customer.region), doc


def check_expenses(repo: Repository, wanted: Wanted = everything) -> Iterator[Problem]:
    members = repo.team.rep_ids
    now = today()
    for expenses, region, region_unknown, doc in _records(repo, wanted):
        for i, expense in enumerate(expenses):
            if expense.by is not None and expense.by not in members:
                yield doc.problem(["expenses", i, "by"], "unknown-rep",
                                  f"rep '{expense.by}' is not in team.yaml{closest(expense.by, members)}")
            why = None if region_unknown else expense_approval_problem(repo, expense, region)
            if why is not None:
                at = "approved_by" if expense.approved_by is not None else "amount"
                yield doc.problem(["expenses", i, at], "expense-not-approved",
                                  f"{expense_words(i + 1, expense)} {why}")
            elif expense.approved_by is not None and expense.approved_by not in members:
                yield doc.problem(["expenses", i, "approved_by"], "unknown-rep",
                                  f"rep '{expense.approved_by}' is not in team.yaml"
                                  f"{closest(expense.approved_by, members)}")
            if expense.date is not None and expense.date > now:
                yield doc.problem(["expenses", i, "date"], "expense-in-future",
                                  f"{expense_words(i + 1, expense)} is dated {expense.date}, after today ({now}): "
                                  "record an expense once it is spent", WARNING)
