"""KPIs (绩效考核): each KPI of holp.yaml's `kpis` per rep and per region for the month, quarter or year of the as-of
day, scored against its target, weighted, and ranked.

A KPI's score is its actual over its target, capped at `CAP` (so one KPI far over its target cannot hide the
rest). The weighted score is Σ weight × score over the KPIs that have a score, divided by the sum of their
weights: a KPI with no score (no target, no base, nothing to measure) is left out and the others rescaled, and
the report says so. Everything counts from the first day of the period to the as-of day.

- won: the amount of the deals won in the period (the day of their first move into a won stage) against the
  period's target of team.yaml (`Team.target`: split evenly from a longer period when only that is written);
- profit: the gross profit of those deals (cost or margin; deals with neither are left out, and counted) against
  the target × the KPI's target margin;
- growth: won in the period over won in the same span of last year, against 1 + the KPI's target (no base, no
  score);
- new_customers: customer files first committed in the period, by owner (a region: of the region), against the
  KPI's target a month × the months of the period (a region: × its members who sell);
- visits: visits in the period the rep made (a region: any of its selling members, each visit once), against
  the same;
- satisfaction: the mean `satisfaction` of service items dated in the period on the rep's (region's) projects;
- completeness: the share of the open projects with a complete evaluation (a grade), a customer with a key
  person (a contact with a role) and a visit within `stale_after_days` of the as-of day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.evaluation import evaluate_scores
from holp.output import money_plain
from holp.reports.common import ZERO, Head, Report, Table, amount, head, incomplete, incomplete_notes, shallow, state
from holp.reports.common import won_dates as won_days

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.model import Kpi, Rep
    from holp.snapshot import Deal, Snapshot

CAP = Decimal("1.2")  # the most one KPI scores: 120 % of its target
MONEY_KPIS = ("won", "profit")
COUNT_KPIS = ("new_customers", "visits")  # their target is a month's, per member who sells
THOUSANDTH = Decimal("0.001")
NONE = "—"


def _three(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(THOUSANDTH, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    start: dt.date
    end: dt.date  # the period's last day (figures count to the as-of day)
    year: int
    quarter: int | None
    month: int | None

    @property
    def name(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-Q{self.quarter}" if self.quarter is not None else str(self.year)

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3}.get(self.kind, 12)


def period_of(kind: str, day: dt.date) -> Period:
    """The month, quarter or year that holds ``day``."""
    if kind == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(kind, start, end, day.year, None, day.month)
    if kind == "quarter":
        q = (day.month - 1) // 3 + 1
        start = dt.date(day.year, 3 * q - 2, 1)
        end = (dt.date(day.year, 3 * q, 1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(kind, start, end, day.year, q, None)
    if kind == "year":
        return Period(kind, dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), day.year, None, None)
    raise ValueError(kind)


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Line:
    """One KPI of one rep or region: what was achieved, against what, its score and weight."""

    id: str
    weight: Decimal
    actual: Decimal | None  # None: nothing to measure (no base, no service item rated, no open project)
    target: Decimal | None  # None: no target to measure against
    score: Decimal | None  # actual / target, at most CAP; None: left out of the weighted score
    split: bool = False  # the target is a longer period's, divided evenly
    left_out: int = 0  # profit: won deals without cost or margin
    base: Decimal | None = None  # growth: won in the same span last year

    def text(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        if self.id in MONEY_KPIS:
            return money_plain(value)
        return str(int(value)) if self.id in COUNT_KPIS and value == value.to_integral_value() else _three(value)

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"id": self.id, "weight": str(self.weight), "actual": self.text(self.actual),
                                 "target": self.text(self.target), "score": _three(self.score)}
        if self.id in MONEY_KPIS:
            found["target_split"] = self.split
        if self.id == "profit":
            found["left_out"] = self.left_out
        if self.id == "growth":
            found["base"] = money_plain(self.base) if self.base is not None else None
        return found


@dataclass(frozen=True)
class Scored:
    """A rep or a region: its KPIs and the weighted score, ranked."""

    rank: int
    id: str
    name: str
    region: str | None
    lines: tuple[Line, ...]

    @property
    def scored_weight(self) -> Decimal:
        return sum((k.weight for k in self.lines if k.score is not None), ZERO)

    @property
    def score(self) -> Decimal | None:
        weight = self.scored_weight
        if not weight:
            return None
        return sum((k.weight * k.score for k in self.lines if k.score is not None), ZERO) / weight

    @property
    def partial(self) -> bool:
        return any(k.score is None for k in self.lines)

    @property
    def targeted(self) -> bool:
        """Whether a sales target of team.yaml measures the `won` KPI (true where no such KPI is configured)."""
        return all(k.target is not None for k in self.lines if k.id == "won")

    def json(self) -> dict[str, Any]:
        return {"rank": self.rank, "id": self.id, "name": self.name, "region": self.region,
                "score": _three(self.score), "scored_weight": str(self.scored_weight),
                "kpis": [k.json() for k in self.lines]}


@dataclass(frozen=True)
class Kpis(Report):
    kind: ClassVar[str] = "kpi"
    head: Head
    period: Period
    kpis: tuple[Kpi, ...]
    reps: tuple[Scored, ...]
    regions: tuple[Scored, ...]
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        p = self.period
        return {**self.head.json(), "period": p.kind, "period_name": p.name, "start": p.start.isoformat(),
                "end": p.end.isoformat(), "months": p.months, "cap": str(CAP),
                "kpis": [{"id": k.id, "weight": str(k.weight), "target": None if k.target is None else str(k.target)}
                         for k in self.kpis],
                "reps": [r.json() for r in self.reps], "regions": [r.json() for r in self.regions],
                **incomplete(self.history_incomplete)}

    def _name(self, label: Labels, kpi: str) -> str:
        return label(f"kpi_{kpi}")

    def tables(self, label: Labels) -> list[Table]:
        ids = [k.id for k in self.kpis]

        def ranking(caption: str, who: str, rows: tuple[Scored, ...]) -> Table:
            body = [[s.rank, s.name, _score(s.score, s.partial), *[_score(k.score) for k in s.lines]] for s in rows]
            return Table(f"{caption} {self.period.name}", [label("rank"), label(who), label("kpi_weighted_score"),
                                                           *[self._name(label, i) for i in ids]],
                         body, numbers=frozenset(range(len(ids) + 3)) - {1})

        def detail(caption: str, who: str, rows: tuple[Scored, ...]) -> Table:
            body: list[list[Any]] = []
            for s in rows:
                for n, k in enumerate(s.lines):
                    target = _cell(k, k.target)
                    body.append([s.rank if n == 0 else "", s.name if n == 0 else "", self._name(label, k.id),
                                 _cell(k, k.actual), f"{target} *" if k.target is not None and k.split else target,
                                 _score(k.score), str(k.weight)])
            return Table(f"{caption} · {label('kpi_detail')}", [label("rank"), label(who), label("kpi"),
                                                                label("kpi_actual"), label("kpi_target"),
                                                                label("kpi_score"), label("kpi_weight")],
                         body, numbers=frozenset({0, 3, 4, 5, 6}))

        return [ranking(label("report_kpi"), "rep", self.reps), ranking(label("report_kpi"), "region", self.regions),
                detail(label("rep"), "rep", self.reps), detail(label("region"), "region", self.regions)]

    def notes(self, label: Labels) -> list[str]:
        p = self.period
        found = [label("kpi_period").format(start=p.start.isoformat(), end=self.head.as_of.isoformat()),
                 label("kpi_cap").format(cap=f"{CAP * 100:.0f}%")]
        everyone = (*self.reps, *self.regions)
        if any(s.partial for s in everyone):
            found.append(label("kpi_partial"))
        if any(k.split for s in everyone for k in s.lines):
            found.append(label("kpi_split"))
        if any(s.targeted for s in everyone) and not all(s.targeted for s in everyone):
            found.append(label("kpi_untargeted"))
        left_out = sum(k.left_out for s in self.reps for k in s.lines)
        if left_out:
            found.append(label("kpi_profit_left_out").format(count=left_out))
        return found + incomplete_notes(self.history_incomplete, label)

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """Every KPI line in long form: who (rep or region), rank, KPI, actual, target, score, weight."""
        rows: list[Sequence[Any]] = [["of", "id", "rank", "weighted_score", "kpi", "actual", "target", "score",
                                      "weight", "target_split"]]
        for of, scored in (("rep", self.reps), ("region", self.regions)):
            rows += [[of, s.id, s.rank, _three(s.score), k.id, k.text(k.actual), k.text(k.target), _three(k.score),
                      str(k.weight), k.split] for s in scored for k in s.lines]
        return rows


def _score(value: Decimal | None, partial: bool = False) -> str:
    if value is None:
        return NONE
    return f"{value * 100:.1f}%" + (" †" if partial else "")


def _cell(line: Line, value: Decimal | None) -> str:
    text = line.text(value)
    if text is None:
        return NONE
    if line.id in MONEY_KPIS:
        return f"{Decimal(text):,.2f}"
    return text


@dataclass(frozen=True)
class _Subject:
    """Whose KPIs: the deals, customers and visits that count for a rep or a region."""

    deal: Callable[[Deal], bool]
    customer_path: Callable[[str], bool]
    visit: Callable[[tuple[str, ...]], bool]
    target: Callable[..., Any]
    members: int  # who sell, for the count KPIs' targets


def kpis(snapshot: Snapshot, lang: str, history: History | None, period_kind: str,
         added: Mapping[str, dt.date] | None, owner: str | None = None, region: str | None = None) -> Kpis:
    """The KPIs of every rep who sells and every region (or only ``owner``, or ``region`` and its reps) for the
    ``period_kind`` holding the snapshot's day; ``added`` is when each customer file was first committed."""
    process, team, as_of = snapshot.process, snapshot.team, snapshot.as_of
    period = period_of(period_kind, as_of)
    start = period.start
    last_start, last_end = year_before(start), year_before(as_of)
    won_on = won_days(process, history, snapshot)
    added = added or {}
    account_of_path = {a.path: a for a in snapshot.accounts.values()}
    sellers = [r for r in team.reps if r.sells]

    def won_between(deal: Deal, first: dt.date, last: dt.date) -> bool:
        return state(process, deal) == "won" and deal.id in won_on and first <= won_on[deal.id] <= last

    def lines(subject: _Subject) -> tuple[Line, ...]:
        mine = [d for d in snapshot.deals if subject.deal(d)]
        won = [d for d in mine if won_between(d, start, as_of)]
        won_amount = sum((amount(d) for d in won), ZERO)
        written = subject.target(period.year, quarter=period.quarter, month=period.month)
        target = written.amount if written is not None else None
        split = bool(written and written.split)
        found = []
        for kpi in process.kpis:
            extra: dict[str, Any] = {}
            goal: Decimal | None = None
            actual: Decimal | None
            if kpi.id == "won":
                actual, goal, extra["split"] = won_amount, target, split
            elif kpi.id == "profit":
                profits = [d.gross_profit for d in won]
                known = [p for p in profits if p is not None]
                actual = sum(known, ZERO) if known or not won else None  # won deals, none with a cost: unknown
                extra["left_out"] = sum(1 for p in profits if p is None)
                extra["split"] = split
                goal = target * kpi.target if target is not None and kpi.target is not None else None
            elif kpi.id == "growth":
                base = sum((amount(d) for d in mine if won_between(d, last_start, last_end)), ZERO)
                extra["base"] = base
                actual = won_amount / base if base else None
                goal = 1 + kpi.target if kpi.target is not None else None
            elif kpi.id == "new_customers":
                actual = Decimal(sum(1 for path, day in added.items() if start <= day <= as_of
                                     and path in account_of_path and subject.customer_path(path)))
                goal = kpi.target * period.months * subject.members if kpi.target is not None else None
            elif kpi.id == "visits":
                actual = Decimal(sum(1 for d in snapshot.deals for day, by in d.visits
                                     if start <= day <= as_of and subject.visit(by)))
                goal = kpi.target * period.months * subject.members if kpi.target is not None else None
            elif kpi.id == "satisfaction":
                rated = [s.satisfaction for d in mine for s in d.service
                         if s.satisfaction is not None and s.date is not None and start <= s.date <= as_of]
                actual = Decimal(sum(rated)) / len(rated) if rated else None
                goal = kpi.target
            elif kpi.id == "completeness":
                opened = [d for d in mine if state(process, d) == "open"]
                actual = Decimal(sum(1 for d in opened if complete(d))) / len(opened) if opened else None
                goal = kpi.target
            else:  # an id the schema refuses: nothing to measure
                actual = None
            score = min(actual / goal, CAP) if actual is not None and goal else None
            found.append(Line(kpi.id, kpi.weight, actual, goal, score, **extra))
        return tuple(found)

    def complete(deal: Deal) -> bool:
        account = snapshot.accounts.get(deal.customer or "")
        recent = any(0 <= (as_of - day).days <= process.stale_after_days for day, _ in deal.visits)
        return (evaluate_scores(process, deal.assessment).grade is not None and account is not None
                and bool(account.roles) and recent)

    def of_rep(rep: Rep) -> Scored:
        subject = _Subject(lambda d: d.owner == rep.id,
                           lambda path: account_of_path[path].owner == rep.id,
                           lambda by: rep.id in by,
                           lambda year, **when: team.target(year, rep=rep.id, **when), 1)
        return Scored(0, rep.id, rep.name, rep.region, lines(subject))

    def of_region(region_id: str, name: str) -> Scored:
        members = frozenset(r.id for r in sellers if r.region == region_id)
        subject = _Subject(lambda d: snapshot.region(d) == region_id,
                           lambda path: account_of_path[path].region == region_id,
                           lambda by: any(who in members for who in by),
                           lambda year, **when: team.target(year, region=region_id, **when), len(members))
        return Scored(0, region_id, name, region_id, lines(subject))

    chosen = [r for r in sellers if (owner is None or r.id == owner) and (region is None or r.region == region)]
    regions = [] if owner is not None else [r for r in team.regions if region is None or r.id == region]
    return Kpis(head(snapshot), period, process.kpis,
                _ranked([of_rep(r) for r in chosen]),
                _ranked([of_region(r.id, r.label.get(lang)) for r in regions]),
                shallow(history))


def _ranked(found: list[Scored]) -> tuple[Scored, ...]:
    """By weighted score, highest first (as printed, to the thousandth), those with a sales target before those
    without one (whose score leaves out the heaviest KPI, so it would rank them on the rest alone); those with no
    score last; then by id."""
    found.sort(key=lambda s: (s.score is None, not s.targeted, -(s.score or ZERO).quantize(THOUSANDTH), s.id))
    return tuple(replace(s, rank=rank) for rank, s in enumerate(found, 1))
