from __future__ import annotations

from pathlib import Path

from holp import git, import_mapping, importing, labels, sheets, transaction
from holp import repo as repository
from holp.commands import echo, emit
from holp.errors import FAILED, USAGE, HolpError

SHOWN = 20  # rows of a plan or of the skipped ones listed before "… and N more"


def _sheet(file: Path, kind: str | None, sheet: str | None) -> sheets.Sheet:
    return sheets.read(file, repository.display_path(file), sheet, kind)


def template(root: Path | None, file: Path, kind: str | None, sheet: str | None, output: Path | None) -> int:
    """A starter mapping from the sheet's headers (its kind guessed from them when not given)."""
    found = _sheet(file, kind, sheet)
    if kind is None:
        guessed = import_mapping.guess("projects", found.headers)
        kind = "projects" if {"customer", "stage"} & guessed.keys() else "customers"
    zh, en = labels.load("zh", root), labels.load("en", root)
    return emit(import_mapping.template(kind, found, "zh", lambda key: f"{zh(key)} / {en(key)}"), output)


def run(root: Path, kind: str, file: Path, *, mapping: Path | None, sheet: str | None, dry_run: bool,
        skip_invalid: bool, branch: str | None) -> int:
    if kind not in import_mapping.KINDS:
        raise HolpError(f"import {kind}: holp imports {' or '.join(import_mapping.KINDS)}", USAGE)
    given = import_mapping.read_mapping(mapping, kind) if mapping is not None else None
    found = _sheet(file, kind, sheet or (given.sheet if given else None))
    chosen = given or import_mapping.guessed_mapping(kind, found)
    if dry_run:
        repo = repository.load(root)
        return _finish(root, file, importing.plan(repo, chosen, found, skip_invalid=skip_invalid), repo,
                       dry_run=True, skip_invalid=skip_invalid, branch=branch)
    if git.toplevel(root) is None:
        raise HolpError(f"{root} is not in a git repository: run `git init` (an import is one commit)")
    with transaction.locked(root):
        git.preflight(root, need_branch=branch is None)
        repo = repository.load(root, recover=False)
        result = importing.plan(repo, chosen, found, skip_invalid=skip_invalid)
        return _finish(root, file, result, repo, dry_run=False, skip_invalid=skip_invalid, branch=branch)


def _summary(file: Path, result: importing.Plan) -> str:
    what = result.kind
    return f"import {file.name}: {result.created} {what} created, {result.updated} updated"


def _finish(root: Path, file: Path, result: importing.Plan, repo: repository.Repository, *, dry_run: bool,
            skip_invalid: bool, branch: str | None) -> int:
    if not result.problems:
        result.problems.extend(importing.check_files(repo, result))
    for line in result.problems:
        echo(line, err=True)
    if result.problems and not skip_invalid:
        rows = len(set(result.skipped))
        raise HolpError(f"{rows} row{'s' if rows != 1 else ''} of {result.rows} cannot be imported: nothing was "
                        "written (fix them, or pass --skip-invalid to import the others)", FAILED)
    if result.skipped:
        listed = ", ".join(map(str, result.skipped[:SHOWN])) + (f" … and {len(result.skipped) - SHOWN} more"
                                                                 if len(result.skipped) > SHOWN else "")
        echo(f"skipped {len(result.skipped)} invalid row{'s' if len(result.skipped) != 1 else ''}: {listed}")
    empty = result.sheet.counted["empty"]
    tail = f", {result.unchanged} unchanged" + (f"; {empty} empty row{'s' if empty != 1 else ''} skipped"
                                                 if empty else "")
    subject = _summary(file, result)
    if dry_run:
        for p in result.records[:SHOWN] if len(result.records) > SHOWN * 5 else result.records:
            verb = "create" if p.new else "update"
            fields = "" if p.new else f": {', '.join(p.changed)}"
            echo(f"  {verb} {p.record_id} {p.name} ({p.relative}){fields}")
        if len(result.records) > SHOWN * 5:
            echo(f"  … and {len(result.records) - SHOWN} more")
        echo(f"{subject}{tail} (dry run: nothing was written)")
        return 0
    if not result.records:
        echo(f"{subject}{tail}: nothing to commit")
        return 0
    changed = git.changed(root, result.kind)
    dirty = next((p.relative for p in result.records if not p.new and p.relative in changed), None)
    if dirty is not None:
        raise HolpError(f"{repository.display_path(root / dirty)} has changes that are not committed: commit or undo "
                        "them first (the import edits it)", FAILED)
    show = repository.displayer(root)
    writes = [transaction.Write(p.relative, show(p.relative), p.old, p.text) for p in result.records]
    sha = transaction.run(root, writes, subject + "\n", branch)
    where = f" on branch {branch}" if branch else ""
    echo(f"{subject}{tail} (committed {(sha or '')[:12]}{where})")
    return 0
