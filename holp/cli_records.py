"""The commands that make, check, show and change the files: each parses its options and calls holp.commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.cli_options import Options, change_options, lang_option, pass_options
from holp.vocabulary import CLASSES


@click.command()
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

    sys.exit(command.run(options.root(), paths, fmt, strict, not options.no_cache))


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="The language of reports and templates in the new repository.")
@click.option("--commit/--no-commit", default=True, show_default=True,
              help="Commit what it writes as the repository's first commit (on branch main when it is new).")
def init(path: Path | None, lang: str, commit: bool) -> None:
    """Scaffold a sales repository: the Holp process, a team, folders, CI and editor schemas.

    Writes holp.yaml (the default process), team.yaml (a sample team to
    edit), a GitHub workflow, a pre-commit config, the JSON Schemas under
    .holp/schema/ and editor settings that map them onto the files, and
    commits them. Runs `git init` when PATH is not in a git repository; a
    new repository starts on branch main. Refuses to overwrite any file.

    \b
    Example:
      holp init sales --lang zh
    """
    from holp.commands import init as command

    sys.exit(command.run(path or Path.cwd(), lang, commit))


@click.group()
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
@click.option("--class", "class_", type=click.Choice(CLASSES), help="The customer's class (A 类客户: called on first).")
@click.option("--source", help="Where the lead came from: a source id of holp.yaml (客户来源).")
@click.option("--id", "record_id", help="Use this id instead of the next free one.")
@pass_options
def new_customer(options: Options, name: str, region: str, owner: str, industry: str | None,
                 credit: str | None, class_: str | None, source: str | None, record_id: str | None) -> None:
    """Create customers/<region>/<ID>.yaml and print its path.

    \b
    Example:
      holp new customer --name 华东某钢铁集团 --region east --owner zhang.wei --industry steel --source event
    """
    from holp.commands import new as command

    sys.exit(command.customer(options.root(), name=name, region=region, owner=owner, industry=industry,
                              credit=credit, class_=class_, source=source, record_id=record_id))


@new.command("project")
@click.option("--customer", required=True, help="The customer's id.")
@click.option("--name", required=True, help="The project's name.")
@click.option("--line", "business_line", help="A business line of holp.yaml.")
@click.option("--amount", help="Expected contract value, e.g. 3200000.")
@click.option("--close", "expected_close", help="Expected close date, YYYY-MM-DD.")
@click.option("--owner", help="The rep id (default: the customer's owner).")
@click.option("--stage", help="The starting stage (default: the first stage).")
@click.option("--source", help="Where the lead came from, if not as its customer (a source id of holp.yaml).")
@click.option("--id", "record_id", help="Use this id instead of the next free one.")
@pass_options
def new_project(options: Options, customer: str, name: str, business_line: str | None, amount: str | None,
                expected_close: str | None, owner: str | None, stage: str | None, source: str | None,
                record_id: str | None) -> None:
    """Create projects/<region>/<ID>.yaml and print its path.

    \b
    Example:
      holp new project --customer C-0003 --name 2号高炉余热发电改造 --line waste-heat \\
        --amount 3200000 --close 2026-12-31
    """
    from holp.commands import new as command

    sys.exit(command.project(options.root(), customer=customer, name=name, business_line=business_line,
                             amount=amount, expected_close=expected_close, owner=owner, stage=stage,
                             source=source, record_id=record_id))


@click.command("list")
@click.option("--stage", "stages", multiple=True, help="Only projects at this stage (repeatable; 'open', 'won').")
@click.option("--owner", "owners", multiple=True, help="Only projects of this rep (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only projects in this region (repeatable).")
@click.option("--line", "lines", multiple=True, help="Only projects of this business line (repeatable).")
@click.option("--customer", "customers", multiple=True, help="Only projects of this customer (repeatable).")
@click.option("--class", "classes", multiple=True, type=click.Choice(CLASSES),
              help="Only projects of customers of this class (repeatable; A 类客户 are called on first).")
@click.option("--source", "sources", multiple=True,
              help="Only projects whose lead came from this source of holp.yaml (its own, else its customer's).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@lang_option
@pass_options
def list_(options: Options, stages: tuple[str, ...], owners: tuple[str, ...], regions: tuple[str, ...],
          lines: tuple[str, ...], customers: tuple[str, ...], classes: tuple[str, ...], sources: tuple[str, ...],
          fmt: str, lang: str | None) -> None:
    """List projects, with filters.

    \b
    Example:
      holp list --stage proposal --region east
      holp list --stage open --owner zhang.wei --format json
      holp list --stage open --class A
    """
    from holp.commands import listing as command

    sys.exit(command.run(options.root(), stages=stages, owners=owners, regions=regions, lines=lines,
                         customers=customers, fmt=fmt, lang=lang, use_cache=not options.no_cache, classes=classes,
                         sources=sources))


@click.command()
@click.argument("project_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@pass_options
def show(options: Options, project_id: str, fmt: str, lang: str | None) -> None:
    """Show one project: its customer, key persons and the progress of its current gate.

    \b
    Example:
      holp show P-2026-014
    """
    from holp.commands import show as command

    sys.exit(command.run(options.root(), project_id, fmt, lang))


@click.command()
@click.argument("project_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@pass_options
def check(options: Options, project_id: str, fmt: str, lang: str | None) -> None:
    """What is still missing to leave the project's current stage. Exit 1 if not ready.

    \b
    Example:
      holp check P-2026-014 && holp advance P-2026-014
    """
    from holp.commands import check as command

    sys.exit(command.run(options.root(), project_id, fmt, lang))


@click.command()
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

    sys.exit(command.run(options.directory, kind, write))


@click.command()
@click.argument("project_id")
@click.option("--to", "to", metavar="STAGE", help="The stage to move to (default: the next one).")
@click.option("-m", "--message", "note", help="A note for the commit message.")
@click.option("--force", is_flag=True, help="Pass an unmet gate or skip stages (needs --reason; flagged in review).")
@click.option("--reason", help="Why: needed for --force and for moving back; recorded as Holp-Reason.")
@change_options
@lang_option
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


@click.command()
@click.argument("project_id")
@click.option("--won", "outcome", flag_value="won", help="Won: move to holp.yaml's won_from stage.")
@click.option("--lost", "outcome", flag_value="lost", help="Lost: stage becomes lost, with the reason recorded.")
@click.option("--reason", required=True, help="For --lost one of holp.yaml's lost_reasons; for --won, why.")
@click.option("-m", "--message", "note", help="A note, kept in the file (lost) and the commit message.")
@click.option("--force", is_flag=True, help="Win although the current gate is not met (flagged in review).")
@change_options
@lang_option
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


@click.command()
@click.argument("project_id")
@click.option("--to", "to", required=True, metavar="STAGE", help="The open stage the deal comes back to.")
@click.option("--reason", required=True, help="Why the deal is alive again; recorded as Holp-Reason.")
@click.option("-m", "--message", "note", help="A note for the commit message.")
@change_options
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


@click.command()
@click.argument("project_id")
@click.argument("item")
@click.option("--note", help="What proves the item, e.g. 可研报告已获取.")
@click.option("--date", help="When it was done, YYYY-MM-DD (default: today).")
@change_options
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


@click.command()
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
@click.option("--next-due", "next_due", metavar="DATE", help="By when the next step is to be taken, YYYY-MM-DD.")
@click.option("--closer", multiple=True, metavar="NAME", help="Closeness with NAME went up (repeatable).")
@click.option("--cooler", multiple=True, metavar="NAME", help="Closeness with NAME went down.")
@click.option("--trust-up", multiple=True, metavar="NAME", help="Trust of NAME went up.")
@click.option("--trust-down", multiple=True, metavar="NAME", help="Trust of NAME went down.")
@click.option("--edit", "use_editor", is_flag=True,
              help="Fill the visit in $EDITOR (pre-filled, checked before it is written; a form that is refused "
                   "is kept and reopened next time).")
@change_options
@pass_options
def visit(options: Options, project_id: str, date: str | None, by: tuple[str, ...], met: tuple[str, ...],
          purpose: str | None, policy: str | None, personnel: str | None, needs: str | None, activities: str | None,
          next_step: str | None, next_due: str | None, closer: tuple[str, ...], cooler: tuple[str, ...],
          trust_up: tuple[str, ...], trust_down: tuple[str, ...], use_editor: bool, dry_run: bool, no_commit: bool,
          branch: str | None) -> None:
    """Record a visit on a project: whom you met, what you found, closeness and trust, the next step.

    The visit is appended to the project's visits; closeness and trust
    changes move the customer's key persons one step (1–5). Both files go
    into one commit.

    \b
    Example:
      holp visit P-2026-014 --met 李明 --met 王强 --purpose 技术交流 \\
        --needs "希望降低吨钢能耗" --closer 李明 --next "提交初步方案" --next-due 2026-12-05
      holp visit P-2026-014 --edit
    """
    from holp.commands import visit as command

    sys.exit(command.run(options.root(), project_id, date=date, by=by, met=met, purpose=purpose,
                         findings={"policy": policy, "personnel": personnel, "needs": needs,
                                   "activities": activities},
                         next_step=next_step, next_due=next_due, closer=closer, cooler=cooler, trust_up=trust_up,
                         trust_down=trust_down, use_editor=use_editor, dry_run=dry_run, commit=not no_commit, branch=branch))


@click.command()
@click.argument("project_id")
@click.option("--set", "pairs", multiple=True, metavar="NAME=SCORE",
              help="A criterion of the opportunity evaluation and its score 1–5 (repeatable).")
@change_options
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
