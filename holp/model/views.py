"""The compact views of a project that reports and history keep by the ten thousand, derived from the record.

A report needs a few fields of every project, history fewer still; both are
computed from the one `Project` record read from a file or blob, kept in the
cache as a JSON-able row (`project_row`) and brought back from it
(`deal_from_row`, `summary_from_row`), so a warm run parses nothing and can
never read a field differently from `show` or `validate`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from holp.model import coerce
from holp.model.fields import build, plain
from holp.model.records import (
    MONEY_KEYS,
    QUANTITY_KEYS,
    Approval,
    Customer,
    Expense,
    Payment,
    Project,
    Risk,
    ServiceItem,
    Task,
    Warranty,
    gross_profit,
)


@dataclass(frozen=True)
class Deal:
    """A project as reports use it."""

    id: str
    name: str
    stage: str
    amount: Decimal | None
    probability: Decimal | None
    expected_close: dt.date | None
    owner: str | None
    customer: str | None
    region: str | None
    business_line: str | None
    lost_reason: str | None = None
    lost_stage: str | None = None
    payments: tuple[Payment, ...] = ()
    visits: tuple[tuple[dt.date, tuple[str, ...]], ...] = ()
    path: str = ""
    assessment: dict[str, dict[str, int]] = field(default_factory=dict, compare=False)
    service: tuple[ServiceItem, ...] = ()
    risks: tuple[Risk, ...] = ()
    warranty: Warranty | None = None
    cost: Decimal | None = None
    margin: Decimal | None = None
    source: str | None = None  # its own; else its customer's (Snapshot.source)
    tasks: tuple[Task, ...] = ()
    expenses: tuple[Expense, ...] = ()
    approvals: tuple[Approval, ...] = ()
    next_step: tuple[str, dt.date | None] | None = None  # the latest visit's next step and its due day

    @property
    def gross_profit(self) -> Decimal | None:
        return gross_profit(self.amount, self.cost, self.margin)


@dataclass(frozen=True)
class Account:
    """A customer as reports use it."""

    id: str
    name: str
    region: str | None
    owner: str | None
    path: str = ""
    class_: str | None = None
    source: str | None = None
    roles: tuple[str, ...] = ()  # the roles of its key persons, one per contact with a role
    tasks: tuple[Task, ...] = ()
    expenses: tuple[Expense, ...] = ()


class Summary(NamedTuple):
    """What history needs of one version of a project file (a tuple: history holds them by the hundred thousand)."""

    id: str
    stage: str | None
    amount: str | None
    expected_close: str | None
    probability: str | None = None


_iso = coerce.iso


def _number(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


NUMBER_KEYS = MONEY_KEYS | QUANTITY_KEYS  # the keys whose values are exact numbers, kept as text in the cache


def _as_row(value: Any) -> Any:
    """A record's plain values for the cache's JSON: numbers as exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _as_row(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_row(v) for v in value]
    return value


def _from_row(value: Any, name: str = "") -> Any:
    """The plain values of `_as_row` as a file would hold them (numbers as numbers), for `build` to read."""
    if isinstance(value, dict):
        return {k: _from_row(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_row(v) for v in value]
    if name in NUMBER_KEYS and isinstance(value, str):
        return coerce.decimal_text(value)
    return value


def _rows(items: tuple[Any, ...]) -> list[Any]:
    return [_as_row(plain(item)) for item in items]


def _records(cls: type[Any], rows: list[Any]) -> tuple[Any, ...]:
    return tuple(build(cls, _from_row(row)) for row in rows)


def project_row(p: Project) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "stage": p.stage, "amount": _number(p.amount),
            "probability": _number(p.probability), "expected_close": _iso(p.expected_close), "owner": p.owner,
            "customer": p.customer, "region": p.region, "business_line": p.business_line,
            "lost_reason": p.lost_reason, "lost_stage": p.lost.stage if p.lost else None,
            "payments": _rows(p.payments), "service": _rows(p.service), "risks": _rows(p.risks),
            "warranty": _as_row(plain(p.warranty)) if p.warranty else None,
            "visits": [[_iso(v.date), list(v.by)] for v in p.visits],
            "assessment": {group: dict(scores) for group, scores in p.assessment.scores.items()},
            "cost": _number(p.cost), "margin": _number(p.margin), "source": p.source, "tasks": _rows(p.tasks),
            "expenses": _rows(p.expenses), "approvals": _rows(p.approvals), "next_step": _next_step(p)}


def _next_step(p: Project) -> list[Any] | None:
    """The next step of the latest dated visit that names one, with its due day."""
    dated = [v for v in p.visits if v.date is not None and v.next_step]
    if not dated:
        return None
    last = max(dated, key=lambda v: v.date or dt.date.min)
    return [last.next_step, _iso(last.next_step_due)]


def deal_from_row(row: dict[str, Any], path: str) -> Deal:
    number, day = coerce.decimal_text, coerce.date
    visits = tuple((d, tuple(by)) for date, by in row["visits"] if (d := day(date)) is not None)
    warranty = row["warranty"]
    return Deal(row["id"], row["name"], row["stage"], number(row["amount"]), number(row["probability"]),
                day(row["expected_close"]), row["owner"], row["customer"], row["region"], row["business_line"],
                row["lost_reason"], row["lost_stage"], _records(Payment, row["payments"]), visits, path,
                row["assessment"], _records(ServiceItem, row["service"]), _records(Risk, row["risks"]),
                build(Warranty, _from_row(warranty)) if warranty else None, number(row["cost"]),
                number(row["margin"]), row["source"], _records(Task, row["tasks"]), _records(Expense, row["expenses"]),
                _records(Approval, row["approvals"]),
                (row["next_step"][0], day(row["next_step"][1])) if row["next_step"] else None)


_SUMMARY_READERS: dict[str, Any] = {}


def summary_of(tree: Any) -> Summary | None:
    """The summary of a project file's values, read by the Project's own field readers (so it is always what
    `summary_from_row(project_row(project_from(tree)))` gives, without building the whole record); None when the
    values hold no project (no mapping, no id)."""
    if not _SUMMARY_READERS:
        _SUMMARY_READERS.update({f.name: f.metadata["read"] for f in dataclasses.fields(Project)
                                 if f.name in Summary._fields})
    if not isinstance(tree, Mapping):
        return None
    read = _SUMMARY_READERS
    project_id = read["id"](tree.get("id"))
    if not project_id:
        return None
    return Summary(project_id, read["stage"](tree.get("stage")) or None, _number(read["amount"](tree.get("amount"))),
                   _iso(read["expected_close"](tree.get("expected_close"))),
                   _number(read["probability"](tree.get("probability"))))


def document_summary(doc: Any) -> Summary | None:
    """The summary of a read document (`holp.yaml.Document`) that holds a project, else None."""
    return summary_of(doc.tree) if doc.ok else None


def summary_from_row(row: dict[str, Any]) -> Summary:
    return Summary(row["id"], row["stage"] or None, row["amount"], row["expected_close"], row["probability"])


def customer_row(c: Customer) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "region": c.region, "owner": c.owner, "class": c.class_,
            "source": c.source, "roles": [k.role for k in c.contacts if k.role], "tasks": _rows(c.tasks),
            "expenses": _rows(c.expenses)}


def account_from_row(row: dict[str, Any], path: str) -> Account:
    return Account(row["id"], row["name"], row["region"], row["owner"], path, row["class"], row["source"],
                   tuple(row["roles"]), _records(Task, row["tasks"]), _records(Expense, row["expenses"]))
