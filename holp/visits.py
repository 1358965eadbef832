"""A visit as lines of YAML, what it does to the customer's key persons (closeness, trust up or down), and
where a visit form the rep typed is kept while it cannot be recorded (a draft)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from holp import edit, git, yaml
from holp.change import FileEdit
from holp.errors import HolpError
from holp.files import write_atomic
from holp.model import Customer

FINDINGS = ("policy", "personnel", "needs", "activities")
TRENDS = {"up": 1, "down": -1, "same": 0}


def _flow_list(values: list[str]) -> str:
    return "[" + ", ".join(edit.flow_scalar(v) for v in values) + "]"


def visit_lines(visit: Mapping[str, Any]) -> list[str]:
    """The visit as a block list item, keys in the order a rep reads them."""
    lines = [f"- date: {visit['date']}"]
    by = visit["by"] if isinstance(visit["by"], list) else [visit["by"]]
    lines.append(f"  by: {_flow_list(by) if len(by) > 1 else yaml.scalar(by[0])}")
    if visit.get("met"):
        lines.append(f"  met: {_flow_list(visit['met'])}")
    if visit.get("purpose"):
        lines.append(f"  purpose: {yaml.scalar(visit['purpose'])}")
    findings = {k: v for k, v in (visit.get("findings") or {}).items() if v}
    if findings:
        lines.append("  findings:")
        lines += [f"    {k}: {yaml.scalar(v)}" for k, v in findings.items()]
    if visit.get("changes"):
        lines.append("  changes:")
        for change in visit["changes"]:
            parts = ", ".join(f"{k}: {edit.flow_scalar(v)}" for k, v in change.items())
            lines.append(f"    - {{{parts}}}")
    if visit.get("next_step"):
        lines.append(f"  next_step: {yaml.scalar(visit['next_step'])}")
    if visit.get("next_step_due"):
        lines.append(f"  next_step_due: {visit['next_step_due']}")
    return lines


def contact_edits(customer_root: Path, customer: Customer, changes: list[Mapping[str, Any]]) -> FileEdit | None:
    """Closeness and trust moved one step (within 1–5) for each key person the visit changed."""
    source = edit.Source.of(customer.path, (customer_root / customer.path).read_bytes())
    index: dict[str, int] = {}
    for contact in customer.contacts:  # the contact's place in the file, found by its line: never another's
        found = edit.item_index(source, "contacts", contact.line)
        if found is not None:
            index.setdefault(contact.name, found)
    by_name = {c.name: c for c in customer.contacts}
    steps: list[tuple[int, str, int]] = []
    for change in changes:
        name = change.get("contact")
        if name not in index:
            raise HolpError(f"{name} is not a key person of {customer.id} ({customer.name}): add them to "
                            f"{customer.path} first")
        i = index[name]
        for field in ("closeness", "trust"):
            delta = TRENDS.get(str(change.get(field, "same")), 0)
            if delta:
                current = getattr(by_name[name], field)
                current = current if current is not None else 3
                steps.append((i, field, min(5, max(1, current + delta))))
    if not steps:
        return None

    def textual(source: edit.Source) -> str:
        for i, field, value in steps:
            source = edit.Source(source.path, source.bom, edit.set_value(source, ["contacts", i, field], value))
        return source.text

    def expect(data: Any) -> None:
        for i, field, value in steps:
            data["contacts"][i][field] = value

    return FileEdit(customer.path, textual, expect)


@dataclass(frozen=True)
class Draft:
    """A visit form the rep typed that was not recorded: under git's common folder, so it is never committed (nor
    seen by `git status`); outside git under the repository's `.holp/drafts/`."""

    path: Path
    in_git: bool

    def read(self) -> str | None:
        try:
            return self.path.read_bytes().decode("utf-8", "replace")
        except (FileNotFoundError, NotADirectoryError):
            return None

    def save(self, text: str) -> None:
        write_atomic(self.path, text.encode("utf-8"))

    def drop(self) -> None:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            self.path.unlink()


def draft(root: Path, project_id: str) -> Draft:
    name = f"{project_id.replace('/', '_')}.visit.yaml"
    found = git.common_dir(root)
    if found is not None:
        return Draft(found / "holp" / "drafts" / name, True)
    return Draft(root / ".holp" / "drafts" / name, False)
