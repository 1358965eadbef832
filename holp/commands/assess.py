from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import edit
from holp import labels as labelling
from holp import repo as repository
from holp.change import Change, apply
from holp.commands import echo, print_applied
from holp.errors import HolpError
from holp.evaluation import evaluate
from holp.model import Process, Project
from holp.repo import Repository


def parse(process: Process, pairs: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """`need=4` or `real.need=4` → (group, criterion, score); refused unless a criterion of holp.yaml, 1–5."""
    where = {c.id: g.id for g in process.assessment for c in g.criteria}
    known = ", ".join(f"{g.id}.{c.id}" for g in process.assessment for c in g.criteria)
    found = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        group, _, criterion = key.rpartition(".")
        if not sep or criterion not in where or (group and where[criterion] != group):
            raise HolpError(f"--set {pair}: name a criterion of holp.yaml as NAME=SCORE ({known})")
        if not value.strip().isdigit() or not 1 <= int(value) <= 5:
            raise HolpError(f"--set {pair}: a score is a whole number from 1 to 5")
        found.append((where[criterion], criterion, int(value)))
    if not found:
        raise HolpError("say what to set: --set need=4 --set budget=2 ...")
    return found


def run(root: Path, project_id: str, pairs: tuple[str, ...], *, dry_run: bool, commit: bool,
        branch: str | None) -> int:
    def plan(repo: Repository, project: Project) -> Change:
        scores = parse(repo.process, pairs)

        def textual(source: edit.Source) -> str:
            for group, criterion, score in scores:
                source = edit.Source(source.path, source.bom,
                                     edit.set_value(source, ["assessment", group, criterion], score))
            return source.text

        def expect(data: Any) -> None:
            if not isinstance(data.get("assessment"), dict):
                data["assessment"] = {}
            for group, criterion, score in scores:
                if not isinstance(data["assessment"].get(group), dict):
                    data["assessment"][group] = {}
                data["assessment"][group][criterion] = score

        said = ", ".join(f"{c}={s}" for _, c, s in scores)
        return Change(subject=f"{project.id}: assessment {said}", textual=textual, expect=expect,
                      trailers=[("Holp-Project", project.id), ("Holp-Assessment", said)], branch="assessment")

    code = print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
    if not dry_run:
        repo = repository.load(root)
        project = repo.project(project_id)
        result = evaluate(repo.process, project)
        label = labelling.load(repo.process.language, root)
        totals = " · ".join(f"{g.group.label.get(label.lang)} {g.total}/{g.maximum}" for g in result.groups)
        grade = label(result.grade, "levels") if result.grade else label("incomplete")
        echo(f"{totals} · {label('grade')}: {grade}")
    return code
