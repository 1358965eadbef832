"""A project's risks as a rep reads them (show, forms, export): high first, kind and level in the rep's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from holp.labels import Labels
from holp.model import Process, Team
from holp.model.coerce import iso
from holp.model.records import LEVELS, Risk


def ordered(risks: Iterable[Risk]) -> list[Risk]:
    """High, medium, low, then any other level; the file's order within a level."""
    return sorted(risks, key=lambda r: LEVELS.index(r.level) if r.level in LEVELS else len(LEVELS))


def records(risks: Iterable[Risk], process: Process, team: Team, label: Labels) -> list[dict[str, Any]]:
    """Each risk with the labels of its kind (holp.yaml) and level (labels.yaml) and its owner's name."""
    found = []
    for r in ordered(risks):
        rep = team.rep(r.owner) if r.owner else None
        found.append({
            "kind": r.kind, "kind_label": process.choice_label(process.risk_kinds, r.kind, label.lang) if r.kind
            else None,
            "level": r.level, "level_label": label(r.level, "levels") if r.level else None,
            "note": r.note, "mitigation": r.mitigation, "owner": r.owner,
            "owner_name": rep.name if rep else r.owner, "reviewed": iso(r.reviewed),
        })
    return found
