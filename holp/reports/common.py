"""What every report shares: totals, the state of a deal, grouping keys, quarters, won dates, and the report shape.

A report is a frozen dataclass of figures (Decimals, ints, dates, strings).
Its `json()` is the `--format json` contract and its `tables()` what people
read; both are written from the figures, and money becomes text only there
(two places, rounded once, half up, by `holp.output`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from holp.model import LOST, Process
from holp.output import money_plain
from holp.pipeline import weighted

if TYPE_CHECKING:  # types only: the package stays light to import, so the CLI can list its kinds cheaply
    from holp.history import History, Transition
    from holp.labels import Labels
    from holp.snapshot import Deal, Snapshot

ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Table:
    caption: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]
    money: frozenset[int] = field(default_factory=frozenset)  # columns holding money (right-aligned, two places)
    numbers: frozenset[int] = field(default_factory=frozenset)  # other right-aligned columns
    wrap: Mapping[int, int] = field(default_factory=dict)  # free-text columns a terminal table wraps: least width


@dataclass(frozen=True)
class Head:
    """What every report says first: the day and commit it describes, and the currency of its money."""

    as_of: dt.date
    revision: str | None
    currency: str

    def json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "revision": self.revision, "currency": self.currency}


def head(snapshot: Snapshot) -> Head:
    return Head(snapshot.as_of, snapshot.revision, snapshot.process.currency)


class Report:
    """The shape every report kind has; each kind is a frozen dataclass with a `head` and these methods."""

    kind: ClassVar[str]
    head: Head

    def json(self) -> dict[str, Any]:
        """The report as the `--format json` contract has it: keys in order, money as two-place strings."""
        raise NotImplementedError

    def tables(self, label: Labels) -> list[Table]:
        """The figures as tables for the terminal, Markdown, HTML and (the first one) CSV."""
        raise NotImplementedError

    def notes(self, label: Labels) -> list[str]:
        return []

    def csv_rows(self, label: Labels) -> list[Sequence[Any]]:
        """One table for tools, headers first: the main table, unless a kind has a better long form."""
        main = self.tables(label)[0]
        return [main.headers, *main.rows]


def incomplete(history_incomplete: bool) -> dict[str, Any]:
    """The contract's flag, present only when a shallow clone left history out (never silently wrong)."""
    return {"history_incomplete": True} if history_incomplete else {}


def incomplete_notes(history_incomplete: bool, label: Labels) -> list[str]:
    return [label("incomplete_history")] if history_incomplete else []


@dataclass(frozen=True)
class Totals:
    count: int = 0
    amount: Decimal = ZERO
    weighted: Decimal = ZERO

    def plus(self, amount: Decimal, weighted: Decimal = ZERO) -> Totals:
        return Totals(self.count + 1, self.amount + amount, self.weighted + weighted)

    def json(self, weighted: bool = True) -> dict[str, Any]:
        found: dict[str, Any] = {"count": self.count, "amount": money_plain(self.amount)}
        if weighted:
            found["weighted"] = money_plain(self.weighted)
        return found


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part of whole in percent, unrounded; None when there is no whole to take a part of."""
    if whole == 0:
        return None
    return Decimal(part) * 100 / Decimal(whole)


def tenths(value: Decimal | None) -> str | None:
    """A percentage or an average as the contract writes it: one place."""
    return None if value is None else str(value.quantize(TENTH))


def pct(value: Decimal | None) -> str:
    """A percentage in a table cell: one place and a % sign, or a dash when there is none."""
    text = tenths(value)
    return f"{text}%" if text is not None else "—"


def amount(deal: Deal) -> Decimal:
    return deal.amount or ZERO


def state(process: Process, deal: Deal) -> str:
    """open, won, lost, or unknown (a stage holp.yaml does not have)."""
    if deal.stage == LOST:
        return "lost"
    stage = process.stage(deal.stage)
    if stage is None:
        return "unknown"
    return "won" if stage.index >= process.won_index else "open"


def weighted_open_pipeline(snapshot: Snapshot) -> Decimal:
    """The weighted open pipeline of the snapshot."""
    process = snapshot.process
    return sum((weighted(process, d) for d in snapshot.deals if state(process, d) == "open"), ZERO)


def quarter(day: dt.date | None) -> str | None:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if day else None


def group_key(snapshot: Snapshot, deal: Deal, by: str) -> str | None:
    if by == "owner":
        return deal.owner
    if by == "region":
        return snapshot.region(deal)
    if by == "business_line":
        return deal.business_line
    if by == "customer":
        return deal.customer
    if by == "quarter":
        return quarter(deal.expected_close)
    raise ValueError(by)


def group_name(snapshot: Snapshot, by: str, key: str, lang: str) -> str:
    """How a group's key reads: a rep's name, a region's or business line's label, a customer's name."""
    if by == "owner":
        rep = snapshot.team.rep(key)
        return rep.name if rep else key
    if by == "region":
        region = snapshot.team.region(key)
        return region.label.get(lang) if region else key
    if by == "business_line":
        return snapshot.process.choice_label(snapshot.process.business_lines, key, lang)
    if by == "customer":
        account = snapshot.accounts.get(key)
        return account.name if account else key
    return key


def rep_name(snapshot: Snapshot, rep_id: str) -> str:
    rep = snapshot.team.rep(rep_id)
    return rep.name if rep else rep_id


def customer_name(snapshot: Snapshot, customer_id: str) -> str:
    account = snapshot.accounts.get(customer_id)
    return account.name if account else customer_id


def day_of(t: Transition) -> dt.date:
    return dt.datetime.fromisoformat(t.date).date()


def stage_moves_until(history: History | None, as_of: dt.date) -> list[Transition]:
    return [t for t in (history.transitions if history else []) if t.field == "stage" and day_of(t) <= as_of]


def won_dates(process: Process, history: History | None, snapshot: Snapshot) -> dict[str, dt.date]:
    """When each won deal was won: its first move into a won stage, else its expected close."""
    found: dict[str, dt.date] = {}
    for t in history.transitions if history else []:
        if (t.field == "stage" and t.target and process.is_won(t.target) and t.project not in found
                and (t.source is None or not process.is_won(t.source))):
            found[t.project] = day_of(t)
    for deal in snapshot.deals:
        if state(process, deal) == "won" and deal.id not in found and deal.expected_close:
            found[deal.id] = deal.expected_close
    return found


def shallow(history: History | None) -> bool:
    return bool(history and history.shallow)
