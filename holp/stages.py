"""Stage moves: what kind a move is and whether it is legal, written once for `advance`, `review` and reports.

`classify` names a move from the process alone (new, forward, skip, back,
lost, reopen, or unknown) and whether it crosses into the won stages;
`judge` says what makes it illegal and what a reviewer should look at: a
new project starts at the first stage; leaving a stage forward needs its
exit gate met or a forced move with a reason (flagged); a skip, a move back
and a reopening carry a reason; a reopened deal goes back to an open stage;
a lost deal records a configured lost reason. `advance`, `close` and
`reopen` plan a `Move` with these rules before anything is written (and say
it in the command's words); `review` judges each committed move with the
same function, so a move holp plans is always legal for review.
"""

from __future__ import annotations

from dataclasses import dataclass

from holp.approvers import takes_approval
from holp.errors import FAILED, HolpError
from holp.gates import GateStatus, gate
from holp.model import LOST, Customer, Process, Project
from holp.output import checklist_line

NEW, FORWARD, SKIP, BACKWARD, LOST_MOVE, REOPEN, UNKNOWN = "new", "forward", "skip", "back", "lost", "reopen", "unknown"
WON = "won"  # a close: forward or a skip into the won stages (its Move.kind; `Kind.won` says it of any move)


@dataclass(frozen=True)
class Kind:
    """What a move from ``source`` to ``target`` is, by the process alone."""

    name: str  # NEW, FORWARD, SKIP, BACKWARD, LOST_MOVE, REOPEN or UNKNOWN
    skipped: tuple[str, ...] = ()  # the stages a skip passes over
    won: bool = False  # it enters the won stages from an open one (or from lost)


def classify(process: Process, source: str | None, target: str | None) -> Kind:
    if source is None:
        return Kind(NEW)
    if target == LOST:
        return Kind(LOST_MOVE) if source == LOST or process.stage(source) else Kind(UNKNOWN)
    to = process.stage(target or "")
    if to is None:
        return Kind(UNKNOWN)
    won = process.is_won(to.id) and not process.is_won(source)
    if source == LOST:
        return Kind(REOPEN, won=won)
    start = process.stage(source)
    if start is None:
        return Kind(UNKNOWN)
    if to.index < start.index:
        return Kind(BACKWARD)
    if to.index > start.index + 1:
        return Kind(SKIP, tuple(s.id for s in process.stages[start.index + 1:to.index]), won)
    return Kind(FORWARD, won=won)


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    problems: tuple[tuple[str, str], ...]  # (code, what makes it illegal)
    flags: tuple[str, ...]  # legal, but a reviewer should look

    @property
    def legal(self) -> bool:
        return not self.problems


def judge(process: Process, source: str | None, target: str | None, *, reason: str | None, forced: bool,
          gate_status: GateStatus | None, lost_reason: str | None) -> Verdict:
    """Whether a move is legal: the one rule for planning a move and for reviewing it.

    ``gate_status`` is the source stage's gate in the file as moved (None when it cannot be judged);
    ``lost_reason`` the reason the file records for a loss.
    """
    kind = classify(process, source, target)
    problems: list[tuple[str, str]] = []
    flags: list[str] = []
    first = process.stages[0].id
    if kind.name == NEW:
        if target != first:
            problems.append(("first-stage", f"a new project starts at {first}, not {target}"))
    elif kind.name == UNKNOWN:
        unknown = target if target != LOST and process.stage(target or "") is None else source
        problems.append(("unknown-stage", f"{unknown} is not a stage of holp.yaml"))
    elif kind.name == LOST_MOVE:
        configured = [c.id for c in process.lost_reasons]
        if lost_reason not in configured:
            problems.append(("lost-reason", f"lost without a configured reason ({', '.join(configured)}) in the file"))
    elif kind.name == REOPEN:
        if not reason:
            problems.append(("reason", "reopened without a Holp-Reason"))
        if not process.is_open(target or ""):
            problems.append(("reopen-open", f"reopened to {target}: a reopened deal goes back to an open stage, "
                                            f"before {process.won_from}"))
    elif kind.name == BACKWARD:
        if not reason:
            problems.append(("reason", "moved back without a Holp-Reason"))
    else:
        if kind.name == SKIP:
            if reason:
                flags.append(f"skipped {len(kind.skipped)} stage(s): {reason}")
            else:
                problems.append(("skip", f"skipped {', '.join(kind.skipped)} without a Holp-Reason"))
        if gate_status is not None and not gate_status.met:
            missing = ", ".join(s.item.id for s in gate_status.missing)
            if forced and reason:
                flags.append(f"forced past an unmet gate ({missing}): {reason}")
            else:
                problems.append(("gate", f"left {source} with its gate unmet: {missing}"))
    return Verdict(kind, tuple(problems), tuple(flags))


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
    return "\n".join(checklist_line(s, lang) for s in status.missing)


def _require_stage(process: Process, stage_id: str, option: str) -> int:
    stage = process.stage(stage_id)
    if stage is None:
        raise HolpError(f"{option} {stage_id}: no such stage (the stages are: {', '.join(process.stage_ids)})")
    return stage.index


def _refuse_gate(process: Process, project: Project, status: GateStatus, lang: str, target: str) -> HolpError:
    stage = status.stage
    count = len(status.missing)
    return HolpError(
        f"{project.id} cannot leave {stage.label.get(lang)} for {process.stage_label(target, lang)}: "
        f"{count} of {len(status.items)} checklist item{'s' if len(status.items) != 1 else ''} "
        f"{'is' if count == 1 else 'are'} not met\n{_missing(status, lang)}\n"
        + "".join(f"{s.item.id} is approved by the region's manager or a director: holp approve {project.id} "
                  f"{s.item.id}\n" for s in status.missing if takes_approval(s.item))
        + f"tick them (holp tick {project.id} ITEM) or pass --force --reason R", FAILED)


def _skips(process: Process, project: Project, kind: Kind, target: str, lang: str, *, closing: bool) -> HolpError:
    skipped = ", ".join(process.stage_label(s, lang) for s in kind.skipped)
    if closing:
        return HolpError(f"{project.id}: closing won from {process.stage_label(project.stage, lang)} skips {skipped}; "
                         "a skip needs --force (the reason is recorded)", FAILED)
    return HolpError(f"{project.id}: moving to {process.stage_label(target, lang)} skips {skipped}; "
                     "a skip needs --force --reason R", FAILED)


def _judged(process: Process, project: Project, customer: Customer | None, target: str, *, force: bool,
            reason: str | None, lang: str, closing: bool = False) -> Verdict:
    """The move judged as review will judge it, refused here in the command's words when illegal.

    The command asks one thing more than review: a skip is made only with --force, so that nobody skips by
    accident.
    """
    stage = process.stage(project.stage)
    status = gate(process, stage, project, customer) if stage is not None and target != LOST else None
    verdict = judge(process, project.stage, target, reason=reason, forced=force, gate_status=status,
                    lost_reason=reason if target == LOST else None)
    codes = {code for code, _ in verdict.problems}
    if "skip" in codes or (verdict.kind.name == SKIP and not force):
        raise _skips(process, project, verdict.kind, target, lang, closing=closing)
    if "gate" in codes and status is not None:
        raise _refuse_gate(process, project, status, lang, target)
    if "reason" in codes:
        raise HolpError(f"moving {project.id} back to {process.stage_label(target, lang)} needs --reason R", FAILED)
    if "reopen-open" in codes:
        raise HolpError(f"--to {target}: a reopened deal goes back to an open stage, before {process.won_from}",
                        FAILED)
    if verdict.problems:  # pragma: no cover - what the commands check before planning leaves no other problem
        raise HolpError(f"{project.id}: {verdict.problems[0][1]}", FAILED)
    return verdict


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
        target = following.id
    else:
        target = process.stages[_require_stage(process, to, "--to")].id
    if target == current.id:
        raise HolpError(f"{project.id} is already at {current.label.get(lang)}")
    verdict = _judged(process, project, customer, target, force=force, reason=reason, lang=lang)
    return Move(project, current.id, target, verdict.kind.name, reason, note, bool(verdict.flags))


def plan_won(process: Process, project: Project, customer: Customer | None, *, reason: str, force: bool = False,
             note: str | None = None, lang: str = "zh") -> Move:
    if project.stage == LOST:
        raise HolpError(f"{project.id} is closed lost: reopen it first", FAILED)
    current = process.stage(project.stage)
    if current is None:
        raise HolpError(f"{project.id} is at unknown stage '{project.stage}': run holp validate", FAILED)
    if process.is_won(current.id):
        raise HolpError(f"{project.id} is already won ({current.label.get(lang)})", FAILED)
    verdict = _judged(process, project, customer, process.won_from, force=force, reason=reason, lang=lang,
                      closing=True)
    return Move(project, current.id, process.won_from, WON, reason, note, bool(verdict.flags))


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
    _judged(process, project, None, LOST, force=False, reason=reason, lang=lang)
    return Move(project, project.stage, LOST, LOST_MOVE, reason, note)


def plan_reopen(process: Process, project: Project, *, to: str, reason: str, note: str | None = None) -> Move:
    if project.stage != LOST:
        raise HolpError(f"{project.id} is not closed lost (it is at {project.stage}); only a lost deal is reopened",
                        FAILED)
    target = process.stages[_require_stage(process, to, "--to")].id
    _judged(process, project, None, target, force=False, reason=reason, lang=process.language)
    return Move(project, LOST, target, REOPEN, reason, note)
