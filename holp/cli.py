"""The command line: click parses options and calls one function in holp.commands.

Every user error is a `HolpError`, caught here once: its problems and its one
line go to stderr and the exit code is its own (1 a check failed, 2 usage or
environment). Anything else is a bug: exit 3 and a hint to rerun with --debug.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from holp import __version__, reports
from holp.errors import HolpError

BUG = 3
FORMATS_DATA = ("text", "json")


@dataclass(frozen=True)
class Options:
    """What every command gets from the global options."""

    directory: Path | None
    no_cache: bool
    debug: bool

    def root(self) -> Path:
        from holp.repo import find_root

        if self.directory is not None:
            return find_root(self.directory, explicit=True)
        return find_root(Path.cwd())


class HolpGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        debug = "--debug" in sys.argv
        try:
            return super().invoke(ctx)
        except HolpError as e:
            for problem in e.problems:
                click.echo(problem.as_text(), err=True)
            click.echo(f"holp: {e.message}", err=True)
            ctx.exit(e.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("holp: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (holp list | head): not an error
            ctx.exit(0)
        except Exception as e:
            if debug:
                raise
            click.echo(f"holp: internal error: {type(e).__name__}: {e}", err=True)
            click.echo("holp: this is a bug; rerun with --debug for the traceback and report it", err=True)
            ctx.exit(BUG)


def _options(ctx: click.Context) -> Options:
    return ctx.find_object(Options) or Options(None, False, False)


pass_options = click.make_pass_decorator(Options)


@click.group(cls=HolpGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="holp")
@click.option("-C", "directory", type=click.Path(path_type=Path), metavar="PATH",
              help="Run in the sales repository at PATH instead of the one around the current folder.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write holp's cache under .git/.")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, directory: Path | None, no_cache: bool, debug: bool) -> None:
    """holp: the sales process as code.

    Customers and projects are YAML files in a git repository; holp checks
    them, moves projects through the stages of holp.yaml behind their
    checklists, and reports from the files and their git history.

    \b
    Example:
      holp init my-sales && cd my-sales
      holp new customer --name 华东某钢铁集团 --region east --owner zhang.wei
      holp validate
    """
    ctx.obj = Options(directory, no_cache, debug)


def _lang_option(f: Any) -> Any:
    return click.option("--lang", type=click.Choice(["zh", "en"]),
                        help="Language of stage names and labels (default: holp.yaml's language).")(f)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="text for people, json for tools, github for annotations in a pull request.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_options
def validate(options: Options, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check every file of the sales repository and report every problem at once.

    Each problem is printed as PATH:LINE:COL: SEVERITY[CODE]: MESSAGE, then a
    summary. With PATHs, only problems in those files or folders are shown
    (the whole repository is still read, for references). Exit 0 when there
    are no errors, 1 when there are.

    \b
    Example:
      holp validate
      holp validate projects/east --format github
    """
    from holp.commands import validate as command

    sys.exit(command.run(options.root(), paths, fmt, strict))


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="The language of reports and templates in the new repository.")
def init(path: Path | None, lang: str) -> None:
    """Scaffold a sales repository: the Holp process, a team, folders, CI and editor schemas.

    Writes holp.yaml (the default process), team.yaml (a sample team to
    edit), customers/ and projects/, a GitHub workflow, a pre-commit config,
    the JSON Schemas under .holp/schema/ and editor settings that map them
    onto the files. Runs `git init` when PATH is not in a git repository.
    Refuses to overwrite any file.

    \b
    Example:
      holp init sales --lang zh
    """
    from holp.commands import init as command

    sys.exit(command.run(path or Path.cwd(), lang))


@main.group()
def new() -> None:
    """Create a customer or project file with the next free id.

    \b
    Example:
      holp new project --customer C-0003 --name 2号高炉余热发电改造 --line waste-heat --amount 3200000
    """


@new.command("customer")
@click.option("--name", required=True, help="The customer's name.")
@click.option("--region", required=True, help="A region id of team.yaml.")
@click.option("--owner", required=True, help="The rep id who owns the account.")
@click.option("--industry", help="The customer's industry, e.g. steel.")
@click.option("--credit", help="Credit rating, e.g. A, B, C.")
@click.option("--id", "record_id", help="Use this id instead of the next free one.")
@pass_options
def new_customer(options: Options, name: str, region: str, owner: str, industry: str | None,
                 credit: str | None, record_id: str | None) -> None:
    """Create customers/<region>/<ID>.yaml and print its path.

    \b
    Example:
      holp new customer --name 华东某钢铁集团 --region east --owner zhang.wei --industry steel
    """
    from holp.commands import new as command

    sys.exit(command.customer(options.root(), name=name, region=region, owner=owner, industry=industry,
                              credit=credit, record_id=record_id))


@new.command("project")
@click.option("--customer", required=True, help="The customer's id.")
@click.option("--name", required=True, help="The project's name.")
@click.option("--line", "business_line", help="A business line of holp.yaml.")
@click.option("--amount", help="Expected contract value, e.g. 3200000.")
@click.option("--close", "expected_close", help="Expected close date, YYYY-MM-DD.")
@click.option("--owner", help="The rep id (default: the customer's owner).")
@click.option("--stage", help="The starting stage (default: the first stage).")
@click.option("--id", "record_id", help="Use this id instead of the next free one.")
@pass_options
def new_project(options: Options, customer: str, name: str, business_line: str | None, amount: str | None,
                expected_close: str | None, owner: str | None, stage: str | None, record_id: str | None) -> None:
    """Create projects/<region>/<ID>.yaml and print its path.

    \b
    Example:
      holp new project --customer C-0003 --name 2号高炉余热发电改造 --line waste-heat \\
        --amount 3200000 --close 2026-12-31
    """
    from holp.commands import new as command

    sys.exit(command.project(options.root(), customer=customer, name=name, business_line=business_line,
                             amount=amount, expected_close=expected_close, owner=owner, stage=stage,
                             record_id=record_id))


@main.command("list")
@click.option("--stage", "stages", multiple=True, help="Only projects at this stage (repeatable; 'open', 'won').")
@click.option("--owner", "owners", multiple=True, help="Only projects of this rep (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only projects in this region (repeatable).")
@click.option("--line", "lines", multiple=True, help="Only projects of this business line (repeatable).")
@click.option("--customer", "customers", multiple=True, help="Only projects of this customer (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_lang_option
@pass_options
def list_(options: Options, stages: tuple[str, ...], owners: tuple[str, ...], regions: tuple[str, ...],
          lines: tuple[str, ...], customers: tuple[str, ...], fmt: str, lang: str | None) -> None:
    """List projects, with filters.

    \b
    Example:
      holp list --stage proposal --region east
      holp list --stage open --owner zhang.wei --format json
    """
    from holp.commands import listing as command

    sys.exit(command.run(options.root(), stages=stages, owners=owners, regions=regions, lines=lines,
                         customers=customers, fmt=fmt, lang=lang, use_cache=not options.no_cache))


@main.command()
@click.argument("project_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_lang_option
@pass_options
def show(options: Options, project_id: str, fmt: str, lang: str | None) -> None:
    """Show one project: its customer, key persons and the progress of its current gate.

    \b
    Example:
      holp show P-2026-014
    """
    from holp.commands import show as command

    sys.exit(command.run(options.root(), project_id, fmt, lang))


@main.command()
@click.argument("project_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_lang_option
@pass_options
def check(options: Options, project_id: str, fmt: str, lang: str | None) -> None:
    """What is still missing to leave the project's current stage. Exit 1 if not ready.

    \b
    Example:
      holp check P-2026-014 && holp advance P-2026-014
    """
    from holp.commands import check as command

    sys.exit(command.run(options.root(), project_id, fmt, lang))


@main.command()
@click.argument("kind", required=False, type=click.Choice(["project", "customer", "team", "config"]))
@click.option("--write", is_flag=True, help="(Re)write all four schemas into the repository's .holp/schema/.")
@pass_options
def schema(options: Options, kind: str | None, write: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a holp file, for editors and other tools.

    Inside a sales repository the project schema uses its own stages and
    checklists; outside one, the default Holp process. After changing
    holp.yaml, `holp schema --write` refreshes .holp/schema/.

    \b
    Example:
      holp schema project > project.schema.json
      holp schema --write
    """
    from holp.commands import schema as command

    sys.exit(command.run(options, kind, write))


def _change_options(f: Any) -> Any:
    """--dry-run, --no-commit and --branch: shared by every command that changes a project file."""
    f = click.option("--branch", is_flag=False, flag_value="", default=None, metavar="[NAME]",
                     help="Commit on a new branch (default holp/<id>-<stage>), ready for a pull request.")(f)
    f = click.option("--no-commit", is_flag=True, help="Write the file but do not commit.")(f)
    f = click.option("--dry-run", is_flag=True, help="Show the diff it would make; write nothing.")(f)
    return f


@main.command()
@click.argument("project_id")
@click.option("--to", "to", metavar="STAGE", help="The stage to move to (default: the next one).")
@click.option("-m", "--message", "note", help="A note for the commit message.")
@click.option("--force", is_flag=True, help="Pass an unmet gate or skip stages (needs --reason; flagged in review).")
@click.option("--reason", help="Why: needed for --force and for moving back; recorded as Holp-Reason.")
@_change_options
@_lang_option
@pass_options
def advance(options: Options, project_id: str, to: str | None, note: str | None, force: bool, reason: str | None,
            dry_run: bool, no_commit: bool, branch: str | None, lang: str | None) -> None:
    """Move a project to its next stage once the current stage's checklist (its key node) is met.

    Checks the exit gate; if anything is missing, exits 1 listing it and
    writes nothing. Otherwise changes exactly the `stage:` line and commits
    just that file, with trailers Holp-Project, Holp-From, Holp-To.

    \b
    Example:
      holp advance P-2026-014 -m "方案已通过销售经理审核"
      holp advance P-2026-014 --to entry --reason "决策人变更,需重新建立关系"
      holp advance P-2026-014 --branch        # for a pull request
    """
    from holp.commands import advance as command

    sys.exit(command.run(options.root(), project_id, to=to, note=note, force=force, reason=reason, dry_run=dry_run,
                         commit=not no_commit, branch=branch, lang=lang))


@main.command()
@click.argument("project_id")
@click.option("--won", "outcome", flag_value="won", help="Won: move to holp.yaml's won_from stage.")
@click.option("--lost", "outcome", flag_value="lost", help="Lost: stage becomes lost, with the reason recorded.")
@click.option("--reason", required=True, help="For --lost one of holp.yaml's lost_reasons; for --won, why.")
@click.option("-m", "--message", "note", help="A note, kept in the file (lost) and the commit message.")
@click.option("--force", is_flag=True, help="Win although the current gate is not met (flagged in review).")
@_change_options
@_lang_option
@pass_options
def close(options: Options, project_id: str, outcome: str | None, reason: str, note: str | None, force: bool,
          dry_run: bool, no_commit: bool, branch: str | None, lang: str | None) -> None:
    """Close a deal: won (to the won_from stage) or lost (with a configured reason).

    \b
    Example:
      holp close P-2026-014 --lost --reason price -m "对手报价低15%"
      holp close P-2026-009 --won --reason "合同已签订"
    """
    from holp.commands import close as command

    if outcome is None:
        raise click.UsageError("say --won or --lost")
    sys.exit(command.run(options.root(), project_id, won=outcome == "won", reason=reason, note=note, force=force,
                         dry_run=dry_run, commit=not no_commit, branch=branch, lang=lang))


@main.command()
@click.argument("project_id")
@click.option("--to", "to", required=True, metavar="STAGE", help="The open stage the deal comes back to.")
@click.option("--reason", required=True, help="Why the deal is alive again; recorded as Holp-Reason.")
@click.option("-m", "--message", "note", help="A note for the commit message.")
@_change_options
@pass_options
def reopen(options: Options, project_id: str, to: str, reason: str, note: str | None, dry_run: bool,
           no_commit: bool, branch: str | None) -> None:
    """Bring a lost deal back to an open stage.

    \b
    Example:
      holp reopen P-2026-014 --to bidding --reason "客户重新招标"
    """
    from holp.commands import reopen as command

    sys.exit(command.run(options.root(), project_id, to=to, reason=reason, note=note, dry_run=dry_run,
                         commit=not no_commit, branch=branch))


@main.command()
@click.argument("project_id")
@click.argument("item")
@click.option("--note", help="What proves the item, e.g. 可研报告已获取.")
@click.option("--date", help="When it was done, YYYY-MM-DD (default: today).")
@_change_options
@pass_options
def tick(options: Options, project_id: str, item: str, note: str | None, date: str | None, dry_run: bool,
         no_commit: bool, branch: str | None) -> None:
    """Tick a checklist item of the project's current stage, with a date or a note.

    \b
    Example:
      holp tick P-2026-014 needs_understood --note "三次技术交流后确认"
      holp tick P-2026-014 proposal_reviewed --date 2026-11-20
    """
    from holp.commands import tick as command

    sys.exit(command.run(options.root(), project_id, item, note=note, date=date, dry_run=dry_run,
                         commit=not no_commit, branch=branch))


@main.command()
@click.argument("project_id", required=False)
@click.option("--since", metavar="DATE", help="Only transitions on or after this day (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Only transitions on or before this day (YYYY-MM-DD).")
@click.option("--author", metavar="EMAIL", help="Only transitions committed by this email (or rep id).")
@click.option("--fields", is_flag=True, help="Also list changes of amount and expected_close.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@_lang_option
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


@main.command()
@click.argument("base", required=False)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@_lang_option
@pass_options
def review(options: Options, base: str | None, fmt: str, lang: str | None) -> None:
    """Check every stage move of this branch; Markdown for a pull-request comment. Exit 1 on an illegal move.

    Moves are read from git between the merge base of BASE (default
    origin/main, else main) and HEAD. Illegal: a gate left unmet (unless
    forced with a reason, which is flagged), a skip or a move back without a
    Holp-Reason, lost without a configured reason, a new project not at the
    first stage; also any validation error in a file the branch touched.

    \b
    Example:
      holp review                       # against origin/main or main
      holp review origin/main >> "$GITHUB_STEP_SUMMARY"
      holp review --format json
    """
    from holp.commands import review as command

    sys.exit(command.run(options.root(), base, fmt, lang, use_cache=not options.no_cache))


@main.command()
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


@main.command("report")
@click.argument("kind", required=False, type=click.Choice([*reports.KINDS, "all"]))
@click.option("--by", type=click.Choice(reports.BY), help="Group the funnel by this.")
@click.option("--as-of", "as_of", metavar="DATE|REV", help="The repository as it stood then, read from git.")
@click.option("--since", metavar="DATE|REV", help="For `changes`: what changed after this day or commit.")
@click.option("--period", type=click.Choice(reports.PERIODS), default="quarter", show_default=True,
              help="For `forecast`: bucket expected closes by quarter or month.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json", "html"]),
              help="table (default), or what -o's suffix says: .md, .csv, .json, .html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@_lang_option
@pass_options
def report_(options: Options, kind: str | None, by: str | None, as_of: str | None, since: str | None, period: str,
            fmt: str | None, output: Path | None, lang: str | None) -> None:
    """Reports from the files and their history: funnel (default), forecast, conversion, aging, stalled, reps,
    receivables, changes; `all` (the default for --format html) puts them on one page.

    \b
    Example:
      holp report                                   # the funnel, in the terminal
      holp report funnel --by region --format json
      holp report forecast --period month
      holp report changes --since 2026-11-17        # since last week's meeting
      holp report --as-of 2026-06-30 --format markdown >> "$GITHUB_STEP_SUMMARY"
      holp report --format html -o report.html      # every report and its charts on one page
    """
    from holp.commands import report as command

    if fmt is None:
        suffixes = {".md": "markdown", ".markdown": "markdown", ".csv": "csv", ".json": "json", ".html": "html",
                    ".htm": "html"}
        fmt = suffixes.get(output.suffix.lower(), "table") if output else "table"
    sys.exit(command.run(options.root(), kind, by=by, as_of=as_of, since=since, period=period, fmt=fmt,
                         output=output, lang=lang, use_cache=not options.no_cache))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "sqlite"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="A folder for csv (one file per table), a file for jsonl and sqlite.")
@pass_options
def export(options: Options, fmt: str, output: Path) -> None:
    """Export projects, customers, contacts, visits, payments and stage transitions for BI tools.

    \b
    Example:
      holp export --format sqlite -o sales.db
      holp export --format csv -o export/        # projects.csv, customers.csv, ...
      holp export --format jsonl -o sales.jsonl
    """
    from holp.commands import export as command

    sys.exit(command.run(options.root(), fmt, output, use_cache=not options.no_cache))


@main.command("render")
@click.argument("name", required=False)
@click.argument("record_id", metavar="ID", required=False)
@click.option("--list", "show_list", is_flag=True, help="Name the templates (built-in and the repository's own).")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True,
              help="Markdown for a pull request, or a printable A4 HTML page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@_lang_option
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


@main.command()
@click.argument("project_id")
@click.option("--date", help="The day of the visit, YYYY-MM-DD (default: today).")
@click.option("--by", "by", multiple=True, help="Who went: a rep id (repeatable; default: the project's owner).")
@click.option("--met", "met", multiple=True, help="Whom you met: a key person of the customer (repeatable).")
@click.option("--purpose", help="Why you went.")
@click.option("--policy", help="政策信息: new policies, budgets, what favours us.")
@click.option("--personnel", help="人员信息: organisation, people changes, preferences.")
@click.option("--needs", help="业务需求: new or changed business needs.")
@click.option("--activities", help="活动信息: meetings, visits, events coming up.")
@click.option("--next", "next_step", help="The next step.")
@click.option("--closer", multiple=True, metavar="NAME", help="Closeness with NAME went up (repeatable).")
@click.option("--cooler", multiple=True, metavar="NAME", help="Closeness with NAME went down.")
@click.option("--trust-up", multiple=True, metavar="NAME", help="Trust of NAME went up.")
@click.option("--trust-down", multiple=True, metavar="NAME", help="Trust of NAME went down.")
@click.option("--edit", "use_editor", is_flag=True,
              help="Fill the visit in $EDITOR (pre-filled, checked before it is written).")
@_change_options
@pass_options
def visit(options: Options, project_id: str, date: str | None, by: tuple[str, ...], met: tuple[str, ...],
          purpose: str | None, policy: str | None, personnel: str | None, needs: str | None, activities: str | None,
          next_step: str | None, closer: tuple[str, ...], cooler: tuple[str, ...], trust_up: tuple[str, ...],
          trust_down: tuple[str, ...], use_editor: bool, dry_run: bool, no_commit: bool, branch: str | None) -> None:
    """Record a visit on a project: whom you met, what you found, closeness and trust, the next step.

    The visit is appended to the project's visits; closeness and trust
    changes move the customer's key persons one step (1–5). Both files go
    into one commit.

    \b
    Example:
      holp visit P-2026-014 --met 李明 --met 王强 --purpose 技术交流 \\
        --needs "希望降低吨钢能耗" --closer 李明 --next "提交初步方案"
      holp visit P-2026-014 --edit
    """
    from holp.commands import visit as command

    sys.exit(command.run(options.root(), project_id, date=date, by=by, met=met, purpose=purpose,
                         findings={"policy": policy, "personnel": personnel, "needs": needs,
                                   "activities": activities},
                         next_step=next_step, closer=closer, cooler=cooler, trust_up=trust_up, trust_down=trust_down,
                         use_editor=use_editor, dry_run=dry_run, commit=not no_commit, branch=branch))


@main.command()
@click.argument("project_id")
@click.option("--set", "pairs", multiple=True, metavar="NAME=SCORE",
              help="A criterion of the opportunity evaluation and its score 1–5 (repeatable).")
@_change_options
@pass_options
def assess(options: Options, project_id: str, pairs: tuple[str, ...], dry_run: bool, no_commit: bool,
           branch: str | None) -> None:
    """Fill the opportunity evaluation (销售机会评估表): scores 1–5; prints both totals and the grade.

    \b
    Example:
      holp assess P-2026-014 --set need=4 --set budget=2 --set strategic_value=5
    """
    from holp.commands import assess as command

    sys.exit(command.run(options.root(), project_id, pairs, dry_run=dry_run, commit=not no_commit, branch=branch))


def _set_directory(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.obj = dataclasses.replace(_options(ctx), directory=value)


def _set_no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.obj = dataclasses.replace(_options(ctx), no_cache=True)


def _everywhere(group: click.Group) -> None:
    """-C and --no-cache work after the command name too (`holp report -C sales --no-cache`)."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _everywhere(command)
            continue
        command.params.append(click.Option(["-C", "directory"], type=click.Path(path_type=Path), metavar="PATH",
                                           expose_value=False, is_eager=True, callback=_set_directory,
                                           help="The sales repository (as `holp -C PATH`)."))
        command.params.append(click.Option(["--no-cache"], is_flag=True, expose_value=False, is_eager=True,
                                           callback=_set_no_cache, help="Neither read nor write holp's cache."))


_everywhere(main)
