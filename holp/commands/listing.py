from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import click

from holp import labels as labelling
from holp import repo as repository
from holp.errors import HolpError
from holp.evaluation import evaluate
from holp.model import LOST, Project
from holp.output import money, money_plain, table
from holp.pipeline import weighted


def select(repo: repository.Repository, *, stages: tuple[str, ...] = (), owners: tuple[str, ...] = (),
           regions: tuple[str, ...] = (), lines: tuple[str, ...] = (),
           customers: tuple[str, ...] = ()) -> list[Project]:
    """Projects matching every given filter; within one filter, any value. 'open' and 'won' name groups."""
    process = repo.process

    def stage_ok(project: Project) -> bool:
        if not stages:
            return True
        return any(
            project.stage == s
            or (s == "open" and process.is_open(project.stage))
            or (s == "won" and process.is_won(project.stage))
            for s in stages
        )

    return [
        p for p in sorted(repo.projects.values(), key=lambda p: p.id)
        if stage_ok(p)
        and (not owners or p.owner in owners)
        and (not regions or repo.region_of(p) in regions)
        and (not lines or p.business_line in lines)
        and (not customers or p.customer in customers)
    ]


def run(root: Path, *, stages: tuple[str, ...], owners: tuple[str, ...], regions: tuple[str, ...],
        lines: tuple[str, ...], customers: tuple[str, ...], fmt: str, lang: str | None) -> int:
    repo = repository.load(root)
    process = repo.process
    lang = lang or process.language
    filters = (
        ("stage", stages, {*process.stage_ids, LOST, "open", "won"}),
        ("owner", owners, {r.id for r in repo.team.reps}),
        ("region", regions, {r.id for r in repo.team.regions}),
        ("line", lines, {c.id for c in process.business_lines}
         or {p.business_line for p in repo.projects.values() if p.business_line}),
        ("customer", customers, set(repo.customers)),
    )
    for name, given, known in filters:
        unknown = [value for value in given if value not in known]
        if unknown:
            raise HolpError(f"unknown {name} {unknown[0]}; use one of: {', '.join(sorted(str(k) for k in known))}")
    projects = select(repo, stages=stages, owners=owners, regions=regions, lines=lines, customers=customers)
    if fmt == "json":
        click.echo(json.dumps([_record(repo, p) for p in projects], ensure_ascii=False, indent=2))
        return 0
    if fmt == "csv":
        out = io.StringIO()
        records = [_record(repo, p) for p in projects]
        writer = csv.DictWriter(out, fieldnames=list(_record_keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        click.echo(out.getvalue(), nl=False)
        return 0
    label = labelling.load(lang, root)
    rows = []
    for p in projects:
        customer = repo.customer_of(p)
        owner = repo.team.rep(p.owner) if p.owner else None
        region = repo.team.region(repo.region_of(p) or "")
        rows.append([
            p.id, p.name, customer.name if customer else p.customer, owner.name if owner else p.owner,
            region.label.get(lang) if region else repo.region_of(p),
            process.choice_label(process.business_lines, p.business_line or "", lang),
            process.stage_label(p.stage, lang), money(p.amount), p.expected_close,
        ])
    headers = [label(k) for k in ("id", "project", "customer", "owner", "region", "business_line", "stage",
                                  "amount", "expected_close")]
    if rows:
        click.echo(table(rows, headers, ["left"] * 7 + ["right", "left"]))
    total = sum((p.amount or Decimal(0) for p in projects), start=Decimal(0))
    click.echo(f"{len(projects)} project{'s' if len(projects) != 1 else ''}, {money(total)} {process.currency}"
               if projects else "no projects match")
    return 0


def _record_keys() -> tuple[str, ...]:
    return ("id", "name", "customer", "owner", "region", "business_line", "stage", "amount", "weighted", "grade",
            "expected_close", "path")


def _record(repo: repository.Repository, p: Project) -> dict[str, object]:
    return {
        "id": p.id,
        "name": p.name,
        "customer": p.customer,
        "owner": p.owner,
        "region": repo.region_of(p),
        "business_line": p.business_line,
        "stage": p.stage,
        "amount": money_plain(p.amount) if p.amount is not None else None,
        "weighted": money_plain(weighted(repo.process, p)),
        "grade": evaluate(repo.process, p).grade,
        "expected_close": p.expected_close.isoformat() if p.expected_close else None,
        "path": p.path,
    }
