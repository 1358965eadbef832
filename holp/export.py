"""All records as tables, for BI tools and databases: projects, customers, contacts, visits, payments, receipts,
collection actions, service items, warranties, project summaries, reference cases, approvals (`standing`: the verdict
that counts for its item), expenses, transitions and tasks. A payment is named by its project and its number (1-based,
in the file's order); every receipt of it is a row of `receipts` (number 1 is the first, `received`), so they sum to
`paid`.

Money is written as exact decimal text with two places (and, in SQLite,
also as integer cents, so it can be summed exactly there too).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from holp.collection import receipts
from holp.fileset import CUSTOMERS, PROJECTS
from holp.history import History
from holp.model import Customer, Project, Team, plain
from holp.model.activity import Expense, latest_verdicts
from holp.model.coerce import iso
from holp.output import cents, money_plain
from holp.pipeline import probability, weighted
from holp.repo import Repository
from holp.workbook import Sheet

TABLES: dict[str, tuple[str, ...]] = {
    "projects": ("id", "name", "customer", "owner", "region", "business_line", "stage", "amount", "probability",
                 "weighted", "expected_close", "lost_reason", "source", "path", "cost", "margin", "gross_profit"),
    "customers": ("id", "name", "industry", "region", "owner", "credit", "class", "source", "path"),
    "contacts": ("customer", "name", "title", "department", "role", "stance", "influence", "personality",
                 "closeness", "trust"),
    "visits": ("project", "date", "by", "met", "purpose", "policy", "personnel", "needs", "activities", "next_step",
               "next_step_due"),
    "payments": ("project", "due", "amount", "received", "received_amount", "payment", "kind", "invoiced",
                 "collector", "paid", "outstanding", "note"),
    "receipts": ("project", "payment", "receipt", "date", "amount", "note"),
    "collection_actions": ("project", "payment", "action", "date", "kind", "by", "note"),
    "service": ("project", "index", "date", "kind", "from", "severity", "summary", "owner", "due", "resolved",
                "resolution", "satisfaction", "note"),
    "warranty": ("project", "issued", "until", "certificate", "note"),
    "risks": ("project", "index", "kind", "kind_label", "level", "note", "mitigation", "owner", "reviewed"),
    "transitions": ("project", "from", "to", "commit", "author", "email", "date", "rep", "note", "reason"),
    "summaries": ("project", "date", "went_well", "went_wrong", "lessons", "savings_kwh", "savings_amount",
                  "payback_years", "note"),
    "cases": ("project", "reference_allowed", "site_visit_allowed", "contact", "highlights"),
    "tasks": ("record", "index", "what", "who", "start", "due", "done", "note"),
    "approvals": ("project", "index", "item", "by", "date", "verdict", "standing", "note"),
    "expenses": ("project", "customer", "index", "date", "kind", "amount", "by", "approved_by", "note"),
}
MONEY = frozenset(["amount", "weighted", "received_amount", "paid", "outstanding", "savings_amount", "cost",
                   "gross_profit"])
# what a workbook writes as dates, shares (0.35, shown 35.0%) and numbers; the rest is text, as in CSV
DATES = frozenset(["due", "received", "invoiced", "expected_close", "date", "issued", "until", "reviewed", "start",
                   "done", "next_step_due", "resolved"])  # transitions' date is a commit's time: it stays ISO text
SHARES = frozenset(["probability", "margin"])
NUMBERS = frozenset(["index", "payment", "receipt", "action", "satisfaction", "closeness", "trust", "savings_kwh",
                     "payback_years"])


def _money(value: Decimal | None) -> str | None:
    return money_plain(value) if value is not None else None


_day = iso


def _flag(value: bool | None) -> str | None:
    """A yes/no as the file writes it (the same text in CSV, JSON Lines and SQLite)."""
    return None if value is None else "true" if value else "false"


# -- sources and expenses (销售费用) --------------------------------------------------------------


def _source(repo: Repository, project: Project) -> str | None:
    """A project's source as reports count it: its own, else its customer's."""
    customer = repo.customer_of(project)
    return project.source or (customer.source if customer else None)


def _expenses(project: str | None, customer: str | None,
              expenses: tuple[Expense, ...]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The `expenses` rows of a project (its customer named too) or of a customer (no project), 1-based."""
    for index, e in enumerate(expenses, 1):
        yield "expenses", {"project": project, "customer": customer, "index": index, "date": _day(e.date),
                           "kind": e.kind, "amount": _money(e.amount), "by": e.by, "approved_by": e.approved_by,
                           "note": e.note}


def rows(repo: Repository, history: History | None, team: Team) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table, record) for every record of the repository."""
    for p in sorted(repo.projects.values(), key=lambda p: p.id):
        if (PROJECTS, p.id) in repo.duplicates:
            continue  # which copy holds the truth is for a person to say: neither is exported
        yield "projects", {
            "id": p.id, "name": p.name, "customer": p.customer, "owner": p.owner, "region": repo.region_of(p),
            "business_line": p.business_line, "stage": p.stage,
            "amount": money_plain(p.amount) if p.amount is not None else None,
            "probability": str(probability(repo.process, p)),
            "weighted": money_plain(weighted(repo.process, p)),
            "expected_close": p.expected_close.isoformat() if p.expected_close else None,
            "lost_reason": p.lost_reason, "source": _source(repo, p), "path": p.path,
            "cost": _money(p.cost), "margin": str(p.margin) if p.margin is not None else None,
            "gross_profit": _money(p.gross_profit),
        }
        for v in p.visits:
            findings = plain(v.findings) if v.findings else {}
            yield "visits", {"project": p.id, "date": _day(v.date), "by": "; ".join(v.by), "met": "; ".join(v.met),
                             "purpose": v.purpose, **{k: findings.get(k) for k in ("policy", "personnel", "needs",
                                                                                   "activities")},
                             "next_step": v.next_step, "next_step_due": _day(v.next_step_due)}
        if p.summary is not None:
            s = p.summary
            yield "summaries", {"project": p.id, "date": _day(s.date), "went_well": s.went_well,
                                "went_wrong": s.went_wrong, "lessons": s.lessons,
                                "savings_kwh": str(s.savings_kwh) if s.savings_kwh is not None else None,
                                "savings_amount": _money(s.savings_amount),
                                "payback_years": str(s.payback_years) if s.payback_years is not None else None,
                                "note": s.note}
        if p.case is not None:
            yield "cases", {"project": p.id, "reference_allowed": _flag(p.case.reference_allowed),
                            "site_visit_allowed": _flag(p.case.site_visit_allowed), "contact": p.case.contact,
                            "highlights": p.case.highlights}
        for n, pay in enumerate(p.payments, 1):
            yield "payments", {"project": p.id, "due": _day(pay.due), "amount": _money(pay.amount),
                               "received": _day(pay.received), "received_amount": _money(pay.received_amount),
                               "payment": n, "kind": pay.kind, "invoiced": _day(pay.invoiced),
                               "collector": pay.collector, "paid": _money(pay.paid),
                               "outstanding": _money(pay.outstanding), "note": pay.note}
            for i, (day, amount, note) in enumerate(receipts(pay), 1):
                yield "receipts", {"project": p.id, "payment": n, "receipt": i, "date": _day(day),
                                   "amount": _money(amount), "note": note}
            for i, action in enumerate(pay.actions, 1):
                yield "collection_actions", {"project": p.id, "payment": n, "action": i, "date": _day(action.date),
                                             "kind": action.kind, "by": action.by, "note": action.note}
        for index, item in enumerate(p.service, start=1):
            yield "service", {"project": p.id, "index": index, "date": _day(item.date), "kind": item.kind,
                              "from": item.from_, "severity": item.severity, "summary": item.summary,
                              "owner": item.owner, "due": _day(item.due), "resolved": _day(item.resolved),
                              "resolution": item.resolution, "satisfaction": item.satisfaction, "note": item.note}
        if p.warranty is not None:
            yield "warranty", {"project": p.id, "issued": _day(p.warranty.issued), "until": _day(p.warranty.until),
                               "certificate": p.warranty.certificate, "note": p.warranty.note}
        for i, risk in enumerate(p.risks, 1):
            yield "risks", {"project": p.id, "index": i, "kind": risk.kind,
                            "kind_label": repo.process.choice_label(repo.process.risk_kinds, risk.kind or "",
                                                                    repo.process.language),
                            "level": risk.level, "note": risk.note, "mitigation": risk.mitigation,
                            "owner": risk.owner, "reviewed": _day(risk.reviewed)}
        standing = latest_verdicts(p.approvals)
        for i, approval in enumerate(p.approvals, 1):
            yield "approvals", {"project": p.id, "index": i, "item": approval.item, "by": approval.by,
                                "date": _day(approval.date), "verdict": approval.verdict,
                                "standing": _flag(approval in standing), "note": approval.note}
        yield from _expenses(p.id, p.customer, p.expenses)
    for c in sorted(repo.customers.values(), key=lambda c: c.id):
        if (CUSTOMERS, c.id) in repo.duplicates:
            continue
        yield "customers", {"id": c.id, "name": c.name, "industry": c.industry, "region": c.region,
                            "owner": c.owner, "credit": c.credit, "class": c.class_, "source": c.source,
                            "path": c.path}
        yield from _expenses(None, c.id, c.expenses)
        for k in c.contacts:
            yield "contacts", {"customer": c.id, "name": k.name, "title": k.title, "department": k.department,
                               "role": k.role, "stance": k.stance, "influence": k.influence,
                               "personality": k.personality, "closeness": k.closeness, "trust": k.trust}
    holders: list[Project | Customer] = [*sorted(repo.projects.values(), key=lambda p: p.id),
                                         *sorted(repo.customers.values(), key=lambda c: c.id)]
    for holder in holders:  # tasks: the projects' then the customers'
        if ((PROJECTS if isinstance(holder, Project) else CUSTOMERS), holder.id) in repo.duplicates:
            continue
        for index, task in enumerate(holder.tasks, start=1):
            yield "tasks", {"record": holder.id, "index": index, "what": task.what, "who": task.who,
                            "start": _day(task.start), "due": _day(task.due), "done": _day(task.done),
                            "note": task.note}
    for t in history.transitions if history else []:
        if t.field == "stage":
            record = t.as_dict(team)
            yield "transitions", {key: record[key] for key in TABLES["transitions"]}


def by_table(records: Iterator[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The records of each table, every table present (empty ones too), in TABLES' order."""
    found: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for table, record in records:
        found[table].append(record)
    return found


def sheets(tables: dict[str, list[dict[str, Any]]]) -> list[Sheet]:
    """One workbook sheet per table, named as the table, the columns of its CSV file."""
    found = []
    for table, items in tables.items():
        columns = TABLES[table]
        kinds = ["money" if c in MONEY else "date" if c in DATES else "percent" if c in SHARES
                 else "number" if c in NUMBERS else "text" for c in columns]
        found.append(Sheet(table, columns, [[item.get(c) for c in columns] for item in items], kinds))
    return found


def write_sqlite(path: str, records: Iterator[tuple[str, dict[str, Any]]]) -> None:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        for table, columns in TABLES.items():
            extra = [f'"{c}_cents" INTEGER' for c in columns if c in MONEY]
            db.execute(f'CREATE TABLE "{table}" ({", ".join(f"{chr(34)}{c}{chr(34)} TEXT" for c in columns)}'
                       f'{", " if extra else ""}{", ".join(extra)})')
        for table, record in records:
            columns = TABLES[table]
            values = [record.get(c) for c in columns]
            values += [int(cents(Decimal(record[c])) * 100) if record.get(c) is not None else None
                       for c in columns if c in MONEY]
            names = [*columns, *(f"{c}_cents" for c in columns if c in MONEY)]
            db.execute(f'INSERT INTO "{table}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
                       f"VALUES ({', '.join('?' * len(names))})", [None if v is None else v for v in values])
        db.commit()
    finally:
        db.close()
