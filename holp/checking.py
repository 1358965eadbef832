"""What every check of `holp.validate` shares: which files it is asked about, and the projects among them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from holp.model import Project
from holp.repo import Repository
from holp.yaml import Document

Wanted = Callable[[str], bool]  # which files to check, by the path messages name them with


def everything(path: str) -> bool:
    return True


def projects(repo: Repository, wanted: Wanted) -> Iterator[tuple[Project, Document]]:
    """Each project whose file is wanted, with its document (where a problem is placed)."""
    for project in repo.projects.values():
        doc = repo.document(project.path)
        if wanted(doc.path):
            yield project, doc
