"""A team's first week: `holp init` leaves a repository ready to use, a rep's hand edits go into holp's commits,
and the pre-commit hook and holp's own commits agree."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import git, snapshot, write
from holp import __version__

FILE = "projects/east/P-2026-001.yaml"
CUSTOMER_FILE = "customers/east/C-0001.yaml"


def state(root: Path) -> tuple[dict[str, str], str, str]:
    """Everything a refused command must leave alone: the files, HEAD, the index and status."""
    return snapshot(root), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain=v1", "-uall")


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


# -- holp init ------------------------------------------------------------------------------

SCAFFOLD = [".editorconfig", ".github/workflows/holp.yml", ".holp/schema/config.schema.json",
            ".holp/schema/customer.schema.json", ".holp/schema/project.schema.json",
            ".holp/schema/team.schema.json", ".pre-commit-config.yaml", ".vscode/settings.json", "holp.yaml",
            "team.yaml"]

NEXT = """\
next:
  1. edit team.yaml: your regions, your reps (with the email each commits with) and targets; then
     git commit -am "team"
  2. holp new customer --name NAME --region REGION --owner REP
  3. holp new project --customer ID --name NAME --line LINE --amount AMOUNT --close YYYY-MM-DD
  4. push it to GitHub: .github/workflows/holp.yml checks every pull request
"""


def test_init__makes_the_first_commit_on_main_whatever_gits_default(tmp_path: Path, holp: Callable[..., Result],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "config", "--global", "init.defaultBranch", "trunk")
    target = tmp_path / "sales"
    result = holp("init", str(target))
    assert result.exit_code == 0, result.output
    sha = head(target)
    listed = "".join(f"  {name}\n" for name in ["holp.yaml", "team.yaml", ".github/workflows/holp.yml",
                                                 ".pre-commit-config.yaml", ".editorconfig", ".vscode/settings.json",
                                                 ".holp/schema/project.schema.json",
                                                 ".holp/schema/customer.schema.json",
                                                 ".holp/schema/team.schema.json", ".holp/schema/config.schema.json"])
    assert result.output == (f"initialised a git repository in {target}\n"
                             f"created a sales repository in {target} (branch main, first commit {sha[:8]}):\n"
                             f"{listed}{NEXT}")
    assert git(target, "branch", "--show-current") == "main\n"
    assert git(target, "log", "--format=%an <%ae>%n%B") == (
        f"张伟 <zhang.wei@example.com>\nholp init: the sales process, the team, CI and editor schemas "
        f"(holp {__version__})\n\n")
    assert git(target, "ls-files").splitlines() == SCAFFOLD
    assert git(target, "status", "--porcelain", "-uall") == ""
    monkeypatch.chdir(target)
    for args in (["validate"], ["list"], ["report", "funnel"]):
        checked = holp(*args)
        assert checked.exit_code == 0, checked.output
        assert "warning" not in checked.output and ".gitkeep" not in checked.output


def test_init__no_commit_writes_and_commits_nothing(tmp_path: Path, holp: Callable[..., Result]) -> None:
    target = tmp_path / "sales"
    result = holp("init", str(target), "--no-commit")
    assert result.exit_code == 0, result.output
    assert f"created a sales repository in {target} (branch main, nothing committed):\n" in result.output
    assert git(target, "rev-list", "--all") == ""
    assert git(target, "symbolic-ref", "HEAD") == "refs/heads/main\n"
    assert sorted(git(target, "ls-files", "--others").splitlines()) == sorted(SCAFFOLD)


def test_init__without_a_git_identity_refuses_before_writing(tmp_path: Path, holp: Callable[..., Result],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{name}_NAME")
        monkeypatch.delenv(f"GIT_{name}_EMAIL")
    git(tmp_path, "config", "--global", "user.useConfigOnly", "true")
    target = tmp_path / "sales"
    result = holp("init", str(target))
    assert result.exit_code == 2
    assert result.output == ("holp: git does not know who you are: run `git config --global user.name \"...\"` and "
                             "`git config --global user.email you@example.com`, or pass --no-commit\n")
    assert not target.exists()


def test_init__inside_a_repository_commits_only_its_own_files(tmp_path: Path, holp: Callable[..., Result]) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path / "notes.txt", "the rep's own notes\n")
    result = holp("init", str(tmp_path / "sales"))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "sales" / ".git").exists()
    assert git(tmp_path, "ls-files").splitlines() == [f"sales/{name}" for name in SCAFFOLD]
    assert git(tmp_path, "status", "--porcelain") == "?? notes.txt\n"


# -- the rep's edit, then a holp command ------------------------------------------------------


@pytest.fixture
def feature(git_repo: Path) -> Path:
    """The `git_repo` fixture on a branch of its own, as a rep works for a pull request."""
    git(git_repo, "switch", "-q", "-c", "feature")
    return git_repo


def test_tick_after_a_hand_edit_commits_both_in_one_commit(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    original = path.read_text(encoding="utf-8")
    edited = original.replace("    next_step: 提交初步方案\n", "    next_step: 提交初步方案(下周三前)\n")
    write(path, edited)
    result = holp("tick", "P-2026-001", "key_person_relationship", "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    sha = head(git_repo)
    assert result.output == (f"P-2026-001: tick entry.key_person_relationship  [{sha[:8]}]\n"
                             f"  with your edits: {FILE} (+1 -1 lines)\n")
    assert path.read_text(encoding="utf-8") == edited.replace(
        "    procurement_org_mapped: 2026-09-10\n",
        "    procurement_org_mapped: 2026-09-10\n    key_person_relationship: 2026-11-20\n")
    assert git(git_repo, "log", "-1", "--format=%B") == (
        "P-2026-001: tick entry.key_person_relationship\n\n"
        "Holp-Project: P-2026-001\nHolp-Tick: entry.key_person_relationship\n"
        f"Holp-Hand-Edit: {FILE} (+1 -1 lines)\n\n")
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{FILE}\n"
    assert git(git_repo, "status", "--porcelain", "-uall") == ""


def test_a_hand_edit_with_an_error_is_refused_and_kept(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    write(path, path.read_text(encoding="utf-8").replace("amount: 3200000", "amount: 三百万"))
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "key_person_relationship")
    assert result.exit_code == 1
    assert result.output == (
        f"{FILE}:7:9: error[bad-amount]: amount is '三百万': an amount is a plain number, like 3200000 or "
        "1250000.50\n"
        f"holp: your edits to {FILE} have errors: fix them, so that they can go into the commit of this change\n")
    assert state(git_repo) == before


def test_a_stage_changed_by_hand_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    path = git_repo / FILE
    write(path, path.read_text(encoding="utf-8").replace("stage: entry", "stage: proposal"))
    before = state(git_repo)
    result = holp("tick", "P-2026-001", "needs_understood")
    assert result.exit_code == 1
    assert result.output == (f"holp: {FILE}: the stage was changed by hand (entry → proposal): put it back to "
                             "entry; holp advance, close and reopen move a project, with the commit a reviewer can "
                             "check\n")
    assert state(git_repo) == before


def test_an_uncommitted_process_is_refused(git_repo: Path, holp: Callable[..., Result]) -> None:
    write(git_repo / "holp.yaml", (git_repo / "holp.yaml").read_text(encoding="utf-8") + "# 试一试\n")
    before = state(git_repo)
    result = holp("advance", "P-2026-001", "--force", "--reason", "测试")
    assert result.exit_code == 1
    assert result.output == ("holp: holp.yaml has changes that are not committed: holp would judge this change by "
                             "them, and review judges by the committed process; commit holp.yaml first (or undo "
                             "the edit)\n")
    assert state(git_repo) == before


def test_a_gate_met_by_an_uncommitted_customer_edit_commits_that_edit(feature: Path,
                                                                      holp: Callable[..., Result]) -> None:
    customer = feature / CUSTOMER_FILE
    with_coach = customer.read_text(encoding="utf-8")
    coach = next(line for line in with_coach.splitlines(keepends=True) if "role: coach" in line)
    git(feature, "switch", "-q", "main")
    write(customer, with_coach.replace(coach, ""))
    git(feature, "commit", "-qam", "the coach is not known yet")
    git(feature, "switch", "-q", "feature")
    git(feature, "merge", "-q", "--ff-only", "main")
    assert holp("tick", "P-2026-001", "key_person_relationship").exit_code == 0
    write(customer, with_coach)  # the rep adds the coach by hand, and commits nothing
    assert git(feature, "status", "--porcelain") == f" M {CUSTOMER_FILE}\n"

    result = holp("advance", "P-2026-001")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"  with your edits: {CUSTOMER_FILE} (+1 -0 lines)\n")
    assert git(feature, "show", "--name-only", "--format=", "HEAD") == f"{CUSTOMER_FILE}\n{FILE}\n"
    assert git(feature, "status", "--porcelain") == ""
    review = holp("review", "main")
    assert review.exit_code == 0, review.output


def test_a_customer_edit_the_gate_does_not_need_stays_uncommitted(git_repo: Path,
                                                                  holp: Callable[..., Result]) -> None:
    assert holp("tick", "P-2026-001", "key_person_relationship").exit_code == 0
    customer = git_repo / CUSTOMER_FILE
    write(customer, customer.read_text(encoding="utf-8") + "# 下次拜访带上样本\n")
    result = holp("advance", "P-2026-001")
    assert result.exit_code == 0, result.output
    assert "with your edits" not in result.output
    assert git(git_repo, "show", "--name-only", "--format=", "HEAD") == f"{FILE}\n"
    assert git(git_repo, "status", "--porcelain") == f" M {CUSTOMER_FILE}\n"


def test_a_new_project_and_its_new_customer_go_in_with_the_first_tick(git_repo: Path,
                                                                      holp: Callable[..., Result]) -> None:
    made = holp("new", "customer", "--name", "江苏永丰水泥有限公司", "--region", "east", "--owner", "zhang.wei")
    assert made.exit_code == 0, made.output
    made = holp("new", "project", "--customer", "C-0002", "--name", "水泥窑余热发电", "--line", "waste-heat")
    assert made.exit_code == 0, made.output
    project_file = made.output.strip()
    result = holp("tick", Path(project_file).stem, "process_assessed", "--date", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [f"  with your edits: {project_file} (new file)",
                                              "  with your edits: customers/east/C-0002.yaml (new file)"]
    assert sorted(git(git_repo, "show", "--name-only", "--format=", "HEAD").split()) == [
        "customers/east/C-0002.yaml", project_file]
    assert git(git_repo, "status", "--porcelain", "-uall") == ""


# -- the pre-commit hook and holp's commits ---------------------------------------------------


def _pre_commit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=root, capture_output=True, text=True,
                          check=False)


@pytest.fixture
def hooked(tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository made by `holp init` with its pre-commit config installed as the git hook; holp on PATH."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "sales"
    assert holp("init", str(target)).exit_code == 0
    installed = _pre_commit(target, "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    monkeypatch.chdir(target)
    return target


def test_the_hook_configs_are_what_pre_commit_accepts(tmp_path: Path, holp: Callable[..., Result]) -> None:
    assert holp("init", str(tmp_path / "sales"), "--no-commit").exit_code == 0
    checked = _pre_commit(tmp_path, "validate-config", "sales/.pre-commit-config.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    manifest = Path(__file__).parent.parent / ".pre-commit-hooks.yaml"
    checked = _pre_commit(tmp_path, "validate-manifest", str(manifest))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_hook_checks_what_holp_commits_not_drafts_elsewhere(hooked: Path, holp: Callable[..., Result]) -> None:
    write(hooked / "projects/east/P-draft.yaml", "id: P-draft\nname: [写了一半\n")  # a draft, never committed
    assert holp("new", "customer", "--name", "某钢厂", "--region", "east", "--owner", "zhang.wei").exit_code == 0
    made = holp("new", "project", "--customer", "C-0001", "--name", "余热发电")
    project_id = Path(made.output.strip()).stem
    result = holp("tick", project_id, "process_assessed")
    assert result.exit_code == 0, result.output
    assert git(hooked, "status", "--porcelain", "-uall") == "?? projects/east/P-draft.yaml\n"
    whole = holp("validate")
    assert whole.exit_code == 1  # the draft is still wrong; it is just not what was committed


def test_a_hook_that_refuses_holps_commit_is_named_with_its_output(hooked: Path,
                                                                    holp: Callable[..., Result]) -> None:
    config = hooked / ".pre-commit-config.yaml"
    write(config, config.read_text(encoding="utf-8") + (
        "      - id: no-ticks-on-friday\n"
        "        name: no ticks on Friday\n"
        "        entry: it is Friday, tick on Monday\n"
        "        language: fail\n"
        "        files: ^projects/\n"))
    git(hooked, "commit", "-qam", "a team rule")
    assert holp("new", "customer", "--name", "某钢厂", "--region", "east", "--owner", "zhang.wei").exit_code == 0
    made = holp("new", "project", "--customer", "C-0001", "--name", "余热发电")
    project_id = Path(made.output.strip()).stem
    before = state(hooked)
    result = holp("tick", project_id, "process_assessed")
    assert result.exit_code == 1
    first, *said = result.output.splitlines()
    assert first == ("holp: the pre-commit hook (.git/hooks/pre-commit) refused the commit, so nothing was changed; "
                     "fix what it says, or run the hook alone to see it again. What it said:")
    assert any(line.startswith("  | holp validate") and line.endswith("Passed") for line in said), said
    assert any(line.startswith("  | no ticks on Friday") and line.endswith("Failed") for line in said), said
    assert "  | it is Friday, tick on Monday" in said
    assert state(hooked) == before


def test_a_repository_never_committed_says_what_to_commit(tmp_path: Path, holp: Callable[..., Result],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert holp("init", str(tmp_path / "sales"), "--no-commit").exit_code == 0
    monkeypatch.chdir(tmp_path / "sales")
    assert holp("new", "customer", "--name", "某钢厂", "--region", "east", "--owner", "zhang.wei").exit_code == 0
    assert holp("new", "project", "--customer", "C-0001", "--name", "余热发电").exit_code == 0
    result = holp("tick", "P-2026-001", "process_assessed")
    assert result.exit_code == 1
    assert result.output == ("holp: holp.yaml is not committed yet: commit the repository's files first "
                             "(git add holp.yaml team.yaml && git commit)\n")
    assert git(tmp_path / "sales", "rev-list", "--all") == ""


def test_validate_files__checks_each_project_with_its_customer_and_nothing_else(repo: Path,
                                                                                holp: Callable[..., Result]) -> None:
    """What the pre-commit hook relies on: the files it passes, and the customer of each project among them; a
    draft elsewhere is not its business; holp.yaml among them checks everything."""
    customer = repo / CUSTOMER_FILE
    write(customer, customer.read_text(encoding="utf-8").replace("owner: zhang.wei", "owner: nobody"))
    write(repo / "projects/east/P-draft.yaml", "id: P-draft\nname: [写了一半\n")
    result = holp("validate", FILE)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{CUSTOMER_FILE}:6:8: error[unknown-rep]: rep 'nobody' does not exist",
        "2 files checked: 1 error.",
    ]
    whole = holp("validate", "holp.yaml")
    assert whole.exit_code == 1
    assert "projects/east/P-draft.yaml:2:7: error[yaml-syntax]" in whole.output
    assert whole.output.endswith("5 files checked: 2 errors.\n")
