"""The command line of the static site: `holp site -o DIR`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.cli_options import Options, pass_options


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, metavar="DIR",
              help="The folder of the site: new, empty, or a site holp wrote before (it keeps .holp-site.json).")
@click.option("--lang", type=click.Choice(["zh", "en"]), help="The language of the pages (default: holp.yaml's).")
@pass_options
def site(options: Options, output: Path, lang: str | None) -> None:
    """A static site of the repository: the dashboard, a page per project, customer and rep, and the deals
    behind every figure. Plain HTML and CSS for any static host (or opened from disk); a rebuild writes only
    the pages whose records, history or templates changed.

    \b
    Example:
      holp site -o public                 # then open public/index.html
      holp site -o public --lang en
    """
    from holp.commands import site as command

    sys.exit(command.run(options.root(), output, lang, use_cache=not options.no_cache))
