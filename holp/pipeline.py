"""Pipeline arithmetic shared by list, show and the reports: exact Decimals, rounded once at the end."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from holp.model import Process, Project


def probability(process: Process, project: Project) -> Decimal:
    """The project's own probability if set, else its stage's (0 for lost or unknown stages)."""
    if project.probability is not None:
        return project.probability
    stage = process.stage(project.stage)
    return stage.probability if stage else Decimal(0)


def weighted(process: Process, project: Project) -> Decimal:
    return (project.amount or Decimal(0)) * probability(process, project)


def open_weighted(process: Process, summaries: Iterable[Any]) -> Decimal:
    """The weighted open pipeline of project summaries (`holp.history.Summary`): amount × probability."""
    total = Decimal(0)
    for s in summaries:
        if s.stage is None or not process.is_open(s.stage):
            continue
        amount = _decimal(s.amount)
        override = _decimal(s.probability)
        stage = process.stage(s.stage)
        share = override if override is not None else (stage.probability if stage else Decimal(0))
        total += (amount or Decimal(0)) * share
    return total


def _decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        return None
    return value if value.is_finite() else None
