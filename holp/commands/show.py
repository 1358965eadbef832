from __future__ import annotations

import json
from pathlib import Path

from holp import labels as labelling
from holp import repo as repository
from holp.commands import echo, warn_left_out
from holp.evaluation import evaluate
from holp.gates import gate
from holp.model import plain
from holp.output import gate_lines, money, money_plain, table
from holp.pipeline import probability, weighted
from holp.risks import records as risk_records


def run(root: Path, project_id: str, fmt: str, lang: str | None) -> int:
    repo = repository.load(root)
    process = repo.process
    lang = lang or process.language
    project = repo.project(project_id)
    warn_left_out(repo.left_out(), "not read as a record")  # its customer may be one of them
    customer = repo.customer_of(project)
    stage = process.stage(project.stage)
    status = gate(stage, project, customer) if stage else None
    evaluation = evaluate(process, project)
    visits = sorted(project.visits, key=lambda v: v.date.isoformat() if v.date else "")
    if fmt == "json":
        echo(json.dumps({
            "id": project.id, "name": project.name, "path": project.path,
            "customer": {"id": project.customer, "name": customer.name if customer else None},
            "owner": project.owner, "region": repo.region_of(project), "business_line": project.business_line,
            "stage": project.stage, "amount": money_plain(project.amount) if project.amount is not None else None,
            "probability": str(probability(process, project)),
            "weighted": money_plain(weighted(process, project)),
            "expected_close": project.expected_close.isoformat() if project.expected_close else None,
            "gate": status.records(lang) if status else [],
            "grade": evaluation.grade,
            "contacts": [plain(c) for c in customer.contacts] if customer else [],
            "risks": risk_records(project.risks, process, repo.team, labelling.load(lang, root)),
        }, ensure_ascii=False, indent=2, default=str))
        return 0
    label = labelling.load(lang, root)
    owner = repo.team.rep(project.owner) if project.owner else None
    region = repo.team.region(repo.region_of(project) or "")
    out = [f"{project.id}  {project.name}", ""]
    facts = [
        (label("customer"), f"{customer.name} ({customer.id})" if customer else project.customer),
        (label("owner"), owner.name if owner else project.owner),
        (label("region"), region.label.get(lang) if region else repo.region_of(project)),
        (label("business_line"), process.choice_label(process.business_lines, project.business_line or "", lang)),
        (label("stage"), process.stage_label(project.stage, lang)),
        (label("amount"), f"{money(project.amount)} {process.currency}" if project.amount is not None else ""),
        (label("weighted"), f"{money(weighted(process, project))} {process.currency} "
                            f"({probability(process, project) * 100:.0f}%)"),
        (label("expected_close"), project.expected_close),
    ]
    if project.lost_reason:
        facts.append((label("lost_reason"), process.choice_label(process.lost_reasons, project.lost_reason, lang)))
    if evaluation.started:
        totals = " · ".join(f"{g.group.label.get(lang)} {g.total}/{g.maximum}" for g in evaluation.groups)
        grade = label(evaluation.grade, "levels") if evaluation.grade else "—"
        facts.append((label("assessment"), f"{totals} · {label('grade')}: {grade}"))
    out.append(table(facts))
    if customer and customer.contacts:
        rows = [[c.name, c.title, label(c.role or "", "roles"), label(c.stance or "", "stances"),
                 label(c.influence or "", "levels"), label(c.personality or "", "personalities"),
                 c.closeness, c.trust] for c in customer.contacts]
        headers = [label(k) for k in ("name", "title", "role", "stance", "influence", "personality",
                                      "closeness", "trust")]
        out += ["", f"{label('key_persons')}:", table(rows, headers)]
    if status is not None and status.items:
        out += ["", f"{label('checklist')} — {status.stage.label.get(lang)}:"]
        out += gate_lines(status, lang, label("key_node"))
    if visits:
        last = visits[-1]
        out += ["", f"{label('last_visit')}: {last.date or ''} {', '.join(last.met)} {last.purpose or ''}".rstrip()]
        if last.next_step:
            out.append(f"{label('next_step')}: {last.next_step}")
    if project.risks:
        out += ["", f"{label('risks')}:"]
        for risk in risk_records(project.risks, process, repo.team, label):
            line = f"  [{risk['level_label'] or ''}] {risk['kind_label'] or ''}: {risk['note'] or ''}".rstrip(": ")
            facts = [(label("mitigation"), risk["mitigation"]), (label("risk_owner"), risk["owner_name"]),
                     (label("reviewed"), risk["reviewed"])]
            out.append(line)
            out += [f"      {name}: {value}" for name, value in facts if value]
    echo("\n".join(str(line) for line in out))
    return 0
