"""The command line: click parses options and calls one function in holp.commands.

Every user error is a `HolpError`, caught here once: its problems and its one
line go to stderr and the exit code is its own (1 a check failed, 2 usage or
environment). Anything else is a bug: exit 3 and a hint to rerun with --debug.

The commands themselves are in holp.cli_records and holp.cli_reports, their
shared options in holp.cli_options; with this module they are the command
line, the top layer: nothing else in holp imports them.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from holp import (
    __version__,
    cli_agenda,
    cli_approvals,
    cli_cases,
    cli_collection,
    cli_expenses,
    cli_import,
    cli_records,
    cli_reports,
    cli_service,
    cli_site,
)
from holp.cli_options import Options, options_of
from holp.errors import HolpError
from holp.inert import terminal

BUG = 3
DEBUG = "holp.debug"  # in the context's meta, which every sub-context shares: --debug before or after the command


def _say(line: str) -> None:
    """An error on stderr: a value in it (a name, a path) cannot drive the terminal."""
    click.echo(terminal(line), err=True)


class HolpGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HolpError as e:
            for problem in e.problems:
                _say(problem.as_text())
            _say(f"holp: {e.message}")
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
            if ctx.params.get("debug") or ctx.meta.get(DEBUG):
                raise
            _say(f"holp: internal error: {type(e).__name__}: {e}")
            click.echo("holp: this is a bug; rerun with --debug for the traceback and report it", err=True)
            ctx.exit(BUG)



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


for command in (cli_records.validate, cli_records.init, cli_records.new, cli_records.list_, cli_records.show,
                cli_records.check, cli_records.schema, cli_records.advance, cli_records.close, cli_records.reopen,
                cli_records.tick, cli_reports.history, cli_reports.review, cli_reports.codeowners,
                cli_reports.report_, cli_reports.export, cli_reports.render_, cli_records.visit, cli_records.assess):
    main.add_command(command)
for command in (cli_collection.pay, cli_collection.collect):  # collection (回收项目款项)
    main.add_command(command)
main.add_command(cli_service.service)
main.add_command(cli_cases.cases)
for command in (cli_agenda.task, cli_agenda.agenda):  # tasks (任务) and the agenda
    main.add_command(command)
main.add_command(cli_approvals.approve)
main.add_command(cli_expenses.expense)  # sales expenses (销售费用)
main.add_command(cli_site.site)  # the static site
main.add_command(cli_import.import_)  # spreadsheets in


def _set_directory(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.obj = dataclasses.replace(options_of(ctx), directory=value)


def _set_no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.obj = dataclasses.replace(options_of(ctx), no_cache=True)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.obj = dataclasses.replace(options_of(ctx), debug=True)
        ctx.meta[DEBUG] = True  # seen by HolpGroup.invoke, whose context shares the meta


def _everywhere(group: click.Group) -> None:
    """-C, --no-cache and --debug work after the command name too (`holp report -C sales --no-cache`)."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            _everywhere(command)
            continue
        command.params.append(click.Option(["-C", "directory"], type=click.Path(path_type=Path), metavar="PATH",
                                           expose_value=False, is_eager=True, callback=_set_directory,
                                           help="The sales repository (as `holp -C PATH`)."))
        command.params.append(click.Option(["--no-cache"], is_flag=True, expose_value=False, is_eager=True,
                                           callback=_set_no_cache, help="Neither read nor write holp's cache."))
        command.params.append(click.Option(["--debug"], is_flag=True, expose_value=False, is_eager=True,
                                           callback=_set_debug, help="Show the traceback of an internal error."))


_everywhere(main)
