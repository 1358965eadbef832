"""CODEOWNERS from team.yaml: each region's folders go to its manager, so the right manager reviews each move."""

from __future__ import annotations

import os
from pathlib import Path

from holp.model import Rep, Team
from holp.repo import CONFIG, CUSTOMERS, PROJECTS, TEAM

BEGIN = "# BEGIN holp codeowners: the manager of a region reviews its stage moves"
END = "# END holp codeowners"
HEADER = ("# Written by `holp codeowners` from team.yaml. Change team.yaml (regions, managers, handles) and run\n"
          "# `holp codeowners` again; lines outside this block are yours and are kept.\n")


def _handle(rep: Rep | None) -> str | None:
    if rep is None or not rep.handle:
        return None
    return rep.handle if rep.handle.startswith("@") else f"@{rep.handle}"


def owners_of_process(team: Team) -> list[str]:
    """The handles that own holp.yaml, team.yaml and templates/: the directors, else every region's manager."""
    managers: list[str] = []
    for region in team.regions:
        handle = _handle(team.rep(region.manager) if region.manager else None)
        if handle is not None and handle not in managers:
            managers.append(handle)
    directors = [h for r in team.reps if r.role == "director" and (h := _handle(r))]
    return directors or managers


def render(team: Team, prefix: str) -> tuple[str, list[str]]:
    """The file's text, and warnings for regions nobody can be asked to review."""
    base = "/" + (f"{prefix.strip('/')}/" if prefix not in ("", ".") else "")
    warnings = []
    lines = [BEGIN, HEADER]
    for region in team.regions:
        if _handle(team.rep(region.manager) if region.manager else None) is None:
            warnings.append(f"region {region.id}: its manager has no handle in team.yaml, so nobody is asked "
                            "to review it")
    process_owners = " ".join(owners_of_process(team))
    if process_owners:
        lines.append("# the process and the team")
        for name in (CONFIG, TEAM, "templates/"):
            lines.append(f"{base}{name} {process_owners}")
    for region in team.regions:
        handle = _handle(team.rep(region.manager) if region.manager else None)
        if handle is None:
            continue
        lines.append(f"# {region.label.zh} / {region.label.en}")
        for folder in (CUSTOMERS, PROJECTS):
            lines.append(f"{base}{folder}/{region.id}/ {handle}")
    lines.append(END)
    return "\n".join(lines) + "\n", warnings


def merged(current: str | None, block: str) -> str:
    """The file with holp's block put in (in place of the old one, else at the end): other lines are kept."""
    if not current:
        return block
    lines = current.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == END]
    if starts and ends and ends[-1] > starts[0]:
        return "".join(lines[: starts[0]]) + block + "".join(lines[ends[-1] + 1:])
    return current + ("" if current.endswith("\n") else "\n") + "\n" + block


def location(root: Path, top: Path) -> tuple[Path, str]:
    """Where CODEOWNERS goes (the git repository's .github/) and the sales repository's folder within it."""
    return top / ".github" / "CODEOWNERS", os.path.relpath(root.resolve(), top.resolve())
