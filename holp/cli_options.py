"""What the command line's commands share: the global options and the options several commands take.

Part of the command line (with holp.cli, holp.cli_records, holp.cli_reports): nothing below it imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


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



def options_of(ctx: click.Context) -> Options:
    """The options of this invocation so far (-C, --no-cache and --debug may follow the command name)."""
    return ctx.find_object(Options) or Options(None, False, False)


pass_options = click.make_pass_decorator(Options)


def lang_option(f: Any) -> Any:
    return click.option("--lang", type=click.Choice(["zh", "en"]),
                        help="Language of stage names and labels (default: holp.yaml's language).")(f)


def change_options(f: Any) -> Any:
    """--dry-run, --no-commit and --branch: shared by every command that changes a project file."""
    f = click.option("--branch", is_flag=False, flag_value="", default=None, metavar="[NAME]",
                     help="Commit on a new branch (default holp/<id>-<stage>), ready for a pull request.")(f)
    f = click.option("--no-commit", is_flag=True, help="Write the file but do not commit.")(f)
    f = click.option("--dry-run", is_flag=True, help="Show the diff it would make; write nothing.")(f)
    return f
