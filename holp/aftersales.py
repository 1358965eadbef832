"""After-sales service figures that validation and `report service` share: when a won customer was last
revisited (回访), and which are due for a revisit by holp.yaml's `revisit_every_days`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from holp.model import Process
from holp.model.records import ServiceItem


@dataclass(frozen=True)
class Touch:
    """One project of a customer as the revisit reminder sees it: its stage, the days of its visits, its service."""

    customer: str
    stage: str
    visits: tuple[dt.date, ...]
    service: tuple[ServiceItem, ...]


@dataclass(frozen=True)
class RevisitDue:
    customer: str
    last: dt.date | None  # the last revisit or visit, on any of the customer's projects (None: never)
    days: int | None  # since then, as of the day asked


def revisit_days(touch: Touch) -> list[dt.date]:
    """The days the customer was seen on this project: its visits and its service revisits."""
    return [*touch.visits, *(s.date for s in touch.service if s.kind == "revisit" and s.date is not None)]


def revisits_due(process: Process, touches: Iterable[Touch], on: dt.date) -> list[RevisitDue]:
    """The customers with a won project whom nobody has visited or revisited in `revisit_every_days`, by
    customer id; none when holp.yaml sets no period."""
    every = process.revisit_every_days
    if every is None:
        return []
    won: set[str] = set()
    seen: dict[str, list[dt.date]] = {}
    for touch in touches:
        if process.is_won(touch.stage):
            won.add(touch.customer)
        seen.setdefault(touch.customer, []).extend(d for d in revisit_days(touch) if d <= on)
    due = []
    for customer in sorted(won):
        last = max(seen.get(customer) or [], default=None)
        if last is None or (on - last).days > every:
            due.append(RevisitDue(customer, last, None if last is None else (on - last).days))
    return due
