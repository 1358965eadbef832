"""The command line of `holp import`: customers or projects from a spreadsheet (.xlsx or .csv)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from holp.cli_options import Options, pass_options


@click.command("import")
@click.argument("kind", required=False, metavar="customers|projects")
@click.argument("file", required=False, type=click.Path(path_type=Path), metavar="FILE")
@click.option("--map", "mapping", type=click.Path(path_type=Path), metavar="MAP.yaml",
              help="Which column is which field, value maps and defaults (default: guessed from the headers).")
@click.option("--sheet", metavar="NAME", help="The workbook's sheet (default: the one named as KIND, else the first).")
@click.option("--dry-run", is_flag=True, help="Check every row and print the plan; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and list the rows left out.")
@click.option("--branch", metavar="NAME", help="Commit the import on a new branch NAME.")
@click.option("--template", "template", type=click.Path(path_type=Path), metavar="FILE",
              help="Write a starter mapping from FILE's headers instead of importing.")
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="MAP.yaml",
              help="With --template: write the mapping there (default: print it).")
@pass_options
def import_(options: Options, kind: str | None, file: Path | None, mapping: Path | None, sheet: str | None,
            dry_run: bool, skip_invalid: bool, branch: str | None, template: Path | None,
            output: Path | None) -> None:
    """Import customers or projects from a spreadsheet (.xlsx, or .csv in UTF-8 or GBK).

    Every row is checked before anything is written; a problem names the
    sheet, the row and the column, and nothing is written unless every row
    is valid (or --skip-invalid). A row matches a record by holp id,
    external_id or name (a customer's name with width and blanks aside; a
    project's customer and name): a re-import updates instead of
    duplicating. New records get ids as `holp new` gives them. The whole
    import is one commit. holp's own export reads back with no mapping.

    \b
    Example:
      holp import --template 客户.xlsx -o map.yaml
      holp import customers 客户.xlsx --map map.yaml --dry-run
      holp import projects 项目.csv --map map.yaml --branch import-2026
    """
    from holp.commands import import_ as command
    from holp.errors import HolpError

    if template is not None:
        if file is not None or mapping is not None or dry_run or skip_invalid or branch:
            raise HolpError("--template writes a mapping from FILE's headers: it takes only KIND, --sheet and -o")
        if kind is not None and kind not in ("customers", "projects"):
            raise HolpError(f"import {kind}: holp imports customers or projects")
        try:
            root: Path | None = options.root()
        except HolpError:
            root = None  # a mapping can be started outside a sales repository
        sys.exit(command.template(root, template, kind, sheet, output))
    if kind is None or file is None:
        raise HolpError("holp import customers|projects FILE (or holp import --template FILE)")
    if output is not None:
        raise HolpError("-o goes with --template")
    sys.exit(command.run(options.root(), kind, file, mapping=mapping, sheet=sheet, dry_run=dry_run,
                         skip_invalid=skip_invalid, branch=branch))
