"""Reps: each rep's year, ranked by what they won, then by their weighted pipeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.model import LOST
from holp.output import cents, money_plain
from holp.pipeline import weighted
from holp.reports.common import (
    ZERO,
    Head,
    Report,
    Table,
    amount,
    day_of,
    head,
    incomplete,
    incomplete_notes,
    pct,
    percent,
    shallow,
    stage_moves_until,
    state,
    tenths,
    won_dates,
)

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Snapshot


@dataclass(frozen=True)
class RepYear:
    rank: int
    rep: str
    name: str
    region: str | None
    won_count: int
    lost_count: int
    won: Decimal
    pipeline: Decimal
    weighted: Decimal
    new_customers: int
    visits: int
    target: Decimal | None

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won_count, self.won_count + self.lost_count)

    @property
    def achieved(self) -> Decimal | None:
        return percent(self.won, self.target) if self.target else None

    def json(self) -> dict[str, Any]:
        return {
            "rep": self.rep, "name": self.name, "region": self.region, "won_count": self.won_count,
            "won": money_plain(self.won), "pipeline": money_plain(self.pipeline),
            "weighted": money_plain(self.weighted), "win_rate": tenths(self.win_rate),
            "new_customers": self.new_customers, "visits": self.visits,
            "target": money_plain(self.target) if self.target is not None else None,
            "achieved": tenths(self.achieved), "rank": self.rank,
        }


@dataclass(frozen=True)
class Reps(Report):
    kind: ClassVar[str] = "reps"
    head: Head
    year: int
    reps: tuple[RepYear, ...]  # by rank
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "year": self.year, "reps": [r.json() for r in self.reps],
                **incomplete(self.history_incomplete)}

    def tables(self, label: Labels) -> list[Table]:
        return [Table(f"{label('report_reps')} {self.year}",
                      [label("rank"), label("rep"), label("won"), label("amount"), label("pipeline"),
                       label("weighted"), label("win_rate"), label("new_customers"), label("visit_count"),
                       label("target"), label("achieved")],
                      [[r.rank, r.name, r.won_count, r.won, r.pipeline, r.weighted, pct(r.win_rate), r.new_customers,
                        r.visits, r.target, pct(r.achieved)] for r in self.reps],
                      frozenset({3, 4, 5, 9}), frozenset({0, 2, 6, 7, 8, 10}))]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


def reps(snapshot: Snapshot, history: History | None, new_customers: Mapping[str, int] | None = None) -> Reps:
    """Every rep's won deals, pipeline, win rate, visits and target this year; ``new_customers`` counted by owner."""
    process, team, as_of = snapshot.process, snapshot.team, snapshot.as_of
    year = as_of.year
    won_on = won_dates(process, history, snapshot)
    lost_on = {t.project: day_of(t) for t in stage_moves_until(history, as_of) if t.target == LOST}
    found: list[RepYear] = []
    for rep in (r for r in team.reps if r.sells):  # engineers, presales, executives carry no target
        mine = [d for d in snapshot.deals if d.owner == rep.id]
        won = [d for d in mine if state(process, d) == "won" and d.id in won_on and won_on[d.id].year == year
               and won_on[d.id] <= as_of]
        lost = [d for d in mine if state(process, d) == "lost" and (lost_on.get(d.id) or as_of).year == year]
        opened = [d for d in mine if state(process, d) == "open"]
        written = team.target(year, rep=rep.id)
        target = written.amount if written else None
        visits = sum(1 for d in snapshot.deals for day, by in d.visits if rep.id in by and day.year == year
                     and day <= as_of)
        found.append(RepYear(0, rep.id, rep.name, rep.region, len(won), len(lost), sum((amount(d) for d in won), ZERO),
                             sum((amount(d) for d in opened), ZERO),
                             sum((weighted(process, d) for d in opened), ZERO),
                             (new_customers or {}).get(rep.id, 0), visits, target))
    # ranked as printed: reps whose figures read the same to the cent are ranked by id
    found.sort(key=lambda r: (-cents(r.won), -cents(r.weighted), r.rep))
    return Reps(head(snapshot), year, tuple(replace(r, rank=rank) for rank, r in enumerate(found, 1)),
                shallow(history))
