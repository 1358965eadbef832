"""Aging: how long each open deal has been in its stage and untouched; the stalled ones; days per stage of won deals."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.reports.common import (
    Head,
    Report,
    Table,
    day_of,
    head,
    incomplete,
    incomplete_notes,
    rep_name,
    shallow,
    stage_moves_until,
    state,
    tenths,
)

if TYPE_CHECKING:
    from holp.history import History, Transition
    from holp.labels import Labels
    from holp.snapshot import Snapshot


@dataclass(frozen=True)
class OpenDeal:
    project: str
    name: str
    stage: str
    owner: str | None
    days_in_stage: int | None  # None: no committed move into its stage (uncommitted, or no git)
    last_touched: dt.date | None
    days_untouched: int | None
    stale: bool
    stage_label: str
    owner_name: str | None

    def json(self) -> dict[str, Any]:
        return {"project": self.project, "name": self.name, "stage": self.stage, "owner": self.owner,
                "days_in_stage": self.days_in_stage,
                "last_touched": self.last_touched.isoformat() if self.last_touched else None,
                "days_untouched": self.days_untouched, "stale": self.stale}

    def row(self) -> list[Any]:
        return [self.project, self.name, self.stage_label, self.owner_name, self.days_in_stage,
                self.last_touched.isoformat() if self.last_touched else None, self.days_untouched]


@dataclass(frozen=True)
class Velocity:
    """The days won deals spent in one open stage, one entry per deal and stay."""

    stage: str
    label: str
    days: tuple[int, ...]

    @property
    def average(self) -> Decimal | None:
        return Decimal(sum(self.days)) / len(self.days) if self.days else None

    def json(self) -> dict[str, Any]:
        return {"stage": self.stage, "label": self.label, "deals": len(self.days), "average_days": tenths(self.average)}


def _headers(label: Labels) -> list[str]:
    return [label("id"), label("project"), label("stage"), label("owner"), label("days_in_stage"),
            label("last_touched"), label("days_untouched")]


def _stalled_table(stale_after_days: int, stalled: tuple[OpenDeal, ...], label: Labels) -> Table:
    return Table(f"{label('report_stalled')} (≥ {stale_after_days} {label('days')})", _headers(label),
                 [d.row() for d in stalled], frozenset(), frozenset({4, 6}))


@dataclass(frozen=True)
class Aging(Report):
    kind: ClassVar[str] = "aging"
    head: Head
    stale_after_days: int
    open: tuple[OpenDeal, ...]  # the longest untouched first
    velocity: tuple[Velocity, ...]
    history_incomplete: bool = False

    @property
    def stalled(self) -> tuple[OpenDeal, ...]:
        return tuple(d for d in self.open if d.stale)

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "stale_after_days": self.stale_after_days, "open": [d.json() for d in self.open],
                "stalled": [d.json() for d in self.stalled], "velocity": [v.json() for v in self.velocity],
                **incomplete(self.history_incomplete)}

    def tables(self, label: Labels) -> list[Table]:
        return [_stalled_table(self.stale_after_days, self.stalled, label),
                Table(label("report_aging"), _headers(label), [d.row() for d in self.open], frozenset(),
                      frozenset({4, 6})),
                Table(label("average_days"), [label("stage"), label("deals"), label("average_days")],
                      [[v.label, len(v.days), tenths(v.average)] for v in self.velocity], frozenset(),
                      frozenset({1, 2}))]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


@dataclass(frozen=True)
class Stalled(Report):
    kind: ClassVar[str] = "stalled"
    head: Head
    stale_after_days: int
    stalled: tuple[OpenDeal, ...]
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "stale_after_days": self.stale_after_days,
                "stalled": [d.json() for d in self.stalled], **incomplete(self.history_incomplete)}

    def tables(self, label: Labels) -> list[Table]:
        return [_stalled_table(self.stale_after_days, self.stalled, label)]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


def aging(snapshot: Snapshot, lang: str, history: History | None) -> Aging:
    """Every open deal's age as of the snapshot's day, from the stage moves and last touches in ``history``."""
    process, as_of = snapshot.process, snapshot.as_of
    transitions = stage_moves_until(history, as_of)
    entered: dict[str, dt.date] = {}
    for t in transitions:
        entered[t.project] = day_of(t)  # the last move wins: into the stage it is in now
    touched = {k: dt.date.fromisoformat(v) for k, v in (history.touched if history else {}).items()}
    found: list[OpenDeal] = []
    for deal in snapshot.deals:
        if state(process, deal) != "open":
            continue
        since = entered.get(deal.id)
        last = touched.get(deal.id)
        untouched = (as_of - last).days if last else None
        found.append(OpenDeal(
            deal.id, deal.name, deal.stage, deal.owner, (as_of - since).days if since else None, last, untouched,
            untouched is not None and untouched >= process.stale_after_days, process.stage_label(deal.stage, lang),
            rep_name(snapshot, deal.owner) if deal.owner else deal.owner))
    found.sort(key=lambda d: -(d.days_untouched or 0))
    # velocity: days per stage for deals that were won, from consecutive moves
    spans: dict[str, list[int]] = defaultdict(list)
    by_project: dict[str, list[Transition]] = defaultdict(list)
    for t in transitions:
        by_project[t.project].append(t)
    won_ids = {d.id for d in snapshot.deals if state(process, d) == "won"}
    for project_id in sorted(won_ids):  # a stable order, so equal snapshots give equal reports
        for here, following in itertools.pairwise(by_project.get(project_id, [])):
            if here.target and process.is_open(here.target):
                spans[here.target].append((day_of(following) - day_of(here)).days)
    velocity = tuple(Velocity(s.id, s.label.get(lang), tuple(spans[s.id]))
                     for s in process.stages if s.index < process.won_index)
    return Aging(head(snapshot), process.stale_after_days, tuple(found), velocity, shallow(history))


def stalled(snapshot: Snapshot, lang: str, history: History | None) -> Stalled:
    """The open deals untouched for the process's stale_after_days or more."""
    every = aging(snapshot, lang, history)
    return Stalled(every.head, every.stale_after_days, every.stalled, every.history_incomplete)
