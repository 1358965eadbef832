"""The risk register (销售风险管理): the risks of open deals by level, kind, region and stage, and every high risk.

Each group counts its risks, the deals they are on, and the weighted amount
at risk: the weighted amount of those deals, each deal once per group however
many of its risks fall in it. Only open deals carry risks that matter here
(as `validate` watches them): a won deal's worries are its receivables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.model.coerce import iso
from holp.model.records import LEVELS
from holp.output import money_plain
from holp.pipeline import weighted
from holp.reports.common import ZERO, Head, Report, Table, head, rep_name, state

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.model import Risk
    from holp.snapshot import Deal, Snapshot

GROUPS = ("level", "kind", "region", "stage")
NONE = "—"


@dataclass(frozen=True)
class Group:
    """One row: the risks whose level (kind, region, stage) is ``key``."""

    key: str | None
    label: str
    count: int  # risks
    projects: int  # deals with at least one of them
    weighted: Decimal  # their weighted amount, each deal once

    def json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "count": self.count, "projects": self.projects,
                "weighted": money_plain(self.weighted)}


@dataclass(frozen=True)
class HighRisk:
    project: str
    name: str
    customer: str | None
    stage: str
    stage_label: str
    kind: str | None
    kind_label: str
    owner: str | None  # the risk's owner (a rep id)
    owner_name: str | None
    note: str | None
    mitigation: str | None
    reviewed: dt.date | None
    days_since_review: int | None  # None: never reviewed
    review_overdue: bool  # never reviewed, or longer ago than risk_review_days

    def json(self) -> dict[str, Any]:
        return {"project": self.project, "name": self.name, "customer": self.customer, "stage": self.stage,
                "kind": self.kind, "kind_label": self.kind_label, "owner": self.owner, "note": self.note,
                "mitigation": self.mitigation, "reviewed": iso(self.reviewed),
                "days_since_review": self.days_since_review, "review_overdue": self.review_overdue}


@dataclass(frozen=True)
class Risks(Report):
    kind: ClassVar[str] = "risks"
    head: Head
    review_days: int
    total: Group
    by_level: tuple[Group, ...]
    by_kind: tuple[Group, ...]
    by_region: tuple[Group, ...]
    by_stage: tuple[Group, ...]
    high: tuple[HighRisk, ...]  # the longest unreviewed first, never reviewed before all

    def json(self) -> dict[str, Any]:
        return {**self.head.json(), "review_days": self.review_days,
                "total": {k: v for k, v in self.total.json().items() if k not in ("key", "label")},
                **{f"by_{g}": [row.json() for row in getattr(self, f"by_{g}")] for g in GROUPS},
                "high": [h.json() for h in self.high]}

    def tables(self, label: Labels) -> list[Table]:
        headers = [label("risk_count"), label("projects"), label("weighted_at_risk")]

        def grouped(by: str, rows: tuple[Group, ...]) -> Table:
            body: list[list[Any]] = [[g.label, g.count, g.projects, g.weighted] for g in rows]
            body.append([label("total"), self.total.count, self.total.projects, self.total.weighted])
            return Table(f"{label('report_risks')} · {label(by)}", [label(by), *headers], body, frozenset({3}),
                         frozenset({1, 2}))

        def reviewed(h: HighRisk) -> str:
            mark = " !" if h.review_overdue else ""
            return f"{h.reviewed.isoformat()}{mark}" if h.reviewed else f"{label('never')}{mark}"

        high = Table(label("high_risks"), [label("id"), label("project"), label("risk_kind"), label("risk_owner"),
                                           label("mitigation"), label("reviewed"), label("days_since_review")],
                     [[h.project, h.name, h.kind_label, h.owner_name or NONE, h.mitigation or NONE, reviewed(h),
                       h.days_since_review] for h in self.high], numbers=frozenset({6}), wrap={1: 14, 4: 16})
        return [grouped("risk_level", self.by_level), grouped("risk_kind", self.by_kind),
                grouped("region", self.by_region), grouped("stage", self.by_stage), high]

    def notes(self, label: Labels) -> list[str]:
        return [label("risk_review_rule").format(days=self.review_days)]

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """Every group in long form, one row per (grouping, key), for tools to pivot."""
        rows: list[Sequence[Any]] = [["by", "key", "label", "count", "projects", "weighted"]]
        for g in GROUPS:
            rows += [[g, row.key or "", row.label, row.count, row.projects, row.weighted]
                     for row in getattr(self, f"by_{g}")]
        return rows


def _groups(pairs: Iterable[tuple[Deal, Risk]], key: Callable[[Deal, Risk], str | None],
            known: Sequence[tuple[str, str]], name: Callable[[str], str], process_weighted: Callable[[Deal], Decimal],
            ) -> tuple[Group, ...]:
    """A row for every known key (in its order, empty ones too), then the keys only the data has, sorted, then
    the risks with no key."""
    found: dict[str | None, tuple[int, dict[str, Deal]]] = {}
    for deal, risk in pairs:
        count, deals = found.get(key(deal, risk), (0, {}))
        deals[deal.id] = deal
        found[key(deal, risk)] = (count + 1, deals)
    order: list[tuple[str | None, str]] = list(known)
    order += [(k, name(k)) for k in sorted(k for k in found if k is not None and k not in dict(known))]
    if None in found:
        order.append((None, NONE))
    rows = []
    for k, text in order:
        count, deals = found.get(k, (0, {}))
        rows.append(Group(k, text, count, len(deals), sum((process_weighted(d) for d in deals.values()), ZERO)))
    return tuple(rows)


def risks(snapshot: Snapshot, lang: str, level_label: Callable[[str], str]) -> Risks:
    """The register of the open deals as of the snapshot's day; ``level_label`` names a level in ``lang``."""
    process, team, as_of = snapshot.process, snapshot.team, snapshot.as_of
    open_deals = sorted((d for d in snapshot.deals if state(process, d) == "open"), key=lambda d: d.id)
    pairs = [(deal, risk) for deal in open_deals for risk in deal.risks]

    def worth(deal: Deal) -> Decimal:
        return weighted(process, deal)

    def kind_label(kind: str | None) -> str:
        return process.choice_label(process.risk_kinds, kind, lang) if kind else NONE

    def region_label(region: str) -> str:
        found = team.region(region)
        return found.label.get(lang) if found else region

    levels = [(level, level_label(level)) for level in LEVELS]
    kinds = [(k.id, k.label.get(lang)) for k in process.risk_kinds]
    regions = [(r.id, r.label.get(lang)) for r in team.regions]
    stages = [(s.id, s.label.get(lang)) for s in process.stages if s.index < process.won_index]
    total = _groups(pairs, lambda d, r: "", [("", "")], str, worth)[0]
    high = []
    for deal, risk in pairs:
        if risk.level != "high":
            continue
        days = (as_of - risk.reviewed).days if risk.reviewed else None
        high.append(HighRisk(deal.id, deal.name, deal.customer, deal.stage, process.stage_label(deal.stage, lang),
                             risk.kind, kind_label(risk.kind), risk.owner,
                             rep_name(snapshot, risk.owner) if risk.owner else None, risk.note, risk.mitigation,
                             risk.reviewed, days, days is None or days > process.risk_review_days))
    high.sort(key=lambda h: (h.days_since_review is not None, -(h.days_since_review or 0), h.project))
    return Risks(head(snapshot), process.risk_review_days, total,
                 _groups(pairs, lambda d, r: r.level, levels, level_label, worth),
                 _groups(pairs, lambda d, r: r.kind, kinds, kind_label, worth),
                 _groups(pairs, lambda d, r: snapshot.region(d), regions, region_label, worth),
                 _groups(pairs, lambda d, r: d.stage, stages, lambda s: process.stage_label(s, lang), worth),
                 tuple(high))
