"""Receivables: what customers still owe, by customer and by owner, in buckets of days overdue; every overdue payment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.output import cents, money, money_plain
from holp.reports.common import ZERO, Head, Report, Table, customer_name, head, rep_name

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.snapshot import Snapshot

# (column, first day overdue, last day overdue or None for no end)
BUCKETS = (("overdue_0_30", 0, 30), ("overdue_31_60", 31, 60), ("overdue_61_90", 61, 90), ("overdue_90", 91, None))
COLUMNS = ("not_due", *(b[0] for b in BUCKETS))


@dataclass(frozen=True)
class Balance:
    """What one customer (or owner's customers) owes, per column of COLUMNS."""

    key: str
    label: str
    columns: tuple[Decimal, ...]

    @property
    def outstanding(self) -> Decimal:
        return sum(self.columns, ZERO)

    @property
    def overdue(self) -> Decimal:
        return self.outstanding - self.columns[0]

    def json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label,
                **{c: money_plain(v) for c, v in zip(COLUMNS, self.columns, strict=True)},
                "outstanding": money_plain(self.outstanding), "overdue": money_plain(self.overdue)}


@dataclass(frozen=True)
class OverduePayment:
    project: str
    name: str
    customer: str | None
    customer_name: str
    owner: str | None
    due: dt.date | None
    days_overdue: int
    outstanding: Decimal

    def json(self) -> dict[str, Any]:
        return {"project": self.project, "name": self.name, "customer": self.customer, "owner": self.owner,
                "due": self.due.isoformat() if self.due else None, "days_overdue": self.days_overdue,
                "outstanding": money_plain(self.outstanding)}


@dataclass(frozen=True)
class Receivables(Report):
    kind: ClassVar[str] = "receivables"
    head: Head
    received_this_year: Decimal
    by_customer: tuple[Balance, ...]  # the most overdue first
    by_owner: tuple[Balance, ...]
    overdue: tuple[OverduePayment, ...]  # the longest overdue first

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "received_this_year": money_plain(self.received_this_year),
                "by_customer": [b.json() for b in self.by_customer], "by_owner": [b.json() for b in self.by_owner],
                "overdue": [p.json() for p in self.overdue]}

    def tables(self, label: Labels) -> list[Table]:
        headers = [label(c) for c in COLUMNS] + [label("outstanding")]

        def balances(caption: str, first: str, items: tuple[Balance, ...]) -> Table:
            return Table(caption, [first, *headers], [[b.label, *b.columns, b.outstanding] for b in items],
                         frozenset(range(1, len(COLUMNS) + 2)))

        detail = Table(label("days_overdue"), [label("id"), label("project"), label("customer"), label("due"),
                                               label("days_overdue"), label("outstanding")],
                       [[p.project, p.name, p.customer_name, p.due.isoformat() if p.due else None, p.days_overdue,
                         p.outstanding] for p in self.overdue], frozenset({5}), frozenset({4}))
        return [balances(label("customer"), label("customer"), self.by_customer),
                balances(label("owner"), label("owner"), self.by_owner), detail]

    def notes(self, label: Labels) -> list[str]:
        return [f"{label('received')} {self.head.as_of.year}: {money(self.received_this_year)} {self.head.currency}"]


def receivables(snapshot: Snapshot) -> Receivables:
    """Outstanding payments as of the snapshot's day, and what was received this year up to it."""
    as_of = snapshot.as_of
    by_customer: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_owner: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    overdue: list[OverduePayment] = []
    received_year = ZERO
    for deal in snapshot.deals:
        for p in deal.payments:
            if p.received and p.received.year == as_of.year and p.received <= as_of:
                received_year += p.paid
            if p.outstanding <= 0:
                continue
            days = (as_of - p.due).days if p.due else -1
            column = "not_due" if days <= 0 else next(b[0] for b in BUCKETS if b[2] is None or days <= b[2])
            for groups, key in ((by_customer, deal.customer or "—"), (by_owner, deal.owner or "—")):
                groups[key][column] += p.outstanding
            if column != "not_due":
                overdue.append(OverduePayment(deal.id, deal.name, deal.customer,
                                              customer_name(snapshot, deal.customer or ""), deal.owner, p.due, days,
                                              p.outstanding))
    overdue.sort(key=lambda p: -p.days_overdue)

    def balances(groups: dict[str, dict[str, Decimal]], name: Callable[[str], str]) -> tuple[Balance, ...]:
        found = [Balance(key, name(key), tuple(values[c] for c in COLUMNS)) for key, values in sorted(groups.items())]
        # ordered as printed: balances overdue by the same cents keep the order of their keys
        return tuple(sorted(found, key=lambda b: -cents(b.overdue)))

    return Receivables(head(snapshot), received_year,
                       balances(by_customer, lambda key: customer_name(snapshot, key)),
                       balances(by_owner, lambda key: rep_name(snapshot, key)), tuple(overdue))
