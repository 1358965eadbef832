"""The command line of tasks and the agenda: `holp task add|done` and `holp agenda`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.cli_options import Options, change_options, lang_option, pass_options

MAX_DAYS = 3660  # ten years ahead: far enough for any plan, and a date holp can still count to


@click.group()
def task() -> None:
    """Tasks (任务) on a project or a customer: what, who, from when, by when, and when it was done.

    Tasks are listed under the record's `tasks:`, numbered from 1 in the
    file's order (as `holp show` prints them); each command writes exact
    lines and makes one commit (trailers Holp-Project or Holp-Customer, Holp-Task).

    \b
    Example:
      holp task add P-2026-001 "提交初步方案" --due 2026-12-05 --who chen.gong
      holp task done P-2026-001 1
    """


@task.command("add")
@click.argument("record_id", metavar="ID")
@click.argument("what")
@click.option("--due", required=True, help="By when it is to be done, YYYY-MM-DD.")
@click.option("--who", metavar="MEMBER", help="Who does it: anyone in team.yaml (default: the record's owner).")
@click.option("--start", help="From when, YYYY-MM-DD.")
@change_options
@pass_options
def add(options: Options, record_id: str, what: str, due: str, who: str | None, start: str | None, dry_run: bool,
        no_commit: bool, branch: str | None) -> None:
    """Add a task to project or customer ID.

    \b
    Example:
      holp task add C-0003 "整理A类客户名单" --due 2026-12-10
    """
    from holp.commands import task as command

    sys.exit(command.add(options.root(), record_id, what, due=due, who=who, start=start, dry_run=dry_run,
                         commit=not no_commit, branch=branch))


@task.command("done")
@click.argument("record_id", metavar="ID")
@click.argument("number", type=click.IntRange(min=1), metavar="N")
@click.option("--date", help="When it was done, YYYY-MM-DD (default: today).")
@change_options
@pass_options
def done(options: Options, record_id: str, number: int, date: str | None, dry_run: bool, no_commit: bool,
         branch: str | None) -> None:
    """Mark task N (1-based, in the file's order) of ID done.

    \b
    Example:
      holp task done P-2026-001 2 --date 2026-11-30
    """
    from holp.commands import task as command

    sys.exit(command.done(options.root(), record_id, number, date=date, dry_run=dry_run, commit=not no_commit,
                          branch=branch))


@click.command()
@click.option("--owner", metavar="MEMBER", help="Only this member's: tasks by who does them, deals by owner.")
@click.option("--region", help="Only the deals and customers of this region.")
@click.option("--days", type=click.IntRange(min=0, max=MAX_DAYS), default=7, show_default=True,
              help="What is due up to today + DAYS (and everything overdue); at most ten years.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "ics"]), default="table", show_default=True,
              help="ics: an iCalendar file a calendar app subscribes to.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--as-of", "as_of", metavar="DATE", help="The day the agenda is for (default: today).")
@lang_option
@pass_options
def agenda(options: Options, owner: str | None, region: str | None, days: int, fmt: str, output: Path | None,
           as_of: str | None, lang: str | None) -> None:
    """What is due or overdue: tasks, next steps, gate items of deals closing soon, revisits, stalled deals.

    One line each, sorted by date (the overdue first): date, kind, who, record, what.

    \b
    Example:
      holp agenda --owner zhang.wei --days 14
      holp agenda --format ics -o agenda.ics      # subscribe to it in a calendar app
    """
    from holp.commands import agenda as command

    sys.exit(command.run(options.root(), owner=owner, region=region, days=days, fmt=fmt, output=output, as_of=as_of,
                         lang=lang, use_cache=not options.no_cache))
