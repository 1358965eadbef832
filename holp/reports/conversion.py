"""Conversion: of the deals that reached each open stage, how many moved on, were won or lost; why deals were lost."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.reports.common import (
    Head,
    Report,
    Table,
    Totals,
    amount,
    head,
    incomplete_notes,
    pct,
    percent,
    shallow,
    stage_moves_until,
    state,
    tenths,
)

if TYPE_CHECKING:
    from holp.history import History
    from holp.labels import Labels
    from holp.snapshot import Snapshot


@dataclass(frozen=True)
class StageConversion:
    stage: str
    label: str
    entered: int
    moved_on: int
    won: int
    lost: int
    probability: Decimal  # what holp.yaml configures, to set beside the win rate seen

    @property
    def decided(self) -> int:
        return self.won + self.lost

    @property
    def moved_on_percent(self) -> Decimal | None:
        return percent(self.moved_on, self.entered)

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won, self.decided)

    def json(self) -> dict[str, Any]:
        return {
            "stage": self.stage, "label": self.label, "entered": self.entered,
            "moved_on": self.moved_on, "moved_on_percent": tenths(self.moved_on_percent),
            "won": self.won, "lost": self.lost, "decided": self.decided,
            "win_rate": tenths(self.win_rate), "probability": tenths(self.probability * 100),
        }


@dataclass(frozen=True)
class LostReason:
    reason: str | None  # None: lost without a reason given
    label: str
    totals: Totals


@dataclass(frozen=True)
class Conversion(Report):
    kind: ClassVar[str] = "conversion"
    head: Head
    stages: tuple[StageConversion, ...]
    lost_reasons: tuple[LostReason, ...]
    history_incomplete: bool = False

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "stages": [s.json() for s in self.stages],
                "lost_reasons": [{"reason": r.reason, "label": r.label, **r.totals.json(weighted=False)}
                                 for r in self.lost_reasons],
                "history_incomplete": self.history_incomplete}

    def tables(self, label: Labels) -> list[Table]:
        stages = Table(label("report_conversion"),
                       [label("stage"), label("entered"), label("moved_on"), "%", label("won"), label("lost"),
                        label("win_rate"), label("configured")],
                       [[s.label, s.entered, s.moved_on, pct(s.moved_on_percent), s.won, s.lost, pct(s.win_rate),
                         pct(s.probability * 100)] for s in self.stages],
                       frozenset(), frozenset({1, 2, 3, 4, 5, 6, 7}))
        reasons = Table(label("lost_reason"), [label("reason"), label("count"), label("amount")],
                        [[r.label, r.totals.count, r.totals.amount] for r in self.lost_reasons],
                        frozenset({2}), frozenset({1}))
        return [stages, reasons]

    def notes(self, label: Labels) -> list[str]:
        return incomplete_notes(self.history_incomplete, label)


def conversion(snapshot: Snapshot, lang: str, history: History | None) -> Conversion:
    """Stage by stage conversion from the stage moves in ``history`` up to the snapshot's day."""
    process = snapshot.process
    index = {s.id: s.index for s in process.stages}
    visited: dict[str, list[str]] = defaultdict(list)
    for t in stage_moves_until(history, snapshot.as_of):
        if t.target is not None:
            visited[t.project].append(t.target)
    deals = {d.id: d for d in snapshot.deals}
    for deal in snapshot.deals:
        if deal.stage and (not visited[deal.id] or visited[deal.id][-1] != deal.stage):
            visited[deal.id].append(deal.stage)  # uncommitted, or no git: what the file says now
    stages: list[StageConversion] = []
    for stage in (s for s in process.stages if s.index < process.won_index):
        entered = moved = won = lost = 0
        for project_id, path in visited.items():
            if stage.id not in path:
                continue
            entered += 1
            after = path[path.index(stage.id) + 1:]
            if any(index.get(s, -1) > stage.index for s in after):
                moved += 1
            current = deals.get(project_id)
            ever_won = any(index.get(s, -1) >= process.won_index for s in path)
            if ever_won or (current and state(process, current) == "won"):
                won += 1
            elif current and state(process, current) == "lost":
                lost += 1
        stages.append(StageConversion(stage.id, stage.label.get(lang), entered, moved, won, lost, stage.probability))
    reasons: dict[str, Totals] = defaultdict(Totals)
    for deal in snapshot.deals:
        if state(process, deal) == "lost":
            reasons[deal.lost_reason or ""] = reasons[deal.lost_reason or ""].plus(amount(deal))
    lost_reasons = tuple(LostReason(r or None, process.choice_label(process.lost_reasons, r, lang) if r else "—", t)
                         for r, t in sorted(reasons.items(), key=lambda kv: -kv[1].amount))
    return Conversion(head(snapshot), tuple(stages), lost_reasons, shallow(history))
