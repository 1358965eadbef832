"""The frictions of a real team's first week (part a): what a rep sees, exactly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, git, snapshot, write

PROJECT_FILE = "projects/east/P-2026-001.yaml"


# -- 1. check names the id of each open item -------------------------------------------------------------


def test_check__names_the_id_of_each_open_item_and_how_to_tick_it(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_FILE, PROJECT.replace("    procurement_org_mapped: 2026-09-10\n", ""))
    result = holp("check", "P-2026-001", "--lang", "en")
    assert result.exit_code == 1
    assert result.output == (
        "P-2026-001 2号高炉余热发电改造 — Entry → Proposal\n"
        "Key node: Key persons and a hidden supporter\n"
        "  ✗ Customer's buying organisation and roles mapped (procurement_org_mapped)\n"
        "  ✓ The key decision maker identified  (李明)\n"
        "  ✗ A good relationship with the key persons (key_person_relationship)\n"
        "  ✓ A hidden supporter (coach) identified  (王强)\n"
        "  ✓ Opportunity graded high or medium  (medium)\n"
        "not ready: 2 of 5 items missing to leave Entry; `holp tick P-2026-001 ITEM` ticks one.\n")
    ticked = holp("tick", "P-2026-001", "key_person_relationship", "--note", "三次拜访", "--no-commit")
    assert ticked.exit_code == 0, ticked.output


def test_check__json_keeps_its_ids(repo: Path, holp: Callable[..., Result]) -> None:
    import json

    result = holp("check", "P-2026-001", "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert [(i["id"], i["met"]) for i in found["items"]] == [
        ("procurement_org_mapped", True), ("decision_maker_identified", True), ("key_person_relationship", False),
        ("coach_identified", True), ("opportunity_graded", True)]
    assert set(found) == {"project", "stage", "next", "ready", "items"}


def test_show__names_the_id_of_an_open_item(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("show", "P-2026-001")
    assert result.exit_code == 0
    assert "  ✗ 与关键人建立良好关系 (key_person_relationship)\n" in result.output


def test_forms__name_the_tick_of_each_open_manual_item(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_FILE, PROJECT.replace("    procurement_org_mapped: 2026-09-10\n", ""))
    review = holp("render", "stage-review", "P-2026-001", "--lang", "en")
    assert review.exit_code == 0, review.output
    assert ("| ✗ | Customer's buying organisation and roles mapped |  "
            "`holp tick P-2026-001 procurement_org_mapped` |\n") in review.output
    assert "| ✗ | A good relationship with the key persons |  `holp tick P-2026-001 key_person_relationship` |\n" \
        in review.output
    plan = holp("render", "visit-plan", "P-2026-001", "--lang", "en")
    assert plan.exit_code == 0, plan.output
    assert ("- [ ] Customer's buying organisation and roles mapped (`holp tick P-2026-001 procurement_org_mapped`)\n"
            "- [ ] A good relationship with the key persons (`holp tick P-2026-001 key_person_relationship`)\n"
            ) in plan.output


# -- 6. a tick dated a day that does not exist ---------------------------------------------------------------

IMPOSSIBLE = PROJECT.replace("    procurement_org_mapped: 2026-09-10\n",
                             "    procurement_org_mapped: 2026-02-30\n    key_person_relationship: \"2026-13-01\"\n")


def test_tick__an_impossible_date_is_an_error_with_its_line(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_FILE, IMPOSSIBLE)
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        "projects/east/P-2026-001.yaml:20:29: error[bad-date]: checklist.entry.procurement_org_mapped: "
        "'2026-02-30' is not a real date written YYYY-MM-DD\n"
        "projects/east/P-2026-001.yaml:21:30: error[bad-date]: checklist.entry.key_person_relationship: "
        "'2026-13-01' is not a real date written YYYY-MM-DD\n"
        "4 files checked: 2 errors.\n")


def test_tick__an_impossible_date_is_never_ticked(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_FILE, IMPOSSIBLE)
    check = holp("check", "P-2026-001")
    assert check.exit_code == 1
    assert "  ✗ 理清客户采购组织结构和角色分工 (procurement_org_mapped)\n" in check.output
    assert "  ✗ 与关键人建立良好关系 (key_person_relationship)\n" in check.output
    assert "2026-02-30" not in check.output and "2026-13-01" not in check.output
    assert "  ✗ 理清客户采购组织结构和角色分工 (procurement_org_mapped)\n" in holp("show", "P-2026-001").output
    review = holp("render", "stage-review", "P-2026-001").output
    assert "| ✗ | 理清客户采购组织结构和角色分工 |  `holp tick P-2026-001 procurement_org_mapped` |\n" in review
    refused = holp("advance", "P-2026-001", "--no-commit")
    assert refused.exit_code == 1
    assert "2 of 5 checklist items are not met" in refused.output


def test_tick__a_note_and_a_real_date_still_count(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PROJECT_FILE, PROJECT.replace(
        "    procurement_org_mapped: 2026-09-10\n",
        "    procurement_org_mapped: 2026-02-28\n    key_person_relationship: \"2026-2-30 拜访后关系改善\"\n"))
    result = holp("check", "P-2026-001")
    assert result.exit_code == 0
    assert "  ✓ 理清客户采购组织结构和角色分工  (2026-02-28)\n" in result.output
    assert "  ✓ 与关键人建立良好关系  (2026-2-30 拜访后关系改善)\n" in result.output
    assert holp("validate").exit_code == 0


# -- 2. an id that names nothing -------------------------------------------------------------------------------

UNKNOWN_PROJECT = [
    ("show", "P-2026-002"), ("check", "P-2026-002"), ("tick", "P-2026-002", "key_person_relationship"),
    ("advance", "P-2026-002"), ("visit", "P-2026-002"), ("close", "P-2026-002", "--lost", "--reason", "price"),
    ("reopen", "P-2026-002", "--to", "entry", "--reason", "x"), ("assess", "P-2026-002", "--set", "need=3"),
    ("render", "visit-plan", "P-2026-002"), ("render", "stage-review", "P-2026-002"), ("history", "P-2026-002"),
]


@pytest.mark.parametrize("args", UNKNOWN_PROJECT, ids=[" ".join(a[:2]) for a in UNKNOWN_PROJECT])
def test_unknown_id__is_a_usage_error_with_the_closest_ids(git_repo: Path, holp: Callable[..., Result],
                                                           args: tuple[str, ...]) -> None:
    before = snapshot(git_repo)
    result = holp(*args)
    assert result.exit_code == 2
    assert result.output == "holp: no project with id P-2026-002 (did you mean P-2026-001?)\n"
    assert snapshot(git_repo) == before


def test_unknown_id__a_customer_form_and_new_project_name_the_closest_customer(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("render", "customer-overview", "C-0002")
    assert (result.exit_code, result.output) == (
        2, "holp: no project or customer with id C-0002 (did you mean C-0001?)\n")
    result = holp("new", "project", "--customer", "C-0002", "--name", "x")
    assert (result.exit_code, result.output) == (2, "holp: no customer with id C-0002 (did you mean C-0001?)\n")
    result = holp("list", "--customer", "C-0002")
    assert (result.exit_code, result.output) == (2, "holp: no customer with id C-0002 (did you mean C-0001?)\n")


def test_unknown_id__names_up_to_three_close_ids_and_none_when_nothing_is_close(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    for number in ("011", "021", "101"):
        write(git_repo / f"projects/east/P-2026-{number}.yaml", PROJECT.replace("P-2026-001", f"P-2026-{number}"))
    result = holp("show", "P-2026-01")
    assert (result.exit_code, result.output) == (
        2, "holp: no project with id P-2026-01 (did you mean P-2026-001, P-2026-011 or P-2026-021?)\n")
    result = holp("check", "Q-1")
    assert (result.exit_code, result.output) == (2, "holp: no project with id Q-1\n")


def test_history__knows_a_project_whose_file_is_gone_and_one_not_yet_committed(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    git(git_repo, "rm", "-q", "--", PROJECT_FILE)
    git(git_repo, "commit", "-q", "-m", "P-2026-001 is gone")
    gone = holp("--no-cache", "history", "P-2026-001")
    assert gone.exit_code == 0
    assert gone.output.endswith("1 transition in 2 commits walked\n")
    mistyped = holp("history", "P-2026-01")
    assert (mistyped.exit_code, mistyped.output) == (
        2, "holp: no project with id P-2026-01 (did you mean P-2026-001?)\n")
    write(git_repo / "projects/east/P-2026-002.yaml", PROJECT.replace("P-2026-001", "P-2026-002"))
    new = holp("--no-cache", "history", "P-2026-002")
    assert (new.exit_code, new.output) == (0, "0 transitions in 2 commits walked\n")


# -- 3. git missing from PATH ---------------------------------------------------------------------------------

NO_GIT = "holp: git is not installed or not on PATH: install git and try again\n"
NEEDS_GIT = [
    ("history",), ("history", "P-2026-001"), ("review",), ("report", "forecast"), ("report", "aging"),
    ("report", "--format", "html"), ("report", "--as-of", "2026-11-01"), ("report", "changes", "--since", "2026-11-01"),
    ("report", "-o", "holp.yaml"), ("tick", "P-2026-001", "key_person_relationship"),
    ("tick", "P-2026-001", "key_person_relationship", "--no-commit"), ("advance", "P-2026-001", "--force", "--reason", "x"),
    ("close", "P-2026-001", "--lost", "--reason", "price", "--no-commit"), ("assess", "P-2026-001", "--set", "need=3"),
    ("visit", "P-2026-001", "--no-commit"), ("codeowners", "--check"), ("export", "--format", "jsonl", "-o", "out.jsonl"),
]
WORKS_WITHOUT_GIT = [
    ("validate",), ("list",), ("show", "P-2026-001"), ("check", "P-2026-001"), ("render", "visit-plan", "P-2026-001"),
    ("report",), ("report", "receivables"), ("report", "-o", "funnel.txt"), ("schema", "project"),
    ("tick", "P-2026-001", "key_person_relationship", "--dry-run"),
]


@pytest.fixture
def no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH is a folder holding only the python interpreter: no git."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.mark.parametrize("args", NEEDS_GIT, ids=[" ".join(a) for a in NEEDS_GIT])
def test_no_git__a_command_that_needs_it_says_so_and_changes_nothing(
        git_repo: Path, no_git: Path, holp: Callable[..., Result], args: tuple[str, ...]) -> None:
    before = snapshot(git_repo)
    result = holp(*args)
    assert (result.exit_code, result.output) == (2, NO_GIT)
    assert snapshot(git_repo) == before


@pytest.mark.parametrize("args", WORKS_WITHOUT_GIT, ids=[" ".join(a) for a in WORKS_WITHOUT_GIT])
def test_no_git__a_command_that_reads_the_work_tree_works_as_with_git(
        git_repo: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        args: tuple[str, ...]) -> None:
    with_git = holp("--no-cache", *args)
    (git_repo / "funnel.txt").unlink(missing_ok=True)
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(folder))
    without = holp(*args)
    assert (without.exit_code, without.output) == (with_git.exit_code, with_git.output)
    assert with_git.exit_code in (0, 1) and "git" not in without.output


def test_no_git__outside_a_repository_history_says_there_is_none(repo: Path, no_git: Path,
                                                                 holp: Callable[..., Result]) -> None:
    result = holp("history")
    assert (result.exit_code, result.output) == (
        2, "holp: holp history reads git history, but this is not a git repository\n")
    assert holp("tick", "P-2026-001", "key_person_relationship", "--no-commit").exit_code == 0


def test_no_git__python_dash_m_holp_in_a_real_process(git_repo: Path, no_git: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "holp", "history", "P-2026-001"], cwd=git_repo,
                            capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", NO_GIT)
    listed = subprocess.run([sys.executable, "-m", "holp", "list", "--format", "csv"], cwd=git_repo,
                            capture_output=True, text=True, check=False)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert listed.stdout.splitlines()[1].startswith("P-2026-001,2号高炉余热发电改造,C-0001,zhang.wei,east,")


# -- 4. files that could not be read are said, not silently dropped ------------------------------------------------

CONFLICTED = PROJECT.replace("P-2026-001", "P-2026-002").replace(
    "stage: entry\n", "<<<<<<< HEAD\nstage: entry\n=======\nstage: proposal\n>>>>>>> theirs\n")
CONFLICT_WARNING = ("projects/east/P-2026-002.yaml:9:1: error[merge-conflict]: unresolved merge conflict marker: "
                    "resolve the conflict first")
BYTES_WARNING = "customers/east/C-0009.yaml:2:1: error[not-text]: file is not UTF-8 text"


@pytest.fixture
def unreadable(repo: Path) -> Path:
    write(repo / "projects/east/P-2026-002.yaml", CONFLICTED)
    write(repo / "customers/east/C-0009.yaml", b"id: C-0009\nname: \xff\xfe\n")
    return repo


def test_left_out__list_names_the_files_it_could_not_read(unreadable: Path, holp: Callable[..., Result]) -> None:
    result = holp("list", "--stage", "proposal")
    assert result.exit_code == 0
    assert result.stderr == (f"holp: warning: {BYTES_WARNING} (left out of every total)\n"
                             f"holp: warning: {CONFLICT_WARNING} (left out of every total)\n")
    assert result.stdout == "no projects match (2 files could not be read: see the warnings)\n"
    assert holp("list").stdout.endswith("1 project, 3,200,000.00 CNY (2 files could not be read: see the warnings)\n")


def test_left_out__show_and_check_name_them_too(unreadable: Path, holp: Callable[..., Result]) -> None:
    for command in ("show", "check"):
        result = holp(command, "P-2026-001")
        assert result.stderr == (f"holp: warning: {BYTES_WARNING} (not read as a record)\n"
                                 f"holp: warning: {CONFLICT_WARNING} (not read as a record)\n"), command
        assert result.stdout.startswith("P-2026-001 ")


def test_left_out__a_markdown_or_html_report_says_them_where_stderr_does_not_go(
        unreadable: Path, holp: Callable[..., Result]) -> None:
    result = holp("report", "--format", "markdown", "--lang", "en")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "> ⚠️ These files could not be read and are left out of every figure:\n"
        "> - customers/east/C-0009.yaml:2:1: error\\[not-text\\]: file is not UTF-8 text\n"
        "> - projects/east/P-2026-002.yaml:9:1: error\\[merge-conflict\\]: unresolved merge conflict marker: "
        "resolve the conflict first\n\n## Sales funnel\n")
    page = holp("report", "--format", "html", "--lang", "zh").stdout
    assert ('<div class="warning">⚠️ 以下文件未能读取，未计入任何数字:<ul>'
            f"<li>{BYTES_WARNING}</li>"
            f"<li>{CONFLICT_WARNING}</li></ul></div>") in page
    assert holp("report", "--format", "json").stdout.startswith('{\n  "as_of": "2026-11-24",\n')


# -- 5. what `holp new` is given ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "written"), [
    ("1.5e6", "amount: 1500000 "), ("1234.5", "amount: 1234.5 "), ("1,500,000.00", "amount: 1500000 "),
    ("2E+3", "amount: 2000 "), ("0.5e1", "amount: 5 "), ("1250000.50", "amount: 1250000.50 "),
])
def test_new_project__writes_an_amount_as_a_rep_would(repo: Path, holp: Callable[..., Result], given: str,
                                                      written: str) -> None:
    result = holp("new", "project", "--customer", "C-0001", "--name", "二期", "--amount", given)
    assert (result.exit_code, result.output) == (0, "projects/east/P-2026-002.yaml\n")
    text = (repo / "projects/east/P-2026-002.yaml").read_text(encoding="utf-8")
    assert f"\n{written}" in text
    assert holp("validate").exit_code == 0


@pytest.mark.parametrize("given", ["-5", "NaN", "inf", "-Infinity", "1e16", "sNaN"])
def test_new_project__refuses_an_amount_no_file_may_hold(repo: Path, holp: Callable[..., Result],
                                                         given: str) -> None:
    before = snapshot(repo)
    result = holp("new", "project", "--customer", "C-0001", "--name", "二期", f"--amount={given}")
    assert (result.exit_code, result.output) == (
        2, f"holp: --amount {given}: an amount is a number from 0 to 1,000,000,000,000,000\n")
    assert snapshot(repo) == before


@pytest.mark.parametrize(("args", "option"), [
    (("customer", "--name", "", "--region", "east", "--owner", "zhang.wei"), "--name"),
    (("customer", "--name", " \u3000 ", "--region", "east", "--owner", "zhang.wei"), "--name"),
    (("customer", "--name", "某公司", "--region", " ", "--owner", "zhang.wei"), "--region"),
    (("customer", "--name", "某公司", "--region", "east", "--owner", ""), "--owner"),
    (("customer", "--name", "某公司", "--region", "east", "--owner", "zhang.wei", "--industry", ""), "--industry"),
    (("customer", "--name", "某公司", "--region", "east", "--owner", "zhang.wei", "--credit", " "), "--credit"),
    (("customer", "--name", "某公司", "--region", "east", "--owner", "zhang.wei", "--id", ""), "--id"),
    (("project", "--customer", "", "--name", "二期"), "--customer"),
    (("project", "--customer", "C-0001", "--name", "\t"), "--name"),
    (("project", "--customer", "C-0001", "--name", "二期", "--line", ""), "--line"),
    (("project", "--customer", "C-0001", "--name", "二期", "--amount", " "), "--amount"),
    (("project", "--customer", "C-0001", "--name", "二期", "--close", ""), "--close"),
    (("project", "--customer", "C-0001", "--name", "二期", "--owner", ""), "--owner"),
    (("project", "--customer", "C-0001", "--name", "二期", "--stage", ""), "--stage"),
], ids=lambda value: value if isinstance(value, str) else value[0])
def test_new__a_blank_text_option_is_a_usage_error_naming_it(repo: Path, holp: Callable[..., Result],
                                                             args: tuple[str, ...], option: str) -> None:
    before = snapshot(repo)
    result = holp("new", *args)
    assert (result.exit_code, result.output) == (2, f"holp: {option} must not be empty\n")
    assert snapshot(repo) == before


def test_new_customer__trims_the_name_it_writes(repo: Path, holp: Callable[..., Result]) -> None:
    result = holp("new", "customer", "--name", "  江苏永丰水泥有限公司\u3000", "--region", "east", "--owner", "zhang.wei")
    assert (result.exit_code, result.output) == (0, "customers/east/C-0002.yaml\n")
    assert "\nname: 江苏永丰水泥有限公司\n" in (repo / "customers/east/C-0002.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "written"), [
    ("华东某钢铁集团 ", "华东某钢铁集团"), ("华东某钢铁集团", "华东某钢铁集团"),
])
def test_new_customer__a_name_already_used_is_a_warning_and_the_file_is_written(
        repo: Path, holp: Callable[..., Result], name: str, written: str) -> None:
    result = holp("new", "customer", "--name", name, "--region", "north", "--owner", "li.na")
    assert result.exit_code == 0
    assert result.stdout == "customers/north/C-0002.yaml\n"
    assert result.stderr == ("holp: warning: customer C-0001 (customers/east/C-0001.yaml) has the same name, "
                             "华东某钢铁集团: is it the same customer?\n")
    assert f"\nname: {written}\n" in (repo / "customers/north/C-0002.yaml").read_text(encoding="utf-8")


def test_validate__customers_named_alike_are_a_warning_on_both_files(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "customers/east/C-0001.yaml", CUSTOMER.replace("name: 华东某钢铁集团", "name: 江苏永丰水泥（集团）有限公司"))
    write(repo / "customers/north/C-0002.yaml", "id: C-0002\nregion: north\nowner: li.na\n"
                                                "name: \"江苏永丰水泥(集团)有限公司 \"\n")
    write(repo / "customers/north/C-0003.yaml", "id: C-0003\nname: 江苏永丰水泥有限公司\nregion: north\nowner: li.na\n")
    result = holp("validate")
    assert result.exit_code == 0
    assert result.output == (
        "customers/east/C-0001.yaml:3:7: warning[duplicate-name]: customer C-0002 (customers/north/C-0002.yaml:4) "
        "has the same name: one customer in two files?\n"
        "customers/north/C-0002.yaml:4:7: warning[duplicate-name]: customer C-0001 (customers/east/C-0001.yaml:3) "
        "has the same name: one customer in two files?\n"
        "6 files checked: 2 warnings.\n")
