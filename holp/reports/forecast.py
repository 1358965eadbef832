"""The forecast: open deals by expected close (this year's quarters or months), won to date, and each target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.output import money_plain
from holp.pipeline import weighted
from holp.reports.common import (
    ZERO,
    Head,
    Report,
    Table,
    Totals,
    amount,
    head,
    incomplete,
    incomplete_notes,
    percent,
    quarter,
    shallow,
    state,
    tenths,
    won_dates,
)

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Deal, Snapshot

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    period: str  # overdue, a quarter (2026-Q3) or month (2026-07) of the year, later, or none (no date)
    totals: Totals


@dataclass(frozen=True)
class TargetFigures:
    """One target of the year against what is won and what the pipeline promises."""

    kind: str  # region or rep
    id: str
    label: str
    target: Decimal
    won: Decimal
    pipeline: Decimal
    weighted: Decimal
    deals: tuple[tuple[str, Decimal | None], ...] = ()  # the deals behind it: won (None), open (its weighted amount)

    @property
    def forecast(self) -> Decimal:
        return self.won + self.weighted

    @property
    def gap(self) -> Decimal:
        return max(ZERO, self.target - self.won)

    @property
    def gap_percent(self) -> Decimal | None:
        return percent(self.gap, self.target)

    @property
    def coverage(self) -> Decimal | None:
        """How many times the open pipeline covers the gap; None once there is no gap."""
        return self.pipeline / self.gap if self.gap > 0 else None

    def json(self) -> dict[str, Any]:
        coverage = self.coverage
        return {
            "kind": self.kind, "id": self.id, "label": self.label, "target": money_plain(self.target),
            "won": money_plain(self.won), "pipeline": money_plain(self.pipeline),
            "weighted": money_plain(self.weighted), "forecast": money_plain(self.forecast),
            "gap": money_plain(self.gap), "gap_percent": tenths(self.gap_percent),
            "coverage": str(coverage.quantize(HUNDREDTH)) if coverage is not None else None,
        }


@dataclass(frozen=True)
class Forecast(Report):
    kind: ClassVar[str] = "forecast"
    head: Head
    year: int
    period: str  # quarter or month
    periods: tuple[Period, ...]
    won_to_date: Totals
    targets: tuple[TargetFigures, ...]
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "year": self.year, "period": self.period,
                "periods": [{"period": p.period, **p.totals.json()} for p in self.periods],
                "won_to_date": self.won_to_date.json(weighted=False), "targets": [t.json() for t in self.targets],
                **incomplete(self.history_incomplete)}

    def tables(self, label: Labels) -> list[Table]:
        names = {"overdue": label("overdue_close"), "later": label("later"), "none": label("no_date")}
        periods = Table(f"{label('report_forecast')} {self.year}",
                        [label("period"), label("count"), label("amount"), label("weighted")],
                        [[names.get(p.period, p.period), p.totals.count, p.totals.amount, p.totals.weighted]
                         for p in self.periods]
                        + [[label("won_to_date"), self.won_to_date.count, self.won_to_date.amount, None]],
                        frozenset({2, 3}), frozenset({1}))
        targets = Table(f"{label('target')} {self.year}",
                        [label("kind"), label("target_name"), label("target"), label("won_to_date"), label("pipeline"),
                         label("weighted"), label("forecast"), label("gap"), label("gap_percent"),
                         label("coverage")],
                        [[label("region") if t.kind == "region" else label("rep"), t.label, t.target, t.won,
                          t.pipeline, t.weighted, t.forecast, t.gap,
                          # a zero target has no gap percentage: printed as before, "None%"
                          f"{tenths(t.gap_percent)}%",
                          f"{t.coverage.quantize(HUNDREDTH)}×" if t.coverage is not None else "—"]
                         for t in self.targets],
                        frozenset({2, 3, 4, 5, 6, 7}), frozenset({8, 9}))
        return [periods, targets]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


def forecast(snapshot: Snapshot, lang: str, history: History | None, period: str = "quarter") -> Forecast:
    """This year's forecast as of the snapshot's day, expected closes bucketed by ``period`` (quarter, month)."""
    process, team, as_of = snapshot.process, snapshot.team, snapshot.as_of
    year = as_of.year
    keys = [f"{year}-Q{q}" for q in range(1, 5)] if period == "quarter" else [f"{year}-{m:02d}" for m in range(1, 13)]
    buckets: dict[str, Totals] = {k: Totals() for k in ["overdue", *keys, "later", "none"]}
    for deal in snapshot.deals:
        if state(process, deal) != "open":
            continue
        close = deal.expected_close
        if close is None:
            key = "none"
        elif close < as_of:
            key = "overdue"
        elif close.year > year:
            key = "later"
        else:
            named = quarter(close) if period == "quarter" else f"{close.year}-{close.month:02d}"
            key = named if named in buckets else "later"
        buckets[key] = buckets[key].plus(amount(deal), weighted(process, deal))
    won_on = won_dates(process, history, snapshot)
    won_year = [d for d in snapshot.deals if state(process, d) == "won" and d.id in won_on
                and won_on[d.id].year == year and won_on[d.id] <= as_of]
    won_total = Totals()
    for deal in won_year:
        won_total = won_total.plus(amount(deal))

    def this_year_open(deal: Deal) -> bool:
        return state(process, deal) == "open" and (deal.expected_close is None or deal.expected_close.year <= year)

    targets: list[TargetFigures] = []
    for kind, key in team.target_subjects(year):
        member: Callable[[Deal], bool]
        written = team.target(year, region=key) if kind == "region" else team.target(year, rep=key)
        if written is None:
            continue
        if kind == "region":
            region = team.region(key)
            name = region.label.get(lang) if region else key

            def member(deal: Deal, key: str = key) -> bool:
                return snapshot.region(deal) == key
        else:
            rep = team.rep(key)
            name = rep.name if rep else key

            def member(deal: Deal, key: str = key) -> bool:
                return deal.owner == key
        pipeline = [d for d in snapshot.deals if this_year_open(d) and member(d)]
        targets.append(TargetFigures(
            kind, key, name, written.amount, sum((amount(d) for d in won_year if member(d)), ZERO),
            sum((amount(d) for d in pipeline), ZERO), sum((weighted(process, d) for d in pipeline), ZERO),
            tuple([(d.id, None) for d in won_year if member(d)] + [(d.id, weighted(process, d)) for d in pipeline])))
    return Forecast(head(snapshot), year, period, tuple(Period(k, v) for k, v in buckets.items()), won_total,
                    tuple(targets), shallow(history))
