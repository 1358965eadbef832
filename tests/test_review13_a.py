"""Review of issue 13 by an attacker and a careless rep: an approval forged by setting a manager's author email,
and a customer file that cannot be read, which must be one problem, not a cascade of wrong approvers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from conftest import CUSTOMER, PROJECT, TEAM, Script, snapshot, write
from holp.resources import template

PROCESS = template("init", "holp.yaml").read_text(encoding="utf-8")
PATH = "projects/east/P-2026-001.yaml"
AT_PROPOSAL = PROJECT.replace("stage: entry", "stage: proposal").replace(
    "    procurement_org_mapped: 2026-09-10\n",
    "    procurement_org_mapped: 2026-09-10\n    key_person_relationship: 2026-09-20\n")


def test_review__flags_an_approval_a_rep_committed_under_the_managers_author_email(
        script: Script, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"holp.yaml": PROCESS, "team.yaml": TEAM, "customers/east/C-0001.yaml": CUSTOMER, PATH: AT_PROPOSAL}
    script.commit("li.na", "2026-11-20T09:00:00+08:00", "start", files)
    script.git("switch", "-q", "-c", "proposal")
    # by hand (holp approve refuses it): the rep writes the manager's approval, sets her as the author, commits
    write(script.root / PATH, AT_PROPOSAL + (
        "approvals:\n  - {item: proposal_reviewed, by: li.na, date: 2026-11-21, verdict: approved}\n"))
    script.git("add", PATH)
    script.as_("zhang.wei", "2026-11-21T10:00:00+08:00")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "李娜")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "li.na@example.com")
    script.git("commit", "-q", "-m", "P-2026-001: proposal_reviewed approved by li.na")
    forged = script.head()
    assert script.git("log", "-1", "--format=%ae %ce", forged) == "li.na@example.com zhang.wei@example.com\n"
    result = holp("review", "main")
    assert result.exit_code == 0, result.output
    assert ("### Approvals committed by someone other than the approver\n\n"
            "- ⚠️ approval 1 of proposal_reviewed on P-2026-001 names li.na as approver but was committed by "
            f"zhang.wei (authored as li.na) (commit {forged[:8]}): the approver commits it, with "
            "\\`holp approve\\`\n") in result.output
    data = json.loads(holp("review", "main", "--format", "json").output)
    assert [(a["commit"], a["by"], a["member"], a["committer"]) for a in data["approvals_by_others"]] == [
        (forged, "li.na", "li.na", "zhang.wei")]


def test_validate__an_unreadable_customer_is_one_problem_not_wrong_approvers(
        tmp_path: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sales"
    write(root / "holp.yaml", PROCESS)
    write(root / "team.yaml", TEAM)
    # a careless rep adds a second `class:` to the customer: the file is no record, its region unknown
    write(root / "customers/east/C-0001.yaml", CUSTOMER + "class: A\nclass: B\n")
    write(root / PATH, AT_PROPOSAL + (
        "approvals:\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-21, verdict: approved}\n"
        "expenses:\n"
        "  - {date: 2026-11-20, kind: hospitality, amount: 12000, by: zhang.wei, approved_by: li.na, note: 晚宴}\n"))
    monkeypatch.chdir(root)
    result = holp("validate")
    lines = CUSTOMER.count("\n")
    assert result.exit_code == 1
    assert result.output == (
        f"customers/east/C-0001.yaml:{lines + 2}:1: error[duplicate-key]: duplicate key 'class' (it is already "
        "set above)\n"
        "4 files checked: 1 error.\n")


def test_validate__a_target_with_a_quarter_and_a_month_says_so_in_words(
        repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "team.yaml", TEAM + "  - {year: 2026, region: east, quarter: 2, month: 5, amount: 100}\n"
          "expense_budgets:\n  - {year: 2026, region: east, rep: zhang.wei, amount: 100}\n")
    lines = TEAM.count("\n")
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        f"team.yaml:{lines + 1}:5: error[bad-target]: targets.1 names both a quarter and a month: write one, or "
        "neither for the whole year\n"
        f"team.yaml:{lines + 3}:5: error[bad-target]: expense_budgets.0 must name either a region or a rep, not "
        "both or neither\n"
        "4 files checked: 2 errors.\n")


def test_task_add__on_a_linked_project_file_names_the_link_and_writes_nothing(
        git_repo: Path, tmp_path: Path, holp: Callable[..., Result]) -> None:
    outside = write(tmp_path / "outside.yaml", PROJECT)
    (git_repo / PATH).unlink()
    (git_repo / PATH).symlink_to(outside)
    before = snapshot(git_repo)
    for args in (("task", "add", "P-2026-001", "提交方案", "--due", "2026-12-01"),
                 ("expense", "add", "P-2026-001", "--kind", "travel", "--amount", "100", "--note", "差旅"),
                 ("show", "P-2026-001")):
        result = holp(*args)
        assert result.exit_code == 1, args
        assert result.output == (
            f"{PATH}:1:1: error[symlink]: a symbolic link: holp never follows links; put the file itself here\n"
            "holp: project P-2026-001 cannot be read\n")
    assert outside.read_text(encoding="utf-8") == PROJECT
    assert snapshot(git_repo) == before


@pytest.mark.parametrize(("stage", "extra", "message"), [
    ("lost", "lost: {reason: price}\n",
     "holp: P-2026-001 is lost: an approval is given on a deal in the process (`holp reopen P-2026-001` first, if "
     "it is alive again)\n"),
    ("entry", "",
     "holp: P-2026-001 is at entry: proposal_reviewed is an item of proposal, which it has not reached; approve it "
     "once the project is there\n"),
])
def test_approve__refuses_a_lost_deal_and_an_item_of_a_stage_not_reached(
        repo: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch,
        stage: str, extra: str, message: str) -> None:
    write(repo / PATH, PROJECT.replace("stage: entry", f"stage: {stage}") + extra)
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "li.na@example.com")
    before = snapshot(repo)
    result = holp("approve", "P-2026-001", "proposal_reviewed", "--no-commit")
    assert result.exit_code == 1, result.output
    assert result.output == message
    assert snapshot(repo) == before


def test_approve__an_item_of_a_stage_passed_may_still_be_approved(
        repo: Path, holp: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / PATH, AT_PROPOSAL.replace("stage: proposal", "stage: bidding"))
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "li.na@example.com")
    result = holp("approve", "P-2026-001", "proposal_reviewed", "--no-commit")
    assert result.exit_code == 0, result.output
    assert (repo / PATH).read_text(encoding="utf-8").endswith(
        "approvals:\n  - {item: proposal_reviewed, by: li.na, date: 2026-11-24, verdict: approved}\n")


def test_an_id_that_is_a_customer_and_a_project_is_one_problem_and_no_command_picks_one(
        git_repo: Path, holp: Callable[..., Result]) -> None:
    write(git_repo / "customers/east/P-2026-001.yaml",
          CUSTOMER.replace("id: C-0001", "id: P-2026-001").replace("name: 华东某钢铁集团", "name: 另一家客户"))
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        "customers/east/P-2026-001.yaml:2:5: error[duplicate-id]: customer id P-2026-001 is also the id of project "
        f"{PATH}: a command given that id could not tell them apart; give the customer its own id\n"
        "5 files checked: 1 error.\n")
    before = snapshot(git_repo)
    for args in (("task", "add", "P-2026-001", "提交方案", "--due", "2026-12-01"),
                 ("expense", "add", "P-2026-001", "--kind", "travel", "--amount", "100", "--note", "差旅")):
        result = holp(*args)
        assert result.exit_code == 1, args
        assert result.output == (
            f"holp: id P-2026-001 is both a project {PATH} and a customer customers/east/P-2026-001.yaml: give the "
            "customer its own id first\n")
    assert snapshot(git_repo) == before


@pytest.mark.parametrize(("args", "message"), [
    (("agenda", "--days", "100000000"),
     "Usage: main agenda [OPTIONS]\nTry 'main agenda --help' for help.\n\n"
     "Error: Invalid value for '--days': 100000000 is not in the range 0<=x<=3660.\n"),
    (("agenda", "--as-of", "9999-12-30"), "holp: --as-of 9999-12-30: after 2999-12-31, surely a typo\n"),
    (("report", "week", "--week", "9999-W52"), "holp: --week 9999-W52: after 2999-12-31, surely a typo\n"),
    (("report", "kpi", "--period", "year", "--as-of", "9999-12-31"),
     "holp: --as-of 9999-12-31: after 2999-12-31, surely a typo\n"),
])
def test_far_dates_on_the_command_line_are_a_usage_error_not_an_internal_error(
        git_repo: Path, holp: Callable[..., Result], args: tuple[str, ...], message: str) -> None:
    result = holp(*args)
    assert result.exit_code == 2
    assert result.output == message


def test_validate__a_mistyped_kpi_id_is_one_problem(repo: Path, holp: Callable[..., Result]) -> None:
    old = "{id: won, weight: 0.35}"
    write(repo / "holp.yaml", PROCESS.replace(old, "{id: wonn, weight: 0.35}"))
    line = PROCESS[:PROCESS.index(old)].count("\n") + 1
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        f"holp.yaml:{line}:10: error[bad-value]: kpis.0.id is 'wonn'; it must be one of: won, profit, growth, "
        "new_customers, visits, satisfaction, completeness\n"
        "4 files checked: 1 error.\n")


def test_validate__a_kpi_weight_of_zero_is_said_in_words(repo: Path, holp: Callable[..., Result]) -> None:
    old = "{id: won, weight: 0.35}"
    write(repo / "holp.yaml", PROCESS.replace(old, "{id: won, weight: 0}"))
    line = PROCESS[:PROCESS.index(old)].count("\n") + 1
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        f"holp.yaml:{line - 1}:1: error[kpi-weights]: kpis: the weights sum to 0.65, not 1\n"
        f"holp.yaml:{line}:23: error[bad-value]: kpis.0.weight is 0; it must be more than 0\n"
        "4 files checked: 2 errors.\n")


def test_validate__a_customer_in_an_unknown_region_is_one_problem_not_wrong_approvers(
        repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / "customers/east/C-0001.yaml", CUSTOMER.replace("region: east", "region: eastt"))
    write(repo / PATH, AT_PROPOSAL + (
        "approvals:\n"
        "  - {item: proposal_reviewed, by: li.na, date: 2026-11-21, verdict: approved}\n"
        "expenses:\n"
        "  - {date: 2026-11-20, kind: hospitality, amount: 12000, by: zhang.wei, approved_by: li.na, note: 晚宴}\n"))
    result = holp("validate")
    assert result.exit_code == 1
    assert result.output == (
        "customers/east/C-0001.yaml:5:9: error[unknown-region]: region 'eastt' does not exist (did you mean east?)\n"
        "4 files checked: 1 error.\n")



def test_validate__a_task_due_before_its_start_is_a_warning(repo: Path, holp: Callable[..., Result]) -> None:
    write(repo / PATH, PROJECT + "tasks:\n  - {what: 方案, who: zhang.wei, start: 2026-12-10, due: 2026-12-04}\n")
    line = PROJECT.count("\n") + 2
    result = holp("validate")
    assert result.exit_code == 0
    assert result.output == (
        f"{PATH}:{line}:56: warning[task-due-before-start]: task 1 is due 2026-12-04, before its start 2026-12-10: "
        "one of the two days is mistyped\n"
        "4 files checked: 1 warning.\n")
