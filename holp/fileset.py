"""Which files are records: one answer for the work tree, the index, any commit and every history walk.

A record is a ``.yaml`` or ``.yml`` file under ``customers/`` or ``projects/``
(at any depth). Everything else there (a README, ``.gitkeep``, an editor's
swap file) is not holp's business. Three things look like records but are
not, and each is a reported problem wherever it is found, never read and
never silently dropped: a record file or folder whose name starts with a dot
(a hidden copy would be read by one tool and not another), a symbolic link
(in the work tree, or committed as a link: holp never follows one), and
anything that is not a regular file.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from holp.problems import ERROR, Problem

CUSTOMERS = "customers"
PROJECTS = "projects"
FOLDERS = (CUSTOMERS, PROJECTS)
SUFFIXES = (".yaml", ".yml")
LINK_MODE = "120000"
GITLINK_MODE = "160000"
TEMP_SUFFIX = ".holp-tmp"  # what holp.files names a write's temp file with  # a submodule: another repository's commit
FILE_MODES = ("100644", "100755")


@dataclass(frozen=True)
class Entry:
    """A file that is (or looks like) a record: ``folder`` is customers or projects, ``path`` is relative."""

    folder: str
    path: str
    blob: str | None = None  # the git object, when it was listed from git
    problem: Problem | None = None  # set when it looks like a record but is not one

    @property
    def ok(self) -> bool:
        return self.problem is None


def folder_of(path: str) -> str | None:
    first = path.split("/", 1)[0]
    return first if first in FOLDERS else None


def classify(path: str, *, link: bool = False, regular: bool = True, shown: str | None = None) -> Entry | None:
    """What ``path`` (relative to the sales repository, with ``/``) is: a record, a problem, or None (not ours)."""
    folder = folder_of(path)
    if folder is None:
        return None
    parts = path.split("/")
    where = shown or path
    if len(parts) == 1:  # the folder itself, listed as a file: a link or a file in its place
        return Entry(folder, path, problem=_problem(where, "symlink" if link else "not-a-folder",
                                                    f"{folder}/ must be a folder, not a "
                                                    f"{'symbolic link' if link else 'file'}"))
    name = parts[-1]
    if not name.endswith(SUFFIXES) and not link:
        if name.lower().endswith(SUFFIXES) and not name.startswith("."):
            return Entry(folder, path, problem=_problem(where, "record-suffix", f"named {name}: holp reads files "
                                                        "ending in .yaml or .yml, in lower case; rename it"))
        return None  # notes, .gitkeep, swap files: not records
    if link:
        return Entry(folder, path, problem=_problem(where, "symlink", "a symbolic link: holp never follows links; "
                                                    "put the file itself here"))
    hidden = next((p for p in parts[1:] if p.startswith(".")), None)
    if hidden is not None:
        what = "file" if hidden == parts[-1] else f"folder {hidden}/"
        return Entry(folder, path, problem=_problem(where, "hidden-record", f"in a hidden {what}: holp does not "
                                                    "read it as a record; move it out of there or delete it"))
    if not regular:
        return Entry(folder, path, problem=_problem(where, "not-a-file", "not a regular file: holp reads only files"))
    return Entry(folder, path)


_NESTED = "another git repository (a submodule or a clone) inside the records: holp reads none of its files"


def _problem(path: str, code: str, message: str) -> Problem:
    return Problem(path, 1, 1, ERROR, code, message)


def classify_git(path: str, mode: str, blob: str | None = None, shown: str | None = None) -> Entry | None:
    """A path as git lists it, with its mode (a link is 120000; a submodule 160000 is not a file)."""
    folder = folder_of(path)
    if mode == GITLINK_MODE and folder is not None:
        return Entry(folder, path, problem=_problem(shown or path, "nested-repository", _NESTED))
    entry = classify(path, link=mode == LINK_MODE, regular=mode in FILE_MODES or mode == LINK_MODE, shown=shown)
    if entry is not None and blob is not None:
        entry = Entry(entry.folder, entry.path, blob, entry.problem)
    return entry


def walk(root: Path, show: Callable[[str], str] | None = None, leftovers: set[str] | None = None) -> list[Entry]:
    """Every record (and look-alike) in the work tree, in a stable order; links are reported, never followed.

    ``show`` names a file (given its path in the repository) in problems; by default that path itself.
    ``leftovers`` gathers the folders that hold temp files of writes (``.NAME.*.holp-tmp``), for a sweep.
    """
    found: list[Entry] = []
    for folder in FOLDERS:
        try:
            mode = (root / folder).lstat().st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode) or not stat.S_ISDIR(mode):
            found.append(_named(classify(folder, link=stat.S_ISLNK(mode), regular=False), show))
        else:
            _walk(os.path.join(root, folder), folder, folder, found, show, leftovers)
    return found


def _walk(full: str, relative: str, folder: str, found: list[Entry], show: Callable[[str], str] | None,
          leftovers: set[str] | None) -> None:
    """One folder, by name; os.scandir knows each entry's type without another system call."""
    try:
        with os.scandir(full) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    for item in entries:
        path = f"{relative}/{item.name}"
        try:
            link = item.is_symlink()
            folder_here = item.is_dir(follow_symlinks=False)
            regular = item.is_file(follow_symlinks=False)
        except OSError:
            continue
        if folder_here:
            if item.name.startswith("."):
                found.extend(_named(e, show) for e in _hidden_folder(item.path, path))
            elif os.path.lexists(os.path.join(item.path, ".git")):
                found.append(_named(Entry(folder, path, problem=_problem(path, "nested-repository", _NESTED)), show))
            else:
                _walk(item.path, path, folder, found, show, leftovers)
        elif leftovers is not None and item.name.startswith(".") and item.name.endswith(TEMP_SUFFIX):
            leftovers.add(full)
        elif link and os.path.isdir(item.path):
            found.append(_named(Entry(folder, path, problem=_problem(
                path, "symlink", "a symbolic link to a folder: holp never follows links")), show))
        else:
            entry = classify(path, link=link, regular=regular)
            if entry is not None:
                found.append(_named(entry, show))


def _named(entry: Entry | None, show: Callable[[str], str] | None) -> Entry:
    """The entry with its problem naming the file as ``show`` says (worked out only for the rare problem)."""
    assert entry is not None
    if entry.problem is None or show is None:
        return entry
    return Entry(entry.folder, entry.path, entry.blob, dataclasses.replace(entry.problem, path=show(entry.path)))


def _hidden_folder(full: str, relative: str) -> list[Entry]:
    """The record files inside a hidden folder, each a problem (a folder of notes alone is fine)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(full):
        dirnames.sort()
        inside = os.path.relpath(dirpath, full)
        for name in sorted(filenames):
            path = f"{relative}/{name}" if inside == "." else f"{relative}/{Path(inside).as_posix()}/{name}"
            entry = classify(path)
            if entry is not None:
                found.append(entry)
    return found
