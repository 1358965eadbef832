"""A loaded repository's look-ups, which files are records, and what a document is: in memory."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PROJECT, repo_of, sales_files
from holp import fileset, reading, yaml
from holp.errors import FAILED, USAGE, HolpError
from holp.fileset import Entry
from holp.model import Customer
from holp.problems import ERROR, Problem
from holp.repo import Repository

P = "projects/east/P-2026-001.yaml"


def refusal(repo: Repository, project_id: str) -> tuple[int, str, list[Problem]]:
    with pytest.raises(HolpError) as raised:
        repo.project(project_id)
    return raised.value.exit_code, raised.value.message, raised.value.problems


# -- Repository ----------------------------------------------------------------------------


def test_repository_project__a_mistyped_id_gets_a_hint() -> None:
    repo = repo_of(sales_files())
    assert repo.project("P-2026-001") is repo.projects["P-2026-001"]
    assert refusal(repo, "P-2026-01") == (USAGE, "no project with id P-2026-01 (did you mean P-2026-001?)", [])
    assert refusal(repo, "Q") == (USAGE, "no project with id Q", [])


def test_repository_project__an_id_in_two_files_is_refused_naming_both() -> None:
    repo = repo_of(sales_files(**{"projects/north/P-2026-001.yaml": PROJECT}))
    assert refusal(repo, "P-2026-001") == (FAILED, "project id P-2026-001 is in 2 files (projects/east/P-2026-001.yaml, "
                                                   "projects/north/P-2026-001.yaml): give each its own id first", [])


def test_repository_project__an_unreadable_file_gives_its_problem() -> None:
    repo = repo_of(sales_files(**{"projects/east/P-2026-002.yaml": "id: P-2026-002\nstage: [\n"}))
    assert refusal(repo, "P-2026-002") == (FAILED, "project P-2026-002 cannot be read", [
        Problem("projects/east/P-2026-002.yaml", 3, 1, ERROR, "yaml-syntax",
                "YAML syntax error: did not find expected node content")])


def test_repository_project__duplicate_customers_do_not_block_a_project_of_the_same_id() -> None:
    twin = "id: P-2026-001\nname: 同号客户\nregion: east\nowner: li.na\n"
    repo = repo_of(sales_files(**{"customers/east/P-2026-001.yaml": twin, "customers/north/P-2026-001.yaml": twin}))
    assert repo.project("P-2026-001").path == P


def test_repository_region_of__its_own_else_its_customers() -> None:
    repo = repo_of(sales_files(**{"projects/east/P-2026-002.yaml": PROJECT.replace("P-2026-001", "P-2026-002")
                                  + "region: north\n", "projects/east/P-2026-003.yaml": PROJECT.replace(
                                      "P-2026-001", "P-2026-003").replace("C-0001", "C-0404")}))
    regions = {pid: repo.region_of(p) for pid, p in repo.projects.items()}
    assert regions == {"P-2026-001": "east", "P-2026-002": "north", "P-2026-003": None}
    assert repo.customer_of(repo.projects["P-2026-003"]) is None


def test_repository_documents__config_team_customers_projects_in_order() -> None:
    repo = repo_of(sales_files(**{"projects/a/P-9.yaml": "id: P-9\n"}))
    assert [doc.path for doc in repo.documents()] == [
        "holp.yaml", "team.yaml", "customers/east/C-0001.yaml", "projects/a/P-9.yaml", P]


# -- fileset -------------------------------------------------------------------------------


def problem(path: str, code: str, message: str) -> Problem:
    return Problem(path, 1, 1, ERROR, code, message)


LINK = "a symbolic link: holp never follows links; put the file itself here"


@pytest.mark.parametrize(("path", "options", "entry"), [
    ("customers/east/C-1.yml", {}, Entry("customers", "customers/east/C-1.yml")),
    ("customers/C-1.yaml", {}, Entry("customers", "customers/C-1.yaml")),
    ("customers", {}, Entry("customers", "customers", problem=problem(  # listed as a file (git lists no folders)
        "customers", "not-a-folder", "customers/ must be a folder, not a file"))),
    ("other/P-1.yaml", {}, None),
    ("projects/a/notes.md", {}, None),
    ("customers", {"regular": False}, Entry("customers", "customers", problem=problem(
        "customers", "not-a-folder", "customers/ must be a folder, not a file"))),
    ("projects", {"link": True}, Entry("projects", "projects", problem=problem(
        "projects", "symlink", "projects/ must be a folder, not a symbolic link"))),
    ("projects/a/.swp.yaml", {}, Entry("projects", "projects/a/.swp.yaml", problem=problem(
        "projects/a/.swp.yaml", "hidden-record",
        "in a hidden file: holp does not read it as a record; move it out of there or delete it"))),
    ("projects/a/x.yaml", {"regular": False}, Entry("projects", "projects/a/x.yaml", problem=problem(
        "projects/a/x.yaml", "not-a-file", "not a regular file: holp reads only files"))),
    ("projects/a/notes.txt", {"link": True}, Entry("projects", "projects/a/notes.txt", problem=problem(
        "projects/a/notes.txt", "symlink", LINK))),
    ("projects/a/x.yaml", {"link": True, "shown": "../x.yaml"}, Entry("projects", "projects/a/x.yaml", problem=problem(
        "../x.yaml", "symlink", LINK))),
])
def test_fileset_classify__records_look_alikes_and_the_rest(path: str, options: dict[str, Any],
                                                           entry: Entry | None) -> None:
    assert fileset.classify(path, **options) == entry


def test_fileset_classify_git__modes_and_blobs() -> None:
    assert fileset.classify_git("projects/a/P.yaml", "100755", "abc") == Entry("projects", "projects/a/P.yaml", "abc")
    assert fileset.classify_git("projects/a/P.yaml", "160000") == Entry("projects", "projects/a/P.yaml", problem=problem(
        "projects/a/P.yaml", "nested-repository",
        "another git repository (a submodule or a clone) inside the records: holp reads none of its files"))


# -- reading -------------------------------------------------------------------------------


def test_record_of__a_list_an_empty_file_and_a_bare_id() -> None:
    assert reading.record_of("projects", yaml.read("p.yaml", b"- a\n"), "p.yaml") == problem(
        "p.yaml", "no-id", "the file holds no id, so it is no record: give it `id: ...`")
    assert reading.record_of("projects", yaml.read("p.yaml", b"  \n# only a comment\n"), "p.yaml") == problem(
        "p.yaml", "empty", "file is empty: it needs at least an id")
    assert reading.record_of("customers", yaml.read("c.yaml", b"id: C-9\n"), "customers/c.yaml") == Customer(
        id="C-9", name="C-9", path="customers/c.yaml", line=1)


def test_record_of__a_warning_alone_does_not_keep_a_file_from_being_a_record() -> None:
    doc = yaml.read("p.yaml", b"id: P-1\n")
    doc.problems.append(Problem("p.yaml", 1, 1, "warning", "x", "a warning"))
    found = reading.record_of("projects", doc, "projects/p.yaml")
    assert not isinstance(found, Problem) and found.id == "P-1"
