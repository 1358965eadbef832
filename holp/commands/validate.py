from __future__ import annotations

import json
from pathlib import Path

from holp import repo as repository
from holp.commands import echo
from holp.errors import HolpError
from holp.problems import ERROR, Problem, summary
from holp.validate import count_files, validate


def _selected(problems: list[Problem], paths: tuple[Path, ...]) -> list[Problem]:
    if not paths:
        return problems
    wanted = [p.resolve() for p in paths]

    def inside(problem: Problem) -> bool:
        path = Path(problem.path).resolve()
        return any(path == w or w in path.parents for w in wanted)

    return [p for p in problems if inside(p)]


def _github(problem: Problem) -> str:
    """A GitHub Actions workflow command: an annotation on the pull request's diff."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    kind = "error" if problem.severity == ERROR else "warning"
    return (f"::{kind} file={prop(problem.path)},line={problem.line},col={problem.column},"
            f"title={prop('holp ' + problem.code)}::{data(problem.message)}")


def run(root: Path, paths: tuple[Path, ...], fmt: str, strict: bool) -> int:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise HolpError(f"{missing[0]}: no such file or folder (paths are relative to the current folder)")
    repo = repository.load(root)
    problems = _selected(validate(repo), paths)
    if strict:
        problems = [p.strict() for p in problems]
    files = count_files(repo)
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
