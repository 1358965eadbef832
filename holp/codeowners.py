"""CODEOWNERS from team.yaml: each region's folders go to its manager, so the right manager reviews each move."""

from __future__ import annotations

import os
import re
from pathlib import Path

from holp.errors import HolpError
from holp.inert import has_breaks, one_line, path_part
from holp.model import Rep, Team
from holp.repo import CUSTOMERS, PROJECTS, RULE_FILES

BEGIN = "# BEGIN holp codeowners: the manager of a region reviews its stage moves"
END = "# END holp codeowners"
HEADER = ("# Written by `holp codeowners` from team.yaml. Change team.yaml (regions, managers, handles) and run\n"
          "# `holp codeowners` again; lines outside this block are yours and are kept.\n")


_HANDLE = re.compile(r"@[A-Za-z0-9][A-Za-z0-9_./-]*")  # GitHub's users and org/team, and nothing that breaks a line


def _handle(rep: Rep | None) -> str | None:
    if rep is None or not rep.handle:
        return None
    handle = rep.handle if rep.handle.startswith("@") else f"@{rep.handle}"
    if not _HANDLE.fullmatch(handle):
        raise HolpError(f"team.yaml: rep {one_line(rep.id)} has the handle {one_line(rep.handle)!r}, which is no "
                        "GitHub handle (letters, digits, '_', '.', '/', '-'); nothing was written", 1)
    return handle


def _comment(text: str, what: str) -> str:
    if has_breaks(text) or "#" in text:
        raise HolpError(f"team.yaml: {what} {one_line(text)!r} holds a newline, control character or '#', which "
                        "would add to CODEOWNERS; nothing was written", 1)
    return text


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
    if any(c.isspace() or c == "#" for c in prefix) or has_breaks(prefix):
        raise HolpError(f"the sales repository's folder {one_line(prefix)!r} holds a space, '#' or control "
                        "character, which CODEOWNERS cannot name; nothing was written", 1)
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
        for name in RULE_FILES:  # CI's own folder is the git root's, wherever the sales files are
            lines.append(f"{'/' if name == '.github/' else base}{name} {process_owners}")
    for region in team.regions:
        handle = _handle(team.rep(region.manager) if region.manager else None)
        if handle is None:
            continue
        region_id = path_part(region.id, "team.yaml: region id")
        lines.append(f"# {_comment(region.label.zh, 'region label')} / {_comment(region.label.en, 'region label')}")
        for folder in (CUSTOMERS, PROJECTS):
            lines.append(f"{base}{folder}/{region_id}/ {handle}")
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
