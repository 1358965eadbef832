"""`holp pay`: record money received against a payment of the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from holp import edit
from holp.change import Change, apply
from holp.clock import date_or_today
from holp.collection import amount_option, as_written, payment_index
from holp.commands import print_applied
from holp.errors import FAILED, HolpError
from holp.model import Project
from holp.output import money
from holp.repo import Repository


def run(root: Path, project_id: str, *, amount: str, date: str | None, payment: int | None, dry_run: bool,
        commit: bool, branch: str | None) -> int:
    value = amount_option(amount)
    day = date_or_today(date)

    def plan(repo: Repository, project: Project) -> Change:
        i = payment_index(project, payment)
        due = project.payments[i]
        n = i + 1
        if due.outstanding <= 0:
            raise HolpError(f"payment {n} of {project.id} is received in full: nothing is outstanding", FAILED)
        if value > due.outstanding:
            raise HolpError(f"{money(value)} is more than what is outstanding on payment {n} of {project.id} "
                            f"({money(due.outstanding)} of {money(due.amount)}): nothing written", FAILED)
        if due.invoiced is not None and day < due.invoiced:
            raise HolpError(f"payment {n} of {project.id} was invoiced on {due.invoiced}: it cannot be received on "
                            f"{day}", FAILED)
        first = due.received is None and due.received_amount is None and not due.receipts
        written = day.isoformat()

        def textual(source: edit.Source) -> str:
            source = edit.unfold(source, ["payments", i])  # a one-line payment gets the new keys on lines of their own
            if first:
                text = edit.set_value(source, ["payments", i, "received"], written)
                return edit.set_value(edit.Source(source.path, source.bom, text),
                                      ["payments", i, "received_amount"], as_written(value))
            return edit.append_nested(source, ["payments", i], "receipts",
                                      [("date", written), ("amount", as_written(value))])

        def expect(data: Any) -> None:
            item = data["payments"][i]
            if first:
                item["received"] = written
                item["received_amount"] = as_written(value)
            else:
                if not isinstance(item.get("receipts"), list):
                    item["receipts"] = []
                item["receipts"].append({"date": written, "amount": as_written(value)})

        left = due.outstanding - value
        return Change(
            subject=f"{project.id}: received {money(value)} on payment {n} ({written})",
            textual=textual,
            expect=expect,
            trailers=[("Holp-Project", project.id), ("Holp-Payment", str(n))],
            note=f"outstanding on payment {n}: {money(left)}" if left > 0 else f"payment {n} received in full",
            branch=f"payment-{n}-{written}",
        )

    return print_applied(apply(root, project_id, plan, commit=commit, branch=branch, dry_run=dry_run))
