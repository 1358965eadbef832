"""Checklists and their evidence: is a stage's exit gate (its key node) met?

An evidence rule is a path into the project, where ``customer`` stands for the
project's customer record:

    customer.contacts[role=coach]     a contact whose role is coach
    assessment.real                   the evaluation's first group, filled in
    payments[received]                a payment with a received date
    visits[!next_step]                a visit without a next step

A path holds when it resolves to something non-empty. Segments are names;
each may carry filters ``[key=value]``, ``[key]`` (non-empty), ``[!key]``
(empty or missing) or ``[N]`` (the Nth element, from 0). Lists are walked
through, so ``customer.contacts.name`` is every contact's name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from holp.model import ChecklistItem, Customer, Project, Stage

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\[\]]*\])*)")
_FILTER = re.compile(r"\[([^\[\]]*)\]")
_CONDITION = re.compile(r"(!?)([A-Za-z_][A-Za-z0-9_-]*)(?:=(.*))?\Z|([0-9]+)\Z")


class EvidenceSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class _Filter:
    negate: bool
    key: str | None
    value: str | None
    index: int | None

    def keep(self, item: Any) -> bool:
        if not isinstance(item, Mapping):
            return False
        assert self.key is not None
        found = item.get(self.key)
        if self.value is not None:
            return _same(found, self.value)
        return not _filled(found) if self.negate else _filled(found)


@dataclass(frozen=True)
class Evidence:
    """A parsed evidence rule."""

    text: str
    segments: tuple[tuple[str, tuple[_Filter, ...]], ...]

    def resolve(self, root: Mapping[str, Any]) -> list[Any]:
        current: list[Any] = [root]
        for name, filters in self.segments:
            found: list[Any] = []
            for value in current:
                if isinstance(value, Mapping) and name in value:
                    child = value[name]
                    if isinstance(child, list):
                        found.extend(child)
                    else:
                        found.append(child)
            for f in filters:
                if f.index is not None:
                    found = found[f.index:f.index + 1]
                else:
                    found = [item for item in found if f.keep(item)]
            current = found
        return [v for v in current if _filled(v)]


def parse_evidence(text: str) -> Evidence:
    """Parse a rule; raises EvidenceSyntaxError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise EvidenceSyntaxError("an evidence rule is a non-empty path such as customer.contacts[role=coach]")
    segments = []
    for part in text.strip().split("."):
        match = _SEGMENT.fullmatch(part)
        if not match:
            raise EvidenceSyntaxError(f"'{part}' is not a path segment (name, then optional [filters])")
        filters = []
        for raw in _FILTER.findall(match.group(2)):
            cond = _CONDITION.match(raw.strip())
            if not cond:
                raise EvidenceSyntaxError(f"'[{raw}]' is not a filter: use [key=value], [key], [!key] or [N]")
            if cond.group(4) is not None:
                filters.append(_Filter(False, None, None, int(cond.group(4))))
            else:
                negate, key, value = cond.group(1) == "!", cond.group(2), cond.group(3)
                if negate and value is not None:
                    raise EvidenceSyntaxError(f"'[{raw}]': [!key] takes no value")
                filters.append(_Filter(negate, key, value.strip() if value is not None else None, None))
        segments.append((match.group(1), tuple(filters)))
    return Evidence(text, tuple(segments))


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _same(found: Any, wanted: str) -> bool:
    if isinstance(found, bool):
        return wanted == ("true" if found else "false")
    return found is not None and str(found) == wanted


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        for key in ("name", "date", "due", "id"):
            if key in value and _filled(value[key]):
                return str(value[key])
        return ", ".join(f"{k}={v}" for k, v in value.items() if not isinstance(v, (Mapping, list)))
    return str(value)


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


def evidence_root(project: Project, customer: Customer | None) -> dict[str, Any]:
    root = dict(project.data)
    root["customer"] = dict(customer.data) if customer is not None else {}
    return root


def gate(stage: Stage, project: Project, customer: Customer | None) -> GateStatus:
    """The state of ``stage``'s exit checklist for ``project``."""
    ticks = project.checklist.get(stage.id, {})
    root: dict[str, Any] | None = None
    statuses = []
    for item in stage.checklist:
        if item.evidence is not None:
            if root is None:
                root = evidence_root(project, customer)
            try:
                found = parse_evidence(item.evidence).resolve(root)
            except EvidenceSyntaxError:
                found = []
            detail = "; ".join(_describe(v) for v in found[:5]) if found else None
            statuses.append(ItemStatus(item, bool(found), detail))
        else:
            tick = ticks.get(item.id)
            filled = isinstance(tick, str) and tick.strip() != ""
            statuses.append(ItemStatus(item, filled, tick if filled else None))
    return GateStatus(stage, tuple(statuses))
