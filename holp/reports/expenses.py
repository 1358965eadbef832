"""Sales expenses (销售费用的控制): what was spent in a month, quarter or year, by owner, region, business line or
customer, against the amount won in the same period (the cost of sale, 费用率) and the expense budgets of
team.yaml (`Team.budget`, a year without quarters split evenly).

An expense counts on its own day, up to the report's day; a deal's won
amount counts on the day it was won (`won_dates`: its first move into a won
stage). An expense on a customer (tied to no deal) counts under the
customer's owner and region, and under no business line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.model.coerce import iso
from holp.output import money_plain
from holp.reports.common import ZERO, Head, Report, Table, group_name, head, pct, percent, rep_name, state, tenths, won_dates

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.model.process import PeriodAmount
    from holp.snapshot import Snapshot

GROUPS = ("owner", "region", "business_line", "customer")
NONE = "—"  # the group of what has no owner, region or business line
OVER = "⚠"  # marks a group over its budget


def period_bounds(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the month, quarter or year ``day`` is in."""
    if period == "month":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return first, last
    if period == "quarter":
        month = 3 * ((day.month - 1) // 3) + 1
        first = day.replace(month=month, day=1)
        last = (first + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
        return first, last
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    count: int
    expenses: Decimal
    won: Decimal
    budget: Decimal | None = None
    budget_split: bool = False  # the budget is a longer period's, divided evenly

    @property
    def cost_of_sale(self) -> Decimal | None:
        return percent(self.expenses, self.won)

    @property
    def used(self) -> Decimal | None:
        return None if self.budget is None else percent(self.expenses, self.budget)

    @property
    def over(self) -> bool:
        return self.budget is not None and self.expenses > self.budget

    def json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "count": self.count, "expenses": money_plain(self.expenses),
                "won": money_plain(self.won), "cost_of_sale": tenths(self.cost_of_sale),
                "budget": None if self.budget is None else money_plain(self.budget),
                "budget_split": self.budget_split, "budget_used": tenths(self.used), "over_budget": self.over}


@dataclass(frozen=True)
class Spent:
    """One expense of the period, with the record it is on."""

    date: dt.date
    record: str  # the project's id, or the customer's for an expense tied to no deal
    customer: str | None
    kind: str
    amount: Decimal
    by: str | None
    approved_by: str | None
    note: str | None
    number: int  # 1-based, in the record's `expenses:`
    by_name: str | None = None  # as team.yaml names the member, for the tables (JSON keeps the ids)
    approver_name: str | None = None

    def json(self) -> dict[str, Any]:
        return {"date": iso(self.date), "record": self.record, "number": self.number, "customer": self.customer,
                "kind": self.kind, "amount": money_plain(self.amount), "by": self.by,
                "approved_by": self.approved_by, "note": self.note}


@dataclass(frozen=True)
class Expenses(Report):
    kind: ClassVar[str] = "expenses"
    head: Head
    period: str
    start: dt.date
    end: dt.date
    by: str
    groups: tuple[Group, ...]  # the most spent first
    total: Group
    by_kind: tuple[tuple[str, int, Decimal], ...]  # (kind, count, amount), in the order of EXPENSE_KINDS
    spent: tuple[Spent, ...]  # by date

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "period": self.period, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "by": self.by, "groups": [g.json() for g in self.groups],
                "total": self.total.json(),
                "by_kind": [{"kind": k, "count": n, "amount": money_plain(a)} for k, n, a in self.by_kind],
                "expenses": [s.json() for s in self.spent]}

    def _row(self, g: Group) -> list[Any]:
        used = pct(g.used) if g.budget is not None else None
        budget: Any = g.budget
        return [g.label, g.count, g.expenses, g.won, pct(g.cost_of_sale), budget,
                f"{used} {OVER}" if g.over else used]

    def tables(self, label: Labels) -> list[Table]:
        caption = f"{label('report_expenses')} · {self.start.isoformat()} – {self.end.isoformat()} · {label(self.by)}"
        main = Table(caption, [label(self.by), label("expense_count"), label("expenses"), label("won_amount"),
                               label("cost_of_sale"), label("expense_budget"), label("budget_used")],
                     [*(self._row(g) for g in self.groups), [label("total"), *self._row(self.total)[1:]]],
                     frozenset({2, 3, 5}), frozenset({1, 4, 6}))
        kinds = Table(label("expense_kind"), [label("expense_kind"), label("expense_count"), label("expenses")],
                      [[label(f"expense_{k}"), n, a] for k, n, a in self.by_kind], frozenset({2}), frozenset({1}))
        detail = Table(label("expense_list"), [label("date"), label("id"), label("expense_kind"), label("expenses"),
                                               label("expense_by"), label("approved_by"), label("note")],
                       [[iso(s.date), s.record, label(f"expense_{s.kind}"), s.amount, s.by_name, s.approver_name, s.note]
                        for s in self.spent], frozenset({3}), wrap={6: 20})
        return [main, kinds, detail]

    def notes(self, label: Labels) -> list[str]:
        found = [label("expenses_rule").format(over=OVER)]
        if any(g.budget_split for g in (*self.groups, self.total)):
            found.append(label("expense_budget_split"))
        return found

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        return [["key", "label", "count", "expenses", "won", "cost_of_sale", "budget", "budget_used", "over_budget"],
                *([g.key, g.label, g.count, money_plain(g.expenses), money_plain(g.won), tenths(g.cost_of_sale),
                   None if g.budget is None else money_plain(g.budget), tenths(g.used),
                   "true" if g.over else "false"]
                  for g in self.groups)]


def expenses(snapshot: Snapshot, lang: str, history: History | None, period: str = "year",
             by: str = "region") -> Expenses:
    from holp.vocabulary import EXPENSE_KINDS

    as_of = snapshot.as_of
    start, end = period_bounds(as_of, period)
    until = min(end, as_of)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    won: dict[str, Decimal] = defaultdict(Decimal)
    listed: list[Spent] = []

    def take(key: str | None, record: str, customer: str | None, items: Sequence[Any]) -> None:
        for n, e in enumerate(items, 1):
            if e.date is None or e.amount is None or not start <= e.date <= until:
                continue
            spent[key or NONE] += e.amount
            counts[key or NONE] += 1
            listed.append(Spent(e.date, record, customer, e.kind or "other", e.amount, e.by, e.approved_by, e.note, n,
                                e.by and rep_name(snapshot, e.by), e.approved_by and rep_name(snapshot, e.approved_by)))

    keys = {"owner": lambda d: d.owner, "region": snapshot.region, "business_line": lambda d: d.business_line,
            "customer": lambda d: d.customer}
    won_on = won_dates(snapshot.process, history, snapshot)
    for deal in snapshot.deals:
        key = keys[by](deal)
        take(key, deal.id, deal.customer, deal.expenses)
        day = won_on.get(deal.id)
        if state(snapshot.process, deal) == "won" and day is not None and start <= day <= until:
            won[key or NONE] += deal.amount or ZERO
    for account in snapshot.accounts.values():
        key = {"owner": account.owner, "region": account.region, "business_line": None, "customer": account.id}[by]
        take(key, account.id, account.id, account.expenses)

    def budget(key: str) -> PeriodAmount | None:
        if by not in ("owner", "region") or key == NONE:
            return None
        quarter = (as_of.month - 1) // 3 + 1 if period == "quarter" else None
        month = as_of.month if period == "month" else None
        subject = {"region": key} if by == "region" else {"rep": key}
        return snapshot.team.budget(as_of.year, quarter=quarter, month=month, **subject)

    subjects = [r.id for r in snapshot.team.regions] if by == "region" else \
        [r.id for r in snapshot.team.reps] if by == "owner" else []
    found = {*spent, *won, *(s for s in subjects if budget(s) is not None)}
    groups = []
    for key in found:
        b = budget(key)
        groups.append(Group(key, NONE if key == NONE else group_name(snapshot, by, key, lang), counts[key],
                            spent[key], won[key], None if b is None else b.amount, b is not None and b.split))
    groups.sort(key=lambda g: (-g.expenses, -g.won, g.key))
    budgets = [g for g in groups if g.budget is not None]
    total = Group("", "", sum(counts.values()), sum(spent.values(), ZERO), sum(won.values(), ZERO),
                  sum((g.budget or ZERO for g in budgets), ZERO) if budgets else None,
                  any(g.budget_split for g in budgets))
    by_kind = tuple((k, n, sum((s.amount for s in listed if s.kind == k), ZERO)) for k in EXPENSE_KINDS
                    if (n := sum(1 for s in listed if s.kind == k)))
    listed.sort(key=lambda s: (s.date, s.record, s.number))
    return Expenses(head(snapshot), period, start, end, by, tuple(groups), total, by_kind, tuple(listed))
