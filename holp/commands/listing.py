from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from holp import labels as labelling
from holp import snapshot as snapshots
from holp.commands import echo, not_read, warn_left_out
from holp.errors import HolpError
from holp.evaluation import evaluate_scores
from holp.model import LOST
from holp.output import money, money_plain, table
from holp.pipeline import weighted
from holp.repo import unknown_id
from holp.snapshot import Deal, Snapshot


def select(snap: Snapshot, *, stages: tuple[str, ...] = (), owners: tuple[str, ...] = (),
           regions: tuple[str, ...] = (), lines: tuple[str, ...] = (),
           customers: tuple[str, ...] = (), classes: tuple[str, ...] = (),
           sources: tuple[str, ...] = ()) -> list[Deal]:
    """Projects matching every given filter; within one filter, any value. 'open' and 'won' name groups."""
    process = snap.process

    def stage_ok(deal: Deal) -> bool:
        if not stages:
            return True
        return any(
            deal.stage == s
            or (s == "open" and process.is_open(deal.stage))
            or (s == "won" and process.is_won(deal.stage))
            for s in stages
        )

    return [
        d for d in snap.deals
        if stage_ok(d)
        and (not owners or d.owner in owners)
        and (not regions or snap.region(d) in regions)
        and (not lines or d.business_line in lines)
        and (not customers or d.customer in customers)
        and (not classes or _class_of(snap, d) in classes)
        and (not sources or snap.source(d) in sources)
    ]


def _class_of(snap: Snapshot, deal: Deal) -> str | None:
    account = snap.accounts.get(deal.customer or "")
    return account.class_ if account else None


def run(root: Path, *, stages: tuple[str, ...], owners: tuple[str, ...], regions: tuple[str, ...],
        lines: tuple[str, ...], customers: tuple[str, ...], fmt: str, lang: str | None,
        use_cache: bool = True, classes: tuple[str, ...] = (), sources: tuple[str, ...] = ()) -> int:
    snap = snapshots.load(root, use_cache=use_cache)
    left_out = warn_left_out(snap.problems)
    process = snap.process
    lang = lang or process.language
    filters = (
        ("stage", stages, {*process.stage_ids, LOST, "open", "won"}),
        ("owner", owners, {r.id for r in snap.team.reps}),
        ("region", regions, {r.id for r in snap.team.regions}),
        ("line", lines, {c.id for c in process.business_lines}
         or {d.business_line for d in snap.deals if d.business_line}),
        ("customer", customers, set(snap.accounts)),
        ("source", sources, {c.id for c in process.sources}),
    )
    for name, given, known in filters:
        unknown = [value for value in given if value not in known]
        if unknown and name == "customer":  # too many to list: the closest, as for every id
            raise unknown_id(name, unknown[0], known)
        if unknown:
            raise HolpError(f"unknown {name} {unknown[0]}; use one of: {', '.join(sorted(str(k) for k in known))}")
    deals = select(snap, stages=stages, owners=owners, regions=regions, lines=lines, customers=customers,
                   classes=classes, sources=sources)
    if fmt == "json":
        echo(json.dumps([_record(snap, d) for d in deals], ensure_ascii=False, indent=2))
        return 0
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(_record_keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_record(snap, d) for d in deals)
        echo(out.getvalue(), nl=False)
        return 0
    label = labelling.load(lang, root)
    rows = []
    for d in deals:
        account = snap.accounts.get(d.customer or "")
        owner = snap.team.rep(d.owner) if d.owner else None
        region = snap.team.region(snap.region(d) or "")
        rows.append([
            d.id, d.name, account.name if account else d.customer, owner.name if owner else d.owner,
            region.label.get(lang) if region else snap.region(d),
            process.choice_label(process.business_lines, d.business_line or "", lang),
            process.stage_label(d.stage, lang), money(d.amount), d.expected_close,
        ])
    headers = [label(k) if k != "amount" else f"{label(k)} ({process.currency})"
               for k in ("id", "project", "customer", "owner", "region", "business_line", "stage", "amount",
                         "expected_close")]
    if rows:
        echo(table(rows, headers, ["left"] * 7 + ["right", "left"]))
    total = sum((d.amount or Decimal(0) for d in deals), start=Decimal(0))
    echo((f"{len(deals)} project{'s' if len(deals) != 1 else ''}, {money(total)} {process.currency}"
          if deals else "no projects match") + not_read(left_out))
    return 0


def _record_keys() -> tuple[str, ...]:
    return ("id", "name", "customer", "owner", "region", "business_line", "stage", "amount", "weighted", "grade",
            "expected_close", "path")


def _record(snap: Snapshot, d: Deal) -> dict[str, object]:
    return {
        "id": d.id,
        "name": d.name,
        "customer": d.customer,
        "owner": d.owner,
        "region": snap.region(d),
        "business_line": d.business_line,
        "stage": d.stage,
        "amount": money_plain(d.amount) if d.amount is not None else None,
        "weighted": money_plain(weighted(snap.process, d)),
        "grade": evaluate_scores(snap.process, d.assessment).grade,
        "expected_close": d.expected_close.isoformat() if d.expected_close else None,
        "path": d.path,
    }
