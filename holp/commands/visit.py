from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import click

from holp import edit, yaml
from holp.change import Change, apply
from holp.clock import date_option, today
from holp.commands import print_applied
from holp.errors import HolpError
from holp.model import Project
from holp.model.fields import mapping_of
from holp.model.schema import project_schema
from holp.model.shape import schema_validator
from holp.repo import Repository
from holp.visits import FINDINGS, contact_edits, visit_lines

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
    reps = {r.id for r in repo.team.reps}
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


def _edited(repo: Repository, project: Project, visit: dict[str, Any]) -> dict[str, Any]:
    customer = repo.customer_of(project)
    text = TEMPLATE.format(
        date=visit["date"], by=edit.flow_scalar(visit["by"][0]) if len(visit["by"]) == 1 else visit["by"],
        met="[" + ", ".join(visit.get("met") or []) + "]", customer=customer.name if customer else project.customer,
        next_step=yaml.scalar(visit.get("next_step") or ""), purpose=yaml.scalar(visit.get("purpose") or ""),
        **{k: yaml.scalar((visit.get("findings") or {}).get(k) or "") for k in FINDINGS})
    result = click.edit(text, extension=".yaml", require_save=True)
    if result is None:
        raise HolpError("the visit was not saved: nothing written")
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


def run(root: Path, project_id: str, *, date: str | None, by: tuple[str, ...], met: tuple[str, ...],
        purpose: str | None, findings: dict[str, str | None], next_step: str | None, closer: tuple[str, ...],
        cooler: tuple[str, ...], trust_up: tuple[str, ...], trust_down: tuple[str, ...], use_editor: bool,
        dry_run: bool, commit: bool, branch: str | None) -> int:
    day = (date_option(date, "--date") if date else today()).isoformat()

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
        if use_editor:
            visit = _edited(repo, project, visit)
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

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
