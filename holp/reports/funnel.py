"""The funnel: open deals per stage (count, amount, weighted), and what was won and lost, optionally by group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from holp.pipeline import weighted
from holp.reports.common import Head, Report, Table, Totals, amount, group_key, group_name, head, state

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.model import Process
    from holp.snapshot import Deal, Snapshot


@dataclass(frozen=True)
class StageTotals:
    stage: str
    label: str
    totals: Totals


@dataclass(frozen=True)
class Block:
    """The funnel of some deals: every open stage in order, then open, won and lost in all."""

    stages: tuple[StageTotals, ...]
    open: Totals
    won: Totals
    lost: Totals

    def json(self) -> dict[str, Any]:
        return {
            "stages": [{"stage": s.stage, "label": s.label, **s.totals.json()} for s in self.stages],
            "open": self.open.json(),
            "won": self.won.json(weighted=False),
            "lost": self.lost.json(weighted=False),
        }


@dataclass(frozen=True)
class Group:
    key: str | None
    name: str | None  # how the key reads (a rep's name, a region's label); None for deals without one
    block: Block


@dataclass(frozen=True)
class Funnel(Report):
    kind: ClassVar[str] = "funnel"
    head: Head
    block: Block
    by: str | None = None
    groups: tuple[Group, ...] = ()

    def json(self) -> dict[str, Any]:
        found = {**self.head.json(), **self.block.json()}
        if self.by:
            found["groups"] = [{"key": g.key, **g.block.json()} for g in self.groups]
        return found

    def tables(self, label: Labels) -> list[Table]:
        b = self.block
        rows: list[list[Any]] = [[s.label, s.totals.count, s.totals.amount, s.totals.weighted] for s in b.stages]
        rows.append([label("open"), b.open.count, b.open.amount, b.open.weighted])
        rows.append([label("won"), b.won.count, b.won.amount, None])
        rows.append([label("lost"), b.lost.count, b.lost.amount, None])
        found = [Table(label("report_funnel"), [label("stage"), label("count"), label("amount"), label("weighted")],
                       rows, frozenset({2, 3}), frozenset({1}))]
        if self.by:
            by = self.by
            headers = [label(by), label("open"), label("amount"), label("weighted"), label("won"), label("amount"),
                       label("lost"), label("amount")]
            group_rows = [[g.name if g.name is not None else label("no_date") if by == "quarter" else "—",
                           g.block.open.count, g.block.open.amount, g.block.open.weighted, g.block.won.count,
                           g.block.won.amount, g.block.lost.count, g.block.lost.amount] for g in self.groups]
            found.append(Table(f"{label('report_funnel')} · {label(by)}", headers, group_rows,
                               frozenset({2, 3, 5, 7}), frozenset({1, 4, 6})))
        return found

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """The funnel in long form, one row per (group, stage), for tools to pivot."""
        rows: list[Sequence[Any]] = [["group", "stage", "label", "count", "amount", "weighted"]]
        blocks = [(None, self.block)] + [(g.key, g.block) for g in self.groups]
        for key, block in blocks:
            for s in block.stages:
                rows.append([key or "", s.stage, s.label, s.totals.count, s.totals.amount, s.totals.weighted])
            for name, totals, has_weighted in (("open", block.open, True), ("won", block.won, False),
                                               ("lost", block.lost, False)):
                rows.append([key or "", name, "", totals.count, totals.amount,
                             totals.weighted if has_weighted else None])
        return rows


def block(process: Process, deals: Iterable[Deal], lang: str) -> Block:
    stages = [s for s in process.stages if s.index < process.won_index]
    per = {s.id: Totals() for s in stages}
    opened, won, lost = Totals(), Totals(), Totals()
    for deal in deals:
        kind = state(process, deal)
        if kind == "open":
            w = weighted(process, deal)
            per[deal.stage] = per[deal.stage].plus(amount(deal), w)
            opened = opened.plus(amount(deal), w)
        elif kind == "won":
            won = won.plus(amount(deal))
        elif kind == "lost":
            lost = lost.plus(amount(deal))
    return Block(tuple(StageTotals(s.id, s.label.get(lang), per[s.id]) for s in stages), opened, won, lost)


def funnel(snapshot: Snapshot, lang: str, by: str | None = None) -> Funnel:
    """The funnel of every deal, and with ``by`` (owner, region, business_line, customer, quarter) per group."""
    process = snapshot.process
    groups: tuple[Group, ...] = ()
    if by:
        deals: dict[str | None, list[Deal]] = defaultdict(list)
        for deal in snapshot.deals:
            deals[group_key(snapshot, deal, by)].append(deal)
        groups = tuple(Group(key, group_name(snapshot, by, key, lang) if key is not None else None,
                             block(process, members, lang))
                       for key, members in sorted(deals.items(), key=lambda kv: (kv[0] is None, kv[0] or "")))
    return Funnel(head(snapshot), block(process, snapshot.deals, lang), by, groups)
