from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from holp import repo as repository
from holp.commands import echo
from holp.errors import HolpError
from holp.problems import ERROR, Problem, summary


def _where(path: Path) -> Path:
    """Where ``path`` is: absolute, the links of its folders resolved but not the path itself (a record file that
    is a link is in the repository, and a problem of it)."""
    full = Path(os.path.abspath(path))
    return full.parent.resolve() / full.name if full.name else full


def _wanted(repo: repository.Repository, paths: tuple[Path, ...]) -> Callable[[str], bool]:
    """The files named (or inside a folder named), and the customer of each project among them: a project is
    checked against its customer, so a pre-commit hook that passes a project's file checks both. Naming holp.yaml
    or team.yaml checks everything: every file is read by their rules."""
    given = {_where(p) for p in paths}
    if not given or any(_where(p) in given for p in (repo.root / repository.CONFIG, repo.root / repository.TEAM)):
        return lambda shown: True

    said: dict[str, bool] = {}  # every check asks of every file: resolving each path once is what it costs

    inside = tuple(os.path.join(folder, "") for folder in map(str, given))  # a folder and what is under it

    def named(shown: str) -> bool:
        if shown not in said:
            path = _where(Path(shown))
            said[shown] = path in given or str(path).startswith(inside)
        return said[shown]

    chosen = {repo.document(p.path).path for p in repo.projects.values() if named(repo.document(p.path).path)}
    chosen |= {repo.document(c.path).path for p in repo.projects.values()
               if repo.document(p.path).path in chosen and (c := repo.customer_of(p)) is not None}
    return lambda shown: shown in chosen or named(shown)


def _github(problem: Problem) -> str:
    """A GitHub Actions workflow command: an annotation on the pull request's diff."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    kind = "error" if problem.severity == ERROR else "warning"
    return (f"::{kind} file={prop(problem.path)},line={problem.line},col={problem.column},"
            f"title={prop('holp ' + problem.code)}::{data(problem.message)}")


def _check(root: Path, paths: tuple[Path, ...], use_cache: bool) -> tuple[int, list[Problem]]:
    """The files checked and every problem: remembered from the last run when nothing it reads has changed
    since (`holp.validate_cache`), else found, each unchanged document's schema problems taken from the cache."""
    from holp import transaction, validate_cache
    from holp.cache import Cache

    transaction.recover_pending(root)  # what a killed command left half-done is settled before anything is read
    cache = Cache(root, use_cache)
    key = validate_cache.digest(root, [_where(p) for p in paths], repository.display_path(root)) \
        if cache.path is not None else None
    found = validate_cache.remembered(cache, key) if key else None
    if found is not None:
        return found
    from holp.validate import count_files, validate

    repo = repository.load(root, recover=False)
    repo.cache = cache
    wanted = _wanted(repo, paths)
    problems = validate(repo, wanted)
    files = count_files(repo, wanted)
    if key:
        validate_cache.remember(cache, key, files, problems)
        if not paths:  # a run over everything (CI's, a rep's): the records every later command reads
            _keep_rows(cache, repo)
    return files, problems


def _keep_rows(cache: Any, repo: repository.Repository) -> None:
    """Leave in the cache the row of every record just read, under the blob id git gives the file's bytes, so that
    the next command (a report, a tick) reads none of these files again. Only a record read without a problem:
    its row is then a function of its bytes alone, as every cached row is."""
    import hashlib

    from holp.model import Customer, Project
    from holp.model.views import customer_row, project_row

    records: dict[str, Project | Customer] = {r.path: r for r in repo.projects.values()}
    records.update((r.path, r) for r in repo.customers.values())
    rows: dict[str, dict[str, dict[str, Any]]] = {"customer": {}, "project": {}}
    for relative, doc in repo.docs.items():
        record = records.get(relative)
        if record is None or record.invalid or not doc.ok or doc.problems:
            continue
        data = doc.text.encode("utf-8")
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
        if isinstance(record, Customer):
            rows["customer"][blob] = {"row": customer_row(record)}
        else:
            rows["project"][blob] = {"row": project_row(record)}
    for table, found in rows.items():
        known = cache.has(table, found)
        cache.put(table, {blob: row for blob, row in found.items() if blob not in known})


def run(root: Path, paths: tuple[Path, ...], fmt: str, strict: bool, use_cache: bool = True) -> int:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise HolpError(f"{missing[0]}: no such file or folder (paths are relative to the current folder)")
    top = root.resolve()
    outside = [p for p in paths if not (top == _where(p) or top in _where(p).parents or _where(p) in top.parents)]
    if outside:  # it would check nothing, and say "no problems"
        raise HolpError(f"{outside[0]}: not in the sales repository ({repository.display_path(root)}): give files or "
                        "folders inside it")
    files, problems = _check(root, paths, use_cache)
    if strict:
        problems = [p.strict() for p in problems]
    failed = any(p.severity == ERROR for p in problems)
    if fmt == "json":
        echo(json.dumps({
            "files": files,
            "errors": sum(1 for p in problems if p.severity == ERROR),
            "warnings": sum(1 for p in problems if p.severity != ERROR),
            "problems": [p.as_dict() for p in problems],
        }, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            echo(_github(problem) if fmt == "github" else problem.as_text())
        echo(summary(problems, files))
    return 1 if failed else 0
