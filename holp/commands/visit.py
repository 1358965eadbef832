from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import click

from holp import edit, yaml
from holp.change import Change, apply
from holp.clock import date_option, today
from holp.commands import echo, print_applied
from holp.errors import HolpError
from holp.model import Project
from holp.model.fields import mapping_of
from holp.model.schema import project_schema
from holp.model.shape import schema_validator
from holp.repo import Repository, display_path
from holp.visits import FINDINGS, Draft, contact_edits, draft, visit_lines

TEMPLATE = """\
# 拜访记录 / a visit: edit, save and close; lines starting with # are ignored.
date: {date}
by: {by}
met: {met}              # 拜访对象 / whom you met: names of {customer}'s key persons
purpose: {purpose}
findings:
  policy: {policy}      # 政策信息
  personnel: {personnel}   # 人员信息
  needs: {needs}       # 业务需求
  activities: {activities}  # 活动信息
changes: []             # e.g. [{{contact: 李明, closeness: up, trust: down}}]
next_step: {next_step}
"""


def _checked(repo: Repository, project: Project, visit: dict[str, Any]) -> dict[str, Any]:
    """The visit, refused unless it is what the project schema accepts and names known reps and key persons."""
    items = project_schema(repo.process)["properties"]["visits"]["items"]
    problems = [f"{'.'.join(map(str, e.absolute_path)) or 'the visit'}: {e.message}"
                for e in schema_validator(items).iter_errors(visit)]
    if problems:
        raise HolpError(f"the visit is not valid: {problems[0]}")
    due, day = visit.get("next_step_due"), visit.get("date")
    if due is not None and day is not None and str(due) < str(day):
        raise HolpError(f"the next step is due {due}, before the visit's date {day}")
    reps = repo.team.rep_ids
    by = visit["by"] if isinstance(visit["by"], list) else [visit["by"]]
    unknown = [b for b in by if b not in reps]
    if unknown:
        raise HolpError(f"--by {unknown[0]}: not a rep in team.yaml")
    customer = repo.customer_of(project)
    contacts = {c.name for c in customer.contacts} if customer else set()
    stranger = [m for m in visit.get("met") or [] if m not in contacts]
    if stranger:
        raise HolpError(f"{stranger[0]} is not a key person of {project.customer}: add them to the customer first")
    return visit


def _form(repo: Repository, project: Project, visit: dict[str, Any]) -> str:
    """The blank form for the editor, pre-filled from the options."""
    customer = repo.customer_of(project)
    return TEMPLATE.format(
        date=visit["date"], by=edit.flow_scalar(visit["by"][0]) if len(visit["by"]) == 1 else visit["by"],
        met="[" + ", ".join(visit.get("met") or []) + "]", customer=customer.name if customer else project.customer,
        next_step=yaml.scalar(visit.get("next_step") or ""), purpose=yaml.scalar(visit.get("purpose") or ""),
        **{k: yaml.scalar((visit.get("findings") or {}).get(k) or "") for k in FINDINGS})


def _parsed(result: str) -> dict[str, Any]:
    doc = yaml.read("visit.yaml", result.encode("utf-8"))
    edited = mapping_of(doc)
    if edited is None:
        first = doc.problems[0] if doc.problems else None
        where = f" (line {first.line}: {first.message})" if first else ""
        raise HolpError(f"the edited visit is not a YAML mapping{where}: nothing written")
    data = {k: v for k, v in edited.items() if v not in (None, "", [], {})}
    if isinstance(data.get("findings"), dict):
        data["findings"] = {k: v for k, v in data["findings"].items() if v not in (None, "")}
        if not data["findings"]:
            del data["findings"]
    return data


def _kept(kept: Draft, project_id: str) -> str:
    """Where the form the rep typed was kept, and how to get it back."""
    where = display_path(kept.path)
    outside = "" if kept.in_git else " (not in a git repository, so it is kept in the sales folder)"
    return f"what you typed is kept in {where}{outside}: `holp visit {project_id} --edit` reopens it"


def run(root: Path, project_id: str, *, date: str | None, by: tuple[str, ...], met: tuple[str, ...],
        purpose: str | None, findings: dict[str, str | None], next_step: str | None, closer: tuple[str, ...],
        cooler: tuple[str, ...], trust_up: tuple[str, ...], trust_down: tuple[str, ...], use_editor: bool,
        dry_run: bool, commit: bool, branch: str | None, next_due: str | None = None) -> int:
    day = (date_option(date, "--date") if date else today()).isoformat()
    due = None if next_due is None else date_option(next_due, "--next-due").isoformat()
    if due is not None and not next_step:
        raise HolpError("--next-due is the due day of the next step: give the step with --next")
    typed: list[tuple[Draft, str]] = []  # the form as the rep saved it, kept as a draft unless the visit is recorded

    def plan(repo: Repository, project: Project) -> Change:
        changes: dict[str, dict[str, str]] = {}
        for names, field, trend in ((closer, "closeness", "up"), (cooler, "closeness", "down"),
                                    (trust_up, "trust", "up"), (trust_down, "trust", "down")):
            for name in names:
                changes.setdefault(name, {"contact": name})[field] = trend
        visit: dict[str, Any] = {"date": day, "by": list(by) or [project.owner or ""]}
        if met:
            visit["met"] = list(met)
        if purpose:
            visit["purpose"] = purpose
        if any(findings.values()):
            visit["findings"] = {k: v for k, v in findings.items() if v}
        if changes:
            visit["changes"] = list(changes.values())
        if next_step:
            visit["next_step"] = next_step
        if due is not None:
            visit["next_step_due"] = due
        if use_editor:
            kept = draft(repo.root, project.id)
            text = kept.read()
            if text is not None:
                echo(f"holp: reopening the visit you typed before, kept in {display_path(kept.path)} "
                     "(delete that file for a blank form)", err=True)
            result = click.edit(text if text is not None else _form(repo, project, visit), extension=".yaml",
                                require_save=True)
            if result is None:
                stays = "" if text is None else f" (the draft stays in {display_path(kept.path)})"
                raise HolpError(f"the visit was not saved: nothing written{stays}")
            typed.append((kept, result))
            visit = _parsed(result)
        visit = _checked(repo, project, visit)
        lines = visit_lines(visit)
        record = copy.deepcopy(visit)
        if isinstance(record.get("by"), list) and len(record["by"]) == 1:
            record["by"] = record["by"][0]

        def expect(data: Any) -> None:
            if not isinstance(data.get("visits"), list):
                data["visits"] = []
            data["visits"].append(record)

        customer = repo.customer_of(project)
        also = contact_edits(repo.root, customer, visit.get("changes") or []) if customer else None
        met_names = ", ".join(visit.get("met") or [])
        return Change(
            subject=f"{project.id}: visit {visit['date']}" + (f" ({met_names})" if met_names else ""),
            textual=lambda source: edit.append_item(source, "visits", lines),
            expect=expect,
            trailers=[("Holp-Project", project.id), ("Holp-Visit", str(visit["date"]))],
            note=visit.get("next_step"),
            branch=f"visit-{visit['date']}",
            also=[also] if also else [],
        )

    try:
        applied = apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run)
    except HolpError as refused:
        if not typed:
            raise
        kept, text = typed[0]
        try:
            kept.save(text)
            note = _kept(kept, project_id)
        except HolpError as failed:
            note = f"what you typed could not be kept ({failed.message})"
        raise HolpError(f"{refused.message}; {note}", refused.exit_code, refused.problems) from None
    if typed and applied.diff is not None:  # a dry run records nothing: the form waits for the real run
        typed[0][0].save(typed[0][1])
        echo(f"holp: {_kept(typed[0][0], project_id)}", err=True)
    elif typed:
        typed[0][0].drop()
    return print_applied(applied)
