"""Tasks (任务): `holp task add` appends one to a project's or a customer's `tasks:`, `holp task done` marks one done.

A task is named by its number, 1-based in the file's order (as `holp show`
prints it). Each command writes exact lines and makes one commit (trailers
Holp-Project or Holp-Customer, and Holp-Task).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from holp import edit, yaml
from holp.change import Change, apply_record
from holp.clock import date_option, date_or_today
from holp.commands import print_applied
from holp.errors import HolpError
from holp.model import Project
from holp.repo import Repository, closest

if TYPE_CHECKING:
    from pathlib import Path

    from holp.model import Customer
    from holp.model.activity import Task


def _trailer(record: Project | Customer) -> tuple[str, str]:
    return ("Holp-Project" if isinstance(record, Project) else "Holp-Customer", record.id)


def _member(repo: Repository, who: str) -> str:
    """``who``, refused unless they are in team.yaml (any role: engineers and presales hold tasks too)."""
    members = repo.team.rep_ids
    if who not in members:
        raise HolpError(f"--who {who}: no one of that id in team.yaml{closest(who, members)}")
    return who


def add(root: Path, record_id: str, what: str, *, due: str, who: str | None, start: str | None, dry_run: bool,
        commit: bool, branch: str | None) -> int:
    said = " ".join(what.split())
    if not said:
        raise HolpError("the task must say what is to be done")
    until = date_option(due, "--due")
    since = None if start is None else date_option(start, "--start")
    if since is not None and until < since:
        raise HolpError(f"--due {until} is before --start {since}")

    def plan(repo: Repository, record: Project | Customer) -> Change:
        if who is None and not record.owner:
            raise HolpError(f"{record.id} has no owner: say who does the task with --who")
        item: dict[str, Any] = {"what": said, "who": _member(repo, who or record.owner or "")}
        if since is not None:
            item["start"] = since.isoformat()
        item["due"] = until.isoformat()
        lines = [f"- what: {yaml.scalar(said)}", *(f"  {k}: {yaml.scalar(v)}" for k, v in item.items() if k != "what")]
        n = len(record.tasks) + 1

        def expect(data: Any) -> None:
            if not isinstance(data.get("tasks"), list):
                data["tasks"] = []
            data["tasks"].append(dict(item))

        return Change(subject=f"{record.id}: task #{n} added ({item['who']}, due {until})",
                      textual=lambda source: edit.append_item(source, "tasks", lines), expect=expect,
                      trailers=[_trailer(record), ("Holp-Task", f"#{n} added")], note=said, branch=f"task-{n}")

    return print_applied(apply_record(root, record_id, plan, commit=commit, branch=branch, dry_run=dry_run))


def numbered(record: Project | Customer, number: int) -> Task:
    """Task ``number`` (1-based) of the record, or a usage error saying which numbers it has."""
    count = len(record.tasks)
    if not 1 <= number <= count:
        have = f"{count} task{'s' if count != 1 else ''}" + (f": 1–{count}" if count > 1 else ": 1" if count else "")
        raise HolpError(f"{record.id} has {have}; there is no task {number}")
    return record.tasks[number - 1]


def done(root: Path, record_id: str, number: int, *, date: str | None, dry_run: bool, commit: bool,
         branch: str | None) -> int:
    day = date_or_today(date)

    def plan(repo: Repository, record: Project | Customer) -> Change:
        task = numbered(record, number)
        if task.done is not None:
            raise HolpError(f"task {number} of {record.id} was already done on {task.done}")

        def textual(source: edit.Source) -> str:
            index = edit.item_index(source, "tasks", task.line)
            if index is None:
                raise HolpError(f"task {number} of {record.id} is not a block in the file")
            return edit.set_value(source, ["tasks", index, "done"], day.isoformat())

        def expect(data: Any) -> None:
            position = [i for i, x in enumerate(data["tasks"]) if isinstance(x, dict)][number - 1]
            data["tasks"][position]["done"] = day.isoformat()

        return Change(subject=f"{record.id}: task #{number} done", textual=textual, expect=expect,
                      trailers=[_trailer(record), ("Holp-Task", f"#{number} done")], note=task.what,
                      branch=f"task-{number}")

    return print_applied(apply_record(root, record_id, plan, commit=commit, branch=branch, dry_run=dry_run))
