from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from holp import __version__, git
from holp.commands import echo
from holp.errors import HolpError
from holp.files import write_atomic
from holp.fileset import FOLDERS
from holp.model.process import load_process
from holp.resources import template
from holp.schema_files import files as schema_files
from holp.yaml import read

FIRST_COMMIT = "holp init: the sales process, the team, CI and editor schemas (holp {version})\n"


def _config(lang: str) -> str:
    text = template("init", "holp.yaml").read_text(encoding="utf-8")
    return re.sub(r"^language: zh\b", f"language: {lang}", text, count=1, flags=re.MULTILINE)


def _editor_settings() -> str:
    schemas = {
        ".holp/schema/project.schema.json": ["projects/**/*.yaml", "projects/**/*.yml"],
        ".holp/schema/customer.schema.json": ["customers/**/*.yaml", "customers/**/*.yml"],
        ".holp/schema/team.schema.json": ["team.yaml"],
        ".holp/schema/config.schema.json": ["holp.yaml"],
    }
    settings = {"yaml.schemas": schemas, "files.encoding": "utf8", "[yaml]": {"editor.insertSpaces": True}}
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def _workflow() -> str:
    """The CI workflow, with holp pinned to the version that wrote it."""
    return template("init", "github", "holp.yml").read_text(encoding="utf-8").replace("__HOLP_VERSION__", __version__)


def scaffold(lang: str) -> dict[Path, str]:
    """Every file `holp init` writes, by path relative to the new repository."""
    config = _config(lang)
    process = load_process(read("holp.yaml", config.encode()))
    assert process is not None, "the built-in holp.yaml is a mapping"
    found = {
        Path("holp.yaml"): config,
        Path("team.yaml"): template("init", "team.yaml").read_text(encoding="utf-8"),
        Path(".github/workflows/holp.yml"): _workflow(),
        Path(".pre-commit-config.yaml"): template("init", "pre-commit-config.yaml").read_text(encoding="utf-8"),
        Path(".editorconfig"): template("init", "editorconfig").read_text(encoding="utf-8"),
        Path(".vscode/settings.json"): _editor_settings(),
    }
    found.update(schema_files(process))
    return found


NEXT_STEPS = """\
next:
  1. edit team.yaml: your regions, your reps (with the email each commits with) and targets; then
     git commit -am "team"
  2. holp new customer --name NAME --region REGION --owner REP
  3. holp new project --customer ID --name NAME --line LINE --amount AMOUNT --close YYYY-MM-DD
  4. push it to GitHub: .github/workflows/holp.yml checks every pull request"""


def run(path: Path, lang: str, commit: bool = True) -> int:
    path = path.resolve()
    if path.exists() and not path.is_dir():
        raise HolpError(f"{path} exists and is not a folder")
    files = scaffold(lang)
    existing = [p.as_posix() for p in files if (path / p).exists()]
    if existing:
        raise HolpError(f"{path} already has {', '.join(existing)}; holp init never overwrites a file")
    needed = {Path(folder): f"the {folder}' files go in it" for folder in FOLDERS}
    needed.update({folder: f"for {relative.as_posix()}" for relative in files for folder in relative.parents})
    for folder, why in needed.items():
        if folder != Path(".") and (path / folder).exists() and not (path / folder).is_dir():
            raise HolpError(f"{path / folder} is a file where holp needs a folder ({why}): move it away, then run "
                            "holp init again")
    if shutil.which("git") is None:
        raise HolpError("git is not installed or not on PATH: install git (holp keeps the history in it) and try "
                        "again")
    if commit:  # before anything is written: a first commit that cannot be made is said first
        # where the commit will be: the repository holding the folder, or (outside one) a new one
        holder = next(p for p in (path, *path.parents) if p.exists())
        git.check_identity(holder, ", or pass --no-commit")
        if git.toplevel(holder) is not None:
            git.preflight(holder, need_branch=False)  # a held lock, a merge in conflict
            if git.detached(holder):
                raise HolpError("HEAD is detached, and holp init commits on a branch: check out one (git switch "
                                "main), or pass --no-commit")
    path.mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        write_atomic(path / relative, text.encode("utf-8"), create_only=True)
    if git.toplevel(path) is None:
        git.init(path)
        echo(f"initialised a git repository in {path}")
    git.start_main(path)
    sha = git.commit_paths(path, list(files), FIRST_COMMIT.format(version=__version__)) if commit else None
    where = f"branch {git.head_name(path)}" + (f", first commit {sha[:8]}" if sha else ", nothing committed")
    echo(f"created a sales repository in {path} ({where}):")
    for relative in files:
        echo(f"  {relative.as_posix()}")
    echo(NEXT_STEPS)
    return 0
