"""The commands that read the files and their history: history, review, reports, exports, forms, CODEOWNERS."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp import reports
from holp.cli_options import Options, lang_option, pass_options
from holp.errors import HolpError


@click.command()
@click.argument("project_id", required=False)
@click.option("--since", metavar="DATE", help="Only transitions on or after this day (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only transitions on or before this day (YYYY-MM-DD).")
@click.option("--author", metavar="EMAIL", help="Only transitions committed by this email (or rep id).")
@click.option("--fields", is_flag=True, help="Also list changes of amount and expected_close.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@lang_option
@pass_options
def history(options: Options, project_id: str | None, since: str | None, until: str | None, author: str | None,
            fields: bool, fmt: str, lang: str | None) -> None:
    """Stage transitions read from git history, oldest first: who moved what, from where to where, when.

    Found by comparing each project before and after every commit (hand edits
    count as much as `holp advance`); the Holp-* trailers add note and reason.

    \b
    Example:
      holp history P-2026-014
      holp history --since 2026-10-01 --author zhang.wei@example.com --format json
      holp history --fields            # also amount and expected_close changes
    """
    from holp.commands import history as command

    sys.exit(command.run(options.root(), project_id, since=since, until=until, author=author, fmt=fmt,
                         fields=fields, lang=lang, use_cache=not options.no_cache))


@click.command()
@click.argument("base", required=False)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@lang_option
@pass_options
def review(options: Options, base: str | None, fmt: str, lang: str | None) -> None:
    """Check every stage move of this branch; Markdown for a pull-request comment. Exit 1 on an illegal move.

    Moves are read from git between the merge base of BASE (default
    origin/main, else main) and HEAD. Illegal: a gate left unmet (unless
    forced with a reason, which is flagged), a skip or a move back without a
    Holp-Reason, lost without a configured reason, a new project not at the
    first stage; also any validation error in a file the branch touched.
    Moves are judged by holp.yaml and team.yaml as the merge base has them;
    a branch that changes holp.yaml, team.yaml or templates/ fails too, until
    an owner of those files (CODEOWNERS) approves the change.

    \b
    Example:
      holp review                       # against origin/main or main
      holp review origin/main >> "$GITHUB_STEP_SUMMARY"
      holp review --format json
    """
    from holp.commands import review as command

    sys.exit(command.run(options.root(), base, fmt, lang, use_cache=not options.no_cache))


@click.command()
@click.option("--check", is_flag=True, help="Only check that CODEOWNERS matches team.yaml; exit 1 if not.")
@pass_options
def codeowners(options: Options, check: bool) -> None:
    """Write .github/CODEOWNERS from team.yaml: each region's folders to its manager's handle.

    A region's customers/<region>/ and projects/<region>/ go to the `handle`
    of its manager, so the right manager is asked to review every stage move
    there; holp.yaml, team.yaml and templates/ go to the directors (or all
    managers).

    \b
    Example:
      holp codeowners
      holp codeowners --check      # in CI
    """
    from holp.commands import codeowners as command

    sys.exit(command.run(options.root(), check))


@click.command("report")
@click.argument("kind", required=False, type=click.Choice([*reports.KINDS, "all"]))
@click.option("--by", type=click.Choice(reports.BY), help="Group the funnel by this.")
@click.option("--as-of", "as_of", metavar="DATE|REV", help="The repository as it stood then, read from git.")
@click.option("--since", metavar="DATE|REV",
              help="For `changes`: what changed after this day (DATE), or in the commits after this one (REV); "
                   "for the dashboard (--format html): the cards' change since then (default: 30 days before).")
@click.option("--period", type=click.Choice(reports.PERIODS),
              help="forecast: bucket by quarter (default) or month; week: the week (default) or the month; "
                   "kpi: the month, quarter or year.")
@click.option("--owner", metavar="REP", help="Only this member's deals and work (a team.yaml id).")
@click.option("--region", metavar="REGION", help="Only this region's deals and work.")
@click.option("--week", metavar="YYYY-Www", help="For `week`: the ISO week, e.g. 2026-W48 (default: this week).")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json", "html", "xlsx"]),
              help="table (default), or what -o's suffix says: .md, .csv, .json, .html, .xlsx (a workbook, one "
                   "sheet per table; needs -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@lang_option
@pass_options
def report_(options: Options, kind: str | None, by: str | None, as_of: str | None, since: str | None,
            period: str | None, owner: str | None, region: str | None, week: str | None, fmt: str | None,
            output: Path | None, lang: str | None) -> None:
    """Reports from the files and their history: funnel (default), forecast, conversion, aging, stalled, reps,
    receivables, changes, service, risks, week (周报/月报), kpi, expenses, sources; `all` (the default for
    --format html) is the dashboard (headline cards with their change since --since, default 30 days; the funnel,
    forecast against target, the pipeline's trend; money in holp.yaml's display_unit) over the pipeline's reports;
    with --format xlsx, one workbook of them.

    \b
    Example:
      holp report                                   # the funnel, in the terminal
      holp report funnel --by region --format json
      holp report forecast --period month
      holp report changes --since 2026-11-17        # since last week's meeting
      holp report week --owner zhang.wei --format markdown   # this week's 周报
      holp report kpi --period quarter
      holp report --as-of 2026-06-30 --format markdown >> "$GITHUB_STEP_SUMMARY"
      holp report --format html -o report.html      # the dashboard, every report below it
      holp report forecast -o forecast.xlsx         # a workbook: a sheet per table
    """
    from holp.commands import report as command

    if fmt is None:
        suffixes = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json", ".html": "html",
                    ".htm": "html", ".xlsx": "xlsx"}
        fmt = suffixes.get(output.suffix.lower(), "table") if output else "table"
    sys.exit(command.run(options.root(), kind, by=by, as_of=as_of, since=since, period=period, fmt=fmt,
                         output=output, lang=lang, use_cache=not options.no_cache, owner=owner, region=region,
                         week=week))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "sqlite", "xlsx"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="A folder for csv (one file per table), a file for jsonl, sqlite and xlsx (one sheet per table).")
@pass_options
def export(options: Options, fmt: str, output: Path) -> None:
    """Export projects, customers, contacts, visits, payments and stage transitions for BI tools.

    \b
    Example:
      holp export --format sqlite -o sales.db
      holp export --format csv -o export/        # projects.csv, customers.csv, ...
      holp export --format jsonl -o sales.jsonl
      holp export --format xlsx -o sales.xlsx    # a workbook: one sheet per table
    """
    from holp.commands import export as command

    sys.exit(command.run(options.root(), fmt, output, use_cache=not options.no_cache))


@click.command("render")
@click.argument("name", required=False)
@click.argument("record_id", metavar="ID", required=False)
@click.option("--list", "show_list", is_flag=True, help="Name the templates (built-in and the repository's own).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True,
              help="Markdown for a pull request, or a printable A4 HTML page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@lang_option
@pass_options
def render_(options: Options, name: str | None, record_id: str | None, show_list: bool, fmt: str,
            output: Path | None, lang: str | None) -> None:
    """Fill a form of the seeds from the files: visit-plan, visit-record, key-persons, customer-overview,
    opportunity-evaluation, stage-review. A repository's templates/render/ overrides or adds templates.

    \b
    Example:
      holp render --list
      holp render visit-plan P-2026-014
      holp render key-persons C-0003 --format html -o 关键人物.html
      holp render stage-review P-2026-014 > pr-body.md
    """
    from holp.commands import render as command

    if show_list:
        try:
            root: Path | None = options.root()
        except HolpError:
            root = None
        sys.exit(command.list_templates(root))
    if not name or not record_id:
        raise click.UsageError("name a template and an id (or pass --list)")
    sys.exit(command.run(options.root(), name, record_id, fmt, output, lang))
