from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holp import labels as labelling
from holp import repo as repository
from holp.clock import today
from holp.collection import receipts
from holp.commands import echo, warn_left_out
from holp.evaluation import evaluate
from holp.gates import gate
from holp.inert import one_line
from holp.labels import Labels
from holp.model import Customer, Payment, Project, plain
from holp.model.activity import Approval, latest_verdicts
from holp.model.coerce import iso
from holp.output import gate_lines, money, money_plain, table
from holp.pipeline import probability, weighted
from holp.risks import records as risk_records

if TYPE_CHECKING:
    from holp.labels import Labels
    from holp.model import Project


def _payment_json(n: int, p: Payment) -> dict[str, Any]:
    day = iso
    return {"payment": n, "due": day(p.due), "kind": p.kind,
            "amount": money_plain(p.amount) if p.amount is not None else None, "invoiced": day(p.invoiced),
            "paid": money_plain(p.paid), "outstanding": money_plain(p.outstanding), "collector": p.collector,
            "receipts": [{"date": day(d), "amount": money_plain(a), "note": note} for d, a, note in receipts(p)],
            "actions": [plain(a) for a in p.actions], "note": p.note}


def _payments_table(repo: repository.Repository, project: Project, label: Labels) -> str:
    rows = []
    for n, p in enumerate(project.payments, 1):
        collector = repo.team.rep(p.collector) if p.collector else None
        last = p.last_action
        rows.append([n, p.due, label(p.kind or "", "payment_kinds") if p.kind else "", p.amount, p.paid,
                     p.outstanding, collector.name if collector else p.collector,
                     f"{label('action_' + (last.kind or ''))} {last.date or ''}" if last else ""])
    headers = [label(k) for k in ("payment", "due", "payment_kind", "amount", "received", "outstanding",
                                  "collector", "last_action")]
    return table([[money(v) if isinstance(v, Decimal) else v for v in row] for row in rows], headers,
                 ["right", "left", "left", "right", "right", "right", "left", "left"])


def run(root: Path, project_id: str, fmt: str, lang: str | None) -> int:
    repo = repository.load(root)
    process = repo.process
    lang = lang or process.language
    project = repo.project(project_id)
    warn_left_out(repo.left_out(), "not read as a record")  # its customer may be one of them
    customer = repo.customer_of(project)
    stage = process.stage(project.stage)
    status = gate(process, stage, project, customer) if stage else None
    standing = latest_verdicts(project.approvals)
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
            "guarantee": project.guarantee,
            "payments": [_payment_json(n, p) for n, p in enumerate(project.payments, 1)],
            "service": [plain(item) for item in project.service],
            "warranty": plain(project.warranty) if project.warranty else None,
            "summary": plain(project.summary) if project.summary else None,
            "case": plain(project.case) if project.case else None,
            "risks": risk_records(project.risks, process, repo.team, labelling.load(lang, root)),
            "tasks": [plain(t) for t in project.tasks],
            "customer_tasks": [plain(t) for t in customer.tasks] if customer else [],
            "cost": money_plain(project.cost) if project.cost is not None else None,
            "margin": str(project.margin) if project.margin is not None else None,
            "gross_profit": money_plain(gross) if (gross := project.gross_profit) is not None else None,
            "approvals": [{**plain(a), "standing": a in standing} for a in project.approvals],
            **_expenses_json(repo, project),
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
    if project.cost is not None or project.margin is not None:  # the gross profit (毛利), from one of them
        facts.append((label("cost"), f"{money(project.cost)} {process.currency}") if project.cost is not None
                     else (label("margin"), f"{project.margin * 100:.1f}%" if project.margin is not None else ""))
        if project.gross_profit is not None:
            facts.append((label("gross_profit"), f"{money(project.gross_profit)} {process.currency}"))
    if project.lost_reason:
        facts.append((label("lost_reason"), process.choice_label(process.lost_reasons, project.lost_reason, lang)))
    if evaluation.started:
        totals = " · ".join(f"{g.group.label.get(lang)} {g.total}/{g.maximum}" for g in evaluation.groups)
        grade = label(evaluation.grade, "levels") if evaluation.grade else "—"
        facts.append((label("assessment"), f"{totals} · {label('grade')}: {grade}"))
    facts += _source_facts(repo, project, label, lang)
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
    if project.payments:
        out += ["", f"{label('payments')}:", _payments_table(repo, project, label)]
        for n, p in enumerate(project.payments, 1):
            for a in p.actions:
                by = repo.team.rep(a.by) if a.by else None
                out.append(one_line(f"  {n} · {a.date or ''} {label('action_' + (a.kind or ''))} "
                                    f"{by.name if by else a.by or ''}: {a.note or ''}".rstrip(": ")))
    if visits:
        last = visits[-1]
        out += ["", f"{label('last_visit')}: {last.date or ''} {', '.join(last.met)} {last.purpose or ''}".rstrip()]
        if last.next_step:
            due = f" ({label('task_due')} {last.next_step_due})" if last.next_step_due else ""
            out.append(f"{label('next_step')}: {last.next_step}{due}")
    if project.risks:
        out += ["", f"{label('risks')}:"]
        for risk in risk_records(project.risks, process, repo.team, label):
            line = f"  [{risk['level_label'] or ''}] {risk['kind_label'] or ''}: {risk['note'] or ''}".rstrip(": ")
            facts = [(label("mitigation"), risk["mitigation"]), (label("risk_owner"), risk["owner_name"]),
                     (label("reviewed"), risk["reviewed"])]
            out.append(line)
            out += [f"      {name}: {value}" for name, value in facts if value]
    out += _task_lines(project, customer, repo, label)
    out += _approval_lines(repo, project, label, lang, standing)
    out += _service_lines(project, label)
    out += _expense_lines(repo, project, label, process.currency)
    out += _summary_lines(project, label, process.currency)
    echo("\n".join(str(line) for line in out))
    return 0


def _task_lines(project: Project, customer: Customer | None, repo: repository.Repository,
                label: Labels) -> list[str]:
    """The project's tasks and its customer's, each numbered as `holp task done` takes them, done or overdue said."""
    now = today()
    out: list[str] = []
    for record in (project, customer):
        if record is None or not record.tasks:
            continue
        out += ["", f"{label('tasks')} — {record.id}:"]
        for number, task in enumerate(record.tasks, start=1):
            member = repo.team.rep(task.who or record.owner or "")
            who = member.name if member else task.who or record.owner or ""
            start = f"{task.start} → " if task.start else ""
            if task.done is not None:
                state = f"✓ {label('task_done')} {task.done}"
            elif task.due is not None and task.due < now:
                state = f"! {label('task_overdue')} {(now - task.due).days} {label('days')}"
            else:
                state = ""
            out.append(one_line(f"  {number}. {start}{task.due or ''} {task.what or ''} · {who}"
                                + (f" · {state}" if state else "")))
    return out


def _approval_lines(repo: repository.Repository, project: Project, label: Labels, lang: str,
                    standing: tuple[Approval, ...]) -> list[str]:
    """The approvals in the file's order; the verdict that stands for each item is marked with *."""
    if not project.approvals:
        return []
    texts = {item.id: item.text.get(lang) for stage in repo.process.stages for item in stage.checklist}
    out = ["", f"{label('approvals')}:"]
    for number, a in enumerate(project.approvals, start=1):
        by = repo.team.rep(a.by) if a.by else None
        mark = "*" if a in standing else " "
        verdict = label(a.verdict, "verdicts") if a.verdict else ""
        out.append(one_line(f" {mark}{number}. {a.date or ''} {texts.get(a.item or '', a.item or '')}: {verdict} "
                            f"({by.name if by else a.by or ''}) {a.note or ''}".rstrip()))
    return out


# -- sources, classes and expenses (销售费用) -------------------------------------------------------


def _source_of(repo: repository.Repository, project: Project) -> str | None:
    customer = repo.customer_of(project)
    return project.source or (customer.source if customer else None)


def _expenses_json(repo: repository.Repository, project: Project) -> dict[str, Any]:
    customer = repo.customer_of(project)
    return {"source": _source_of(repo, project), "customer_class": customer.class_ if customer else None,
            "expenses": [{"number": n, **plain(e), "amount": None if e.amount is None else money_plain(e.amount)}
                         for n, e in enumerate(project.expenses, 1)]}


def _source_facts(repo: repository.Repository, project: Project, label: Labels, lang: str) -> list[tuple[str, Any]]:
    """Where the lead came from (its own source, else its customer's) and the customer's class."""
    source = _source_of(repo, project)
    customer = repo.customer_of(project)
    found: list[tuple[str, Any]] = []
    if source:
        found.append((label("source"), repo.process.choice_label(repo.process.sources, source, lang)))
    if customer and customer.class_:
        found.append((label("customer_class"), customer.class_))
    return found


def _expense_lines(repo: repository.Repository, project: Project, label: Labels, currency: str) -> list[str]:
    """Each expense, numbered in the file's order, with who spent it and who approved it."""
    if not project.expenses:
        return []
    out = ["", f"{label('expenses_of')}:"]
    for n, e in enumerate(project.expenses, 1):
        spender = repo.team.rep(e.by) if e.by else None
        approver = repo.team.rep(e.approved_by) if e.approved_by else None
        said = f"  {n}. {e.date or ''} {label(f'expense_{e.kind}')} {money(e.amount)} {currency}"
        said += f" · {spender.name if spender else e.by or ''}"
        if e.approved_by:
            said += f" · {label('approved_by')}: {approver.name if approver else e.approved_by}"
        out.append(one_line(f"{said}: {e.note}" if e.note else said))
    total = sum((e.amount for e in project.expenses if e.amount is not None), Decimal(0))
    out.append(f"  {label('total')}: {money(total)} {currency}")
    return out


def _service_lines(project: Project, label: Labels) -> list[str]:
    """After-sales service: each item (numbered as `holp service close` takes them) and the warranty."""
    out: list[str] = []
    if project.service:
        out += ["", f"{label('service')}:"]
        for number, item in enumerate(project.service, start=1):
            severity = f" [{label(item.severity, 'levels')}]" if item.severity else ""
            who = f" {item.from_}:" if item.from_ else ""
            text = item.summary or item.note or ""
            done = f" — {item.resolved} {item.resolution or ''}".rstrip() if item.resolved else ""
            score = f" ({label('service_satisfaction')}: {item.satisfaction})" if item.satisfaction else ""
            out.append(one_line(f"  {number}. {item.date or ''} {label(item.kind or '', 'service_kinds')}{severity}"
                                f"{who} {text}{done}{score}".rstrip()))  # a note's newline would forge a line
    if project.warranty:
        w = project.warranty
        until = f" → {w.until}" if w.until else ""
        certificate = f" ({w.certificate})" if w.certificate else ""
        out += ["", f"{label('warranty')}: {w.issued or ''}{until}{certificate}".rstrip()]
    return out


def _summary_lines(project: Project, label: Labels, currency: str) -> list[str]:
    """The project summary and the reference case, in the rep's language."""
    out: list[str] = []
    s, c = project.summary, project.case
    if s is not None:
        figures = [f"{label('savings_kwh')}: {s.savings_kwh:,}" if s.savings_kwh is not None else "",
                   f"{label('savings_amount')}: {money(s.savings_amount)} {currency}" if s.savings_amount is not None
                   else "", f"{label('payback_years')}: {s.payback_years}" if s.payback_years is not None else ""]
        out += ["", f"{label('project_summary')}: {s.date or ''}".rstrip()]
        out += [f"  {label(k)}: {v}" for k, v in (("summary_went_well", s.went_well),
                                                   ("summary_went_wrong", s.went_wrong),
                                                   ("summary_lessons", s.lessons)) if v]
        if any(figures):
            out.append("  " + " · ".join(f for f in figures if f))
    if c is not None:
        yes_no = {True: label("case_yes"), False: label("case_no")}
        out += ["", f"{label('case_title')}: {label('case_reference')} {yes_no[bool(c.reference_allowed)]} · "
                    f"{label('case_site_visit')} {yes_no[bool(c.site_visit_allowed)]}"
                    + (f" · {label('case_contact')} {c.contact}" if c.contact else "")]
        if c.highlights:
            out.append(f"  {label('case_highlights')}: {c.highlights}")
    return out
