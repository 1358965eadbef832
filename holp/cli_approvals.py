"""The command line of approvals: `holp approve`."""

from __future__ import annotations

import sys

import click

from holp.cli_options import Options, change_options, pass_options
from holp.vocabulary import VERDICTS


@click.command()
@click.argument("project_id")
@click.argument("item")
@click.option("--verdict", type=click.Choice(VERDICTS), default="approved", show_default=True,
              help="approved, rejected, or revise (修改后再审).")
@click.option("--note", help="What the approver says.")
@click.option("--date", help="The day of the verdict, YYYY-MM-DD (default: today).")
@change_options
@pass_options
def approve(options: Options, project_id: str, item: str, verdict: str, note: str | None, date: str | None,
            dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Approve (or reject) a checklist item that needs a manager's approval, such as proposal_reviewed.

    The approver is you, as git names you (your email in team.yaml): the
    manager of the project's region or a director. Appends an entry to the
    project's `approvals:` and makes one commit (trailers Holp-Project,
    Holp-Approval). The latest verdict for an item is the one that counts.

    \b
    Example:
      holp approve P-2026-014 proposal_reviewed --note "方案可行，报价按二级权限"
      holp approve P-2026-014 proposal_reviewed --verdict revise --note "补充节电率测算"
    """
    from holp.commands import approve as command

    sys.exit(command.run(options.root(), project_id, item, verdict=verdict, note=note, date=date, dry_run=dry_run,
                         commit=not no_commit, branch=branch))
