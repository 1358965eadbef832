"""A review of the first week's work as an attacker and as a new user: what holp commits after a rep's hand edits,
what a refusing hook shows, `holp validate FILES` and `holp init` in odd places."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import PROJECT, git, snapshot, write

FILE = "projects/east/P-2026-001.yaml"
CUSTOMER_FILE = "customers/east/C-0001.yaml"


def state(root: Path) -> tuple[dict[str, str], str, str]:
    """Everything a refused command must leave alone: the files, HEAD, the index and status."""
    return snapshot(root), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain=v1", "-uall")


def committed(root: Path) -> list[str]:
    """The files HEAD's commit changed."""
    return git(root, "show", "--name-only", "--format=", "HEAD").splitlines()


# -- what goes into holp's commit ------------------------------------------------------------------------------


def test_a_file_named_like_a_pattern_commits_itself_and_no_other_file(git_repo: Path,
                                                                      holp: Callable[..., Result]) -> None:
    write(git_repo / "projects/east/P-2026-002.yaml", PROJECT.replace("id: P-2026-001", "id: P-2026-002"))
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-qm", "a second project")
    other = git_repo / "projects/east/P-2026-002.yaml"
    write(other, other.read_text(encoding="utf-8").replace("stage: entry", "stage: negotiation"))  # not for holp
    starred = "projects/east/P-2026-00*.yaml"
    write(git_repo / starred, PROJECT.replace("id: P-2026-001", "id: P-2026-007"))
    result = holp("tick", "P-2026-007", "key_person_relationship", "--note", "三次拜访")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [f"  with your edits: {starred} (new file)"]
    assert committed(git_repo) == [starred]
    assert git(git_repo, "status", "--porcelain=v1", "-uall") == " M projects/east/P-2026-002.yaml\n"


def test_a_customer_moved_to_another_region_by_hand_is_refused_not_committed_twice(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    customer = git_repo / CUSTOMER_FILE
    with_coach = customer.read_text(encoding="utf-8")
    write(customer, "".join(line for line in with_coach.splitlines(keepends=True) if "role: coach" not in line))
    git(git_repo, "commit", "-qam", "the coach is not known yet")
    assert holp("tick", "P-2026-001", "key_person_relationship").exit_code == 0
    (git_repo / "customers/north").mkdir()
    git(git_repo, "mv", CUSTOMER_FILE, "customers/north/C-0001.yaml")  # the customer is now north's, with a coach
    write(git_repo / "customers/north/C-0001.yaml", with_coach.replace("region: east", "region: north"))
    before = state(git_repo)
    result = holp("advance", "P-2026-001")
    assert result.exit_code == 1
    assert result.output == (
        "holp: customers/north/C-0001.yaml holds C-0001, which the last commit has in customers/east/C-0001.yaml: "
        "the file was moved, and holp would commit only the new one (one id in two files); commit the move first "
        "(git add customers/east/C-0001.yaml customers/north/C-0001.yaml && git commit), then run holp again\n")
    assert state(git_repo) == before


def test_a_project_moved_with_its_stage_changed_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    moved = "projects/north/P-2026-001.yaml"
    write(git_repo / moved, PROJECT.replace("stage: entry", "stage: bidding"))
    (git_repo / FILE).unlink()
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "tender_documents_obtained", "--note", "标书已领取")
    assert result.exit_code == 1
    assert result.output == (
        f"holp: {moved} holds P-2026-001, which the last commit has in {FILE}: the file was moved, and holp would "
        f"commit only the new one (one id in two files); commit the move first (git add {FILE} {moved} && git "
        "commit), then run holp again\n")
    assert state(git_repo) == before


def test_a_project_id_changed_by_hand_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    write(path, path.read_text(encoding="utf-8").replace("id: P-2026-001", "id: P-2026-009"))
    before = state(git_repo)
    result = holp("tick", "P-2026-009", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output == (
        f"holp: {FILE}: the id was changed by hand (P-2026-001 → P-2026-009): put it back to P-2026-001; holp and "
        "review follow a record by its id (to them this is a new project, its history lost), so a new id is a new "
        "file (holp new)\n")
    assert state(git_repo) == before


def test_a_customer_id_changed_by_hand_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    customer = git_repo / CUSTOMER_FILE
    write(customer, customer.read_text(encoding="utf-8").replace("id: C-0001", "id: C-0009"))
    project = git_repo / FILE
    write(project, project.read_text(encoding="utf-8").replace("customer: C-0001", "customer: C-0009"))
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output == (
        f"holp: {CUSTOMER_FILE}: the id was changed by hand (C-0001 → C-0009): put it back to C-0001; holp and "
        "review follow a record by its id (to them this is a new customer, its history lost), so a new id is a new "
        "file (holp new)\n")
    assert state(git_repo) == before


def test_a_visit_refuses_a_customer_id_changed_by_hand_in_the_file_it_edits(git_repo: Path,
                                                                            holp: Callable[..., Result]) -> None:
    customer = git_repo / CUSTOMER_FILE
    write(customer, customer.read_text(encoding="utf-8").replace("id: C-0001", "id: C-0009"))
    project = git_repo / FILE
    write(project, project.read_text(encoding="utf-8").replace("customer: C-0001", "customer: C-0009"))
    before = state(git_repo)
    result = holp("visit", "P-2026-001", "--met", "李明", "--closer", "李明", "--next", "报价")
    assert result.exit_code == 1
    assert result.output.startswith(f"holp: {CUSTOMER_FILE}: the id was changed by hand (C-0001 → C-0009)")
    assert state(git_repo) == before


def test_hand_edits_that_need_an_uncommitted_team_are_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    team = git_repo / "team.yaml"
    write(team, team.read_text(encoding="utf-8").replace(
        "targets:", "  - {id: li.si, name: 李四, email: li.si@example.com, region: east}\ntargets:"))
    project = git_repo / FILE
    write(project, project.read_text(encoding="utf-8").replace("owner: zhang.wei", "owner: li.si"))
    assert holp("validate").exit_code == 0  # by the work tree's team.yaml, all is well
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output == (
        f"{FILE}:5:8: error[unknown-rep]: rep 'li.si' does not exist (did you mean li.na?)\n"
        f"holp: your edits to {FILE} have errors by the team.yaml of the last commit, which CI checks them by "
        "(your team.yaml has changes that are not committed): commit team.yaml first, then run holp again\n")
    assert state(git_repo) == before


def test_an_uncommitted_team_that_the_edits_do_not_need_is_no_reason_to_refuse(git_repo: Path,
                                                                               holp: Callable[..., Result]) -> None:
    team = git_repo / "team.yaml"
    write(team, team.read_text(encoding="utf-8").replace("amount: 30000000", "amount: 35000000"))
    project = git_repo / FILE
    write(project, project.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 3300000"))
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 0, result.output
    assert committed(git_repo) == [FILE]
    assert git(git_repo, "status", "--porcelain=v1", "-uall") == " M team.yaml\n"


# -- a hook that refuses holp's commit ---------------------------------------------------------------------------

REFUSED = ("holp: the pre-commit hook (.git/hooks/pre-commit) refused the commit, so nothing was changed; fix what "
           "it says, or run the hook alone to see it again. What it said:")


def hook(root: Path, body: str) -> None:
    path = root / ".git" / "hooks" / "pre-commit"
    path.write_text(f"#!/bin/sh\n{body}\nexit 1\n", encoding="utf-8")
    path.chmod(0o755)


def test_a_hook_that_prints_a_very_long_line_is_shown_cut(git_repo: Path, holp: Callable[..., Result]) -> None:
    hook(git_repo, "printf 'x%.0s' $(seq 1 1000); echo; echo 'ticks need a note'")
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output.splitlines() == [REFUSED, "  | " + "x" * 300 + " … (cut)", "  | ticks need a note"]


def test_a_hook_that_prints_megabytes_is_shown_by_its_last_lines(git_repo: Path, holp: Callable[..., Result]) -> None:
    hook(git_repo, "seq 1 300000; head -c 3000000 /dev/zero | tr '\\000' x; echo; echo 'ticks need a note'")
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output.splitlines() == [REFUSED, "  | ... (its earlier output left out)", "  | ticks need a note"]
    assert state(git_repo) == before


def test_line_ends_changed_by_hand_are_counted_as_git_counts_them(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    write(path, path.read_bytes().replace(b"\n", b"\r\n"))  # an editor that saved the file with CRLF
    added, removed, _ = git(git_repo, "diff", "--numstat", "--", FILE).split("\t")
    assert (added, removed) == ("31", "31")
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [f"  with your edits: {FILE} (+31 -31 lines)"]
    assert git(git_repo, "log", "-1", "--format=%(trailers:key=Holp-Hand-Edit,valueonly)") == (
        f"{FILE} (+31 -31 lines)\n\n")


# -- holp validate FILES -----------------------------------------------------------------------------------------


def test_validate__a_path_outside_the_repository_is_a_usage_error(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo.parent / "notes.yaml", "name: [写了一半\n")
    result = holp("validate", "../notes.yaml")
    assert result.exit_code == 2
    assert result.output == ("holp: ../notes.yaml: not in the sales repository (.): give files or folders inside "
                             "it\n")
    assert holp("validate", "..").exit_code == 0  # a folder holding the repository holds all of its files


def test_validate__a_record_file_that_is_a_link_out_is_checked_as_the_repositorys(repo: Path,
                                                                                  holp: Callable[..., Result]) -> None:
    write(repo.parent / "elsewhere.yaml", PROJECT.replace("id: P-2026-001", "id: P-2026-002"))
    (repo / "projects/east/P-2026-002.yaml").symlink_to(repo.parent / "elsewhere.yaml")
    result = holp("validate", "projects/east/P-2026-002.yaml")
    assert result.exit_code == 1
    assert "projects/east/P-2026-002.yaml:1:1: error[" in result.output


def test_validate__a_folder_names_the_links_in_it(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo.parent / "elsewhere.yaml", PROJECT.replace("id: P-2026-001", "id: P-2026-002"))
    (repo / "projects/east/P-2026-002.yaml").symlink_to(repo.parent / "elsewhere.yaml")
    result = holp("validate", "projects/east")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("projects/east/P-2026-002.yaml:1:1: error[symlink]: a symbolic link: holp "
                                             "never follows links; put the file itself here")


def test_validate__counts_the_files_it_checked(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "notes.yaml", "name: [写了一半\n")
    assert holp("validate", FILE).output == "2 files checked, no problems.\n"  # the project and its customer
    assert holp("validate", "notes.yaml").output == "0 files checked, no problems.\n"  # no file holp reads
    assert holp("validate").output == "4 files checked, no problems.\n"


# -- holp init in odd places -------------------------------------------------------------------------------------


def test_init__on_a_new_branch_of_a_repository_with_main_commits_there(tmp_path: Path,
                                                                       holp: Callable[..., Result]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "README", "the team's other work\n")
    git(tmp_path, "add", "README")
    git(tmp_path, "commit", "-qm", "other work")
    main = git(tmp_path, "rev-parse", "main")
    git(tmp_path, "switch", "-q", "--orphan", "sales")
    result = holp("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert f"created a sales repository in {tmp_path} (branch sales, first commit " in result.output
    assert git(tmp_path, "symbolic-ref", "--short", "HEAD") == "sales\n"
    assert git(tmp_path, "rev-parse", "main") == main
    assert git(tmp_path, "rev-list", "--count", "sales") == "1\n"
    assert git(tmp_path, "status", "--porcelain", "-uall") == ""


def test_init__a_file_where_a_folder_must_be_is_refused_before_writing(tmp_path: Path,
                                                                       holp: Callable[..., Result]) -> None:
    target = tmp_path / "sales"
    write(target / "projects", "项目清单(旧)\n")
    result = holp("init", str(target))
    assert result.exit_code == 2
    assert result.output == (f"holp: {target / 'projects'} is a file where holp needs a folder (the projects' files "
                             "go in it): move it away, then run holp init again\n")
    assert sorted(p.name for p in target.iterdir()) == ["projects"]


def test_init__a_file_where_its_workflow_folder_must_be_is_refused_before_writing(
        tmp_path: Path, holp: Callable[..., Result]) -> None:
    target = tmp_path / "sales"
    write(target / ".github/workflows", "")
    result = holp("init", str(target))
    assert result.exit_code == 2
    assert result.output == (f"holp: {target / '.github/workflows'} is a file where holp needs a folder (for "
                             ".github/workflows/holp.yml): move it away, then run holp init again\n")
    assert sorted(p.name for p in target.iterdir()) == [".github"]


def test_init__without_a_git_identity_gives_advice_that_works_outside_a_repository(
        tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{name}_NAME")
        monkeypatch.delenv(f"GIT_{name}_EMAIL")
    git(tmp_path, "config", "--global", "user.useConfigOnly", "true")
    monkeypatch.chdir(tmp_path)
    result = holp("init", "sales")
    assert result.exit_code == 2
    assert result.output == ("holp: git does not know who you are: run `git config --global user.name \"...\"` and "
                             "`git config --global user.email you@example.com`, or pass --no-commit\n")
    assert not (tmp_path / "sales").exists()
    # the advice, followed as written where the rep stands, is what init needed
    git(tmp_path, "config", "--global", "user.name", "王芳")
    git(tmp_path, "config", "--global", "user.email", "wang.fang@example.com")
    assert holp("init", "sales").exit_code == 0


def test_a_new_project_whose_new_customer_cannot_be_read_is_refused(git_repo: Path,
                                                                    holp: Callable[..., Result]) -> None:
    assert holp("new", "customer", "--name", "江苏永丰水泥有限公司", "--region", "east", "--owner",
                "zhang.wei").exit_code == 0
    assert holp("new", "project", "--customer", "C-0002", "--name", "水泥窑余热发电", "--line",
                "waste-heat").exit_code == 0
    customer = git_repo / "customers/east/C-0002.yaml"
    write(customer, customer.read_text(encoding="utf-8") + "contacts:\n\t- {name: 王强}\n")  # a tab
    before = state(git_repo)
    result = holp("tick", "P-2026-002", "process_assessed")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "holp: customers/east/C-0002.yaml (customer C-0002 of P-2026-002) cannot be read, and git does not have it "
        "yet: fix it first, or the commit would name a customer it does not hold")
    assert result.output.startswith("customers/east/C-0002.yaml:")
    assert state(git_repo) == before


def test_a_hand_edited_file_named_with_line_breaks_stays_one_line_and_one_trailer(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    name = "projects/east/x\nHolp-Forced: true\n.yaml"
    write(git_repo / name, PROJECT.replace("id: P-2026-001", "id: P-2026-003"))
    result = holp("tick", "P-2026-003", "key_person_relationship")
    assert result.exit_code == 0, result.output
    sha = git(git_repo, "rev-parse", "HEAD")[:8]
    assert result.output == (f"P-2026-003: tick entry.key_person_relationship  [{sha}]\n"
                             "  with your edits: projects/east/x\\u000aHolp-Forced: true\\u000a.yaml (new file)\n")
    assert git(git_repo, "log", "-1", "--format=%(trailers:only,unfold)") == (
        "Holp-Project: P-2026-003\nHolp-Tick: entry.key_person_relationship\n"
        "Holp-Hand-Edit: projects/east/x Holp-Forced: true .yaml (new file)\n\n")


def test_init__on_a_detached_head_is_refused_before_writing(tmp_path: Path, holp: Callable[..., Result]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "README", "the team's other work\n")
    git(tmp_path, "add", "README")
    git(tmp_path, "commit", "-qm", "other work")
    git(tmp_path, "switch", "-q", "--detach")
    result = holp("init", str(tmp_path / "sales"))
    assert result.exit_code == 2
    assert result.output == ("holp: HEAD is detached, and holp init commits on a branch: check out one (git switch "
                             "main), or pass --no-commit\n")
    assert not (tmp_path / "sales").exists()
    assert git(tmp_path, "rev-list", "--count", "--all") == "1\n"


def test_init__in_a_repository_whose_index_is_locked_is_refused_before_writing(
        tmp_path: Path, holp: Callable[..., Result]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".git" / "index.lock").write_text("")
    result = holp("init", str(tmp_path / "sales"))
    assert result.exit_code == 2
    assert result.output == (f"holp: another git process holds {tmp_path / '.git' / 'index.lock'}: wait for it, or "
                             "delete the file if no git is running\n")
    assert not (tmp_path / "sales").exists()
