"""Receivables: what customers still owe, by customer, by owner and by collector (收款责任人), in buckets of days
overdue; every overdue payment with its collector, its last collection step and the next one due
(`holp.collection.escalation`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.collection import escalation, last_action, receipts
from holp.model import CollectionAction
from holp.model.coerce import iso
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
    payment: int = 0  # 1-based, in the file's order (what `holp pay --payment` takes)
    collector: str | None = None
    collector_name: str = ""
    last_action: CollectionAction | None = None
    last_action_days: int | None = None  # days from the last step to the report's day
    escalation: str | None = None  # the next step due: call, letter, visit, legal (None at the top of the ladder)

    def json(self) -> dict[str, Any]:
        last = self.last_action
        return {"project": self.project, "name": self.name, "customer": self.customer, "owner": self.owner,
                "due": iso(self.due), "days_overdue": self.days_overdue,
                "outstanding": money_plain(self.outstanding), "payment": self.payment, "collector": self.collector,
                "last_action": None if last is None else {
                    "date": iso(last.date), "kind": last.kind, "by": last.by,
                    "note": last.note},
                "last_action_days": self.last_action_days, "escalation": self.escalation}


@dataclass(frozen=True)
class Receivables(Report):
    kind: ClassVar[str] = "receivables"
    head: Head
    received_this_year: Decimal
    by_customer: tuple[Balance, ...]  # the most overdue first
    by_owner: tuple[Balance, ...]
    overdue: tuple[OverduePayment, ...]  # the longest overdue first
    by_collector: tuple[Balance, ...] = ()  # key "" is the payments nobody is named to collect
    by: str | None = None  # "collector": the tables group by collector rather than owner

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "received_this_year": money_plain(self.received_this_year),
                "by_customer": [b.json() for b in self.by_customer], "by_owner": [b.json() for b in self.by_owner],
                "by_collector": [b.json() for b in self.by_collector], "overdue": [p.json() for p in self.overdue]}

    def tables(self, label: Labels) -> list[Table]:
        headers = [label(c) for c in COLUMNS] + [label("outstanding")]

        def balances(caption: str, first: str, items: tuple[Balance, ...]) -> Table:
            return Table(caption, [first, *headers], [[b.label, *b.columns, b.outstanding] for b in items],
                         frozenset(range(1, len(COLUMNS) + 2)))

        def step(p: OverduePayment) -> str | None:
            last = p.last_action
            if last is None or last.kind is None:
                return None
            return f"{label('action_' + last.kind)} {last.date.isoformat() if last.date else ''}".strip()

        detail = Table(label("days_overdue"), [label("id"), label("project"), label("customer"), label("due"),
                                               label("days_overdue"), label("outstanding"), label("collector"),
                                               label("last_action"), label("last_action_days"), label("escalation")],
                       [[p.project, p.name, p.customer_name, iso(p.due), p.days_overdue,
                         p.outstanding, p.collector_name or None, step(p), p.last_action_days,
                         label("action_" + p.escalation) if p.escalation else None] for p in self.overdue],
                       frozenset({5}), frozenset({4, 8}))
        second = balances(label("collector"), label("collector"), self.by_collector) if self.by == "collector" \
            else balances(label("owner"), label("owner"), self.by_owner)
        return [balances(label("customer"), label("customer"), self.by_customer), second, detail]

    def notes(self, label: Labels) -> list[str]:
        return [f"{label('received')} {self.head.as_of.year}: {money(self.received_this_year)} {self.head.currency}",
                label("escalation_rule")]


def receivables(snapshot: Snapshot, by: str | None = None) -> Receivables:
    """Outstanding payments as of the snapshot's day, and what was received this year up to it (each receipt on
    its own day)."""
    as_of = snapshot.as_of
    by_customer: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_owner: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_collector: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    overdue: list[OverduePayment] = []
    received_year = ZERO
    for deal in snapshot.deals:
        for n, p in enumerate(deal.payments, 1):
            received_year += sum((amount for day, amount, _ in receipts(p)
                                  if day is not None and day.year == as_of.year and day <= as_of), ZERO)
            if p.outstanding <= 0:
                continue
            days = (as_of - p.due).days if p.due else -1
            column = "not_due" if days <= 0 else next(b[0] for b in BUCKETS if b[2] is None or days <= b[2])
            for groups, key in ((by_customer, deal.customer or "—"), (by_owner, deal.owner or "—"),
                                (by_collector, p.collector or "")):
                groups[key][column] += p.outstanding
            if column != "not_due":
                last = last_action(p, as_of)
                overdue.append(OverduePayment(
                    deal.id, deal.name, deal.customer, customer_name(snapshot, deal.customer or ""), deal.owner,
                    p.due, days, p.outstanding, n, p.collector, rep_name(snapshot, p.collector) if p.collector else "",
                    last, (as_of - last.date).days if last is not None and last.date else None,
                    escalation(p, as_of)))
    overdue.sort(key=lambda p: -p.days_overdue)

    def balances(groups: dict[str, dict[str, Decimal]], name: Callable[[str], str]) -> tuple[Balance, ...]:
        found = [Balance(key, name(key), tuple(values[c] for c in COLUMNS)) for key, values in sorted(groups.items())]
        # ordered as printed: balances overdue by the same cents keep the order of their keys
        return tuple(sorted(found, key=lambda b: -cents(b.overdue)))

    return Receivables(head(snapshot), received_year,
                       balances(by_customer, lambda key: customer_name(snapshot, key)),
                       balances(by_owner, lambda key: rep_name(snapshot, key)), tuple(overdue),
                       balances(by_collector, lambda key: rep_name(snapshot, key) if key else "—"), by)
