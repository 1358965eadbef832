"""The work around the deals: tasks with their due days (任务), sales expenses (销售费用) and a manager's
approvals of the checklist items that need one (方案审核)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from holp.model.base import DATE, ID, MONEY, STRING, TEXT, Record, date, enum_of, money, text
from holp.model.fields import key
from holp.vocabulary import EXPENSE_KINDS, VERDICTS


@dataclass(frozen=True)
class Task(Record):
    """A task (任务): what is to be done, by whom (team.yaml), from when and by when, and the day it was done."""

    what: str | None = key(TEXT, text, required=True)
    who: str | None = key(ID, text)
    start: dt.date | None = key(DATE, date)
    due: dt.date | None = key(DATE, date, required=True)
    done: dt.date | None = key(DATE, date)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Expense(Record):
    """A sales expense (销售费用): when, what kind, how much, who spent it and who approved it."""

    date: dt.date | None = key(DATE, date, required=True)
    kind: str | None = key(enum_of(EXPENSE_KINDS), text, required=True)
    amount: Decimal | None = key(MONEY, money, required=True)
    by: str | None = key(ID, text)
    approved_by: str | None = key(ID, text)
    note: str | None = key(STRING, text)


@dataclass(frozen=True)
class Approval(Record):
    """A manager's verdict on a checklist item that needs one (方案经销售经理审核): who, when, and what they said."""

    item: str | None = key(TEXT, text, required=True)
    by: str | None = key(ID, text, required=True)
    date: dt.date | None = key(DATE, date, required=True)
    verdict: str | None = key(enum_of(VERDICTS), text, required=True)
    note: str | None = key(STRING, text)


def latest_verdicts(approvals: tuple[Approval, ...]) -> tuple[Approval, ...]:
    """The verdict that stands for each item: its latest approval by date, the later in the file on the same day
    (a rejection after an approval means the item is no longer approved). In the order of the file."""
    standing: dict[str | None, tuple[int, Approval]] = {}
    for index, approval in enumerate(approvals):
        held = standing.get(approval.item)
        if held is None or (approval.date or dt.date.min) >= (held[1].date or dt.date.min):
            standing[approval.item] = (index, approval)
    return tuple(a for _, a in sorted(standing.values(), key=lambda kv: kv[0]))
