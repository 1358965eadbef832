"""Finding and loading a sales repository: holp.yaml, team.yaml, customers/, projects/.

Loading reads every file with the C-backed reader of `holp.yaml`, keeps every
problem reading found, and builds the model leniently; it never stops at a bad
file. `validate` adds the schema and cross-file checks on top of what is
loaded here.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holp import yaml
from holp.errors import FAILED, HolpError
from holp.model import Customer, Process, Project, Team, build_customer, build_process, build_project, build_team
from holp.problems import ERROR, Problem
from holp.resources import template

CONFIG = "holp.yaml"
TEAM = "team.yaml"
CUSTOMERS = "customers"
PROJECTS = "projects"
RECORD_FOLDERS = (CUSTOMERS, PROJECTS)


def find_root(start: Path, explicit: bool = False) -> Path:
    """The folder holding holp.yaml: ``start`` itself with -C, else the first of its parents."""
    start = start.resolve()
    if not start.is_dir():
        raise HolpError(f"{start} is not a folder")
    candidates = [start] if explicit else [start, *start.parents]
    for folder in candidates:
        if (folder / CONFIG).is_file():
            return folder
    where = f"in {start}" if explicit else f"in {start} or any folder above it"
    raise HolpError(f"no {CONFIG} found {where}: run `holp init` to make a sales repository, or pass -C PATH")


def display_path(path: Path) -> str:
    """How a file is named in messages: relative to the current folder, as editors want it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


def relative_to(root: Path, path: Path) -> str:
    """A path inside the repository, as git and the files name it (links named where they are)."""
    return Path(os.path.relpath(path, root)).as_posix()


def read_document(path: Path) -> yaml.Document:
    shown = display_path(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block, a device would never end
            return yaml.Document(shown, "", None, [Problem(shown, 1, 1, ERROR, "not-a-file",
                                                           "not a regular file: holp reads only files")])
        if status.st_size > yaml.MAX_BYTES:  # asked before reading: a file of gigabytes is never read
            return yaml.too_large(shown, status.st_size)
        with path.open("rb") as file:
            raw = file.read(yaml.MAX_BYTES + 1)  # no more, even if it grew since
            if len(raw) > yaml.MAX_BYTES:
                return yaml.too_large(shown, max(os.fstat(file.fileno()).st_size, len(raw)))
    except OSError as e:
        return yaml.Document(shown, "", None, [Problem(shown, 1, 1, ERROR, "unreadable",
                                                       f"cannot read: {e.strerror or e}")])
    return yaml.read(shown, raw)


def default_process() -> Process:
    """The Holp process that `holp init` writes, for use outside any repository."""
    doc = yaml.read(CONFIG, template("init", CONFIG).read_bytes())
    return build_process(doc.data)


def record_files(root: Path, folder: str) -> list[Path]:
    """Every .yaml/.yml file under ``root/folder``, in a stable order; dot-folders skipped."""
    base = root / folder
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames)
                     if f.endswith((".yaml", ".yml")) and not f.startswith("."))
    return found


@dataclass
class Repository:
    root: Path
    config: yaml.Document
    team_doc: yaml.Document
    process: Process
    team: Team
    customer_docs: list[yaml.Document] = field(default_factory=list)
    project_docs: list[yaml.Document] = field(default_factory=list)
    customers: dict[str, Customer] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # id → every file that holds it

    def relative(self, path: Path) -> str:
        return relative_to(self.root, path)

    def project(self, project_id: str) -> Project:
        found = self.projects.get(project_id)
        if found is None:
            hint = closest(project_id, self.projects)
            raise HolpError(f"no project with id {project_id}{hint}")
        if project_id in self.duplicates:
            raise HolpError(f"project id {project_id} is in {len(self.duplicates[project_id])} files "
                            f"({', '.join(self.duplicates[project_id])}): give each its own id first", FAILED)
        return found

    def customer_of(self, project: Project) -> Customer | None:
        return self.customers.get(project.customer) if project.customer else None

    def region_of(self, project: Project) -> str | None:
        if project.own_region:
            return project.own_region
        customer = self.customer_of(project)
        return customer.region if customer else None

    def documents(self) -> Iterator[yaml.Document]:
        yield self.config
        yield self.team_doc
        yield from self.customer_docs
        yield from self.project_docs


def closest(wanted: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for the known name closest to a mistyped one, or nothing."""
    import difflib

    close = difflib.get_close_matches(wanted, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def load_config(root: Path) -> tuple[yaml.Document, Process]:
    """holp.yaml, or exit 1 naming its problems when it cannot be read at all."""
    doc = read_document(root / CONFIG)
    if not doc.ok or not isinstance(doc.data, dict):
        problems = doc.problems or [Problem(doc.path, 1, 1, ERROR, "bad-config", "holp.yaml must be a mapping")]
        raise HolpError(f"{CONFIG} cannot be read", FAILED, problems)
    process = build_process(doc.data)
    if not process.stages:
        raise HolpError(f"{CONFIG} defines no stages", FAILED,
                        [doc.problem(("stages",), "bad-config", "the process needs at least one stage")])
    return doc, process


def load(root: Path, *, records: bool = True) -> Repository:
    config, process = load_config(root)
    team_path = root / TEAM
    if team_path.exists():
        team_doc = read_document(team_path)
    else:
        shown = display_path(team_path)
        team_doc = yaml.Document(shown, "", None, [Problem(shown, 1, 1, ERROR, "missing-file",
                                                           "team.yaml is missing: it names the regions and reps")])
    repo = Repository(root, config, team_doc, process, build_team(team_doc.data))
    if records:
        _load_records(repo)
    return repo


def _load_records(repo: Repository) -> None:
    # Many small objects: the collector would walk them over and over (PERFORMANCE.md).
    enabled = gc.isenabled()
    gc.disable()
    try:
        kinds: tuple[tuple[str, Any, list[yaml.Document], dict[str, Any]], ...] = (
            (CUSTOMERS, build_customer, repo.customer_docs, repo.customers),
            (PROJECTS, build_project, repo.project_docs, repo.projects),
        )
        for folder, build, docs, records in kinds:
            for path in record_files(repo.root, folder):
                doc = read_document(path)
                docs.append(doc)
                record = build(doc.data, repo.relative(path))
                if record is None:
                    continue
                if record.id in records:  # validate reports it; a command must not pick one of the files
                    repo.duplicates.setdefault(record.id, [records[record.id].path]).append(record.path)
                else:
                    records[record.id] = record
    finally:
        if enabled:
            gc.enable()
