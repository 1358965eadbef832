"""`holp expense add`: record a sales expense (销售费用) on a project, or on a customer when it is tied to no deal.

The expense is appended to the record's `expenses:` as exact lines and
committed alone (trailers Holp-Project or Holp-Customer, Holp-Expense).
Refused before anything is written: an amount that is no positive number, a
date that is no real day or after today, a `--by` or `--approved-by` not in
team.yaml (exit 2), and an amount above a threshold of holp.yaml's
`expense_approval` without `--approved-by` someone who may approve it
(`holp.approvers`), naming who may (exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import edit, git, yaml
from holp.approvers import may_approve
from holp.change import Change, apply_record
from holp.clock import date_or_today, today
from holp.collection import amount_option, as_written
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import Customer, Project
from holp.model.activity import Expense
from holp.repo import Repository, closest
from holp.validate_expenses import expense_approval_problem, expense_words


def _member(repo: Repository, member: str, option: str) -> str:
    members = repo.team.rep_ids
    if member not in members:
        raise HolpError(f"{option} {member}: not a member of team.yaml{closest(member, members)}")
    return member


def _spender(root: Path, repo: Repository, record: Project | Customer, by: str | None) -> str:
    """--by, else the team member git commits as here, else the record's owner."""
    if by is not None:
        return _member(repo, by, "--by")
    email = git.author_email(root) if git.toplevel(root) is not None else None
    me = repo.team.rep_by_email(email) if email else None
    if me is not None:
        return me.id
    if record.owner and record.owner in repo.team.rep_ids:
        return record.owner
    raise HolpError(f"who spent it? name them with --by (your git email is not in team.yaml, and {record.id} has "
                    "no owner there)")


def _lines(item: dict[str, Any]) -> list[str]:
    """The expense as a block list item, keys in the order of the record."""
    first, *rest = item.items()
    return [f"- {first[0]}: {yaml.scalar(first[1])}", *(f"  {k}: {yaml.scalar(v)}" for k, v in rest)]


def add(root: Path, record_id: str, *, kind: str, amount: str, note: str, date: str | None, by: str | None,
        approved_by: str | None, dry_run: bool, commit: bool, branch: str | None) -> int:
    value = amount_option(amount)
    day = date_or_today(date)
    if day > today():
        raise HolpError(f"--date {day} is after today ({today()}): record an expense once it is spent")
    said = note.strip()
    if not said:
        raise HolpError("--note must say something: what the money was spent on, and for whom")

    def plan(repo: Repository, record: Project | Customer) -> Change:
        spender = _spender(root, repo, record, by)
        approver = None if approved_by is None else _member(repo, approved_by, "--approved-by")
        item: dict[str, Any] = {"date": day.isoformat(), "kind": kind, "amount": as_written(value), "by": spender}
        if approver is not None:
            item["approved_by"] = approver
        item["note"] = said
        n = len(record.expenses) + 1
        region = repo.region_of(record) if isinstance(record, Project) else record.region
        expense = Expense(date=day, kind=kind, amount=value, by=spender, approved_by=approver, note=said)
        why = expense_approval_problem(repo, expense, region)
        if why is not None:
            rule = repo.process.approval_needed(value)
            assert rule is not None
            may = [m.id for m in repo.team.reps
                   if may_approve(repo.team, m.id, region, rule.role) and m.id != spender]
            named = f": pass --approved-by {' or '.join(may)}" if may else ": team.yaml has nobody who may"
            raise HolpError(f"{record.id}: {expense_words(n, expense)} {why}{named}; nothing written", FAILED)

        def expect(data: Any) -> None:
            if not isinstance(data.get("expenses"), list):
                data["expenses"] = []
            data["expenses"].append(dict(item))

        what = "Holp-Project" if isinstance(record, Project) else "Holp-Customer"
        return Change(subject=f"{record.id}: expense {n}, {kind} {as_written(value):,} ({day.isoformat()})",
                      textual=lambda source: edit.append_item(source, "expenses", _lines(item)), expect=expect,
                      trailers=[(what, record.id), ("Holp-Expense", f"#{n} {kind} {as_written(value)}")], note=said,
                      branch=f"expense-{n}")

    return print_applied(apply_record(root, record_id, plan, commit=commit, branch=branch, dry_run=dry_run))
