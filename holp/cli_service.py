"""The command line of after-sales service: `holp service open|close|revisit`."""

from __future__ import annotations

import sys

import click

from holp.cli_options import Options, change_options, pass_options
from holp.vocabulary import LEVELS, SERVICE_KINDS

SATISFACTION = click.IntRange(1, 5)


@click.group()
def service() -> None:
    """After-sales service (售后服务): complaints, feedback, warranty cases, revisits, trainings.

    Items are listed under the project's `service:`, numbered from 1 in the
    file's order; each command writes exact lines and makes one commit
    (trailers Holp-Project, Holp-Service).

    \b
    Example:
      holp service open P-2024-018 --kind complaint --from 吴国平 --severity high --summary "锅炉给水泵振动大"
      holp service close P-2024-018 1 --resolution "更换轴承" --satisfaction 4
      holp service revisit P-2024-018 --satisfaction 5 --note "电站运行稳定"
    """


@service.command("open")
@click.argument("project_id")
@click.option("--kind", type=click.Choice(SERVICE_KINDS), required=True, help="What the item is.")
@click.option("--from", "from_", required=True, metavar="NAME", help="Who raised it: a key person of the customer.")
@click.option("--severity", type=click.Choice(LEVELS), required=True, help="How serious it is.")
@click.option("--summary", required=True, help="What it is about.")
@click.option("--owner", help="The rep who handles it (default: the project's owner).")
@click.option("--due", help="When it must be resolved, YYYY-MM-DD.")
@click.option("--date", help="When it was raised, YYYY-MM-DD (default: today).")
@change_options
@pass_options
def open_(options: Options, project_id: str, kind: str, from_: str, severity: str, summary: str, owner: str | None,
          due: str | None, date: str | None, dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Open a service item (a complaint is the 投诉单) on a project.

    \b
    Example:
      holp service open P-2024-018 --kind complaint --from 吴国平 --severity high \\
        --summary "锅炉给水泵振动大" --due 2026-06-10
    """
    from holp.commands import service as command

    sys.exit(command.open_(options.root(), project_id, kind=kind, from_=from_, severity=severity, summary=summary,
                           owner=owner, due=due, date=date, dry_run=dry_run, commit=not no_commit, branch=branch))


@service.command("close")
@click.argument("project_id")
@click.argument("number", type=click.IntRange(min=1), metavar="N")
@click.option("--resolution", required=True, help="How it was resolved.")
@click.option("--satisfaction", type=SATISFACTION, help="The customer's satisfaction, 1–5.")
@click.option("--date", help="When it was resolved, YYYY-MM-DD (default: today).")
@change_options
@pass_options
def close(options: Options, project_id: str, number: int, resolution: str, satisfaction: int | None,
          date: str | None, dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Close service item N (1-based, in the file's order): adds resolved, resolution and satisfaction.

    \b
    Example:
      holp service close P-2024-018 1 --resolution "更换轴承，振动恢复正常" --satisfaction 4
    """
    from holp.commands import service as command

    sys.exit(command.close(options.root(), project_id, number, resolution=resolution, satisfaction=satisfaction,
                           date=date, dry_run=dry_run, commit=not no_commit, branch=branch))


@service.command("revisit")
@click.argument("project_id")
@click.option("--satisfaction", type=SATISFACTION, required=True, help="The customer's satisfaction, 1–5.")
@click.option("--note", required=True, help="What the revisit found.")
@click.option("--from", "from_", metavar="NAME", help="Whom you spoke to: a key person of the customer.")
@click.option("--date", help="The day of the revisit, YYYY-MM-DD (default: today).")
@change_options
@pass_options
def revisit(options: Options, project_id: str, satisfaction: int, note: str, from_: str | None, date: str | None,
            dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Record a revisit (回访) with the customer's satisfaction: an item resolved the same day.

    \b
    Example:
      holp service revisit P-2024-018 --satisfaction 5 --from 吴国平 --note "电站运行稳定，发电量达标"
    """
    from holp.commands import service as command

    sys.exit(command.revisit(options.root(), project_id, satisfaction=satisfaction, note=note, from_=from_,
                             date=date, dry_run=dry_run, commit=not no_commit, branch=branch))
