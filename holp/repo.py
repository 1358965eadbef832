"""Finding and loading a sales repository: holp.yaml, team.yaml, customers/, projects/.

Loading reads every file with the C-backed reader of `holp.yaml`, keeps every
problem reading found, and builds the model leniently; it never stops at a bad
file. `validate` adds the schema and cross-file checks on top of what is
loaded here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from holp import fileset, git, reading, yaml
from holp.errors import FAILED, HolpError
from holp.files import sweep
from holp.fileset import CUSTOMERS, PROJECTS
from holp.model import Customer, Process, Project, Team
from holp.model.process import load_process, load_team
from holp.problems import ERROR, Problem
from holp.resources import template

CONFIG = "holp.yaml"
TEAM = "team.yaml"
# The files that make the rules a branch is judged by, or the checks that judge it: the process, the team, the
# templates, CI (a pull request runs its own workflow, and the wheel a workflow may install from tools/) and the
# pre-commit config. A branch that changes any is a finding of review; CODEOWNERS gives them to the directors.
RULE_FILES = (CONFIG, TEAM, "templates/", ".github/", "tools/", ".pre-commit-config.yaml")
_WHAT = {PROJECTS: "project", CUSTOMERS: "customer"}


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


def displayer(root: Path) -> Callable[[str], str]:
    """How files of the repository at ``root`` are named in messages, given their path in it (fast: one
    `relpath` for the repository, none per file)."""
    try:
        base = os.path.relpath(root)
    except ValueError:  # pragma: no cover - another drive on Windows
        base = str(root)
    if base == ".":
        return lambda path: path
    return lambda path: f"{base}/{path}"


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
    return reading.read_file(path, display_path(path))


def default_process() -> Process:
    """The Holp process that `holp init` writes, for use outside any repository."""
    process = load_process(yaml.read(CONFIG, template("init", CONFIG).read_bytes()))
    assert process is not None, "the built-in holp.yaml is a mapping"
    return process


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
    duplicates: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (folder, id) → every file holding it
    unreadable: dict[str, Problem] = field(default_factory=dict)  # path → why it is no record
    entry_problems: list[Problem] = field(default_factory=list)  # links, hidden copies: never read
    docs: dict[str, yaml.Document] = field(default_factory=dict)  # path in the repository → its document
    cache: Any = None  # a `holp.cache.Cache` that checks may keep what they found in (`validate`)

    def document(self, path: str) -> yaml.Document:
        return self.docs[path]

    def add(self, entry: fileset.Entry, doc: yaml.Document | None) -> None:
        """Take in one file of the file set (``doc`` is its document; None for a look-alike, never read)."""
        if entry.problem is not None or doc is None:
            self.entry_problems.extend([entry.problem] if entry.problem else [])
            return
        self.docs[entry.path] = doc
        (self.customer_docs if entry.folder == CUSTOMERS else self.project_docs).append(doc)
        found = reading.record_of(entry.folder, doc, entry.path)
        if isinstance(found, Problem):
            self.unreadable[entry.path] = found
            return
        records: dict[str, Customer] | dict[str, Project] = (
            self.customers if isinstance(found, Customer) else self.projects)
        if found.id in records:  # validate reports it; a command must not pick one of the files
            self.duplicates.setdefault((entry.folder, found.id), [records[found.id].path]).append(found.path)
        else:
            records[found.id] = found  # type: ignore[assignment]

    def left_out(self) -> list[Problem]:
        """The files that are in no figure: links, hidden copies, unreadable files, and every copy of a duplicate id."""
        found = [*self.entry_problems, *self.unreadable.values()]
        found += [Problem(path, 1, 1, ERROR, "duplicate-id", f"id {record_id} is in {len(paths)} files: "
                          f"{', '.join(paths)}") for (_, record_id), paths in self.duplicates.items() for path in paths]
        return found

    def relative(self, path: Path) -> str:
        return relative_to(self.root, path)

    def project(self, project_id: str, *, also_known: Iterable[str] = ()) -> Project:
        """The project with this id (``also_known``: ids known elsewhere, as history knows deleted ones, for the
        hint of a mistyped one)."""
        found = self.find(project_id, PROJECTS, also_known=also_known)
        assert isinstance(found, Project)
        return found

    def customer(self, customer_id: str) -> Customer:
        found = self.find(customer_id, CUSTOMERS)
        assert isinstance(found, Customer)
        return found

    def find(self, wanted: str, *folders: str, also_known: Iterable[str] = ()) -> Project | Customer:
        """The one way a command finds the record an id names, in the first of ``folders`` that holds it: an id
        in no file is a usage error naming the closest ids (exit 2); a file holding it that cannot be read, or
        two files holding it, is a problem of the files (exit 1)."""
        both = [f"{_WHAT[folder]} {records[wanted].path}" for folder in folders
                for records in [self.projects if folder == PROJECTS else self.customers] if wanted in records]
        if len(both) > 1:
            raise HolpError(f"id {wanted} is both a {' and a '.join(both)}: give the customer its own id first",
                            FAILED)
        for folder in folders:
            records: Mapping[str, Project | Customer] = self.projects if folder == PROJECTS else self.customers
            what = _WHAT[folder]
            paths = self.duplicates.get((folder, wanted))
            if paths:
                raise HolpError(f"{what} id {wanted} is in {len(paths)} files ({', '.join(paths)}): give each its "
                                "own id first", FAILED)
            if wanted in records:
                return records[wanted]
            unread = self.unreadable_file(wanted, folder)
            if unread is not None:
                raise HolpError(f"{what} {wanted} cannot be read", FAILED, [self.unreadable[unread]])
            never_read = next((p for p in self.entry_problems if fileset.folder_of(p.path) == folder
                               and Path(p.path).stem == wanted), None)
            if never_read is not None:  # a link or a hidden copy named for the id: holp neither reads nor writes it
                raise HolpError(f"{what} {wanted} cannot be read", FAILED, [never_read])
        known = [*also_known, *(i for folder in folders for i in (self.projects if folder == PROJECTS
                                                                    else self.customers))]
        raise unknown_id(" or ".join(_WHAT[folder] for folder in folders), wanted, known)

    def unreadable_file(self, wanted: str, folder: str) -> str | None:
        """The file of ``folder`` that cannot be read and seems to hold the id ``wanted`` (by its name or its text)."""
        return next((path for path in self.unreadable if fileset.folder_of(path) == folder
                     and wanted in (Path(path).stem, self.docs[path].probable_id())), None)

    def customer_of(self, project: Project) -> Customer | None:
        return self.customers.get(project.customer) if project.customer else None

    def region_of(self, project: Project) -> str | None:
        if project.region:
            return project.region
        customer = self.customer_of(project)
        return customer.region if customer else None

    def region_unknown(self, region: str | None) -> bool:
        """Whether a record's region (``region_of`` a project, a customer's own) is none of team.yaml's: its
        customer is no record holp read, or it names no region (validate reports either on its own). A rule that
        depends on the region (who may approve) then has nothing to say."""
        return region is None or self.team.region(region) is None

    def documents(self) -> Iterator[yaml.Document]:
        yield self.config
        yield self.team_doc
        yield from self.customer_docs
        yield from self.project_docs


def closest(wanted: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for the known names closest to a mistyped one (up to three, the closest first, equals
    in order), or nothing. As `difflib.get_close_matches`, which breaks ties by the reversed name."""
    import difflib

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    scored = []
    for name in set(known):
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((-matcher.ratio(), name))
    close = [name for _, name in sorted(scored)[:3]]
    if not close:
        return ""
    return f" (did you mean {close[0] if len(close) == 1 else ', '.join(close[:-1]) + ' or ' + close[-1]}?)"


def unknown_id(what: str, wanted: str, known: Iterable[str]) -> HolpError:
    """The refusal of an id that names no record: a usage error (exit 2) with the closest ids."""
    return HolpError(f"no {what} with id {wanted}{closest(wanted, known)}")


def load_config(root: Path) -> tuple[yaml.Document, Process]:
    """holp.yaml, or exit 1 naming its problems when it cannot be read at all."""
    doc = read_document(root / CONFIG)
    process = load_process(doc)
    if process is None:
        problems = doc.problems or [Problem(doc.path, 1, 1, ERROR, "bad-config", "holp.yaml must be a mapping")]
        raise HolpError(f"{CONFIG} cannot be read", FAILED, problems)
    if not process.stages:
        raise HolpError(f"{CONFIG} defines no stages", FAILED,
                        [doc.problem(("stages",), "bad-config", "the process needs at least one stage")])
    return doc, process


def load(root: Path, *, records: bool = True, recover: bool = True) -> Repository:
    """The repository at ``root``; first, unless the caller did (`recover=False`), what a killed holp command
    left half-done is finished or undone (`holp.transaction`)."""
    if recover:
        from holp import transaction

        transaction.recover_pending(root)
    config, process = load_config(root)
    team_path = root / TEAM
    if team_path.exists():
        team_doc = read_document(team_path)
    else:
        shown = display_path(team_path)
        team_doc = yaml.Document(shown, "", None, [Problem(shown, 1, 1, ERROR, "missing-file",
                                                           "team.yaml is missing: it names the regions and reps")])
    repo = Repository(root, config, team_doc, process, load_team(team_doc))
    if records:
        _load_records(repo)
    return repo


def _load_records(repo: Repository) -> None:
    with reading.collecting_paused():
        show = displayer(repo.root)
        leftovers: set[str] = set()
        for entry in fileset.walk(repo.root, show, leftovers):
            repo.add(entry, reading.read_file(repo.root / entry.path, show(entry.path)) if entry.ok else None)
        in_git = bool(leftovers) and git.toplevel(repo.root, optional=True) is not None
        for folder in leftovers:  # temp files of killed writes go with the next command (never a live one's)
            sweep(Path(folder), lambda path: in_git and git.is_tracked(repo.root, path))
