"""What the forms of the seeds are filled with: plain data for templates, in the chosen language.

Templates see only dicts, lists and strings built here (never model objects),
so a template can read a project but never reach into holp.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from holp import cases
from holp.approvers import takes_approval
from holp.clock import today
from holp.evaluation import evaluate
from holp.gates import gate
from holp.labels import Labels
from holp.model import Contact, Customer, Findings, Project, Visit, plain
from holp.model.activity import latest_verdicts
from holp.output import money
from holp.pipeline import probability, weighted
from holp.repo import Repository
from holp.risks import records as risk_records

BUILT_IN = {
    "visit-plan": ("project", "拜访计划 / visit plan: the goal from the gate's open items, key persons, last next step"),
    "visit-record": ("project", "拜访记录表 / visit record: what a visit must bring back"),
    "key-persons": ("customer", "关键人物信息表 / key-person sheet, with the roles"),
    "customer-overview": ("customer", "客户全貌 / customer overview"),
    "opportunity-evaluation": ("project", "销售机会评估表 / the ten-criterion opportunity evaluation and its grade"),
    "stage-review": ("project", "阶段评审 / the body of a pull request for a stage move"),
    "complaint": ("project", "投诉单 / complaint slip: every complaint of the project (a blank slip when none)"),
    "service-record": ("project", "售后服务记录 / after-sales record: service items, satisfaction, warranty"),
    "project-summary": ("project", "项目总结 / project summary: what went well and wrong, lessons, savings, the case"),
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def labels_for(label: Labels) -> dict[str, Any]:
    """Every label in the chosen language: L.visit_plan, L.roles.coach, ..."""
    flat: dict[str, Any] = {}
    for key, entry in label.table.items():
        if isinstance(entry, Mapping) and ("zh" in entry or "en" in entry):
            flat[key] = label(key)
        elif isinstance(entry, Mapping):
            flat[key] = {k: label(k, key) for k in entry}
    return flat


def contact(c: Contact, label: Labels) -> dict[str, Any]:
    found = {k: _text(v) for k, v in plain(c).items() if not isinstance(v, (dict, list))}
    found.update({k: _text(list(getattr(c, k))) for k in ("influenced_by", "influences")})
    for key, group in (("role", "roles"), ("stance", "stances"), ("influence", "levels"),
                       ("personality", "personalities")):
        value = getattr(c, key)
        found[f"{key}_label"] = label(value, group) if value is not None else ""
    found["advice"] = label(c.personality, "advice_by_personality") if c.personality is not None else ""
    for key in ("name", "title", "department", "phone", "email", "gender", "age", "hometown", "interests",
                "birthday", "education", "introduced_by", "family", "background", "focus", "notes", "role",
                "stance", "influence", "personality"):
        found.setdefault(key, "")
    return found


def _visit(v: Visit, repo: Repository) -> dict[str, Any]:
    names = [(rep.name if (rep := repo.team.rep(b)) else b) for b in v.by]
    findings = v.findings or Findings()
    return {"date": _text(v.date), "by": ", ".join(names), "met": _text(list(v.met)),
            "purpose": _text(v.purpose), "next_step": _text(v.next_step),
            **{k: _text(getattr(findings, k)) for k in ("policy", "personnel", "needs", "activities")}}


def customer_context(repo: Repository, customer: Customer, label: Labels) -> dict[str, Any]:
    lang, process = label.lang, repo.process
    owner = repo.team.rep(customer.owner) if customer.owner else None
    region = repo.team.region(customer.region or "")
    projects = [p for p in repo.projects.values() if p.customer == customer.id]
    return {
        "id": customer.id, "name": customer.name, "industry": customer.industry or "", "credit": customer.credit or "",
        "owner_name": owner.name if owner else (customer.owner or ""),
        "region_label": region.label.get(lang) if region else (customer.region or ""),
        "address": _text(customer.address), "size": _text(customer.size),
        "notes": _text(customer.notes),
        "overview": [{"key": k, "text": _text(v)} for k, v in customer.overview.items()],
        "contacts": [contact(c, label) for c in customer.contacts],
        "projects": [{"id": p.id, "name": p.name, "stage_label": process.stage_label(p.stage, lang),
                      "amount": money(p.amount), "expected_close": _text(p.expected_close)}
                     for p in sorted(projects, key=lambda p: p.id)],
    }


def project_context(repo: Repository, project: Project, label: Labels) -> dict[str, Any]:
    lang, process = label.lang, repo.process
    customer = repo.customer_of(project)
    stage = process.stage(project.stage)
    following = process.next_stage(project.stage) if stage else None
    status = gate(process, stage, project, customer) if stage else None
    owner = repo.team.rep(project.owner) if project.owner else None
    region = repo.team.region(repo.region_of(project) or "")
    visits = sorted((_visit(v, repo) for v in project.visits), key=lambda v: v["date"])
    evaluation = evaluate(process, project)
    notes = project.assessment.notes
    competitors = [{k: _text(getattr(c, k)) for k in ("name", "strength", "weakness", "relationship", "note")}
                   for c in project.competitors]
    risks = [{k: _text(v) for k, v in r.items()} for r in risk_records(project.risks, process, repo.team, label)]
    # templates print None as "None": empty text instead
    items = [{**r, "detail": r["detail"] or "", "evidence": r["evidence"] or "", "approval": takes_approval(s.item)}
             for r, s in zip(status.records(lang), status.items, strict=True)] if status else []
    grades = dict(process.grades)
    return {
        "id": project.id, "name": project.name, "stage": project.stage,
        "stage_label": process.stage_label(project.stage, lang),
        "next_stage_label": following.label.get(lang) if following else "",
        "key_node": stage.key_node.get(lang) if stage and stage.key_node else "",
        "amount": money(project.amount), "currency": process.currency,
        "weighted": money(weighted(process, project)),
        "probability_percent": f"{probability(process, project) * 100:.0f}",
        "expected_close": _text(project.expected_close),
        "business_line_label": process.choice_label(process.business_lines, project.business_line or "", lang),
        "owner_name": owner.name if owner else (project.owner or ""),
        "region_label": region.label.get(lang) if region else (repo.region_of(project) or ""),
        "notes": _text(project.notes),
        "competitors": competitors, "risks": risks, "visits": visits,
        "last_visit": visits[-1] if visits else None,
        "gate": {"checklist": items, "unmet": [i for i in items if not i["met"]], "met": bool(status and status.met),
                 "met_count": sum(1 for i in items if i["met"]), "total": len(items)},
        "evaluation": {
            "groups": [{"id": g.group.id, "label": g.group.label.get(lang), "total": g.total, "maximum": g.maximum,
                        "criteria": [{"id": c.id, "label": c.label.get(lang),
                                      "score": g.scores.get(c.id, ""), "note": _text(notes.get(c.id))}
                                     for c in g.group.criteria]} for g in evaluation.groups],
            "grade": evaluation.grade or "", "grade_label": label(evaluation.grade, "levels") if evaluation.grade
            else label("incomplete"),
            "thresholds": grades, "started": evaluation.started,
        },
        "customer": customer_context(repo, customer, label) if customer else None,
        "approvals": _approvals_context(repo, project, label),
        **_service_context(repo, project, label),
        **cases.form_context(repo, project, label),  # summary, case, matching_cases
    }


def _rep_name(repo: Repository, rep_id: str | None) -> str:
    rep = repo.team.rep(rep_id) if rep_id else None
    return rep.name if rep else (rep_id or "")


def _approvals_context(repo: Repository, project: Project, label: Labels) -> list[dict[str, Any]]:
    """The approvals, numbered as in the file; ``standing`` marks the verdict that counts for its item."""
    texts = {i.id: i.text.get(label.lang) for stage in repo.process.stages for i in stage.checklist}
    standing = latest_verdicts(project.approvals)
    return [{"number": n, "item": _text(a.item), "item_text": texts.get(a.item or "", _text(a.item)),
             "by": _rep_name(repo, a.by), "date": _text(a.date), "verdict": _text(a.verdict),
             "verdict_label": label(a.verdict, "verdicts") if a.verdict else "", "standing": a in standing,
             "note": _text(a.note)} for n, a in enumerate(project.approvals, start=1)]


def _service_context(repo: Repository, project: Project, label: Labels) -> dict[str, Any]:
    """After-sales service for the complaint and service-record forms: items numbered as in the file, the rep
    who handles one by name."""
    service = [{"number": n, "date": _text(s.date), "kind": _text(s.kind),
                "kind_label": label(s.kind, "service_kinds") if s.kind else "",
                "from": _text(s.from_), "severity_label": label(s.severity, "levels") if s.severity else "",
                "summary": _text(s.summary), "owner": _rep_name(repo, s.owner), "due": _text(s.due),
                "resolved": _text(s.resolved), "resolution": _text(s.resolution),
                "satisfaction": _text(s.satisfaction), "note": _text(s.note)}
               for n, s in enumerate(project.service, start=1)]
    w = project.warranty
    warranty = {"issued": _text(w.issued), "until": _text(w.until), "certificate": _text(w.certificate),
                "note": _text(w.note)} if w else None
    return {"service": service, "complaints": [s for s in service if s["kind"] == "complaint"],
            "warranty": warranty}


def context(repo: Repository, record: Project | Customer, label: Labels) -> dict[str, Any]:
    """The variables of a template: the record (`project` or `customer`), labels `L`, and a few facts."""
    variables: dict[str, Any] = {"L": labels_for(label), "lang": label.lang, "today": today().isoformat(),
                                 "company": repo.process.company, "currency": repo.process.currency}
    if isinstance(record, Project):
        variables["project"] = project_context(repo, record, label)
        variables["customer"] = variables["project"]["customer"]
    else:
        variables["project"] = None
        variables["customer"] = customer_context(repo, record, label)
    return variables
