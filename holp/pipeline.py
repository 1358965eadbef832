"""Pipeline arithmetic shared by list, show, review and the reports: exact Decimals, rounded once at the end.

A "deal" here is anything with a ``stage``, an ``amount`` and a
``probability`` override (a model `Project`, a report `Deal`, a history
`Summary` once its text is read as numbers).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

from holp.model import Process, decimal_text


class Weighable(Protocol):
    @property
    def stage(self) -> str | None: ...

    @property
    def amount(self) -> Decimal | None: ...

    @property
    def probability(self) -> Decimal | None: ...


def probability(process: Process, deal: Weighable) -> Decimal:
    """The deal's own probability if set, else its stage's (0 for lost or unknown stages)."""
    if deal.probability is not None:
        return deal.probability
    stage = process.stage(deal.stage or "")
    return stage.probability if stage else Decimal(0)


def weighted(process: Process, deal: Weighable) -> Decimal:
    return (deal.amount or Decimal(0)) * probability(process, deal)


class _Numbers:
    """A history summary with its amount and probability read as numbers."""

    def __init__(self, summary: Any) -> None:
        self.stage: str | None = summary.stage
        self.amount = decimal_text(summary.amount)
        self.probability = decimal_text(summary.probability)


def open_weighted(process: Process, summaries: Iterable[Any]) -> Decimal:
    """The weighted open pipeline of project summaries (`holp.history.Summary`)."""
    return sum((weighted(process, _Numbers(s)) for s in summaries if s.stage and process.is_open(s.stage)),
               Decimal(0))

