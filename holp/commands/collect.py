"""`holp collect`: record a step taken to collect an overdue payment (call, letter, visit, legal)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from holp import edit
from holp.change import Change, apply
from holp.clock import date_or_today
from holp.collection import payment_index, receipts
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import Project
from holp.repo import Repository, closest


def run(root: Path, project_id: str, *, action: str, note: str, payment: int | None, date: str | None,
        by: str | None, dry_run: bool, commit: bool, branch: str | None) -> int:
    if not note.strip():
        raise HolpError("--note must say something: what was said or sent, and what the customer promised")
    day = date_or_today(date)

    def plan(repo: Repository, project: Project) -> Change:
        i = payment_index(project, payment, overdue_on=day)
        n = i + 1
        due = project.payments[i]
        paid_by = sum((amount for on, amount, _ in receipts(due) if on is None or on <= day), Decimal(0))
        if due.amount is not None and paid_by >= due.amount:
            raise HolpError(f"payment {n} of {project.id} was received in full by {day}: there is nothing to collect",
                            FAILED)
        reps = repo.team.rep_ids
        who = by or due.collector or project.owner or ""
        if who not in reps and by is None and due.collector:  # the file's, not the command line's
            raise HolpError(f"{project.path}:{due.line}: the collector of payment {n}, {who}, is not a rep in team.yaml"
                            f"{closest(who, reps)}: correct it, or name who took the step with --by", FAILED)
        if who not in reps:
            raise HolpError(f"--by {who}: not a rep in team.yaml{closest(who, reps)}")
        entries = [("date", day.isoformat()), ("kind", action), ("by", who), ("note", note.strip())]

        def expect(data: Any) -> None:
            item = data["payments"][i]
            if not isinstance(item.get("actions"), list):
                item["actions"] = []
            item["actions"].append(dict(entries))

        return Change(
            subject=f"{project.id}: collection {action} on payment {n} ({day.isoformat()})",
            textual=lambda source: edit.append_nested(edit.unfold(source, ["payments", i]), ["payments", i], "actions",
                                                      entries),
            expect=expect,
            trailers=[("Holp-Project", project.id), ("Holp-Payment", str(n)), ("Holp-Action", action)],
            note=note.strip(),
            branch=f"collect-{n}-{action}",
        )

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
