"""The command line of sales expenses (销售费用): `holp expense add`."""

from __future__ import annotations

import sys

import click

from holp.cli_options import Options, change_options, pass_options
from holp.vocabulary import EXPENSE_KINDS


@click.group()
def expense() -> None:
    """Sales expenses (销售费用) on a project, or on a customer when tied to no deal.

    Each expense is appended to the record's `expenses:` with exact lines and
    one commit. holp.yaml's `expense_approval` says above which amount whose
    approval an expense needs; `holp validate` checks it, `holp report
    expenses` sums them against won amounts and budgets.

    \b
    Example:
      holp expense add P-2026-001 --kind travel --amount 3200 --note "上海—苏州 现场勘察"
      holp expense add C-0001 --kind hospitality --amount 8600 --approved-by li.na --note "年度客户答谢"
    """


@expense.command("add")
@click.argument("record_id", metavar="ID")
@click.option("--kind", type=click.Choice(EXPENSE_KINDS), required=True,
              help="travel 差旅, hospitality 招待, gift 礼品, sample 样品, survey 勘察, bid 投标, other 其他.")
@click.option("--amount", required=True, help="The money spent, e.g. 3200 or 3200.50.")
@click.option("--note", required=True, help="What it was spent on, and for whom.")
@click.option("--date", help="The day it was spent, YYYY-MM-DD (default: today).")
@click.option("--by", help="The team member who spent it (default: you, by your git email; else the owner).")
@click.option("--approved-by", help="The manager or director who approved it (needed above holp.yaml's thresholds).")
@change_options
@pass_options
def add(options: Options, record_id: str, kind: str, amount: str, note: str, date: str | None, by: str | None,
        approved_by: str | None, dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Record an expense on project or customer ID.

    Refused, with nothing written, for an amount that is no positive number,
    a date that is no real day or after today, a member not in team.yaml
    (exit 2), or an amount above an approval threshold without an approver
    who may approve it for the record's region (exit 1: the message names who
    may).

    \b
    Example:
      holp expense add P-2026-001 --kind hospitality --amount 12000 --approved-by li.na --note "技术交流晚宴"
    """
    from holp.commands import expense as command

    sys.exit(command.add(options.root(), record_id, kind=kind, amount=amount, note=note, date=date, by=by,
                         approved_by=approved_by, dry_run=dry_run, commit=not no_commit, branch=branch))
