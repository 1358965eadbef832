"""Lead sources (客户来源): per source of holp.yaml's `sources`, the projects and customers it brought, the open
pipeline, what was won and lost, the conversion (won ÷ (won + lost)) and what was spent on its deals.

A project's source is its own `source`, else its customer's
(`Snapshot.source`); projects and customers with none are a row of their
own. Without a period everything up to the report's day counts; with one, a
project counts as a lead in the period its file was first committed, won on
the day it was won (`won_dates`), lost on the day it moved to lost, and an
expense on its day (open pipeline and customers are as of the report's day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.model import LOST
from holp.output import money_plain
from holp.reports.common import ZERO, Head, Report, Table, day_of, head, pct, percent, state, tenths, won_dates
from holp.reports.expenses import period_bounds

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Snapshot


@dataclass(frozen=True)
class SourceRow:
    key: str  # "" for no source
    label: str
    projects: int
    customers: int
    open_count: int
    open_amount: Decimal
    won_count: int
    won_amount: Decimal
    lost_count: int
    expenses: Decimal

    @property
    def conversion(self) -> Decimal | None:
        return percent(self.won_count, self.won_count + self.lost_count)

    def json(self) -> dict[str, Any]:
        return {"source": self.key or None, "label": self.label, "projects": self.projects,
                "customers": self.customers, "open": {"count": self.open_count, "amount": money_plain(self.open_amount)},
                "won": {"count": self.won_count, "amount": money_plain(self.won_amount)}, "lost": self.lost_count,
                "conversion": tenths(self.conversion), "expenses": money_plain(self.expenses)}

    def cells(self) -> list[Any]:
        return [self.label, self.projects, self.customers, self.open_count, self.open_amount, self.won_count,
                self.won_amount, self.lost_count, pct(self.conversion), self.expenses]


@dataclass(frozen=True)
class Sources(Report):
    kind: ClassVar[str] = "sources"
    head: Head
    period: str | None
    start: dt.date | None
    end: dt.date | None
    rows: tuple[SourceRow, ...]  # in the order of holp.yaml, then sources it does not have, then no source
    total: SourceRow

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "period": self.period, "from": None if self.start is None else self.start.isoformat(),
                "to": None if self.end is None else self.end.isoformat(), "sources": [r.json() for r in self.rows],
                "total": self.total.json()}

    def tables(self, label: Labels) -> list[Table]:
        caption = label("report_sources") + ("" if self.start is None or self.end is None
                                             else f" · {self.start.isoformat()} – {self.end.isoformat()}")
        return [Table(caption, [label("source"), label("leads"), label("lead_customers"), label("open_count"),
                                label("open_pipeline"), label("won_count"), label("won_amount"), label("lost_count"),
                                label("conversion_rate"), label("spent")],
                      [*([label("no_source") if not r.key else r.label, *r.cells()[1:]] for r in self.rows),
                       [label("total"), *self.total.cells()[1:]]],
                      frozenset({4, 6, 9}), frozenset({1, 2, 3, 5, 7, 8}))]

    def notes(self, label: Labels) -> list[str]:
        return [label("sources_rule"), *([label("sources_period_rule")] if self.period else [])]

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        return [["source", "label", "projects", "customers", "open_count", "open_amount", "won_count", "won_amount",
                 "lost_count", "conversion", "expenses"],
                *([r.key, r.label, r.projects, r.customers, r.open_count, money_plain(r.open_amount), r.won_count,
                   money_plain(r.won_amount), r.lost_count, tenths(r.conversion), money_plain(r.expenses)]
                  for r in self.rows)]


def _days(history: History | None) -> tuple[dict[str, dt.date], dict[str, dt.date]]:
    """Each project's first day in history (its file's first commit) and the day it moved to lost."""
    created: dict[str, dt.date] = {}
    lost: dict[str, dt.date] = {}
    for t in history.transitions if history else []:
        if t.field != "stage":
            continue
        if t.source is None:
            created.setdefault(t.project, day_of(t))
        if t.target == LOST:
            lost.setdefault(t.project, day_of(t))
    return created, lost


def sources(snapshot: Snapshot, lang: str, history: History | None, period: str | None = None) -> Sources:
    process = snapshot.process
    as_of = snapshot.as_of
    start, end = period_bounds(as_of, period) if period else (None, None)

    def within(day: dt.date | None) -> bool:
        if day is None or day > as_of:
            return False
        return start is None or end is None or start <= day <= end

    won_on = won_dates(process, history, snapshot)
    created, lost_on = _days(history)
    figures: dict[str, list[Any]] = {c.id: [0, 0, 0, ZERO, 0, ZERO, 0, ZERO] for c in process.sources}

    def row(key: str | None) -> list[Any]:
        return figures.setdefault(key or "", [0, 0, 0, ZERO, 0, ZERO, 0, ZERO])

    for account in snapshot.accounts.values():
        row(account.source)[1] += 1
    for deal in snapshot.deals:
        found = row(snapshot.source(deal))
        kind = state(process, deal)
        if period is None or within(created.get(deal.id)):
            found[0] += 1
        if kind == "open":
            found[2] += 1
            found[3] += deal.amount or ZERO
        elif kind == "won" and (period is None or within(won_on.get(deal.id))):
            found[4] += 1
            found[5] += deal.amount or ZERO
        elif deal.stage == LOST and (period is None or within(lost_on.get(deal.id))):
            found[6] += 1
        found[7] += sum((e.amount for e in deal.expenses if e.amount is not None and within(e.date)), ZERO)
    for account in snapshot.accounts.values():
        row(account.source)[7] += sum((e.amount for e in account.expenses if e.amount is not None and within(e.date)),
                                      ZERO)
    known = [c.id for c in process.sources]
    order = [*known, *sorted(k for k in figures if k and k not in known), *([""] if "" in figures else [])]

    def named(key: str) -> str:
        return process.choice_label(process.sources, key, lang) if key else "—"

    rows = tuple(SourceRow(k, named(k), *figures[k]) for k in order)
    total = SourceRow("", "", sum(r.projects for r in rows), sum(r.customers for r in rows),
                      sum(r.open_count for r in rows), sum((r.open_amount for r in rows), ZERO),
                      sum(r.won_count for r in rows), sum((r.won_amount for r in rows), ZERO),
                      sum(r.lost_count for r in rows), sum((r.expenses for r in rows), ZERO))
    return Sources(head(snapshot), period, start, end, rows, total)

