"""Collection (回收项目款项): which payment a receipt or a collection step is for, and the escalation ladder.

`holp pay` and `holp collect` pick the payment here; the receivables report asks for the escalation step
of an overdue payment. The ladder is the regime's (收款风险应对: 电话催款, 发函催款, 上门催款, 法律诉讼):
call → letter → visit → legal. The next step of an overdue payment is the rung after its last step (a call
when none was taken), but no higher than its days overdue allow (ESCALATION_DAYS: a call from the first day,
a letter from day 31, a visit from day 61, legal steps from day 91): the ladder is climbed one rung at a
time, and a rung is repeated until the payment is overdue long enough for the next one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from holp.errors import FAILED, HolpError
from holp.model import Payment, Project
from holp.model.records import ACTION_KINDS, MAX_MONEY, CollectionAction

# the first day overdue from which each rung of the ladder is due (ACTION_KINDS is the ladder, in order)
ESCALATION_DAYS = (1, 31, 61, 91)


def amount_option(text: str, option: str = "--amount") -> Decimal:
    """A sum of money given on the command line: a positive number with at most two decimal places."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise HolpError(f"{option} {text}: not a number (write it plain, e.g. 1250000 or 1250000.50)") from None
    if not value.is_finite() or value <= 0:
        raise HolpError(f"{option} {text}: the amount must be more than 0")
    if value > MAX_MONEY:  # before quantize, which fails on a number this large
        raise HolpError(f"{option} {text}: more than {MAX_MONEY:,} is surely a typo")
    if value != value.quantize(Decimal("0.01")):
        raise HolpError(f"{option} {text}: at most two decimal places")
    return value


def as_written(value: Decimal) -> int | Decimal:
    """An amount as the file holds it (what reading it back gives): a whole number as an int."""
    return int(value) if value == value.to_integral_value() else value


def payment_index(project: Project, number: int | None, *, overdue_on: dt.date | None = None) -> int:
    """The 0-based index of the payment a command is for: ``number`` (1-based, in the file's order), else the
    earliest due with money outstanding (with ``overdue_on``: the earliest overdue on that day)."""
    payments = project.payments
    if not payments:
        raise HolpError(f"{project.id} has no payments: add its payment plan (payments:) first", FAILED)
    if number is not None:
        if not 1 <= number <= len(payments):
            raise HolpError(f"{project.id} has no payment {number}: its payments are 1 to {len(payments)}")
        return number - 1
    open_ = [(p.due or dt.date.max, i) for i, p in enumerate(payments) if p.outstanding > 0]
    if overdue_on is not None:
        open_ = [(due, i) for due, i in open_ if due < overdue_on]
        if not open_:
            raise HolpError(f"{project.id} has no overdue payment: name one with --payment N", FAILED)
    if not open_:
        raise HolpError(f"{project.id} has nothing outstanding: every payment is received in full", FAILED)
    return min(open_)[1]


def days_overdue(payment: Payment, on: dt.date) -> int:
    return (on - payment.due).days if payment.due else 0


def receipts(payment: Payment) -> list[tuple[dt.date | None, Decimal, str | None]]:
    """Every receipt of a payment, (day, amount, note), summing to ``payment.paid``: the first (`received` with
    `received_amount`, or the whole amount when that is left out and nothing else came), then `receipts`."""
    listed = [(r.date, r.amount or Decimal(0), r.note) for r in payment.receipts]
    first = payment.paid - sum((amount for _, amount, _ in listed), Decimal(0))
    return ([(payment.received, first, None)] if first else []) + listed


def last_action(payment: Payment, on: dt.date) -> CollectionAction | None:
    """The latest collection step taken on or before ``on``."""
    taken = [a for a in payment.actions if a.date is not None and a.date <= on]
    return max(taken, key=lambda a: a.date or dt.date.min) if taken else None


def escalation(payment: Payment, on: dt.date) -> str | None:
    """The next collection step for a payment overdue on ``on`` (an ACTION_KINDS id), or None when it is not
    overdue."""
    days = days_overdue(payment, on)
    if payment.outstanding <= 0 or days < ESCALATION_DAYS[0]:
        return None
    by_days = max(i for i, first in enumerate(ESCALATION_DAYS) if days >= first)
    last = last_action(payment, on)
    after_last = ACTION_KINDS.index(last.kind) + 1 if last is not None and last.kind in ACTION_KINDS else 0
    return ACTION_KINDS[min(by_days, after_last)]
