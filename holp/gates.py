"""Checklists: is a stage's exit gate (its key node) met?

A manual item is met by a tick the rep records (a date or a short note); an
evidence item by its rule (`holp.model.evidence`: a path into the project
and its customer, such as ``customer.contacts[role=coach]``) finding
something non-empty in the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from holp.model import ChecklistItem, Customer, Process, Project, Stage, coerce
from holp.model.evidence import EvidenceSyntaxError, Root, describe, parse_evidence

__all__ = ["EvidenceSyntaxError", "GateStatus", "ItemStatus", "gate", "parse_evidence"]

@dataclass(frozen=True)
class ItemStatus:
    item: ChecklistItem
    met: bool
    detail: str | None  # the tick's date or note, or what the evidence found


@dataclass(frozen=True)
class GateStatus:
    stage: Stage
    items: tuple[ItemStatus, ...]

    @property
    def met(self) -> bool:
        return all(s.met for s in self.items)

    @property
    def missing(self) -> tuple[ItemStatus, ...]:
        return tuple(s for s in self.items if not s.met)

    def records(self, lang: str) -> list[dict[str, Any]]:
        """The checklist as plain records (for JSON and templates)."""
        return [{"id": s.item.id, "text": s.item.text.get(lang), "met": s.met, "evidence": s.item.evidence,
                 "detail": s.detail} for s in self.items]


def gate(process: Process, stage: Stage, project: Project, customer: Customer | None) -> GateStatus:
    """The state of ``stage``'s exit checklist for ``project`` (the process grades its evaluation)."""
    from holp.evaluation import evaluate

    ticks = project.checklist.get(stage.id, {})
    root = Root(project, customer, evaluate(process, project).grade)
    statuses = []
    for item in stage.checklist:
        if item.evidence is not None:
            try:
                found = parse_evidence(item.evidence).resolve(root)
            except EvidenceSyntaxError:
                found = []
            detail = "; ".join(describe(v) for v in found[:5]) if found else None
            statuses.append(ItemStatus(item, bool(found), detail))
        else:
            tick = coerce.tick(ticks.get(item.id))  # a date or a note; blank or a date that is no day is none
            statuses.append(ItemStatus(item, tick is not None, tick))
    return GateStatus(stage, tuple(statuses))
