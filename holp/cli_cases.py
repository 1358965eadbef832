"""The case library on the command line: `holp cases` parses its options and calls holp.commands.cases."""

from __future__ import annotations

import sys

import click

from holp.cli_options import Options, lang_option, pass_options


@click.command()
@click.option("--industry", "industries", multiple=True, help="Only cases of customers in this industry (repeatable).")
@click.option("--line", "lines", multiple=True, help="Only cases of this business line (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only cases in this region (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True)
@lang_option
@pass_options
def cases(options: Options, industries: tuple[str, ...], lines: tuple[str, ...], regions: tuple[str, ...], fmt: str,
          lang: str | None) -> None:
    """List the reference cases (成功案例): finished projects with a `case:`, the largest savings first.

    Each with its customer (named only when `case.reference_allowed` is
    true), industry, business line, region, year, amount, the savings a
    year (kWh and money) and payback of its summary, whether a site visit
    is allowed, whom to ask, and the highlights.

    \b
    Example:
      holp cases --line waste-heat
      holp cases --industry 水泥 --format md > cases.md
    """
    from holp.commands import cases as command

    sys.exit(command.run(options.root(), industries=industries, lines=lines, regions=regions, fmt=fmt, lang=lang))
