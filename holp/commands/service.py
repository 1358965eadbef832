"""After-sales service (售后服务): open an item (a complaint, 投诉单...), close it, record a revisit (回访).

Each command appends to or edits the project's `service:` list with exact
lines and commits the one file (trailers Holp-Project, Holp-Service). An
item is named by its number, 1-based in the file's order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import edit, yaml
from holp.change import Change, apply
from holp.clock import date_option, date_or_today
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import Project
from holp.model.records import ServiceItem
from holp.repo import Repository, closest


def _text(value: str, option: str) -> str:
    if not value.strip():
        raise HolpError(f"{option} must say something")
    return value.strip()


def _contact(repo: Repository, project: Project, name: str) -> str:
    """``name``, refused unless it is a key person of the project's customer."""
    customer = repo.customer_of(project)
    contacts = {c.name for c in customer.contacts} if customer else set()
    if name not in contacts:
        raise HolpError(f"--from {name}: not a contact of {project.customer}{closest(name, contacts)}: "
                        "add them to the customer first", FAILED)
    return name


def _rep(repo: Repository, rep: str) -> str:
    reps = repo.team.rep_ids
    if rep not in reps:
        raise HolpError(f"--owner {rep}: not a rep in team.yaml{closest(rep, reps)}")
    return rep


def _lines(item: dict[str, Any]) -> list[str]:
    """The item as a block list item, keys in the order of the record."""
    first, *rest = item.items()
    return [f"- {first[0]}: {yaml.scalar(first[1])}", *(f"  {k}: {yaml.scalar(v)}" for k, v in rest)]


def _appended(project: Project, item: dict[str, Any], subject: str, said: str) -> Change:
    def expect(data: Any) -> None:
        if not isinstance(data.get("service"), list):
            data["service"] = []
        data["service"].append(dict(item))

    return Change(subject=f"{project.id}: {subject}", textual=lambda source: edit.append_item(source, "service",
                                                                                               _lines(item)),
                  expect=expect, trailers=[("Holp-Project", project.id), ("Holp-Service", said)],
                  branch=f"service-{len(project.service) + 1}")


def open_(root: Path, project_id: str, *, kind: str, from_: str, severity: str, summary: str, owner: str | None,
          due: str | None, date: str | None, dry_run: bool, commit: bool, branch: str | None) -> int:
    day = date_or_today(date)
    until = None if due is None else date_option(due, "--due")
    if until is not None and until < day:
        raise HolpError(f"--due {until} is before the item's date {day}")
    said_summary = _text(summary, "--summary")

    def plan(repo: Repository, project: Project) -> Change:
        item: dict[str, Any] = {"date": day.isoformat(), "kind": kind, "from": _contact(repo, project, from_),
                                "severity": severity, "summary": said_summary,
                                "owner": _rep(repo, owner or project.owner or "")}
        if until is not None:
            item["due"] = until.isoformat()
        n = len(project.service) + 1
        return _appended(project, item, f"{kind} #{n} opened ({from_}, {severity})", f"#{n} {kind} opened")

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))


def revisit(root: Path, project_id: str, *, satisfaction: int, note: str, from_: str | None, date: str | None,
            dry_run: bool, commit: bool, branch: str | None) -> int:
    day = date_or_today(date).isoformat()
    said_note = _text(note, "--note")

    def plan(repo: Repository, project: Project) -> Change:
        item: dict[str, Any] = {"date": day, "kind": "revisit"}
        if from_ is not None:
            item["from"] = _contact(repo, project, from_)
        item.update({"owner": project.owner, "satisfaction": satisfaction, "resolved": day, "note": said_note})
        if not project.owner:
            del item["owner"]
        n = len(project.service) + 1
        return _appended(project, item, f"revisit #{n}, satisfaction {satisfaction}",
                         f"#{n} revisit, satisfaction {satisfaction}")

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))


def _item(project: Project, number: int) -> ServiceItem:
    if not 1 <= number <= len(project.service):
        have = f"items 1–{len(project.service)}" if project.service else "no service items"
        raise HolpError(f"{project.id} has no service item {number} (it has {have})")
    return project.service[number - 1]


def close(root: Path, project_id: str, number: int, *, resolution: str, satisfaction: int | None,
          date: str | None, dry_run: bool, commit: bool, branch: str | None) -> int:
    day = date_or_today(date)
    said = _text(resolution, "--resolution")

    def plan(repo: Repository, project: Project) -> Change:
        item = _item(project, number)
        if item.resolved is not None:
            raise HolpError(f"service item {number} of {project.id} was already closed on {item.resolved}", FAILED)
        if item.date is not None and day < item.date:
            raise HolpError(f"--date {day} is before the item was opened ({item.date})")
        values: list[tuple[str, Any]] = [("resolved", day.isoformat()), ("resolution", said)]
        if satisfaction is not None:
            values.append(("satisfaction", satisfaction))

        def textual(source: edit.Source) -> str:
            index = edit.item_index(source, "service", item.line)
            if index is None:
                raise HolpError(f"service item {number} of {project.id} is not a block in the file", FAILED)
            for name, value in values:
                source = edit.Source(source.path, source.bom, edit.set_value(source, ["service", index, name], value))
            return source.text

        def expect(data: Any) -> None:
            position = [i for i, x in enumerate(data["service"]) if isinstance(x, dict)][number - 1]
            data["service"][position].update(dict(values))

        return Change(subject=f"{project.id}: {item.kind} #{number} closed",
                      textual=textual, expect=expect,
                      trailers=[("Holp-Project", project.id), ("Holp-Service", f"#{number} {item.kind} closed")],
                      note=said, branch=f"service-{number}")

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
