from __future__ import annotations

import json
from pathlib import Path

from holp import labels as labelling
from holp import repo as repository
from holp.approvers import takes_approval
from holp.commands import echo, warn_left_out
from holp.gates import gate
from holp.model import LOST, Process, Project
from holp.output import gate_lines


def _headline(process: Process, project: Project, lang: str) -> str:
    return f"{project.id} {project.name} — {process.stage_label(project.stage, lang)}"


def run(root: Path, project_id: str, fmt: str, lang: str | None) -> int:
    repo = repository.load(root)
    process = repo.process
    lang = lang or process.language
    project = repo.project(project_id)
    warn_left_out(repo.left_out(), "not read as a record")  # its customer may be one of them
    stage = process.stage(project.stage)
    if stage is None:
        reason = f" ({project.lost_reason})" if project.lost_reason else ""
        message = (f"{project.id} is closed lost{reason}: reopen it before it can move"
                   if project.stage == LOST else f"{project.id} is at unknown stage '{project.stage}': run holp validate")
        if fmt == "json":
            echo(json.dumps({"project": project.id, "stage": project.stage, "next": None, "ready": False,
                                   "items": [], "message": message}, ensure_ascii=False, indent=2))
        else:
            echo(message)
        return 1
    status = gate(process, stage, project, repo.customer_of(project))
    following = process.next_stage(stage.id)
    if fmt == "json":
        echo(json.dumps({
            "project": project.id, "stage": stage.id, "next": following.id if following else None,
            "ready": status.met, "items": status.records(lang),
        }, ensure_ascii=False, indent=2))
        return 0 if status.met else 1
    label = labelling.load(lang, root)
    echo(_headline(process, project, lang) + (f" → {following.label.get(lang)}" if following else ""))
    for line in gate_lines(status, lang, label("key_node")):
        echo(line)
    stage_name = stage.label.get(lang)
    if following is None:
        echo(f"{stage_name} is the last stage: there is nothing to leave it for.")
    elif status.met:
        echo(f"ready: every item of {stage_name} is met; `holp advance {project.id}` moves it on.")
    else:
        missing = len(status.missing)
        tick = any(s.item.evidence is None for s in status.missing)  # an evidence item is proven by the files
        echo(f"not ready: {missing} of {len(status.items)} item{'s' if len(status.items) != 1 else ''} "
             f"missing to leave {stage_name}" + (f"; `holp tick {project.id} ITEM` ticks one." if tick else "."))
        for s in status.missing:
            if takes_approval(s.item):
                echo(f"{s.item.id} is approved by the region's manager or a director: "
                     f"`holp approve {project.id} {s.item.id}`")
    return 0 if status.met else 1
