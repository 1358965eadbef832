"""The collection commands (回收项目款项): `holp pay` and `holp collect`, each parsing its options for holp.commands."""

from __future__ import annotations

import sys

import click

from holp.cli_options import Options, change_options, pass_options
from holp.vocabulary import ACTION_KINDS


@click.command()
@click.argument("project_id")
@click.option("--amount", required=True, help="The money received, e.g. 1250000 or 1250000.50.")
@click.option("--date", help="The day it was received, YYYY-MM-DD (default: today).")
@click.option("--payment", type=click.IntRange(min=1), metavar="N",
              help="The payment it is for: 1 is the first in the file (default: the earliest with money outstanding).")
@change_options
@pass_options
def pay(options: Options, project_id: str, amount: str, date: str | None, payment: int | None, dry_run: bool,
        no_commit: bool, branch: str | None) -> None:
    """Record money received against a payment of the project's plan.

    The first receipt of a payment adds its `received` date and
    `received_amount`; later ones are added to its `receipts` list. Refused,
    with nothing written, when the amount is more than what is outstanding,
    or the date is before the payment was invoiced. One commit.

    \b
    Example:
      holp pay P-2025-001 --amount 1000000 --date 2026-11-20
      holp pay P-2026-003 --amount 645000 --payment 2
    """
    from holp.commands import pay as command

    sys.exit(command.run(options.root(), project_id, amount=amount, date=date, payment=payment, dry_run=dry_run,
                         commit=not no_commit, branch=branch))


@click.command()
@click.argument("project_id")
@click.option("--action", required=True, type=click.Choice(ACTION_KINDS),
              help="The step: call (电话催款), letter (发函催款), visit (上门催款), legal (法律诉讼).")
@click.option("--note", required=True, help="What was said or sent, and what the customer promised.")
@click.option("--payment", type=click.IntRange(min=1), metavar="N",
              help="The payment it is for: 1 is the first in the file (default: the earliest overdue).")
@click.option("--date", help="The day of the step, YYYY-MM-DD (default: today).")
@click.option("--by", help="The rep who took it (default: the payment's collector, else the project's owner).")
@change_options
@pass_options
def collect(options: Options, project_id: str, action: str, note: str, payment: int | None, date: str | None,
            by: str | None, dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Record a step taken to collect an overdue payment, on the payment's `actions` list.

    The steps escalate call → letter → visit → legal; `holp report
    receivables` shows each overdue payment's last step and the next one due.

    \b
    Example:
      holp collect P-2026-003 --action letter --note "发催款函，要求 12 月 15 日前付清验收款"
    """
    from holp.commands import collect as command

    sys.exit(command.run(options.root(), project_id, action=action, note=note, payment=payment, date=date, by=by,
                         dry_run=dry_run, commit=not no_commit, branch=branch))
