"""Stage moves: which moves are legal, decided from the process alone.

A move is planned here as a `Move` value (or refused with a `HolpError`)
before anything is written; `holp.change` then edits the file and commits.
The rules: leaving a stage forward needs its exit gate met; a skip needs
``--force`` and a reason, as does leaving with the gate unmet; moving
back needs a reason; a deal is lost from any stage before ``won_from`` with a
configured reason, and only a lost deal can be reopened.
"""

from __future__ import annotations

from dataclasses import dataclass

from holp.errors import FAILED, HolpError
from holp.gates import GateStatus, gate
from holp.model import LOST, Customer, Process, Project

FORWARD, SKIP, BACKWARD, WON, LOST_MOVE, REOPEN = "forward", "skip", "backward", "won", "lost", "reopen"


@dataclass(frozen=True)
class Move:
    project: Project
    source: str
    target: str
    kind: str
    reason: str | None = None
    note: str | None = None
    forced: bool = False


def _missing(status: GateStatus, lang: str) -> str:
    return "\n".join(f"  ✗ {s.item.text.get(lang)} ({s.item.id})" for s in status.missing)


def _require_stage(process: Process, stage_id: str, option: str) -> int:
    stage = process.stage(stage_id)
    if stage is None:
        raise HolpError(f"{option} {stage_id}: no such stage (the stages are: {', '.join(process.stage_ids)})")
    return stage.index


def _check_gate(process: Process, project: Project, customer: Customer | None, *, force: bool, reason: str | None,
                lang: str, target: str) -> bool:
    """True when the gate was forced open; raises when it is unmet and not forced."""
    stage = process.stage(project.stage)
    assert stage is not None
    status = gate(stage, project, customer)
    if status.met:
        return False
    if force and reason:
        return True
    count = len(status.missing)
    raise HolpError(
        f"{project.id} cannot leave {stage.label.get(lang)} for {process.stage_label(target, lang)}: "
        f"{count} of {len(status.items)} checklist item{'s' if len(status.items) != 1 else ''} "
        f"{'is' if count == 1 else 'are'} not met\n{_missing(status, lang)}\n"
        f"tick them (holp tick {project.id} ITEM) or pass --force --reason R", FAILED)


def plan_advance(process: Process, project: Project, customer: Customer | None, *, to: str | None = None,
                 force: bool = False, reason: str | None = None, note: str | None = None, lang: str = "zh") -> Move:
    if force and not reason:
        raise HolpError("--force needs --reason: say why the gate is passed over; it is recorded for review")
    if project.stage == LOST:
        raise HolpError(f"{project.id} is closed lost: `holp reopen {project.id} --to STAGE --reason R` first", FAILED)
    current = process.stage(project.stage)
    if current is None:
        raise HolpError(f"{project.id} is at unknown stage '{project.stage}': run holp validate", FAILED)
    if to is None:
        following = process.next_stage(current.id)
        if following is None:
            raise HolpError(f"{project.id} is at {current.label.get(lang)}, the last stage", FAILED)
        target_index = following.index
    else:
        target_index = _require_stage(process, to, "--to")
    target = process.stages[target_index].id
    if target_index == current.index:
        raise HolpError(f"{project.id} is already at {current.label.get(lang)}")
    if target_index < current.index:
        if not reason:
            raise HolpError(f"moving {project.id} back to {process.stage_label(target, lang)} needs --reason R",
                            FAILED)
        return Move(project, current.id, target, BACKWARD, reason, note)
    if target_index > current.index + 1 and not (force and reason):
        skipped = ", ".join(s.label.get(lang) for s in process.stages[current.index + 1:target_index])
        raise HolpError(f"{project.id}: moving to {process.stage_label(target, lang)} skips {skipped}; "
                        "a skip needs --force --reason R", FAILED)
    forced = _check_gate(process, project, customer, force=force, reason=reason, lang=lang, target=target)
    kind = SKIP if target_index > current.index + 1 else FORWARD
    return Move(project, current.id, target, kind, reason, note, forced or kind == SKIP)


def plan_won(process: Process, project: Project, customer: Customer | None, *, reason: str, force: bool = False,
             note: str | None = None, lang: str = "zh") -> Move:
    if project.stage == LOST:
        raise HolpError(f"{project.id} is closed lost: reopen it first", FAILED)
    current = process.stage(project.stage)
    if current is None:
        raise HolpError(f"{project.id} is at unknown stage '{project.stage}': run holp validate", FAILED)
    if process.is_won(current.id):
        raise HolpError(f"{project.id} is already won ({current.label.get(lang)})", FAILED)
    won = process.stage(process.won_from)
    assert won is not None
    if won.index > current.index + 1 and not force:
        skipped = ", ".join(s.label.get(lang) for s in process.stages[current.index + 1:won.index])
        raise HolpError(f"{project.id}: closing won from {current.label.get(lang)} skips {skipped}; "
                        "a skip needs --force (the reason is recorded)", FAILED)
    forced = _check_gate(process, project, customer, force=force, reason=reason, lang=lang, target=process.won_from)
    return Move(project, current.id, process.won_from, WON, reason, note, forced or won.index > current.index + 1)


def plan_lost(process: Process, project: Project, *, reason: str, note: str | None = None, lang: str = "zh") -> Move:
    reasons = [c.id for c in process.lost_reasons]
    if reason not in reasons:
        raise HolpError(f"--reason {reason}: not a lost reason of holp.yaml (one of: {', '.join(reasons)})")
    if project.stage == LOST:
        raise HolpError(f"{project.id} is already closed lost", FAILED)
    if process.stage(project.stage) is None:
        raise HolpError(f"{project.id} is at unknown stage '{project.stage}': run holp validate", FAILED)
    if not process.is_open(project.stage):
        raise HolpError(f"{project.id} is at {process.stage_label(project.stage, lang)}: a won deal cannot be lost",
                        FAILED)
    return Move(project, project.stage, LOST, LOST_MOVE, reason, note)


def plan_reopen(process: Process, project: Project, *, to: str, reason: str, note: str | None = None) -> Move:
    if project.stage != LOST:
        raise HolpError(f"{project.id} is not closed lost (it is at {project.stage}); only a lost deal is reopened",
                        FAILED)
    index = _require_stage(process, to, "--to")
    if index >= process.won_index:
        raise HolpError(f"--to {to}: a reopened deal goes back to an open stage, before {process.won_from}", FAILED)
    return Move(project, LOST, to, REOPEN, reason, note)
