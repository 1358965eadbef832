"""After-sales service (售后服务): open items by age and severity, overdue items, time to resolve by kind,
satisfaction by customer, rep and business line, and the won customers due for a revisit (回访).

Every figure comes from the items' own dates as of the snapshot's day: an item
counts once its `date` is on or before that day, is open until its `resolved`
day has come, and its satisfaction counts from the day it was given (its
`resolved` day, or its `date` when it has none). Revisits and trainings are
never open. The rep of a satisfaction score is the project's owner.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.aftersales import Touch, revisits_due
from holp.model.coerce import iso
from holp.model.records import LEVELS, SERVICE_KINDS, ServiceItem
from holp.reports.common import Head, Report, Table, customer_name, head, rep_name, tenths

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.snapshot import Deal, Snapshot

# (column, first day open, last day open or None for no end)
AGES = (("age_0_7", 0, 7), ("age_8_30", 8, 30), ("age_31_90", 31, 90), ("age_90", 91, None))
NEVER_OPEN = ("revisit", "training")


_iso = iso


@dataclass(frozen=True)
class OpenItem:
    project: str
    number: int  # 1-based, in the file's order: what `holp service close ID N` takes
    customer: str | None
    customer_name: str
    kind: str | None
    severity: str | None
    from_: str | None
    owner: str | None
    date: dt.date
    age_days: int
    due: dt.date | None
    days_overdue: int | None  # None: not overdue
    summary: str | None

    def json(self) -> dict[str, Any]:
        return {"project": self.project, "item": self.number, "customer": self.customer, "kind": self.kind,
                "severity": self.severity, "from": self.from_, "owner": self.owner, "date": self.date.isoformat(),
                "age_days": self.age_days, "due": _iso(self.due), "days_overdue": self.days_overdue,
                "summary": self.summary}


@dataclass(frozen=True)
class SeverityAges:
    severity: str | None
    counts: tuple[int, ...]  # per column of AGES

    def json(self) -> dict[str, Any]:
        return {"severity": self.severity, **{a[0]: n for a, n in zip(AGES, self.counts, strict=True)},
                "open": sum(self.counts)}


@dataclass(frozen=True)
class Resolve:
    kind: str
    count: int
    average_days: Decimal
    median_days: Decimal

    def json(self) -> dict[str, Any]:
        return {"kind": self.kind, "count": self.count, "average_days": tenths(self.average_days),
                "median_days": tenths(self.median_days)}


@dataclass(frozen=True)
class Score:
    key: str
    label: str
    count: int
    average: Decimal

    def json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "count": self.count, "average": tenths(self.average)}


@dataclass(frozen=True)
class Due:
    customer: str
    customer_name: str
    last: dt.date | None
    days: int | None

    def json(self) -> dict[str, Any]:
        return {"customer": self.customer, "name": self.customer_name, "last_revisit": _iso(self.last),
                "days_since": self.days}


@dataclass(frozen=True)
class Service(Report):
    kind: ClassVar[str] = "service"
    head: Head
    lang: str
    open_by_severity: tuple[SeverityAges, ...]
    open_items: tuple[OpenItem, ...]  # the most severe first, then the oldest
    time_to_resolve: tuple[Resolve, ...]
    by_customer: tuple[Score, ...]
    by_owner: tuple[Score, ...]
    by_business_line: tuple[Score, ...]
    revisit_every_days: int | None
    revisits_due: tuple[Due, ...]

    @property
    def overdue(self) -> tuple[OpenItem, ...]:
        return tuple(sorted((i for i in self.open_items if i.days_overdue is not None),
                            key=lambda i: (-(i.days_overdue or 0), i.project, i.number)))

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "open_by_severity": [s.json() for s in self.open_by_severity],
                "open": [i.json() for i in self.open_items], "overdue": [i.json() for i in self.overdue],
                "time_to_resolve": [r.json() for r in self.time_to_resolve],
                "satisfaction": {"by_customer": [s.json() for s in self.by_customer],
                                 "by_owner": [s.json() for s in self.by_owner],
                                 "by_business_line": [s.json() for s in self.by_business_line]},
                "revisit_every_days": self.revisit_every_days,
                "revisits_due": [d.json() for d in self.revisits_due]}

    def tables(self, label: Labels) -> list[Table]:
        def kind(value: str | None) -> str:
            return label(value, "service_kinds") if value else "—"

        def level(value: str | None) -> str:
            return label(value, "levels") if value else "—"

        ages = Table(label("service_by_age"), [label("service_severity"), *(label(a[0]) for a in AGES),
                                                   label("service_open")],
                     [[level(s.severity), *s.counts, sum(s.counts)] for s in self.open_by_severity],
                     numbers=frozenset(range(1, len(AGES) + 2)))
        items_headers = [label("id"), label("service_item"), label("customer"), label("kind"),
                         label("service_severity"), label("service_age_days"), label("due"), label("days_overdue"),
                         label("service_summary")]

        def items(caption: str, found: tuple[OpenItem, ...]) -> Table:
            return Table(caption, items_headers,
                         [[i.project, i.number, i.customer_name, kind(i.kind), level(i.severity), i.age_days,
                           _iso(i.due), i.days_overdue, i.summary] for i in found],
                         numbers=frozenset({1, 5, 7}), wrap={2: 12, 8: 16})

        resolve = Table(label("service_time_to_resolve"), [label("kind"), label("service_count"),
                                                            label("average_days"), label("service_median_days")],
                        [[kind(r.kind), r.count, tenths(r.average_days), tenths(r.median_days)]
                         for r in self.time_to_resolve], numbers=frozenset({1, 2, 3}))

        def scores(caption: str, first: str, found: tuple[Score, ...]) -> Table:
            return Table(caption, [first, label("service_count"), label("service_satisfaction")],
                         [[s.label, s.count, tenths(s.average)] for s in found], numbers=frozenset({1, 2}))

        never = label("service_never")
        due = Table(label("service_revisits_due"), [label("customer"), label("service_last_revisit"),
                                                    label("service_days_since")],
                    [[d.customer_name, _iso(d.last) or never, d.days] for d in self.revisits_due],
                    numbers=frozenset({2}))
        satisfaction = label("service_satisfaction")
        return [ages, items(label("service_open_items"), self.open_items),
                items(label("service_overdue_items"), self.overdue), resolve,
                scores(f"{satisfaction} · {label('customer')}", label("customer"), self.by_customer),
                scores(f"{satisfaction} · {label('owner')}", label("owner"), self.by_owner),
                scores(f"{satisfaction} · {label('business_line')}", label("business_line"), self.by_business_line),
                due]

    def csv_rows(self, label: Labels) -> list[Any]:
        table = self.tables(label)[1]
        return [table.headers, *table.rows]

    def notes(self, label: Labels) -> list[str]:
        if self.revisit_every_days is None:
            return []
        return [f"{label('service_revisit_every')}: {self.revisit_every_days} {label('days')}"]


def _counted(item: ServiceItem, as_of: dt.date) -> bool:
    return item.date is not None and item.date <= as_of


def _is_open(item: ServiceItem, as_of: dt.date) -> bool:
    return item.kind not in NEVER_OPEN and (item.resolved is None or item.resolved > as_of)


def _average(values: list[int]) -> Decimal:
    return Decimal(sum(values)) / Decimal(len(values))


def _scores(groups: dict[str, list[int]], name: Callable[[str], str]) -> tuple[Score, ...]:
    return tuple(Score(key, name(key), len(values), _average(values)) for key, values in sorted(groups.items()))


def service(snapshot: Snapshot, lang: str) -> Service:
    as_of = snapshot.as_of
    process = snapshot.process
    open_items: list[OpenItem] = []
    days_to_resolve: dict[str, list[int]] = defaultdict(list)
    by: dict[str, dict[str, list[int]]] = {"customer": defaultdict(list), "owner": defaultdict(list),
                                           "business_line": defaultdict(list)}
    deals: list[Deal] = sorted(snapshot.deals, key=lambda d: d.id)
    for deal in deals:
        for number, item in enumerate(deal.service, start=1):
            if not _counted(item, as_of) or item.date is None:
                continue
            if _is_open(item, as_of):
                overdue = (as_of - item.due).days if item.due is not None and item.due < as_of else None
                open_items.append(OpenItem(deal.id, number, deal.customer, customer_name(snapshot, deal.customer or ""),
                                           item.kind, item.severity, item.from_, item.owner, item.date,
                                           (as_of - item.date).days, item.due, overdue, item.summary))
            elif item.resolved is not None and item.kind is not None:
                days_to_resolve[item.kind].append((item.resolved - item.date).days)
            given = item.resolved or item.date
            if item.satisfaction is not None and given <= as_of:
                for key, value in (("customer", deal.customer), ("owner", deal.owner),
                                   ("business_line", deal.business_line)):
                    by[key][value or "—"].append(item.satisfaction)
    rank = {level: i for i, level in enumerate(LEVELS)}
    open_items.sort(key=lambda i: (rank.get(i.severity or "", len(LEVELS)), -i.age_days, i.project, i.number))
    severities: list[str | None] = [*LEVELS, None]
    ages = []
    for severity in severities:
        of = [i.age_days for i in open_items if (i.severity if i.severity in LEVELS else None) == severity]
        if of or severity is not None:
            ages.append(SeverityAges(severity, tuple(sum(1 for d in of if lo <= d and (hi is None or d <= hi))
                                                     for _, lo, hi in AGES)))
    resolve = tuple(Resolve(kind, len(days), _average(days), Decimal(str(statistics.median(days))))
                    for kind in SERVICE_KINDS if (days := days_to_resolve.get(kind)))
    touches = [Touch(d.customer or "", d.stage, tuple(day for day, _ in d.visits), d.service) for d in deals]
    due = tuple(Due(d.customer, customer_name(snapshot, d.customer), d.last, d.days)
                for d in revisits_due(process, touches, as_of))

    def line_name(key: str) -> str:
        return process.choice_label(process.business_lines, key, lang) if key != "—" else key

    return Service(head(snapshot), lang, tuple(ages), tuple(open_items), resolve,
                   _scores(by["customer"], lambda key: customer_name(snapshot, key)),
                   _scores(by["owner"], lambda key: rep_name(snapshot, key)),
                   _scores(by["business_line"], line_name), process.revisit_every_days, due)
